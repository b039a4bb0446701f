//! Where the receiver keeps devices, enrolment codes and accepted records.
//!
//! [`CentralStore`] is what the server needs; [`SqliteStore`] (one receiver, a file in the data
//! directory) is the default, and [`crate::pg_store::PgStore`] serves several receivers from one
//! PostgreSQL database. Every backend makes `insert_record` an insert-if-absent on the idempotency
//! key (`INSERT … ON CONFLICT DO NOTHING` then a read) so that two racing uploads of one key yield
//! one row and the same receipt, and `redeem_enrolment_code` consume a code in one transaction.
//!
//! At rest the records (names, ID numbers, the PDF, the audio) are personal data. The SQLite
//! database is therefore encrypted as a whole with SQLCipher (AES-256, an HMAC on every page,
//! the WAL included) under a random 256-bit key kept in its own file ([`load_or_create_key`]),
//! and the database, its WAL, the key and the data directory are readable by their owner only
//! (0600 files, a 0700 directory). A copy of the database alone (a backup, a disk image of the
//! data volume without the key's) reveals nothing; keep the key file apart from such copies.
//! A plaintext database from before this is encrypted in place on first open.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0} / ฐานข้อมูล: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0} / ฐานข้อมูล PostgreSQL: {0}")]
    Postgres(String),
    #[error("database lock poisoned / ฐานข้อมูลถูกล็อกค้าง")]
    Poisoned,
    #[error("{path}: {source} / แฟ้ม {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a database key (64 hex digits) / แฟ้ม {0} ไม่ใช่กุญแจฐานข้อมูล")]
    BadKey(PathBuf),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StorageError + '_ {
    move |source| StorageError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The default name of the database key file, in the data directory.
pub const KEY_FILE: &str = "central-db.key";

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Creates `dir` (and its parents) if needed and makes it readable by its owner only.
pub fn private_dir(dir: &Path) -> Result<(), StorageError> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    set_mode(dir, 0o700)
}

fn set_mode(path: &Path, mode: u32) -> Result<(), StorageError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(io_error(path))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates an empty file readable by its owner only (SQLite then gives its WAL the same mode).
fn create_private_file(path: &Path) -> Result<std::fs::File, StorageError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path).map_err(io_error(path))
}

/// The database key in `path` (64 hex digits), created from the OS random source on first use.
pub fn load_or_create_key(path: &Path) -> Result<[u8; 32], StorageError> {
    if !path.exists() {
        let key: [u8; 32] = rand::random();
        let tmp = path.with_extension("key-new");
        let _ = std::fs::remove_file(&tmp);
        let mut file = create_private_file(&tmp)?;
        file.write_all(hex::encode(key).as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(io_error(&tmp))?;
        std::fs::rename(&tmp, path).map_err(io_error(path))?;
        return Ok(key);
    }
    set_mode(path, 0o600)?;
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let mut key = [0u8; 32];
    hex::decode_to_slice(text.trim(), &mut key)
        .map_err(|_| StorageError::BadKey(path.to_owned()))?;
    Ok(key)
}

fn key_pragma(key: &[u8; 32]) -> String {
    // A raw 256-bit key: SQLCipher skips its key derivation, the key being random already.
    format!("PRAGMA key = \"x'{}'\";", hex::encode(key))
}

/// A connection to the receiver's encrypted database at `path` (created, 0600, if missing). A
/// wrong key fails here, on the first read.
pub fn connect(path: &Path, key: &[u8; 32]) -> Result<Connection, StorageError> {
    if !path.exists() {
        create_private_file(path)?;
    }
    for file in [
        path.to_owned(),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
    ] {
        if file.exists() {
            set_mode(&file, 0o600)?;
        }
    }
    let conn = Connection::open(path)?;
    conn.execute_batch(&key_pragma(key))?;
    // After the key (keying resets it): SQLCipher's own messages would go to stderr.
    conn.execute_batch("PRAGMA cipher_log_level = NONE; PRAGMA cipher_compatibility = 4;")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(conn)
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn is_plaintext(path: &Path) -> Result<bool, StorageError> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(false);
    };
    let mut head = [0u8; 16];
    match file.read_exact(&mut head) {
        Ok(()) => Ok(&head == SQLITE_HEADER),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(io_error(path)(e)),
    }
}

/// Rewrites a plaintext database as an encrypted one (SQLCipher's export), then replaces it.
fn encrypt_in_place(path: &Path, key: &[u8; 32]) -> Result<(), StorageError> {
    let tmp = sidecar(path, ".encrypting");
    let _ = std::fs::remove_file(&tmp);
    create_private_file(&tmp)?;
    let plain = Connection::open(path)?;
    plain.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    let tmp_text = tmp.to_string_lossy().replace('\'', "''");
    plain.execute_batch(&format!(
        "ATTACH DATABASE '{tmp_text}' AS encrypted KEY \"x'{}'\";
         SELECT sqlcipher_export('encrypted');
         DETACH DATABASE encrypted;",
        hex::encode(key)
    ))?;
    drop(plain);
    std::fs::rename(&tmp, path).map_err(io_error(path))?;
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
    tracing::info!("central: the plaintext database was encrypted");
    Ok(())
}

/// An enrolled laptop.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub device_id: String,
    pub name: String,
    /// The station CA whose certificates sign this device's records.
    pub station_ca_pem: String,
    pub enrolled_at: DateTime<Utc>,
    pub credential_expires_at: DateTime<Utc>,
    pub revoked: bool,
}

/// A record version that passed every check, with the receipt that acknowledges it.
#[derive(Debug)]
pub struct NewRecord<'a> {
    pub idempotency_key: &'a str,
    pub record_id: &'a str,
    pub version: u32,
    pub device_id: &'a str,
    pub received_at: DateTime<Utc>,
    pub record_json: &'a str,
    pub pdf: &'a [u8],
    pub audio: Option<(&'a str, &'a [u8])>,
    pub record_sha256: &'a str,
    pub pdf_sha256: &'a str,
    /// The signed receipt as JSON text, returned verbatim for every replay.
    pub receipt_json: &'a str,
    /// The station's classification code, when the station sent one.
    pub classification: Option<&'a str>,
    /// An arrestee is under 18.
    pub juvenile: bool,
}

/// What is already stored under an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub device_id: String,
    pub record_sha256: String,
    pub pdf_sha256: String,
    pub receipt_json: String,
    pub classification: Option<String>,
    pub juvenile: bool,
}

impl Existing {
    /// A stored row that matches nothing a station could send: the key is free but its
    /// (record_id, version) is taken under another key, which is answered as a conflict.
    pub(crate) fn matching_nothing() -> Self {
        Existing {
            device_id: String::new(),
            record_sha256: String::new(),
            pdf_sha256: String::new(),
            receipt_json: String::new(),
            classification: None,
            juvenile: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Insert {
    Inserted,
    /// Another request stored this key first.
    Existing(Existing),
}

/// What [`CentralStore::advance_audit_anchor`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum AnchorOutcome {
    /// The anchor is the device's newest (or the same as the newest held).
    Accepted,
    /// The device already sent a later anchor (`held`): this laptop's audit chain went back.
    Older { held: i64 },
    /// The device already sent this sequence with another hash: the chain was rewritten.
    Forked,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Stats {
    pub devices: u64,
    pub records: u64,
    pub last_received_at: Option<DateTime<Utc>>,
}

pub trait CentralStore: Send + Sync {
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        credential_ttl_secs: i64,
    ) -> Result<(), StorageError>;
    /// Consumes an unused, unexpired code and records the device, atomically. Returns the
    /// credential lifetime the code grants, or `None` when the code cannot be used.
    fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
        device: &Device,
    ) -> Result<Option<i64>, StorageError>;
    fn set_credential_expiry(
        &self,
        device_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StorageError>;
    fn device(&self, device_id: &str) -> Result<Option<Device>, StorageError>;
    /// Refuses the device from now on (a lost or stolen laptop); false if unknown.
    fn revoke_device(&self, device_id: &str) -> Result<bool, StorageError>;
    /// Keeps `sequence`/`hash` as the device's newest audit anchor unless it holds a later one
    /// (or the same sequence with another hash), atomically.
    fn advance_audit_anchor(
        &self,
        device_id: &str,
        sequence: i64,
        hash: &str,
    ) -> Result<AnchorOutcome, StorageError>;
    fn existing(&self, idempotency_key: &str) -> Result<Option<Existing>, StorageError>;
    fn insert_record(&self, record: &NewRecord<'_>) -> Result<Insert, StorageError>;
    fn stats(&self) -> Result<Stats, StorageError>;
}

/// SQLite in WAL mode with full fsync: a receipt is a promise that the record is on disk.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    credential_ttl_secs INTEGER NOT NULL,
    used_at TEXT,
    device_id TEXT
);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    station_ca_pem TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    credential_expires_at TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS records (
    idempotency_key TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices(device_id),
    received_at TEXT NOT NULL,
    record_json TEXT NOT NULL,
    pdf BLOB NOT NULL,
    audio_mime TEXT,
    audio BLOB,
    record_sha256 TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    receipt TEXT NOT NULL,
    UNIQUE (record_id, version)
);
";

impl SqliteStore {
    /// Opens (or creates) the encrypted database at `path` with `key`; its directory must exist.
    pub fn open(path: &Path, key: &[u8; 32]) -> Result<SqliteStore, StorageError> {
        if is_plaintext(path)? {
            encrypt_in_place(path, key)?;
        }
        let conn = connect(path, key)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        add_classification_columns(&conn)?;
        add_audit_anchor_columns(&conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<std::sync::MutexGuard<'_, Connection>, StorageError> {
        self.conn.lock().map_err(|_| StorageError::Poisoned)
    }
}

/// Databases made before the classification was sent get its two columns; their records stay
/// without one (NULL), which is what was known of them.
fn add_classification_columns(conn: &Connection) -> Result<(), StorageError> {
    let has_column = conn
        .prepare("SELECT 1 FROM pragma_table_info('records') WHERE name = 'classification'")?
        .exists([])?;
    if !has_column {
        conn.execute_batch(
            "ALTER TABLE records ADD COLUMN classification TEXT;
             ALTER TABLE records ADD COLUMN juvenile INTEGER NOT NULL DEFAULT 0;",
        )?;
    }
    Ok(())
}

/// Devices enrolled before audit anchoring get the two columns, empty until their next upload.
fn add_audit_anchor_columns(conn: &Connection) -> Result<(), StorageError> {
    let has_column = conn
        .prepare("SELECT 1 FROM pragma_table_info('devices') WHERE name = 'audit_seq'")?
        .exists([])?;
    if !has_column {
        conn.execute_batch(
            "ALTER TABLE devices ADD COLUMN audit_seq INTEGER;
             ALTER TABLE devices ADD COLUMN audit_hash TEXT;",
        )?;
    }
    Ok(())
}

/// The outcome when the conditional update changed nothing: what the device holds decides.
pub(crate) fn anchor_refusal(
    held: Option<(i64, String)>,
    sequence: i64,
    hash: &str,
) -> AnchorOutcome {
    match held {
        Some((seq, held_hash)) if seq == sequence && held_hash == hash => AnchorOutcome::Accepted,
        Some((seq, _)) if seq > sequence => AnchorOutcome::Older { held: seq },
        Some(_) => AnchorOutcome::Forked,
        // An unknown device: the caller checked it exists; nothing to refuse on.
        None => AnchorOutcome::Accepted,
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn parse_ts(text: String) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn existing_in(conn: &Connection, key: &str) -> Result<Option<Existing>, StorageError> {
    Ok(conn
        .query_row(
            "SELECT device_id, record_sha256, pdf_sha256, receipt, classification, juvenile
             FROM records WHERE idempotency_key = ?1",
            [key],
            |row| {
                Ok(Existing {
                    device_id: row.get(0)?,
                    record_sha256: row.get(1)?,
                    pdf_sha256: row.get(2)?,
                    receipt_json: row.get(3)?,
                    classification: row.get(4)?,
                    juvenile: row.get(5)?,
                })
            },
        )
        .optional()?)
}

impl CentralStore for SqliteStore {
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        credential_ttl_secs: i64,
    ) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO enrolment_codes (code_hash, created_at, expires_at, credential_ttl_secs)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                code_hash,
                ts(Utc::now()),
                ts(expires_at),
                credential_ttl_secs
            ],
        )?;
        Ok(())
    }

    fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
        device: &Device,
    ) -> Result<Option<i64>, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let ttl: Option<i64> = tx
            .query_row(
                "SELECT credential_ttl_secs FROM enrolment_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![code_hash, ts(now)],
                |row| row.get(0),
            )
            .optional()?;
        let Some(ttl) = ttl else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
            params![code_hash, ts(now), device.device_id],
        )?;
        tx.execute(
            "INSERT INTO devices (device_id, name, station_ca_pem, enrolled_at,
                                  credential_expires_at, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                device.device_id,
                device.name,
                device.station_ca_pem,
                ts(device.enrolled_at),
                ts(device.credential_expires_at),
                device.revoked
            ],
        )?;
        tx.commit()?;
        Ok(Some(ttl))
    }

    fn set_credential_expiry(
        &self,
        device_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.conn()?.execute(
            "UPDATE devices SET credential_expires_at = ?2 WHERE device_id = ?1",
            params![device_id, ts(expires_at)],
        )?;
        Ok(())
    }

    fn device(&self, device_id: &str) -> Result<Option<Device>, StorageError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT device_id, name, station_ca_pem, enrolled_at, credential_expires_at,
                        revoked
                 FROM devices WHERE device_id = ?1",
                [device_id],
                |row| {
                    Ok(Device {
                        device_id: row.get(0)?,
                        name: row.get(1)?,
                        station_ca_pem: row.get(2)?,
                        enrolled_at: parse_ts(row.get(3)?),
                        credential_expires_at: parse_ts(row.get(4)?),
                        revoked: row.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    fn revoke_device(&self, device_id: &str) -> Result<bool, StorageError> {
        let changed = self.conn()?.execute(
            "UPDATE devices SET revoked = 1 WHERE device_id = ?1",
            [device_id],
        )?;
        Ok(changed == 1)
    }

    fn advance_audit_anchor(
        &self,
        device_id: &str,
        sequence: i64,
        hash: &str,
    ) -> Result<AnchorOutcome, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let changed = tx.execute(
            "UPDATE devices SET audit_seq = ?2, audit_hash = ?3
             WHERE device_id = ?1 AND (audit_seq IS NULL OR audit_seq < ?2)",
            params![device_id, sequence, hash],
        )?;
        let outcome = if changed == 1 {
            AnchorOutcome::Accepted
        } else {
            let held: Option<(i64, String)> = tx
                .query_row(
                    "SELECT audit_seq, audit_hash FROM devices
                     WHERE device_id = ?1 AND audit_seq IS NOT NULL",
                    [device_id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            anchor_refusal(held, sequence, hash)
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn existing(&self, idempotency_key: &str) -> Result<Option<Existing>, StorageError> {
        existing_in(&*self.conn()?, idempotency_key)
    }

    fn insert_record(&self, r: &NewRecord<'_>) -> Result<Insert, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let inserted = tx.execute(
            "INSERT INTO records (idempotency_key, record_id, version, device_id, received_at,
                                  record_json, pdf, audio_mime, audio, record_sha256, pdf_sha256,
                                  receipt, classification, juvenile)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT DO NOTHING",
            params![
                r.idempotency_key,
                r.record_id,
                r.version,
                r.device_id,
                ts(r.received_at),
                r.record_json,
                r.pdf,
                r.audio.map(|a| a.0),
                r.audio.map(|a| a.1),
                r.record_sha256,
                r.pdf_sha256,
                r.receipt_json,
                r.classification,
                r.juvenile
            ],
        )?;
        let outcome = if inserted == 1 {
            Insert::Inserted
        } else {
            match existing_in(&tx, r.idempotency_key)? {
                Some(existing) => Insert::Existing(existing),
                // The key is free but (record_id, version) is taken: only possible when a key
                // was built differently; the caller checks keys, so report it as a conflict.
                None => Insert::Existing(Existing::matching_nothing()),
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn stats(&self) -> Result<Stats, StorageError> {
        let conn = self.conn()?;
        let devices: i64 = conn.query_row("SELECT count(*) FROM devices", [], |r| r.get(0))?;
        let (records, last): (i64, Option<String>) =
            conn.query_row("SELECT count(*), max(received_at) FROM records", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(Stats {
            devices: devices as u64,
            records: records as u64,
            last_received_at: last.map(parse_ts),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str) -> Device {
        Device {
            device_id: id.into(),
            name: "laptop-1".into(),
            station_ca_pem: "CA".into(),
            enrolled_at: Utc::now(),
            credential_expires_at: Utc::now() + chrono::Duration::days(1),
            revoked: false,
        }
    }

    /// A store in `dir` with device "d1" enrolled.
    fn with_device_d1(dir: &Path) -> SqliteStore {
        let store = SqliteStore::open(&dir.join("c.db"), &[7; 32]).unwrap();
        store
            .add_enrolment_code("h", Utc::now() + chrono::Duration::hours(1), 100)
            .unwrap();
        store
            .redeem_enrolment_code("h", Utc::now(), &device("d1"))
            .unwrap();
        store
    }

    #[test]
    fn a_code_is_redeemed_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("c.db"), &[7; 32]).unwrap();
        let later = Utc::now() + chrono::Duration::hours(1);
        store.add_enrolment_code("h", later, 100).unwrap();
        assert_eq!(
            store
                .redeem_enrolment_code("h", Utc::now(), &device("d1"))
                .unwrap(),
            Some(100)
        );
        assert_eq!(
            store
                .redeem_enrolment_code("h", Utc::now(), &device("d2"))
                .unwrap(),
            None
        );
        assert!(store.device("d1").unwrap().is_some());
        assert!(store.device("d2").unwrap().is_none());
        assert!(store.revoke_device("d1").unwrap());
        assert!(store.device("d1").unwrap().unwrap().revoked);
        assert!(!store.revoke_device("d2").unwrap());

        store
            .add_enrolment_code("old", Utc::now() - chrono::Duration::seconds(1), 100)
            .unwrap();
        assert_eq!(
            store
                .redeem_enrolment_code("old", Utc::now(), &device("d3"))
                .unwrap(),
            None
        );
    }

    #[test]
    fn a_key_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_device_d1(dir.path());
        let rec = |receipt: &'static str| NewRecord {
            idempotency_key: "r:1",
            record_id: "r",
            version: 1,
            device_id: "d1",
            received_at: Utc::now(),
            record_json: "{}",
            pdf: b"%PDF",
            audio: None,
            record_sha256: "a",
            pdf_sha256: "b",
            receipt_json: receipt,
            classification: None,
            juvenile: false,
        };
        assert_eq!(
            store.insert_record(&rec("first")).unwrap(),
            Insert::Inserted
        );
        match store.insert_record(&rec("second")).unwrap() {
            Insert::Existing(e) => assert_eq!(e.receipt_json, "first"),
            other => panic!("expected the first receipt, got {other:?}"),
        }
        assert_eq!(store.stats().unwrap().records, 1);
    }

    #[test]
    fn an_older_or_forked_audit_anchor_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = with_device_d1(dir.path());
        let advance = |seq, hash| store.advance_audit_anchor("d1", seq, hash).unwrap();
        assert_eq!(advance(10, "a"), AnchorOutcome::Accepted);
        assert_eq!(
            advance(10, "a"),
            AnchorOutcome::Accepted,
            "the same head again"
        );
        assert_eq!(advance(12, "c"), AnchorOutcome::Accepted);
        assert_eq!(advance(11, "b"), AnchorOutcome::Older { held: 12 });
        assert_eq!(advance(12, "x"), AnchorOutcome::Forked);
    }

    #[test]
    fn a_plaintext_database_is_encrypted_in_place_and_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.db");
        {
            let plain = Connection::open(&path).unwrap();
            plain.execute_batch(SCHEMA).unwrap();
            plain
                .execute(
                    "INSERT INTO enrolment_codes (code_hash, created_at, expires_at, credential_ttl_secs)
                     VALUES ('h', 'a', '9999', 5)",
                    [],
                )
                .unwrap();
        }
        assert!(is_plaintext(&path).unwrap());
        let key = [9u8; 32];
        let store = SqliteStore::open(&path, &key).unwrap();
        drop(store);
        assert!(!is_plaintext(&path).unwrap(), "the database is encrypted");
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(15).any(|w| w == b"enrolment_codes"));
        let conn = connect(&path, &key).unwrap();
        let ttl: i64 = conn
            .query_row("SELECT credential_ttl_secs FROM enrolment_codes", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(ttl, 5, "the data survived the export");
        assert!(
            connect(&path, &[1u8; 32]).is_err(),
            "another key opens nothing"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
