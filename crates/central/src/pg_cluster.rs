//! A throwaway PostgreSQL cluster, for the tests and `banthuek-central bench` (never for a real
//! deployment): `initdb` in a directory of its own, the server on 127.0.0.1 with a free port,
//! stopped when dropped. Nothing outlives its owner.
//!
//! PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the
//! `postgres` user (`runuser -u postgres --`) in a directory handed to that user. The binaries
//! are Debian's (`/usr/lib/postgresql/VERSION/bin`, the newest installed) unless
//! `BANTHUEK_PG_BIN` names their directory.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct PgCluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres_user: bool,
    pub port: u16,
    /// `postgres://banthuek@127.0.0.1:PORT/central`
    pub url: String,
}

fn bin_dir() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("BANTHUEK_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")?
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.pop().map(|v| v.1).ok_or_else(|| {
        io::Error::other("PostgreSQL is not installed (/usr/lib/postgresql; scripts/setup-deps.sh)")
    })
}

fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

impl PgCluster {
    /// A new cluster in a fresh temporary directory, started, with an empty database `central`
    /// owned by the superuser `banthuek`. `settings` are extra `-c name=value` server settings.
    pub fn start(settings: &[&str]) -> io::Result<PgCluster> {
        let dir = std::env::temp_dir().join(format!(
            "banthuek-pg-{}-{}",
            std::process::id(),
            hex::encode(rand::random::<[u8; 6]>())
        ));
        std::fs::create_dir_all(&dir)?;
        let as_postgres_user = is_root();
        let port = free_port()?;
        let cluster = PgCluster {
            url: format!("postgres://banthuek@127.0.0.1:{port}/central"),
            dir,
            bin: bin_dir()?,
            as_postgres_user,
            port,
        };
        if as_postgres_user {
            let out = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir)
                .output()?;
            check("chown", &out)?;
        }
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "banthuek",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        let mut options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c max_connections=200",
            cluster.dir.display()
        );
        for setting in settings {
            options.push_str(" -c ");
            options.push_str(setting);
        }
        std::fs::write(cluster.dir.join("options"), &options)?;
        cluster.pg_ctl_start()?;
        let port = port.to_string();
        cluster.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &port, "-U", "banthuek", "central"],
        )?;
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.join("data").to_string_lossy().into_owned()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut c = if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        c.current_dir(&self.dir);
        c
    }

    fn run(&self, program: &str, args: &[&str]) -> io::Result<()> {
        let out = self.command(program).args(args).output()?;
        check(program, &out)
    }

    fn pg_ctl_start(&self) -> io::Result<()> {
        let options = std::fs::read_to_string(self.dir.join("options"))?;
        let log = self.dir.join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    /// Stops the server as a crash would (`-m immediate`: no checkpoint; the next start recovers
    /// from the WAL) and starts it again on the same port.
    pub fn restart(&self) -> io::Result<()> {
        self.stop("immediate");
        self.pg_ctl_start()
    }

    fn stop(&self, mode: &str) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", mode, "-w", "stop"])
            .output();
    }

    /// The server's process ids: the postmaster and every backend and helper it started.
    pub fn pids(&self) -> Vec<u32> {
        let Ok(text) = std::fs::read_to_string(Path::new(&self.data()).join("postmaster.pid"))
        else {
            return Vec::new();
        };
        let Some(main) = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok())
        else {
            return Vec::new();
        };
        let mut pids = vec![main];
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let Some(pid) = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<u32>().ok())
                else {
                    continue;
                };
                if crate::bench::parent_pid(pid) == Some(main) {
                    pids.push(pid);
                }
            }
        }
        pids
    }

    /// A client of the database, waiting up to 30 s for the server.
    pub fn client(&self) -> Result<postgres::Client, postgres::Error> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match postgres::Client::connect(&self.url, postgres::NoTls) {
                Ok(c) => return Ok(c),
                Err(e) if Instant::now() > deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
}

fn check(program: &str, out: &std::process::Output) -> io::Result<()> {
    if out.status.success() {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "{program} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )))
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop("fast");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
