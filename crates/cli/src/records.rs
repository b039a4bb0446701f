//! `banthuek init`, `user …`, `record …` and `audit …`: the encrypted store from the command
//! line. Passwords come from BANTHUEK_PASSWORD (the acting user) and BANTHUEK_NEW_PASSWORD (a
//! user being created, or a new password), else from a prompt.

use anyhow::{bail, Context as _, Result};
use banthuek_core::{ArrestRecord, Role, Status};
use banthuek_store::{KdfParams, LockoutPolicy, Session, Store, StoreOptions, VersionSource};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Create the encrypted store with its first administrator (password: BANTHUEK_NEW_PASSWORD)
    /// and print the recovery key once.
    Init {
        #[arg(long)]
        admin: String,
        /// The station's name, written into its signing CA.
        #[arg(long, default_value = "Banthuek station")]
        station: String,
        /// Wrong passwords before an account locks.
        #[arg(long, default_value_t = LockoutPolicy::default().max_failed_attempts)]
        max_failed_attempts: u32,
        /// How long a locked account stays locked.
        #[arg(long, default_value_t = LockoutPolicy::default().lockout_secs / 60)]
        lockout_minutes: i64,
    },
    /// Accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Arrest records.
    #[command(subcommand)]
    Record(RecordCommand),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Officer,
    Supervisor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Officer => Role::Officer,
            RoleArg::Supervisor => Role::Supervisor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add an account (administrators; its password: BANTHUEK_NEW_PASSWORD).
    Add {
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        rank: Option<String>,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (BANTHUEK_NEW_PASSWORD): your own, or anyone's as an administrator.
    Passwd { name: String },
    /// Reset an administrator's password with the recovery key (BANTHUEK_RECOVERY_KEY or a
    /// prompt) when no administrator can log in.
    Recover { name: String },
}

#[derive(clap::Subcommand)]
pub enum RecordCommand {
    /// Create a record (empty, or from an exchange-format JSON file; '-' reads stdin); prints its id.
    New {
        #[arg(long)]
        from_json: Option<PathBuf>,
    },
    /// Show a record's latest version (or --version N).
    Show {
        id: String,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// List records, newest change first.
    List {
        #[arg(long, value_parser = parse_status)]
        status: Option<Status>,
        #[arg(long)]
        json: bool,
    },
    /// Save a new version with fields changed: --set /json/pointer=VALUE (VALUE as typed into
    /// the app's field, read with its Thai conventions: 4/12/2569, 14.30, ๓๖; or JSON for an
    /// object, a list, true/false or null);
    /// or --arrestee N --from-card to fill arrestee N from the national ID card. The save rule
    /// is the app's: a value that does not fit its field is kept as typed and listed; an edit
    /// made from an older version (--based-on) takes in what changed since, and is refused when
    /// the same field changed meanwhile.
    Edit {
        id: String,
        #[arg(
            long = "set",
            value_name = "POINTER=VALUE",
            required_unless_present = "from_card"
        )]
        set: Vec<String>,
        #[arg(long, required_unless_present = "from_card")]
        reason: Option<String>,
        /// The version the edit was made from (default: the latest).
        #[arg(long, value_name = "VERSION", conflicts_with = "from_card")]
        based_on: Option<u32>,
        /// Read the national ID card into arrestee --arrestee (0 is the first; one past the last
        /// adds an arrestee).
        #[arg(long, requires = "arrestee", conflicts_with_all = ["set", "reason"])]
        from_card: bool,
        #[arg(long, conflicts_with_all = ["set", "reason"])]
        arrestee: Option<usize>,
        /// With --from-card: only this reader.
        #[arg(long, conflicts_with_all = ["set", "reason"])]
        reader: Option<String>,
        /// With --from-card: seconds to wait for the card.
        #[arg(long, conflicts_with_all = ["set", "reason"], default_value_t = 10)]
        wait: u64,
    },
    /// Every version and status change of a record.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Officer: sign the latest version and submit it for review (same as `sign`).
    Submit {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Supervisor: return to the officer.
    Return {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Officer: sign the latest version (PAdES, recorder's block) and submit it for review.
    Sign {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Supervisor: approve and countersign; the record becomes final and is queued for sync.
    Approve {
        id: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Write the record's PDF: countersigned when final, officer-signed when submitted, else an
    /// unsigned rendering of the latest version.
    Pdf {
        id: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Set the classification: the officer chooses on their draft; a supervisor may raise it,
    /// never lower it. LEVEL: unclassified|secret|top_secret (or ไม่จัดชั้น|ลับ|ลับมาก).
    Classify {
        id: String,
        #[arg(value_parser = parse_classification)]
        level: banthuek_core::Classification,
    },
    /// Print the exchange-format JSON of the latest version (or --version N), exactly as stored.
    Export {
        id: String,
        #[arg(long, required = true)]
        json: bool,
        #[arg(long)]
        version: Option<u32>,
    },
}

#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain (exit 0 when whole, 1 with the first bad entry) and every stored
    /// version's hash.
    Verify,
    /// Print the audit log, optionally only one record's entries.
    Log {
        #[arg(long)]
        record: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Who opened, changed, signed, exported or synced what and when (administrators; the
    /// acting administrator: --as or BANTHUEK_USER).
    Report {
        /// Only this user's acts.
        #[arg(long = "user")]
        user: Option<String>,
        #[arg(long)]
        record: Option<String>,
        /// The acting administrator.
        #[arg(long = "as")]
        acting: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

fn parse_classification(s: &str) -> Result<banthuek_core::Classification, String> {
    s.parse()
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

/// Store options: default Argon2id cost unless BANTHUEK_KDF ("M_KIB,T,P") overrides it, which
/// test harnesses use to keep key derivation cheap.
fn options(policy: LockoutPolicy) -> Result<StoreOptions> {
    let kdf = match std::env::var("BANTHUEK_KDF") {
        Ok(v) => KdfParams::parse(&v).with_context(|| {
            format!("BANTHUEK_KDF must be M_KIB,T,P with valid Argon2 values, got '{v}'")
        })?,
        Err(_) => KdfParams::default(),
    };
    Ok(StoreOptions { kdf, policy })
}

/// The one login of every command, `start` included: opens the station's store and unlocks it
/// as `user`. The store counts wrong passwords, locks the account, audits every attempt, and
/// answers an unknown name exactly as a wrong password.
pub(crate) fn login(ctx: &crate::Context, user: &str, password: &str) -> Result<Session> {
    let locked = Store::open_with(&ctx.home, options(LockoutPolicy::default())?)?;
    Ok(locked.unlock(user, password)?)
}

/// The acting user's session: [`login`] with the user and password given to this command.
pub(crate) fn session(ctx: &crate::Context) -> Result<Session> {
    let user = ctx.user()?;
    let password = ctx.password()?;
    login(ctx, user, &password)
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Init {
            admin,
            station,
            max_failed_attempts,
            lockout_minutes,
        } => {
            if max_failed_attempts == 0 || lockout_minutes < 0 {
                bail!(
                    "--max-failed-attempts must be at least 1 and --lockout-minutes not negative"
                );
            }
            let policy = LockoutPolicy {
                max_failed_attempts,
                lockout_secs: lockout_minutes * 60,
            };
            let password = ctx.new_password()?;
            let (mut session, recovery) =
                Store::init(&ctx.home, &admin, &password, options(policy)?)?;
            banthuek_station::create_station_ca(&mut session, &station)?;
            println!(
                "Store created in {} with administrator '{admin}'.",
                ctx.home.display()
            );
            println!(
                "สร้างฐานข้อมูลใน {} แล้ว ผู้ดูแลระบบ '{admin}'",
                ctx.home.display()
            );
            println!();
            println!("RECOVERY KEY — shown only this once; write it down and lock it away.");
            println!("กุญแจกู้คืน — แสดงครั้งเดียวเท่านั้น จดไว้และเก็บในที่ปลอดภัย:");
            println!("{}", recovery.0);
            Ok(ExitCode::SUCCESS)
        }
        Command::User(cmd) => user(ctx, cmd),
        Command::Record(cmd) => record(ctx, cmd),
        Command::Audit(cmd) => audit(ctx, cmd),
    }
}

fn user(ctx: &crate::Context, cmd: UserCommand) -> Result<ExitCode> {
    match cmd {
        UserCommand::Add {
            name,
            role,
            full_name,
            rank,
        } => {
            let mut s = session(ctx)?;
            let password = ctx.new_password()?;
            let display = [rank.as_deref(), full_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let display = if display.is_empty() {
                name.clone()
            } else {
                display
            };
            let secrets = banthuek_station::issue_signing_key(&s, role.into(), &display)?;
            let secrets: Vec<(&str, &[u8])> =
                secrets.iter().map(|(k, v)| (*k, v.as_slice())).collect();
            s.add_user_with_secrets(
                &name,
                role.into(),
                &password,
                full_name.as_deref(),
                rank.as_deref(),
                &secrets,
            )?;
            println!("{name}");
        }
        UserCommand::List { json } => {
            let users = session(ctx)?.list_users()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else {
                for u in users {
                    let who = [u.rank.as_deref(), u.full_name.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let lock = u
                        .locked_until
                        .map(|t| format!("  locked until {t} / ล็อกถึง {t}"))
                        .unwrap_or_default();
                    println!("{}\t{}\t{}{}", u.name, u.role, who, lock);
                }
            }
        }
        UserCommand::Passwd { name } => {
            let mut s = session(ctx)?;
            let password = ctx.new_password()?;
            s.change_password(&name, &password)?;
            println!("password changed for '{name}' / เปลี่ยนรหัสผ่านแล้ว");
        }
        UserCommand::Recover { name } => {
            let locked = Store::open_with(&ctx.home, options(LockoutPolicy::default())?)?;
            let key = match std::env::var("BANTHUEK_RECOVERY_KEY") {
                Ok(k) => k,
                Err(_) => rpassword::prompt_password("Recovery key / กุญแจกู้คืน: ")
                    .context("reading the recovery key (or set BANTHUEK_RECOVERY_KEY)")?,
            };
            let password = ctx.new_password()?;
            locked.recover(&key, &name, &password)?;
            println!("password reset for '{name}' / ตั้งรหัสผ่านใหม่แล้ว");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The bytes of a record file (or stdin for `-`), reading at most one byte past the limit so
/// that a huge file is refused without being loaded.
pub(crate) fn read_json_arg(path: &PathBuf) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let limit = banthuek_core::rules::MAX_RECORD_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut bytes))
            .with_context(|| format!("reading {}", path.display()))?;
    }
    Ok(bytes)
}

/// Refuses a record that breaks the input limits, naming every field at fault.
pub(crate) fn refuse_bad_input(record: &ArrestRecord) -> Result<()> {
    let problems = banthuek_core::check_input(record);
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    bail!(
        "the record is not accepted / ไม่รับบันทึกนี้:\n  {}",
        list.join("\n  ")
    )
}

/// The record as a person saw it in version `seen_from`, with the `--set` values written in:
/// what the app's page sends when the person saves.
fn seen_with_edits(seen_from: &ArrestRecord, sets: &[String]) -> Result<Value> {
    let mut seen = banthuek_dictation::as_seen(seen_from);
    for set in sets {
        let Some((pointer, value)) = set.split_once('=') else {
            bail!("--set needs POINTER=VALUE, got '{set}' / รูปแบบต้องเป็น POINTER=VALUE");
        };
        if matches!(pointer, "/schema" | "/record_id") || pointer.starts_with("/provenance") {
            bail!("{pointer} is maintained by the app and cannot be set / ช่อง {pointer} แก้ไขไม่ได้");
        }
        // What a person types, read as the app reads that field (11.40 is a time, 36 an age);
        // JSON only for what cannot be typed into one field (an object, a list, true, null).
        let parsed = match serde_json::from_str(value) {
            Ok(v @ (Value::Object(_) | Value::Array(_) | Value::Bool(_) | Value::Null)) => v,
            _ => Value::String(value.to_owned()),
        };
        banthuek_core::record::set_pointer(&mut seen, pointer, parsed)
            .with_context(|| format!("--set {pointer}"))?;
    }
    Ok(seen)
}

/// What the saved record still holds that signing will refuse, as the app marks its fields:
/// values kept as typed (with what the field expects) and input limits.
fn warn_unsignable(record: &ArrestRecord) {
    for (pointer, text) in banthuek_core::provenance::typed_but_invalid(record) {
        let (en, th) = banthuek_dictation::expected(banthuek_dictation::FieldKind::of(&pointer));
        eprintln!("{pointer}: kept as typed \"{text}\": {en} / เก็บตามที่พิมพ์ \"{text}\": {th}");
    }
    for problem in banthuek_core::check_input(record) {
        eprintln!("{problem}");
    }
}

fn record(ctx: &crate::Context, cmd: RecordCommand) -> Result<ExitCode> {
    match cmd {
        RecordCommand::New { from_json } => {
            let (record, source) = match &from_json {
                Some(path) => {
                    let bytes = read_json_arg(path)?;
                    let text = banthuek_core::rules::record_text(&bytes)
                        .map_err(anyhow::Error::msg)
                        .with_context(|| format!("reading {}", path.display()))?;
                    let rec = ArrestRecord::from_json_str(text).with_context(|| {
                        format!("{} does not fit the exchange format", path.display())
                    })?;
                    refuse_bad_input(&rec)?;
                    (rec, VersionSource::Imported)
                }
                None => (ArrestRecord::default(), VersionSource::Typed),
            };
            let mut s = session(ctx)?;
            let reason = if from_json.is_some() {
                "imported"
            } else {
                "created"
            };
            println!("{}", s.create_record(record, source, reason)?);
        }
        RecordCommand::Show { id, version, json } => {
            let s = session(ctx)?;
            let rec = match version {
                Some(v) => s.record_version(&id, v)?,
                // Opening by a person: checked and audited.
                None => s.open_record(&id)?,
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&rec)?);
            } else {
                println!(
                    "record {} · {} · version {}",
                    rec.id, rec.status, rec.version
                );
                println!(
                    "saved {} by {} ({}): {}",
                    rec.saved_at, rec.author, rec.source, rec.reason
                );
                println!("{}", serde_json::to_string_pretty(&rec.record)?);
            }
        }
        RecordCommand::List { status, json } => {
            let list = session(ctx)?.list_records(status)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for r in list {
                    println!(
                        "{}\t{}\tv{}\t{}\t{}",
                        r.id, r.status, r.version, r.updated_at, r.created_by
                    );
                }
            }
        }
        RecordCommand::Edit {
            id,
            from_card: true,
            arrestee,
            reader,
            wait,
            ..
        } => {
            return crate::idcard::fill_record(ctx, &id, arrestee.unwrap_or(0), reader, wait);
        }
        RecordCommand::Edit {
            id,
            set,
            reason,
            based_on,
            ..
        } => {
            let reason = reason.context("--reason is required / ต้องระบุเหตุผล")?;
            let mut s = session(ctx)?;
            let current = s.record(&id)?;
            let based_on = based_on.unwrap_or(current.version);
            let seen_from = if based_on == current.version {
                current.record
            } else {
                s.record_version(&id, based_on)?.record
            };
            let seen = seen_with_edits(&seen_from, &set)?;
            let today = chrono::Local::now().date_naive();
            match banthuek_dictation::save_edit(&mut s, &id, &seen, based_on, &reason, today)? {
                Some(v) => println!("{id} version {v}"),
                None => println!("{id}: nothing changed / ไม่มีการเปลี่ยนแปลง"),
            }
            warn_unsignable(&s.record(&id)?.record);
        }
        RecordCommand::History { id, json } => {
            let h = session(ctx)?.history(&id)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&h)?);
            } else {
                for v in &h.versions {
                    println!(
                        "{}  version {} by {} ({}): {}  sha256 {}",
                        v.saved_at, v.version, v.author, v.source, v.reason, v.sha256
                    );
                }
                for e in &h.events {
                    let from = e.from.map(|f| f.to_string()).unwrap_or_else(|| "-".into());
                    let comment = e
                        .comment
                        .as_deref()
                        .map(|c| format!(": {c}"))
                        .unwrap_or_default();
                    println!(
                        "{}  {} {} → {} (version {}) by {}{}",
                        e.at, e.action, from, e.to, e.version, e.actor, comment
                    );
                }
            }
        }
        RecordCommand::Submit { id, comment } | RecordCommand::Sign { id, comment } => {
            let st =
                banthuek_station::sign_and_submit(&mut session(ctx)?, &id, comment.as_deref())?;
            println!("{id} {st}");
        }
        RecordCommand::Return { id, comment } => {
            let st = session(ctx)?.return_record(&id, comment.as_deref())?;
            println!("{id} {st}");
        }
        RecordCommand::Approve { id, comment } => {
            let st = banthuek_station::approve_and_countersign(
                &mut session(ctx)?,
                &id,
                comment.as_deref(),
            )?;
            println!("{id} {st}");
        }
        RecordCommand::Pdf { id, output } => {
            let mut s = session(ctx)?;
            s.authorize_export(&id, "pdf")?;
            let pdf = banthuek_station::current_pdf(&s, &id)?;
            std::fs::write(&output, pdf)
                .with_context(|| format!("writing {} / เขียนไฟล์ไม่ได้", output.display()))?;
            eprintln!("{} written / เขียนแล้ว", output.display());
        }
        RecordCommand::Classify { id, level } => {
            return crate::governance::classify(ctx, &id, level);
        }
        RecordCommand::Export {
            id,
            json: _,
            version,
        } => {
            let mut s = session(ctx)?;
            s.authorize_export(&id, "json")?;
            let v = match version {
                Some(v) => v,
                None => s.record(&id)?.version,
            };
            println!("{}", s.record_json(&id, v)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn audit(ctx: &crate::Context, cmd: AuditCommand) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Report {
            user,
            record,
            acting,
            json,
        } => crate::governance::audit_report(ctx, acting, user, record, json),
        AuditCommand::Verify => {
            let s = session(ctx)?;
            let report = s.audit_verify()?;
            let faults = s.verify_versions()?;
            let mut whole = true;
            match report.first_bad {
                None => println!(
                    "audit chain whole: {} entries / ห่วงโซ่บันทึกตรวจสอบครบถ้วน {} รายการ",
                    report.entries, report.entries
                ),
                Some(bad) => {
                    whole = false;
                    println!(
                        "audit chain broken at entry {}: {} / ห่วงโซ่บันทึกตรวจสอบเสียที่รายการ {}",
                        bad.seq, bad.reason, bad.seq
                    );
                }
            }
            for f in &faults {
                whole = false;
                println!("stored version fault / ฉบับบันทึกผิดปกติ: {f}");
            }
            // The central system's receipts sign the chain's head as it was when each record
            // was sent: entries deleted from the end since then are found here.
            use banthuek_sync::station::AnchorCheck;
            match banthuek_sync::station::check_audit_anchor(&s)? {
                AnchorCheck::NoAnchor => println!(
                    "no synced receipt anchors the audit chain yet / ยังไม่มีใบตอบรับจากระบบกลางที่ยืนยันห่วงโซ่"
                ),
                AnchorCheck::Holds(a) => println!(
                    "audit chain matches the central receipt's anchor at entry {} / ห่วงโซ่ตรงกับที่ระบบกลางรับรองไว้ที่รายการ {}",
                    a.sequence, a.sequence
                ),
                AnchorCheck::Truncated { anchor, head } => {
                    whole = false;
                    println!(
                        "audit entries deleted: the central receipt anchors entry {} but the chain ends at {head} / รายการบันทึกการตรวจสอบถูกลบ: ระบบกลางรับรองถึงรายการ {} แต่ห่วงโซ่สิ้นสุดที่ {head}",
                        anchor.sequence, anchor.sequence
                    );
                }
                AnchorCheck::Rewritten(a) => {
                    whole = false;
                    println!(
                        "audit entry {} differs from the one the central receipt anchors / รายการ {} ไม่ตรงกับที่ระบบกลางรับรองไว้",
                        a.sequence, a.sequence
                    );
                }
            }
            Ok(if whole {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        AuditCommand::Log { record, json } => {
            let s = session(ctx)?;
            let entries = s.audit_entries(record.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in entries {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        e.seq,
                        e.at,
                        e.actor,
                        e.action,
                        e.record_id.as_deref().unwrap_or("-"),
                        e.detail
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `banthuek bench store`: runs in a fresh temporary store with the default Argon2id cost (or
/// BANTHUEK_KDF), so the unlock figure is what an officer waits.
pub fn bench(records: usize, saves: usize, unlocks: usize, json: bool) -> Result<ExitCode> {
    let home = std::env::temp_dir().join(format!("banthuek-bench-store-{}", std::process::id()));
    if home.exists() {
        bail!("{} already exists", home.display());
    }
    let kdf = options(LockoutPolicy::default())?.kdf;
    let result = banthuek_store::bench::bench_store(&home, records.max(1), saves, unlocks, kdf);
    let _ = std::fs::remove_dir_all(&home);
    let r = result?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "store: save a version p50 {:.2} ms (p90 {:.2} ms, {} saves) · list {} records p50 {:.1} ms · unlock median {:.0} ms ({} unlocks, Argon2id m={} KiB t={} p={}) · refused login median: wrong password {:.0} ms, unknown name {:.0} ms · file {:.1} MB",
            r.save_version_p50_ms,
            r.save_version_p90_ms,
            r.saves,
            r.records_listed,
            r.list_p50_ms,
            r.unlock_p50_ms,
            r.unlocks,
            r.kdf.m_kib,
            r.kdf.t,
            r.kdf.p,
            r.wrong_password_p50_ms,
            r.unknown_name_p50_ms,
            r.db_bytes as f64 / 1e6
        );
    }
    Ok(ExitCode::SUCCESS)
}
