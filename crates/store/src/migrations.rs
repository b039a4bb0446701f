//! Schema versions, kept in `PRAGMA user_version`. Each step runs in its own transaction with the
//! version bump, so a crash mid-migration leaves the previous version intact. Steps are only ever
//! appended; a released step is never edited.
//!
//! Append-only tables (records, versions, record_events, audit) carry triggers that abort any
//! UPDATE or DELETE: the rule holds even against a bug in this crate.
//! Record classification and retention purge (issue 8) arrived as version 3: new tables, and
//! delete triggers remade so that only the purge transaction may delete.

use rusqlite::Connection;

/// (version reached, SQL). Version 1: accounts, records, versions, workflow events, audio,
/// audit chain. Version 2: signed PDF artifacts, per-user sealed secrets and the sync outbox.
/// Version 3 (data governance): record classification, and retention purge.
const STEPS: &[(u32, &str)] = &[(1, V1), (2, V2), (3, V3)];

pub const LATEST: u32 = 3;

const V1: &str = r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('officer','supervisor','admin')),
    full_name TEXT,
    rank TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE versions (
    record_id TEXT NOT NULL REFERENCES records(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    json TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (record_id, version)
);
CREATE TABLE record_events (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX record_events_by_record ON record_events (record_id, seq);
CREATE TABLE audio (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    mime TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX audio_by_record ON audio (record_id);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id TEXT,
    detail_json TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON record_events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON record_events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER audio_no_update BEFORE UPDATE ON audio BEGIN SELECT RAISE(ABORT, 'audio is append-only'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"#;

const V2: &str = r#"
CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    FOREIGN KEY (record_id, version) REFERENCES versions(record_id, version)
);
CREATE INDEX artifacts_by_version ON artifacts (record_id, version, kind);
CREATE TRIGGER artifacts_no_update BEFORE UPDATE ON artifacts BEGIN SELECT RAISE(ABORT, 'artifacts are append-only'); END;
CREATE TRIGGER artifacts_no_delete BEFORE DELETE ON artifacts BEGIN SELECT RAISE(ABORT, 'artifacts are append-only'); END;
CREATE TABLE user_secrets (
    user TEXT NOT NULL REFERENCES users(name),
    name TEXT NOT NULL,
    nonce BLOB NOT NULL,
    sealed BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user, name)
);
CREATE TABLE outbox (
    key TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    queued_seq INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued','sending','synced','rejected')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    receipt TEXT,
    queued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    FOREIGN KEY (record_id, version) REFERENCES versions(record_id, version)
);
CREATE INDEX outbox_pending ON outbox (status, queued_seq);
"#;

/// Classification is an append-only table of levels (latest row wins; no row: unclassified), so
/// who chose and who raised it stays on record. Retention needs deletes that the version 1 and 2
/// triggers forbid: each delete trigger is remade to abort unless the record is in `purge_gate`,
/// a row that only the purge transaction inserts and removes again before it commits. `purged`
/// keeps a tombstone per purge with counts only (no personal data).
const V3: &str = r#"
CREATE TABLE classifications (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records(id),
    level TEXT NOT NULL CHECK (level IN ('unclassified','secret','top_secret')),
    set_by TEXT NOT NULL,
    set_by_role TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX classifications_by_record ON classifications (record_id, seq);
CREATE TABLE purge_gate (record_id TEXT PRIMARY KEY);
CREATE TABLE purged (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('drafts','record')),
    kept_version INTEGER,
    acknowledged_at TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    versions_removed INTEGER NOT NULL,
    audio_removed INTEGER NOT NULL,
    artifacts_removed INTEGER NOT NULL,
    bytes_removed INTEGER NOT NULL
);
CREATE INDEX purged_by_record ON purged (record_id);
CREATE TRIGGER purged_no_update BEFORE UPDATE ON purged BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
CREATE TRIGGER purged_no_delete BEFORE DELETE ON purged BEGIN SELECT RAISE(ABORT, 'the purge log is append-only'); END;
CREATE TRIGGER classifications_no_update BEFORE UPDATE ON classifications BEGIN SELECT RAISE(ABORT, 'classifications are append-only'); END;
CREATE TRIGGER classifications_no_delete BEFORE DELETE ON classifications
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'classifications are append-only'); END;
DROP TRIGGER records_no_delete;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
DROP TRIGGER versions_no_delete;
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
DROP TRIGGER events_no_delete;
CREATE TRIGGER events_no_delete BEFORE DELETE ON record_events
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
DROP TRIGGER artifacts_no_delete;
CREATE TRIGGER artifacts_no_delete BEFORE DELETE ON artifacts
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'artifacts are append-only'); END;
CREATE TRIGGER audio_no_delete BEFORE DELETE ON audio
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'audio is append-only'); END;
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
    WHEN NOT EXISTS (SELECT 1 FROM purge_gate WHERE record_id = OLD.record_id)
    BEGIN SELECT RAISE(ABORT, 'outbox rows are kept until purged'); END;
"#;

/// The schema version of an open database.
pub fn current(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the schema up to `target`, one transaction per step.
pub fn migrate_to(conn: &mut Connection, target: u32) -> rusqlite::Result<()> {
    let from = current(conn)?;
    for (version, sql) in STEPS {
        if *version <= from || *version > target {
            continue;
        }
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "store schema migrated");
    }
    Ok(())
}
