//! The receiver on PostgreSQL (a throwaway cluster on 127.0.0.1, `banthuek_central::pg_cluster`): two
//! `banthuek-central` processes sharing one database and one data directory (the deployment's
//! identity) act as one receiver: an enrolment code works once across both, a session opened at
//! one is good at the other, the same record sent through both at once is stored once and both
//! answer with the same receipt, and a revoked device is refused by both.

mod common;

use banthuek_central::pg_cluster::PgCluster;
use banthuek_central::pg_store::{PgStore, MIGRATIONS};
use banthuek_central::storage::{CentralStore, Device, Insert, NewRecord};
use banthuek_sync::fixture::{CentralProcess, Station};
use banthuek_sync::protocol::codes;
use banthuek_sync::{Enrolment, Sender, SyncError};
use chrono::Utc;
use common::*;
use std::time::Duration;

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

#[test]
fn the_postgres_store_keeps_the_store_contract_and_migrates_once() {
    let pg = PgCluster::start(&[]).expect("a PostgreSQL cluster");
    let store = PgStore::open(&pg.url, 4, Duration::from_secs(30)).expect("open");
    // A second receiver opening the same database finds it migrated.
    let again = PgStore::open(&pg.url, 4, Duration::from_secs(30)).expect("open again");
    assert_eq!(
        again.schema_version().expect("version"),
        MIGRATIONS.last().expect("a migration").0
    );
    let applied: i64 = pg
        .client()
        .expect("connect")
        .query_one("SELECT count(*) FROM schema_migrations", &[])
        .expect("migrations")
        .get(0);
    assert_eq!(applied, MIGRATIONS.len() as i64);

    let later = Utc::now() + chrono::Duration::hours(1);
    store.add_enrolment_code("h", later, 100).expect("code");
    assert_eq!(
        store
            .redeem_enrolment_code("h", Utc::now(), &device("d1"))
            .expect("redeem"),
        Some(100)
    );
    assert_eq!(
        again
            .redeem_enrolment_code("h", Utc::now(), &device("d2"))
            .expect("redeem twice"),
        None,
        "a code is used once, whichever receiver sees it"
    );
    assert!(store.device("d1").expect("device").is_some());
    assert!(store.device("d2").expect("device").is_none());
    store
        .add_enrolment_code("old", Utc::now() - chrono::Duration::seconds(1), 100)
        .expect("code");
    assert_eq!(
        store
            .redeem_enrolment_code("old", Utc::now(), &device("d3"))
            .expect("redeem"),
        None,
        "an expired code"
    );

    let rec = |receipt: &'static str| NewRecord {
        idempotency_key: "r:1",
        record_id: "r",
        version: 1,
        device_id: "d1",
        received_at: Utc::now(),
        record_json: "{}",
        pdf: b"%PDF",
        audio: Some(("audio/wav", b"RIFF")),
        record_sha256: "a",
        pdf_sha256: "b",
        receipt_json: receipt,
        classification: Some("secret"),
        juvenile: true,
    };
    // Racing inserts of one key from two pools: one row, one receipt for both.
    let (first, second) = std::thread::scope(|s| {
        let one = s.spawn(|| store.insert_record(&rec("first")).expect("insert"));
        let two = s.spawn(|| again.insert_record(&rec("second")).expect("insert"));
        (one.join().expect("thread"), two.join().expect("thread"))
    });
    let winner = match (&first, &second) {
        (Insert::Inserted, Insert::Existing(e)) => {
            assert_eq!(e.receipt_json, "first");
            "first"
        }
        (Insert::Existing(e), Insert::Inserted) => {
            assert_eq!(e.receipt_json, "second");
            "second"
        }
        other => panic!("expected one insert and one existing row, got {other:?}"),
    };
    let existing = store.existing("r:1").expect("existing").expect("stored");
    assert_eq!(existing.receipt_json, winner);
    assert_eq!(existing.classification.as_deref(), Some("secret"));
    assert!(existing.juvenile);
    let stats = store.stats().expect("stats");
    assert_eq!((stats.devices, stats.records), (1, 1));
    assert!(stats.last_received_at.is_some());
    assert!(store.revoke_device("d1").expect("revoke"));
    assert!(again.device("d1").expect("device").expect("known").revoked);
    assert!(!store.revoke_device("nobody").expect("revoke"));
}

fn receiver(data: &std::path::Path, pg: &PgCluster) -> CentralProcess {
    CentralProcess::start_on(&central_binary(), data, Some(&pg.url), &[])
        .expect("start banthuek-central on PostgreSQL")
}

fn at(enrolment: &Enrolment, central: &CentralProcess) -> Enrolment {
    Enrolment {
        url: central.url.clone(),
        ..enrolment.clone()
    }
}

#[test]
fn two_receivers_on_one_database_share_codes_sessions_records_and_revocation() {
    let pg = PgCluster::start(&[]).expect("a PostgreSQL cluster");
    let dir = tempfile::tempdir().expect("temp dir");
    let station = Station::create(&dir.path().join("station")).expect("station");
    station.queue_records(4).expect("queue records");
    let data = dir.path().join("central");
    let a = receiver(&data, &pg);
    let b = receiver(&data, &pg);
    assert_eq!(
        a.fingerprint, b.fingerprint,
        "one identity for the deployment"
    );

    // One code offered to both receivers at once enrols one device.
    let code = a.enrolment_code(3600).expect("code");
    let results: Vec<Result<Enrolment, SyncError>> = std::thread::scope(|s| {
        let tries: Vec<_> = [&a, &b]
            .into_iter()
            .map(|c| {
                let code = code.clone();
                let ca = station.ca_pem.clone();
                s.spawn(move || {
                    banthuek_sync::enrol(
                        &c.url,
                        &code,
                        "test-laptop",
                        &ca,
                        Some(&c.fingerprint),
                        &test_config(),
                    )
                })
            })
            .collect();
        tries
            .into_iter()
            .map(|t| t.join().expect("thread"))
            .collect()
    });
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let enrolment = results
        .into_iter()
        .find_map(Result::ok)
        .expect("one enrolment");
    let devices: i64 = pg
        .client()
        .expect("connect")
        .query_one("SELECT count(*) FROM devices", &[])
        .expect("devices")
        .get(0);
    assert_eq!(devices, 1);

    // A session opened at A is good at B (signed with the deployment's key, kept nowhere).
    let tls = banthuek_sync::tls::PinnedTls::new(Some(&a.fingerprint)).expect("tls");
    let agent = ureq::AgentBuilder::new()
        .tls_config(tls.config.clone())
        .build();
    let opened: serde_json::Value = agent
        .post(&format!("{}/v1/session", a.url))
        .set("Authorization", &format!("Bearer {}", enrolment.credential))
        .call()
        .expect("session at A")
        .into_string()
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .expect("json");
    let token = opened["access_token"].as_str().expect("token").to_owned();
    let status_at_b = agent
        .get(&format!("{}/v1/records/none/versions/1", b.url))
        .set("Authorization", &format!("Bearer {token}"))
        .call();
    match status_at_b {
        Err(ureq::Error::Status(404, _)) => {}
        other => panic!("B should know A's session and answer 404, got {other:?}"),
    }

    // The same queue sent through both receivers at once: each record stored once, and both
    // stations' copies hold the same receipt for it.
    let items = queued_items(&station);
    assert_eq!(items.len(), 4);
    let mut via_a = MemoryQueue::new(items.clone());
    let mut via_b = MemoryQueue::new(items.clone());
    std::thread::scope(|s| {
        for (queue, central) in [(&mut via_a, &a), (&mut via_b, &b)] {
            let enrolment = at(&enrolment, central);
            s.spawn(move || {
                Sender::new(&enrolment, test_config())
                    .expect("sender")
                    .drain(queue, &mut |_| {})
                    .expect("drain")
            });
        }
    });
    assert!(via_a.rejected.is_empty() && via_b.rejected.is_empty());
    assert_eq!(via_a.receipts.len(), 4);
    assert_eq!(via_a.receipts, via_b.receipts, "one receipt per record");
    let stored = pg_records(&mut pg.client().expect("connect"));
    assert_eq!(
        stored,
        via_a.receipts.clone().into_iter().collect::<Vec<_>>(),
        "one row per record, with the receipt the stations hold"
    );

    // Other content under a stored key is a conflict at either receiver.
    let mut changed = items[0].clone();
    changed.pdf.extend_from_slice(b"\n% appended\n");
    let mut conflict = MemoryQueue::new(vec![changed]);
    Sender::new(&at(&enrolment, &b), test_config())
        .expect("sender")
        .drain(&mut conflict, &mut |_| {})
        .expect("drain");
    assert_eq!(conflict.rejected.len(), 1);
    assert!(conflict.rejected[0].1.contains(codes::CONFLICT));

    // `stats` and `revoke` work on the database too; a revoked device is refused by both.
    let stats = a.stats().expect("stats");
    assert_eq!(stats["records"], 4);
    assert_eq!(stats["devices"], 1);
    let revoked = std::process::Command::new(central_binary())
        .args([
            "revoke",
            "--device",
            &enrolment.device_id,
            "--database",
            &pg.url,
        ])
        .arg("--data")
        .arg(&data)
        .status()
        .expect("revoke");
    assert!(revoked.success());
    for central in [&a, &b] {
        let mut queue = MemoryQueue::new(items.clone());
        match Sender::new(&at(&enrolment, central), test_config())
            .expect("sender")
            .drain(&mut queue, &mut |_| {})
        {
            Err(SyncError::Auth { code, .. }) => assert_eq!(code, codes::UNKNOWN_DEVICE),
            other => panic!("expected a refused device, got {other:?}"),
        }
    }
    assert_eq!(pg_records(&mut pg.client().expect("connect")).len(), 4);
}
