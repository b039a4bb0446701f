//! `banthuek sync [--once] [--json]`, `banthuek sync enrol …`, `banthuek sync status`.

use anyhow::{Context as _, Result};
use banthuek_sync::station::{load_enrolment, renew_enrolment_if_due, save_enrolment};
use banthuek_sync::{DrainReport, Sender, SyncConfig, SyncEvent};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Send final records to the central system / ส่งบันทึกที่ลงนามแล้วไปยังระบบกลาง
    Sync(SyncArgs),
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// Send what is queued now and exit (default: keep running and send as records arrive).
    #[arg(long)]
    once: bool,
    /// Print results as JSON.
    #[arg(long)]
    json: bool,
    /// Seconds between looks at the queue when running continuously.
    #[arg(long, default_value_t = 30)]
    poll_secs: u64,
}

#[derive(clap::Subcommand)]
enum Action {
    /// Enrol this laptop with the central system (station administrator).
    Enrol {
        /// The central system, e.g. https://central.example:8443
        #[arg(long)]
        url: String,
        /// The one-time code from the central system's administrator.
        #[arg(long)]
        code: String,
        /// SHA-256 of the central system's certificate (from its administrator). Without it the
        /// certificate seen now is pinned and printed for comparison.
        #[arg(long)]
        pin: Option<String>,
        /// The station CA certificate (PEM) that issued the officers' signing certificates.
        #[arg(long)]
        station_ca: PathBuf,
        /// A label for this laptop (asset tag), no personal data.
        #[arg(long, default_value = "banthuek-station")]
        device_name: String,
    },
    /// Show the enrolment and every queued, rejected and synced record version.
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    let Command::Sync(args) = cmd;
    match args.action {
        Some(Action::Enrol {
            url,
            code,
            pin,
            station_ca,
            device_name,
        }) => enrol(ctx, &url, &code, pin.as_deref(), &station_ca, &device_name),
        Some(Action::Status { json }) => status(ctx, json),
        None => sync(
            ctx,
            args.once,
            args.json,
            Duration::from_secs(args.poll_secs),
        ),
    }
}

fn session(ctx: &crate::Context) -> Result<banthuek_store::Session> {
    crate::records::session(ctx)
}

fn enrol(
    ctx: &crate::Context,
    url: &str,
    code: &str,
    pin: Option<&str>,
    station_ca: &std::path::Path,
    device_name: &str,
) -> Result<ExitCode> {
    let ca_pem = std::fs::read_to_string(station_ca)
        .with_context(|| format!("reading the station CA {}", station_ca.display()))?;
    let mut session = session(ctx)?;
    let enrolment =
        banthuek_sync::enrol(url, code, device_name, &ca_pem, pin, &SyncConfig::default())?;
    save_enrolment(&mut session, &enrolment)?;
    println!("enrolled / ลงทะเบียนแล้ว: device {}", enrolment.device_id);
    println!(
        "central certificate sha256 / ลายนิ้วมือใบรับรองระบบกลาง: {}{}",
        enrolment.pin_sha256,
        if pin.is_none() {
            " (compare with the central administrator's / โปรดเทียบกับที่ผู้ดูแลระบบกลางแจ้ง)"
        } else {
            ""
        }
    );
    println!(
        "credential valid until / ใช้ได้ถึง: {}",
        enrolment.credential_expires_at
    );
    Ok(ExitCode::SUCCESS)
}

fn print_event(event: &SyncEvent) {
    match event {
        SyncEvent::Synced { key, replay, .. } => {
            println!(
                "synced / ส่งแล้ว: {key}{}",
                if *replay { " (already received)" } else { "" }
            )
        }
        SyncEvent::Rejected { key, reason } => println!("REJECTED / ถูกปฏิเสธ: {key}: {reason}"),
        SyncEvent::Retrying {
            key, error, wait, ..
        } => {
            eprintln!(
                "retrying {key} in {:.1} s / จะลองใหม่: {error}",
                wait.as_secs_f64()
            )
        }
        SyncEvent::Reauthenticated => eprintln!("session renewed / เข้าสู่ระบบกลางใหม่"),
    }
}

fn sync(ctx: &crate::Context, once: bool, json: bool, poll: Duration) -> Result<ExitCode> {
    let mut session = session(ctx)?;
    let config = SyncConfig {
        // A one-shot run reports an unreachable receiver instead of waiting for it forever.
        max_attempts: once.then_some(8),
        backoff_cap: if once {
            Duration::from_secs(30)
        } else {
            SyncConfig::default().backoff_cap
        },
        ..SyncConfig::default()
    };
    // A credential near its expiry is renewed first, without a new enrolment code. A failed
    // renewal does not stop the run: the old credential still works until it expires, and an
    // unreachable or refusing receiver is reported by the sending itself.
    match renew_enrolment_if_due(&mut session, &config, chrono::Utc::now()) {
        Ok(Some(until)) => {
            eprintln!("device credential renewed until {until} / ต่ออายุใบรับรองของเครื่องถึง {until}")
        }
        Ok(None) => {}
        Err(e) => eprintln!("credential not renewed / ต่ออายุใบรับรองไม่สำเร็จ: {e}"),
    }
    let enrolment = load_enrolment(&session)?;
    let mut sender = Sender::new(&enrolment, config)?;
    let mut on_event = |e: &SyncEvent| {
        if !json {
            print_event(e)
        }
    };
    if !once {
        sender.run(&mut session, poll, &mut on_event)?;
        return Ok(ExitCode::SUCCESS);
    }
    let result = sender.drain(&mut session, &mut on_event);
    let remaining = session
        .outbox_rows()?
        .iter()
        .filter(|r| r.status.is_waiting())
        .count();
    match result {
        Ok(report) => {
            print_report(&report, remaining, None, json)?;
            Ok(if report.rejected.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(e) if json => {
            print_report(
                &DrainReport::default(),
                remaining,
                Some(&e.to_string()),
                json,
            )?;
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(
    report: &DrainReport,
    remaining: usize,
    error: Option<&str>,
    json: bool,
) -> Result<()> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "synced": report.synced,
                "rejected": report.rejected,
                "retries": report.retries,
                "remaining": remaining,
                "error": error,
            }))?
        );
    } else {
        println!(
            "{} synced, {} rejected, {} still queued / ส่งแล้ว {} ถูกปฏิเสธ {} ยังรอส่ง {}",
            report.synced,
            report.rejected.len(),
            remaining,
            report.synced,
            report.rejected.len(),
            remaining
        );
    }
    Ok(())
}

fn status(ctx: &crate::Context, json: bool) -> Result<ExitCode> {
    let session = session(ctx)?;
    let enrolment = load_enrolment(&session).ok();
    let rows = session.outbox_rows()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "enrolled": enrolment.as_ref().map(|e| serde_json::json!({
                    "url": e.url, "device_id": e.device_id, "pin_sha256": e.pin_sha256,
                    "credential_expires_at": e.credential_expires_at,
                })),
                "outbox": rows,
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    match &enrolment {
        Some(e) => println!(
            "central / ระบบกลาง: {} (device {}, credential until {})",
            e.url, e.device_id, e.credential_expires_at
        ),
        None => println!("not enrolled / ยังไม่ได้ลงทะเบียน"),
    }
    for row in rows {
        println!(
            "{:8} {} attempts={}{}",
            row.status,
            row.idempotency_key,
            row.attempts,
            row.last_error
                .filter(|_| row.status == banthuek_store::OutboxStatus::Rejected)
                .map(|r| format!(" reason: {r}"))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `banthuek bench sync`: see [`banthuek_sync::bench`].
pub fn bench(records: usize, json: bool) -> Result<ExitCode> {
    let central = banthuek_sync::bench::central_binary()?;
    let report = banthuek_sync::bench::bench_sync(&central, records)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "sync: {} records drained in {:.2} s = {:.1} records/s (target ≥ 50) · sender RSS {:.1} MB at start, peak {:.1} MB while draining, growth {:.1} MB (flat)",
            report.records,
            report.drain_secs,
            report.records_per_sec,
            report.rss_start_mb,
            report.rss_peak_mb,
            report.rss_peak_mb - report.rss_start_mb
        );
    }
    Ok(ExitCode::SUCCESS)
}
