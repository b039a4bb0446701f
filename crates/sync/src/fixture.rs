//! A station with final records waiting in its outbox, built through the real path (encrypted
//! store, workflow, PDF rendering, PAdES signature and countersignature). The sync tests and
//! `banthuek bench sync` use it; nothing here is used by a real station.

use crate::{OutboxItem, OutboxSource, SourceError};
use banthuek_core::Role;
use banthuek_document::fonts::FontSet;
use banthuek_document::pki::{self, CertRole};
use banthuek_document::{
    render_with_fonts, sign_pdf_with, RenderOptions, SignRequest, SigningIdentity,
};
use banthuek_store::{KdfParams, Session, Store, StoreOptions, VersionSource};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const ADMIN: &str = "admin";
pub const OFFICER: &str = "officer";
pub const SUPERVISOR: &str = "supervisor";
/// The password of every fixture account.
pub const PASSWORD: &str = "fixture-password";

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error(transparent)]
    Store(#[from] banthuek_store::StoreError),
    #[error(transparent)]
    Document(#[from] banthuek_document::DocumentError),
    #[error("the stored record JSON differs from the one the PDF embeds")]
    JsonDrift,
}

/// A throw-away station: store in `home`, station CA, one officer and one supervisor.
pub struct Station {
    pub home: PathBuf,
    pub ca_pem: String,
    officer: SigningIdentity,
    supervisor: SigningIdentity,
    fonts: FontSet,
}

fn options() -> StoreOptions {
    StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        ..Default::default()
    }
}

/// Unlocks the fixture store in `home` as `user`.
pub fn open_session(home: &Path, user: &str) -> Result<Session, FixtureError> {
    Ok(Store::open_with(home, options())?.unlock(user, PASSWORD)?)
}

impl Station {
    pub fn create(home: &Path) -> Result<Station, FixtureError> {
        let (mut admin, _recovery) = Store::init(home, ADMIN, PASSWORD, options())?;
        admin.add_user(OFFICER, Role::Officer, PASSWORD, None, None)?;
        admin.add_user(SUPERVISOR, Role::Supervisor, PASSWORD, None, None)?;
        let ca = pki::create_station_ca("สถานีตำรวจภูธรทดสอบ")?;
        let identity = |name: &str, role| -> Result<SigningIdentity, FixtureError> {
            let user = pki::issue_user_cert(&ca, name, role)?;
            Ok(SigningIdentity::new(
                user.key.clone(),
                vec![user.cert.clone(), ca.cert.clone()],
            )?)
        };
        Ok(Station {
            home: home.to_owned(),
            ca_pem: pki::cert_to_pem(&ca.cert)?,
            officer: identity("ร.ต.อ. ทดสอบ ระบบ", CertRole::Officer)?,
            supervisor: identity("พ.ต.ท. ตรวจสอบ ระบบ", CertRole::Supervisor)?,
            fonts: FontSet::load(&FontSet::default_dir())?,
        })
    }

    pub fn session(&self, user: &str) -> Result<Session, FixtureError> {
        open_session(&self.home, user)
    }

    /// Queues `count` final records; returns their ids in queue order.
    pub fn queue_records(&self, count: usize) -> Result<Vec<String>, FixtureError> {
        self.queue_records_prepared(count, |_, _, _| Ok(()))
    }

    /// As [`Station::queue_records`], calling `prepare(officer, index, record_id)` on each draft
    /// before it is signed (to attach audio, or classify it).
    pub fn queue_records_prepared(
        &self,
        count: usize,
        mut prepare: impl FnMut(&mut Session, usize, &str) -> Result<(), FixtureError>,
    ) -> Result<Vec<String>, FixtureError> {
        let mut officer = self.session(OFFICER)?;
        let mut supervisor = self.session(SUPERVISOR)?;
        let mut ids = Vec::with_capacity(count);
        for index in 0..count {
            let record = banthuek_document::bench::sample_record(1);
            let id = officer.create_record(record, VersionSource::Typed, "fixture")?;
            prepare(&mut officer, index, &id)?;
            let stored = officer.record(&id)?;
            let opts = RenderOptions {
                version: stored.version,
                ..RenderOptions::default()
            };
            let rendered = render_with_fonts(&stored.record, &opts, &self.fonts)?;
            if stored.record.to_canonical_json() != officer.record_json(&id, stored.version)? {
                return Err(FixtureError::JsonDrift);
            }
            let request = |block| SignRequest {
                block: Some(block),
                now: None,
            };
            let signed = sign_pdf_with(
                &rendered.pdf,
                &self.officer,
                &request("recorder"),
                &self.fonts,
            )?;
            officer.submit(&id, None, Some(&signed))?;
            supervisor.approve(&id, None)?;
            let countersigned = sign_pdf_with(
                &signed,
                &self.supervisor,
                &request("supervisor"),
                &self.fonts,
            )?;
            supervisor.countersign(&id, &countersigned)?;
            ids.push(id);
        }
        Ok(ids)
    }
}

/// A `banthuek-central` process on 127.0.0.1, killed (SIGKILL) when dropped.
pub struct CentralProcess {
    child: Option<std::process::Child>,
    binary: PathBuf,
    data: PathBuf,
    args: Vec<String>,
    /// `--database URL` for every command, when the receiver keeps its data in PostgreSQL.
    database: Option<String>,
    /// `https://127.0.0.1:PORT`
    pub url: String,
    pub fingerprint: String,
    listen: String,
}

impl CentralProcess {
    /// Starts `binary serve --data DATA --listen 127.0.0.1:0 ARGS…` with fault injection allowed,
    /// and waits for it to listen.
    pub fn start(binary: &Path, data: &Path, args: &[&str]) -> std::io::Result<CentralProcess> {
        CentralProcess::start_on(binary, data, None, args)
    }

    /// As [`CentralProcess::start`], keeping devices and records in the PostgreSQL database at
    /// `database` when given (DATA then holds only the deployment's identity).
    pub fn start_on(
        binary: &Path,
        data: &Path,
        database: Option<&str>,
        args: &[&str],
    ) -> std::io::Result<CentralProcess> {
        let mut central = CentralProcess {
            child: None,
            binary: binary.to_owned(),
            data: data.to_owned(),
            args: args.iter().map(|a| a.to_string()).collect(),
            database: database.map(str::to_owned),
            url: String::new(),
            fingerprint: String::new(),
            listen: "127.0.0.1:0".into(),
        };
        central.spawn()?;
        // Restarts reuse the port, so stations keep their enrolled address.
        central.listen = central.url.trim_start_matches("https://").to_owned();
        Ok(central)
    }

    fn spawn(&mut self) -> std::io::Result<()> {
        use std::io::BufRead as _;
        let mut last_error = None;
        // The port may take a moment to be free again after a kill.
        for _ in 0..50 {
            let mut child = std::process::Command::new(&self.binary)
                .arg("serve")
                .arg("--data")
                .arg(&self.data)
                .arg("--listen")
                .arg(&self.listen)
                .args(self.database_args())
                .args(&self.args)
                .env("BANTHUEK_CENTRAL_TEST_FAULTS", "1")
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::inherit())
                .spawn()?;
            let stdout = child
                .stdout
                .take()
                .ok_or_else(|| std::io::Error::other("no stdout"))?;
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                // Forward the two start-up lines, then drain until the process ends.
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let _ = tx.send(line);
                }
            });
            let timeout = std::time::Duration::from_secs(30);
            let first = rx.recv_timeout(timeout);
            let second = rx.recv_timeout(timeout);
            match (first, second) {
                (Ok(listening), Ok(cert)) => {
                    self.url = listening.trim_start_matches("listening on ").to_owned();
                    self.fingerprint = cert.trim_start_matches("certificate sha256 ").to_owned();
                    self.child = Some(child);
                    return Ok(());
                }
                _ => {
                    let _ = child.kill();
                    let status = child.wait()?;
                    last_error = Some(std::io::Error::other(format!(
                        "banthuek-central did not start ({status})"
                    )));
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            }
        }
        Err(last_error.unwrap_or_else(|| std::io::Error::other("banthuek-central did not start")))
    }

    fn database_args(&self) -> Vec<&str> {
        match &self.database {
            Some(url) => vec!["--database", url.as_str()],
            None => Vec::new(),
        }
    }

    /// The running process's id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(std::process::Child::id)
    }

    /// Kills the process with SIGKILL, as a power cut or OOM kill would.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills and starts again on the same port and data directory.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.kill();
        self.spawn()
    }

    /// A fresh one-time enrolment code whose credential lives `credential_ttl_secs`.
    pub fn enrolment_code(&self, credential_ttl_secs: i64) -> std::io::Result<String> {
        let out = std::process::Command::new(&self.binary)
            .arg("enrol-code")
            .arg("--data")
            .arg(&self.data)
            .args(self.database_args())
            .arg("--credential-ttl-secs")
            .arg(credential_ttl_secs.to_string())
            .arg("--json")
            .output()?;
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
            std::io::Error::other(format!(
                "enrol-code: {e}: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        })?;
        value["code"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| std::io::Error::other("enrol-code printed no code"))
    }

    /// Counts from `banthuek-central stats`.
    pub fn stats(&self) -> std::io::Result<serde_json::Value> {
        let out = std::process::Command::new(&self.binary)
            .arg("stats")
            .arg("--data")
            .arg(&self.data)
            .args(self.database_args())
            .output()?;
        serde_json::from_slice(&out.stdout).map_err(std::io::Error::other)
    }
}

impl Drop for CentralProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A simulated station's outbox in memory: the items still to send, the receipts given (by
/// idempotency key), the refusals, and how long each upload took from `mark_sending` to its
/// receipt. Many of them can share the records of one fixture [`Station`].
#[derive(Default)]
pub struct MemoryQueue {
    pub items: Vec<OutboxItem>,
    pub receipts: std::collections::BTreeMap<String, String>,
    pub rejected: Vec<(String, String)>,
    pub upload_times: Vec<Duration>,
    sending_since: Option<Instant>,
}

impl MemoryQueue {
    pub fn new(items: Vec<OutboxItem>) -> MemoryQueue {
        MemoryQueue {
            items,
            ..MemoryQueue::default()
        }
    }

    fn done(&self, key: &str) -> bool {
        self.receipts.contains_key(key) || self.rejected.iter().any(|(k, _)| k == key)
    }
}

impl OutboxSource for MemoryQueue {
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError> {
        // What is handed out stays queued until marked synced or rejected.
        Ok(self
            .items
            .iter()
            .filter(|i| !self.done(&i.idempotency_key))
            .take(limit)
            .cloned()
            .collect())
    }
    fn mark_sending(&mut self, _: &str) -> Result<(), SourceError> {
        self.sending_since = Some(Instant::now());
        Ok(())
    }
    fn mark_synced(&mut self, key: &str, receipt: &str) -> Result<(), SourceError> {
        if let Some(since) = self.sending_since.take() {
            self.upload_times.push(since.elapsed());
        }
        self.receipts.insert(key.to_owned(), receipt.to_owned());
        Ok(())
    }
    fn mark_rejected(&mut self, key: &str, reason: &str) -> Result<(), SourceError> {
        self.sending_since = None;
        self.rejected.push((key.to_owned(), reason.to_owned()));
        Ok(())
    }
    fn mark_retry(&mut self, _: &str, _: &str) -> Result<(), SourceError> {
        Ok(())
    }
}
