//! Shared by the receiver tests: a station with queued final records enrolled with a real
//! `banthuek-central` process on 127.0.0.1.
#![allow(dead_code)]

use banthuek_store::Session;
#[allow(unused_imports)] // not every test file sends from memory
pub use banthuek_sync::fixture::MemoryQueue;
use banthuek_sync::fixture::{CentralProcess, Station, SUPERVISOR};
use banthuek_sync::{Enrolment, OutboxItem, OutboxSource, SourceError, SyncConfig};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn central_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_banthuek-central"))
}

/// Short waits so fault tests finish quickly; the policy is the same as a station's.
pub fn test_config() -> SyncConfig {
    SyncConfig {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(3),
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(300),
        retry_after_cap: Duration::from_secs(5),
        max_attempts: None,
        batch: 8,
        include_audio: false,
    }
}

pub struct Setup {
    pub dir: tempfile::TempDir,
    pub station: Station,
    pub central: CentralProcess,
    pub enrolment: Enrolment,
    pub ids: Vec<String>,
}

/// A station with `records` queued records and a receiver started with `args`, enrolled.
pub fn setup(records: usize, args: &[&str]) -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let station = Station::create(&dir.path().join("station")).expect("station");
    let ids = station.queue_records(records).expect("queue records");
    let central = CentralProcess::start(&central_binary(), &dir.path().join("central"), args)
        .expect("start banthuek-central");
    let enrolment = enrol(&central, &station.ca_pem, 3600);
    Setup {
        dir,
        station,
        central,
        enrolment,
        ids,
    }
}

pub fn enrol(central: &CentralProcess, ca_pem: &str, credential_ttl_secs: i64) -> Enrolment {
    let code = central
        .enrolment_code(credential_ttl_secs)
        .expect("enrolment code");
    banthuek_sync::enrol(
        &central.url,
        &code,
        "test-laptop",
        ca_pem,
        Some(&central.fingerprint),
        &test_config(),
    )
    .expect("enrol")
}

pub fn session(station: &Station) -> Session {
    station.session(SUPERVISOR).expect("unlock station")
}

/// The receiver's encrypted database in its data directory `data`, opened with its key file.
pub fn central_db(data: &Path) -> rusqlite::Connection {
    use banthuek_central::storage;
    let key = storage::load_or_create_key(&data.join(storage::KEY_FILE)).expect("database key");
    storage::connect(&data.join("central.db"), &key).expect("central db")
}

/// What the receiver stored: (idempotency key, receipt JSON), by key.
pub fn central_records(data: &Path) -> Vec<(String, String)> {
    let conn = central_db(data);
    let mut stmt = conn
        .prepare("SELECT idempotency_key, receipt FROM records ORDER BY idempotency_key")
        .expect("query");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<Vec<_>, _>>()
        .expect("read rows");
    rows
}

/// Every record synced exactly once on both sides, with the same receipt, and the outbox empty.
pub fn assert_all_synced_once(
    setup_dir: &Path,
    session: &Session,
    enrolment: &Enrolment,
    expected: usize,
) {
    let rows = session.outbox_rows().expect("outbox rows");
    assert_eq!(rows.len(), expected);
    let waiting: Vec<_> = rows
        .iter()
        .filter(|r| r.status != banthuek_store::OutboxStatus::Synced)
        .collect();
    assert!(waiting.is_empty(), "rows not synced: {waiting:?}");
    let key =
        banthuek_sync::protocol::public_key_from_pem(&enrolment.receipt_key_pem).expect("key");
    let mut station_side: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let receipt_json = r.receipt.clone().expect("receipt stored with the record");
            let signed: banthuek_sync::SignedReceipt =
                serde_json::from_str(&receipt_json).expect("receipt parses");
            let receipt = signed.verify(&key).expect("receipt verifies");
            assert_eq!(receipt.idempotency_key, r.idempotency_key);
            (r.idempotency_key.clone(), receipt_json)
        })
        .collect();
    station_side.sort();
    let central_side = central_records(&setup_dir.join("central"));
    assert_eq!(
        central_side.len(),
        expected,
        "records stored by the receiver"
    );
    assert_eq!(
        station_side, central_side,
        "each key has the same single receipt on both sides"
    );
}

/// Wraps the station outbox and alters chosen rows on their way out, as a damaged or
/// manipulated station would send them.
pub struct Altering<'a> {
    pub inner: &'a mut Session,
    pub alter: Box<dyn FnMut(&mut OutboxItem) + 'a>,
}

impl OutboxSource for Altering<'_> {
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError> {
        let mut items = self.inner.next_batch(limit)?;
        items.iter_mut().for_each(|i| (self.alter)(i));
        Ok(items)
    }
    fn mark_sending(&mut self, key: &str) -> Result<(), SourceError> {
        self.inner.mark_sending(key)
    }
    fn mark_synced(&mut self, key: &str, receipt: &str) -> Result<(), SourceError> {
        self.inner.mark_synced(key, receipt)
    }
    fn mark_rejected(&mut self, key: &str, reason: &str) -> Result<(), SourceError> {
        self.inner.mark_rejected(key, reason)
    }
    fn mark_retry(&mut self, key: &str, error: &str) -> Result<(), SourceError> {
        self.inner.mark_retry(key, error)
    }
}

/// Every queued item of `station`, read without sending anything.
pub fn queued_items(station: &Station) -> Vec<OutboxItem> {
    let mut session = session(station);
    session.next_batch(100_000).expect("outbox items")
}

/// What the receiver stored in PostgreSQL: (idempotency key, receipt JSON), by key.
pub fn pg_records(client: &mut postgres::Client) -> Vec<(String, String)> {
    client
        .query(
            "SELECT idempotency_key, receipt FROM records ORDER BY idempotency_key",
            &[],
        )
        .expect("records")
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}
