//! Data governance from the command line: `purge`, `stats export`, `policy show|set`, and the
//! helpers behind `record classify` and `audit report` (whose variants live in records.rs).

use anyhow::{bail, Context as _, Result};
use banthuek_core::Classification;
use banthuek_governance::Granularity;
use banthuek_store::{AccessReport, PurgeReport};
use chrono::{DateTime, NaiveDate, Utc};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Apply the retention policy (administrators): purge audio, drafts and, later, the rest of
    /// records the central system has acknowledged. Irreversible; --dry-run shows what would go.
    Purge {
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
        /// Evaluate the policy as of this time (RFC 3339 or YYYY-MM-DD) instead of now.
        #[arg(long, value_name = "TIME")]
        as_of: Option<String>,
    },
    /// Pseudonymised statistics (supervisors and administrators).
    #[command(subcommand)]
    Stats(StatsCommand),
    /// The station's retention and transfer policy.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(clap::Subcommand)]
pub enum StatsCommand {
    /// Counts by date, station, charge category, seized-item type and quantity, age band and
    /// nationality, with no personal data; cells under 5 are suppressed.
    Export {
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: NaiveDate,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: NaiveDate,
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// JSON (the default).
        #[arg(long)]
        json: bool,
        /// Group dates by day (default), month, or the whole period.
        #[arg(long, value_enum, default_value_t = By::Day)]
        by: By,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum By {
    Day,
    Month,
    Period,
}

#[derive(clap::Subcommand)]
pub enum PolicyCommand {
    /// Show the policy.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Set one value (administrators): retention.drafts_days N|keep, retention.signed_days
    /// N|keep, sync.audio on|off.
    Set { key: String, value: String },
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Purge {
            dry_run,
            json,
            as_of,
        } => {
            let now = match as_of.as_deref() {
                None => Utc::now(),
                Some(t) => parse_time(t)?,
            };
            let report = crate::records::session(ctx)?.purge(now, dry_run)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_purge(&report);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats(StatsCommand::Export {
            from,
            to,
            csv,
            json: _,
            by,
            output,
        }) => {
            let granularity = match by {
                By::Day => Granularity::Day,
                By::Month => Granularity::Month,
                By::Period => Granularity::Period,
            };
            let mut s = crate::records::session(ctx)?;
            let stats = banthuek_governance::export(&mut s, from, to, granularity)?;
            let text = if csv {
                stats.to_csv()
            } else {
                format!("{}\n", serde_json::to_string_pretty(&stats)?)
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("writing {} / เขียนไฟล์ไม่ได้", path.display()))?;
                    eprintln!("{} written / เขียนแล้ว", path.display());
                }
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy(PolicyCommand::Show { json }) => {
            let p = crate::records::session(ctx)?.retention_policy()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                let days = |d: Option<u32>| match d {
                    Some(d) => format!("{d} days after acknowledgement / {d} วันหลังระบบกลางรับ"),
                    None => "keep / เก็บไว้".to_owned(),
                };
                println!(
                    "{}\t{}",
                    banthuek_store::retention::DRAFTS_DAYS,
                    days(p.drafts_days)
                );
                println!(
                    "{}\t{}",
                    banthuek_store::retention::SIGNED_DAYS,
                    days(p.signed_days)
                );
                println!(
                    "{}\t{}",
                    banthuek_store::retention::SYNC_AUDIO,
                    if p.sync_audio { "on" } else { "off" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy(PolicyCommand::Set { key, value }) => {
            crate::records::session(ctx)?.set_policy(&key, &value)?;
            println!("{key} = {value}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_time(t: &str) -> Result<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()),
        Err(_) => bail!("--as-of must be RFC 3339 or YYYY-MM-DD, got '{t}' / รูปแบบเวลาไม่ถูกต้อง"),
    }
}

fn print_purge(r: &PurgeReport) {
    let verb = if r.dry_run {
        "would purge / จะลบ"
    } else {
        "purged / ลบแล้ว"
    };
    if r.items.is_empty() {
        println!("nothing to purge under the policy / ไม่มีข้อมูลที่ต้องลบตามนโยบาย");
    }
    for i in &r.items {
        let stage = match i.stage {
            banthuek_store::PurgeStage::Drafts => "audio and drafts / เสียงและฉบับร่าง",
            banthuek_store::PurgeStage::Record => "whole record / ทั้งบันทึก",
        };
        println!(
            "{verb}\t{}\t{stage}\tversions {} · audio {} · PDFs {} · {} bytes\tacknowledged {}",
            i.record_id, i.versions, i.audio, i.artifacts, i.bytes, i.acknowledged_at
        );
    }
    if let Some(after) = r.file_bytes_after {
        println!(
            "database {} → {} bytes; audit chain {} / ห่วงโซ่บันทึกตรวจสอบ{}",
            r.file_bytes_before,
            after,
            if r.audit_chain_whole {
                "whole"
            } else {
                "BROKEN"
            },
            if r.audit_chain_whole {
                "ครบถ้วน"
            } else {
                "เสียหาย"
            }
        );
    }
}

/// `record classify ID LEVEL`.
pub fn classify(ctx: &crate::Context, id: &str, level: Classification) -> Result<ExitCode> {
    let mut s = crate::records::session(ctx)?;
    s.set_classification(id, level)?;
    let c = s.classification(id)?;
    println!("{id} {} ({})", c.level, c.printed);
    Ok(ExitCode::SUCCESS)
}

/// `audit report [--user U] [--record ID]`. `--user` there names whose acts to show; the acting
/// administrator is `--as` or BANTHUEK_USER.
pub fn audit_report(
    ctx: &crate::Context,
    acting: Option<String>,
    user: Option<String>,
    record: Option<String>,
    json: bool,
) -> Result<ExitCode> {
    // With a filter, clap hands the filter's value to the global --user too, so the acting
    // administrator must come from --as or the environment.
    let acting = acting
        .or_else(|| std::env::var("BANTHUEK_USER").ok())
        .or_else(|| ctx.user.clone().filter(|_| user.is_none()))
        .context("audit report needs the acting administrator: --as NAME or BANTHUEK_USER / ต้องระบุผู้ดูแลระบบ")?;
    let ctx = crate::Context {
        home: ctx.home.clone(),
        user: Some(acting),
    };
    let report =
        crate::records::session(&ctx)?.access_report(user.as_deref(), record.as_deref())?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    Ok(if report.chain.is_whole() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(r: &AccessReport) {
    match &r.chain.first_bad {
        None => println!(
            "audit chain whole ({} entries) / ห่วงโซ่บันทึกตรวจสอบครบถ้วน",
            r.chain.entries
        ),
        Some(bad) => println!(
            "audit chain BROKEN at entry {}: {} — entries from there on cannot be trusted / ห่วงโซ่เสียหาย",
            bad.seq, bad.reason
        ),
    }
    for e in &r.events {
        println!(
            "{}\t{}\t{}\t{} / {}\t{}\t{}\t{}",
            e.seq,
            e.at,
            e.user,
            e.kind.as_str(),
            e.kind.label_th(),
            e.action,
            e.record_id.as_deref().unwrap_or("-"),
            e.detail
        );
    }
}
