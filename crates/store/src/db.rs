//! Opening the SQLCipher database, and telling our file from anything else before touching it.

use crate::error::{Result, StoreError};
use crate::migrations;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

pub const FILE_NAME: &str = "banthuek.db";

/// `PRAGMA application_id` of a Banthuek store: "BTK1".
pub const APPLICATION_ID: i32 = 0x4254_4B31;

/// The length of SQLite's file header ("SQLite format 3\0"); SQLCipher's salt is as long.
const HEADER_LEN: u64 = 16;

fn key_pragma(key: &[u8; 32]) -> String {
    // A raw 256-bit key (x'…'): SQLCipher skips its own PBKDF2, since the key is already random.
    format!("PRAGMA key = \"x'{}'\";", hex::encode(key))
}

fn configure(conn: &Connection, key: &[u8; 32]) -> rusqlite::Result<()> {
    conn.execute_batch(&key_pragma(key))?;
    // SQLCipher otherwise prints its own errors (e.g. a failed page HMAC for a foreign file) to
    // stderr; ours are typed and reported by the caller. After the key: keying activates
    // SQLCipher, which resets the log level to its default the first time.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    // Pin the SQLCipher 4 format so a library upgrade cannot silently change it.
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;
    Ok(())
}

fn tune(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    // WAL: readers never block the writer; FULL: a committed version survives power loss.
    // temp_store MEMORY: sorts and temp tables never reach disk unencrypted.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA temp_store = MEMORY;",
    )
}

/// Every file of a store in its home, for [`crate::files::secure_home`].
pub fn file_names() -> [&'static str; 5] {
    [
        FILE_NAME,
        "banthuek.db-wal",
        "banthuek.db-shm",
        crate::keyslots::FILE_NAME,
        crate::keyslots::LOCK_NAME,
    ]
}

/// Creates a new, empty, encrypted store at `path` (which must not exist) at schema `version`;
/// the file and its WAL are 0600.
pub fn create(path: &Path, key: &[u8; 32], version: u32) -> Result<Connection> {
    crate::files::precreate_database(path)?;
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, key)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    tune(&conn)?;
    migrations::migrate_to(&mut conn, version)?;
    Ok(conn)
}

/// Refuses a file that is plainly not ours without needing the key: missing, too short to hold
/// a header, or an unencrypted SQLite database.
///
/// The header is read through SQLite, not `std::fs::File`: closing any descriptor of the
/// database file drops every POSIX lock this process holds on it, so a connection already open
/// here (the app's session) would lose its locks, and another process (the command line) could
/// then checkpoint and delete the WAL under it. SQLite's own opens share its lock bookkeeping.
pub fn precheck(path: &Path) -> Result<()> {
    let len = std::fs::metadata(path).map_err(StoreError::io(path))?.len();
    if len < HEADER_LEN {
        return Err(StoreError::ForeignDatabase {
            path: path.to_owned(),
            reason: "file too short".into(),
        });
    }
    // Without a key SQLCipher reads only plain SQLite: a file it can read is not encrypted.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    if conn
        .query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
        .is_ok()
    {
        return Err(StoreError::PlainSqlite {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Opens an existing store with its data key, checks that it is ours and brings its schema up
/// to `migrate_to`. A file that does not open with this key, or opens but is not a Banthuek
/// store, is never written.
pub fn open(path: &Path, key: &[u8; 32], migrate_to: u32) -> Result<Connection> {
    precheck(path)?;
    let foreign = |reason: String| StoreError::ForeignDatabase {
        path: path.to_owned(),
        reason,
    };
    let mut conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    configure(&conn, key)?;
    // The first read decrypts page 1: a wrong key or garbage fails here ("file is not a database").
    let app_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| foreign(e.to_string()))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|e| foreign(e.to_string()))?;
    if app_id != APPLICATION_ID {
        return Err(foreign(format!("application id {app_id:#x}")));
    }
    let version = migrations::current(&conn)?;
    if version == 0 {
        return Err(foreign("no schema".into()));
    }
    if version > migrations::LATEST {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: migrations::LATEST,
        });
    }
    // No full quick_check here: it reads every page (slow with audio), and SQLCipher already
    // authenticates each page with an HMAC as it is read, so corruption surfaces as an error.
    tune(&conn)?;
    migrations::migrate_to(&mut conn, migrate_to)?;
    Ok(conn)
}
