//! `banthuek-central serve --listen 127.0.0.1:PORT --data DIR [--database postgres://…]`, plus
//! the administrator's `enrol-code`, `fingerprint`, `revoke` and `stats`.

use anyhow::{bail, Context as _, Result};
use banthuek_central::identity::{Identity, DATABASE_FILE};
use banthuek_central::pg_store::PgStore;
use banthuek_central::server::{self, Chaos, Config};
use banthuek_central::storage::{self, CentralStore, SqliteStore};
use clap::{Parser, Subcommand};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Fault injection is refused unless this is set, so a production start line cannot enable it.
const CHAOS_ENV: &str = "BANTHUEK_CENTRAL_TEST_FAULTS";

#[derive(Parser)]
#[command(
    name = "banthuek-central",
    version,
    about = "Reference central receiver for Banthuek stations / ระบบกลางรับบันทึกการจับกุม"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The database key file (64 hex digits; created if missing). Default: DATA/central-db.key.
    /// Keep it apart from backups of the database.
    #[arg(long, global = true, env = "BANTHUEK_CENTRAL_DB_KEY_FILE")]
    db_key_file: Option<PathBuf>,
    /// Keep devices and records in this PostgreSQL database (`postgres://user@host:port/db`)
    /// instead of SQLite in DATA; receivers sharing one database and one DATA identity serve
    /// one deployment. DATA still holds the TLS certificate and the receipt key.
    #[arg(long, global = true, env = "BANTHUEK_CENTRAL_DATABASE")]
    database: Option<String>,
    /// Connections each receiver keeps to PostgreSQL.
    #[arg(long, global = true, default_value_t = 8)]
    database_pool: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API over HTTPS.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        #[arg(long)]
        data: PathBuf,
        /// Extra names for a newly created TLS certificate.
        #[arg(long)]
        hostname: Vec<String>,
        #[arg(long, default_value_t = 900)]
        session_ttl_secs: u64,
        #[arg(long, default_value_t = 64)]
        max_upload_mb: usize,
        /// Test tooling (needs BANTHUEK_CENTRAL_TEST_FAULTS=1): answer 5xx to this share of requests.
        #[arg(long, default_value_t = 0.0, hide = true)]
        chaos_5xx: f64,
        /// Test tooling: delay this share of answers by --chaos-delay-ms.
        #[arg(long, default_value_t = 0.0, hide = true)]
        chaos_delay: f64,
        #[arg(long, default_value_t = 2000, hide = true)]
        chaos_delay_ms: u64,
        /// Test tooling: drop this share of connections mid-body.
        #[arg(long, default_value_t = 0.0, hide = true)]
        chaos_drop: f64,
        /// Test tooling: injected failures are 503 with this Retry-After.
        #[arg(long, hide = true)]
        chaos_retry_after: Option<u64>,
    },
    /// Create a one-time enrolment code for a station laptop.
    EnrolCode {
        #[arg(long)]
        data: PathBuf,
        /// How long the code may be used.
        #[arg(long, default_value_t = 24)]
        valid_hours: i64,
        /// Lifetime of the credential the device receives.
        #[arg(long, default_value_t = 365 * 24 * 3600)]
        credential_ttl_secs: i64,
        #[arg(long)]
        json: bool,
    },
    /// Print the TLS certificate's SHA-256, for the administrator to give stations.
    Fingerprint {
        #[arg(long)]
        data: PathBuf,
    },
    /// Refuse a device from now on (lost or stolen laptop); its open sessions end within the session lifetime.
    Revoke {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        device: String,
    },
    /// Benchmark: simulated stations drain their records through 1, 2, 4… receivers on a
    /// throwaway PostgreSQL cluster; prints records/s, upload p50/p95, receiver RSS and CPU split.
    Bench {
        /// Receiver counts to compare, e.g. 1,2,4.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        receivers: Vec<usize>,
        /// Also one receiver on SQLite (the default storage), first, for comparison.
        #[arg(long)]
        sqlite: bool,
        #[arg(long, default_value_t = 10)]
        stations: usize,
        /// Final records per station.
        #[arg(long, default_value_t = 10)]
        records: usize,
        #[arg(long)]
        json: bool,
    },
    /// Counts of devices and accepted records.
    Stats {
        #[arg(long)]
        data: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BANTHUEK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let storage = StorageChoice {
        key_file: cli.db_key_file,
        database: cli.database,
        pool: cli.database_pool,
    };
    match run(cli.command, &storage) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

/// Where devices and records are kept: PostgreSQL when `--database` is given, else SQLite in DATA.
struct StorageChoice {
    key_file: Option<PathBuf>,
    database: Option<String>,
    pool: u32,
}

/// The PostgreSQL database if one was named, else the encrypted SQLite database in `data` (a
/// directory only its owner may read).
fn open_store(data: &std::path::Path, choice: &StorageChoice) -> Result<Arc<dyn CentralStore>> {
    storage::private_dir(data)?;
    if let Some(url) = &choice.database {
        // The URL may carry a password: it is not repeated in messages.
        let store = PgStore::open(url, choice.pool, Duration::from_secs(30))
            .context("opening the PostgreSQL database / เปิดฐานข้อมูล PostgreSQL ไม่ได้")?;
        return Ok(Arc::new(store));
    }
    let key_file = choice
        .key_file
        .clone()
        .unwrap_or_else(|| data.join(storage::KEY_FILE));
    let key = storage::load_or_create_key(&key_file)?;
    let store = SqliteStore::open(&data.join(DATABASE_FILE), &key)
        .context("opening the central database")?;
    Ok(Arc::new(store))
}

fn run(command: Command, storage: &StorageChoice) -> Result<()> {
    match command {
        Command::Serve {
            listen,
            data,
            hostname,
            session_ttl_secs,
            max_upload_mb,
            chaos_5xx,
            chaos_delay,
            chaos_delay_ms,
            chaos_drop,
            chaos_retry_after,
        } => {
            let chaos = Chaos {
                fail_5xx: chaos_5xx,
                delay: chaos_delay,
                delay_by: Duration::from_millis(chaos_delay_ms),
                drop: chaos_drop,
                retry_after_secs: chaos_retry_after,
            };
            let faults = chaos_5xx > 0.0 || chaos_delay > 0.0 || chaos_drop > 0.0;
            if faults && std::env::var(CHAOS_ENV).as_deref() != Ok("1") {
                bail!("--chaos-* options are test tooling; set {CHAOS_ENV}=1 to use them");
            }
            let store = open_store(&data, storage)?;
            let identity = Identity::load_or_create(&data, &hostname)?;
            let config = Config {
                session_ttl: Duration::from_secs(session_ttl_secs),
                max_upload_bytes: max_upload_mb * 1024 * 1024,
                chaos,
                ..Config::default()
            };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("listening on {listen}"))?;
                let addr = listener.local_addr()?;
                // Tests and operators read these two lines.
                let mut out = std::io::stdout().lock();
                writeln!(out, "listening on https://{addr}")?;
                writeln!(out, "certificate sha256 {}", identity.fingerprint)?;
                out.flush()?;
                drop(out);
                server::serve(listener, store, identity, config).await
            })
        }
        Command::EnrolCode {
            data,
            valid_hours,
            credential_ttl_secs,
            json,
        } => {
            let store = open_store(&data, storage)?;
            let identity = Identity::load_or_create(&data, &[])?;
            let (code, hash) = server::new_enrolment_code();
            let expires_at = chrono::Utc::now() + chrono::Duration::hours(valid_hours);
            store.add_enrolment_code(&hash, expires_at, credential_ttl_secs)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"code": code, "expires_at": expires_at, "fingerprint": identity.fingerprint})
                );
            } else {
                println!("enrolment code / รหัสลงทะเบียน: {code}");
                println!("valid until / ใช้ได้ถึง: {expires_at}");
                println!(
                    "certificate sha256 / ลายนิ้วมือใบรับรอง: {}",
                    identity.fingerprint
                );
            }
            Ok(())
        }
        Command::Fingerprint { data } => {
            println!("{}", Identity::load_or_create(&data, &[])?.fingerprint);
            Ok(())
        }
        Command::Revoke { data, device } => {
            if !open_store(&data, storage)?.revoke_device(&device)? {
                bail!("no device {device} / ไม่พบเครื่อง {device}");
            }
            println!("revoked / ยกเลิกแล้ว: {device}");
            Ok(())
        }
        Command::Bench {
            receivers,
            sqlite,
            stations,
            records,
            json,
        } => {
            let binary = std::env::current_exe()?;
            let rows = banthuek_central::bench::bench_scale(
                &binary, &receivers, sqlite, stations, records,
            )?;
            if json {
                println!("{}", serde_json::to_string(&rows)?);
            } else {
                print!("{}", banthuek_central::bench::table(&rows));
            }
            Ok(())
        }
        Command::Stats { data } => {
            println!(
                "{}",
                serde_json::to_string(&open_store(&data, storage)?.stats()?)?
            );
            Ok(())
        }
    }
}
