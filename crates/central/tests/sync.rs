//! The station's sender against a real `banthuek-central` process over TLS on 127.0.0.1:
//! acceptance with signed receipts, replays, refusals with reasons (tampered PDF, schema, unknown
//! device, expired credential) that leave nothing stored and let the rest of the queue flow.

mod common;

use banthuek_store::OutboxStatus;
use banthuek_sync::protocol::{self, codes, CredentialClaims};
use banthuek_sync::{Sender, SyncError, SyncEvent};
use common::*;
use std::time::Duration;

#[test]
fn a_queue_is_sent_with_signed_receipts_and_replays_get_the_same_receipt() {
    let s = setup(3, &[]);
    let mut session = session(&s.station);
    let mut sender = Sender::new(&s.enrolment, test_config()).expect("sender");
    let report = sender.drain(&mut session, &mut |_| {}).expect("drain");
    assert_eq!(report.synced, 3);
    assert!(report.rejected.is_empty());
    assert_all_synced_once(s.dir.path(), &session, &s.enrolment, 3);
    for id in &s.ids {
        assert_eq!(
            session.record(id).expect("record").status,
            banthuek_core::Status::Synced
        );
    }

    // The status query returns the stored receipt.
    let receipt = sender.status(&s.ids[0], 1).expect("status").expect("known");
    assert_eq!(receipt.record_id, s.ids[0]);
    assert_eq!(sender.status("no-such-record", 1).expect("status"), None);

    // Sending an accepted version again (a station restored from backup) gets the same receipt.
    let stored = session.outbox_rows().expect("rows")[0].receipt.clone();
    // A replay repeats everything the first upload carried, its classification included.
    let marking = session.classification(&s.ids[0]).expect("classification");
    let item = banthuek_sync::OutboxItem {
        record_id: s.ids[0].clone(),
        version: 1,
        idempotency_key: protocol::idempotency_key(&s.ids[0], 1),
        record_json: session.record_json(&s.ids[0], 1).expect("json"),
        pdf: session
            .artifact(&s.ids[0], 1, "countersigned_pdf")
            .expect("pdf")
            .expect("stored pdf"),
        audio: None,
        attempts: 0,
        classification: Some(marking.effective.as_str().to_owned()),
        juvenile: marking.juvenile,
        audit_anchor: None,
    };
    let mut replayed = Vec::new();
    let mut again = ReplaySource {
        items: vec![item.clone()],
        receipts: Vec::new(),
    };
    sender
        .drain(&mut again, &mut |e| {
            if let SyncEvent::Synced { replay, .. } = e {
                replayed.push(*replay)
            }
        })
        .expect("replay");
    assert_eq!(replayed, vec![true]);
    assert_eq!(Some(again.receipts[0].clone()), stored);

    // The same key with other content is refused, not overwritten.
    let mut changed = item;
    changed.pdf.extend_from_slice(b"\n% appended\n");
    let mut conflict = ReplaySource {
        items: vec![changed],
        receipts: Vec::new(),
    };
    let report = sender.drain(&mut conflict, &mut |_| {}).expect("conflict");
    assert_eq!(report.rejected.len(), 1);
    assert!(report.rejected[0].reason.contains(codes::CONFLICT));
    assert_eq!(central_records(&s.dir.path().join("central")).len(), 3);

    // The status page shows counts.
    let tls = banthuek_sync::tls::PinnedTls::new(Some(&s.central.fingerprint)).expect("tls");
    let page = ureq::AgentBuilder::new()
        .tls_config(tls.config.clone())
        .build()
        .get(&format!("{}/", s.central.url))
        .call()
        .expect("status page")
        .into_string()
        .expect("page");
    assert!(page.contains("<td id=\"records\">3</td>"), "{page}");
    assert!(page.contains("<td id=\"devices\">1</td>"), "{page}");

    // At rest: the data directory is its owner's alone, every file in it 0600, and the database
    // (WAL included) is encrypted: neither the SQLite header nor a record id appears in it.
    let data = s.dir.path().join("central");
    assert_private(&data, 5);
    // The station's side after the sync: its home too.
    assert_private(&s.station.home, 2);
    for name in ["central.db", "central.db-wal"] {
        let Ok(bytes) = std::fs::read(data.join(name)) else {
            continue;
        };
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{name} is plaintext"
        );
        assert!(
            !bytes
                .windows(s.ids[0].len())
                .any(|w| w == s.ids[0].as_bytes()),
            "{name} shows a record id in the clear"
        );
    }
}

/// `dir` is 0700 and every file in it (at least `min_files`) 0600.
fn assert_private(dir: &std::path::Path, min_files: usize) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        files += 1;
    }
    assert!(files >= min_files, "{}: {files} files", dir.display());
}

/// Yields fixed items and records what the sender does with them.
#[test]
fn the_receiver_keeps_the_classification_it_is_sent_and_refuses_an_unknown_one() {
    let s = setup(2, &[]);
    let session = session(&s.station);
    let item = |id: &str, classification: &str| banthuek_sync::OutboxItem {
        record_id: id.to_owned(),
        version: 1,
        idempotency_key: protocol::idempotency_key(id, 1),
        record_json: session.record_json(id, 1).expect("json"),
        pdf: session
            .artifact(id, 1, "countersigned_pdf")
            .expect("pdf")
            .expect("stored pdf"),
        audio: None,
        attempts: 0,
        classification: Some(classification.to_owned()),
        juvenile: true,
        audit_anchor: None,
    };
    let mut source = ReplaySource {
        items: vec![item(&s.ids[0], "secret"), item(&s.ids[1], "very secret")],
        receipts: Vec::new(),
    };
    let mut sender = Sender::new(&s.enrolment, test_config()).expect("sender");
    let report = sender.drain(&mut source, &mut |_| {}).expect("drain");
    assert_eq!(report.synced, 1);
    assert_eq!(report.rejected.len(), 1);
    assert!(report.rejected[0].reason.contains(codes::SCHEMA_INVALID));

    // A replay must repeat the classification and the juvenile mark too: any difference is a
    // conflict, and the stored level stays; the same content gets the same receipt.
    let mut lowered = item(&s.ids[0], "unclassified");
    lowered.juvenile = true;
    let mut unmarked = item(&s.ids[0], "secret");
    unmarked.juvenile = false;
    let mut replays = ReplaySource {
        items: vec![lowered, unmarked, item(&s.ids[0], "secret")],
        receipts: Vec::new(),
    };
    let report = sender.drain(&mut replays, &mut |_| {}).expect("replays");
    assert_eq!(report.rejected.len(), 2, "{:?}", report.rejected);
    assert!(report
        .rejected
        .iter()
        .all(|r| r.reason.contains(codes::CONFLICT)));
    assert_eq!(report.synced, 1, "the identical replay gets its receipt");
    assert_eq!(replays.receipts.len(), 1);
    assert_eq!(replays.receipts[0], source.receipts[0]);

    let conn = central_db(&s.dir.path().join("central"));
    let stored: Vec<(String, Option<String>, bool)> = conn
        .prepare("SELECT record_id, classification, juvenile FROM records")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read rows");
    assert_eq!(
        stored,
        vec![(s.ids[0].clone(), Some("secret".into()), true)]
    );
}

struct ReplaySource {
    items: Vec<banthuek_sync::OutboxItem>,
    receipts: Vec<String>,
}

impl banthuek_sync::OutboxSource for ReplaySource {
    fn next_batch(
        &mut self,
        limit: usize,
    ) -> Result<Vec<banthuek_sync::OutboxItem>, banthuek_sync::SourceError> {
        let n = limit.min(self.items.len());
        Ok(self.items.drain(..n).collect())
    }
    fn mark_sending(&mut self, _: &str) -> Result<(), banthuek_sync::SourceError> {
        Ok(())
    }
    fn mark_synced(&mut self, _: &str, receipt: &str) -> Result<(), banthuek_sync::SourceError> {
        self.receipts.push(receipt.to_owned());
        Ok(())
    }
    fn mark_rejected(&mut self, _: &str, _: &str) -> Result<(), banthuek_sync::SourceError> {
        Ok(())
    }
    fn mark_retry(&mut self, _: &str, _: &str) -> Result<(), banthuek_sync::SourceError> {
        Ok(())
    }
}

#[test]
fn a_tampered_pdf_and_a_schema_failure_are_rejected_with_reasons_and_the_rest_flows() {
    let s = setup(5, &[]);
    let tampered = protocol::idempotency_key(&s.ids[1], 1);
    let bad_schema = protocol::idempotency_key(&s.ids[3], 1);
    let out_of_range = protocol::idempotency_key(&s.ids[4], 1);
    let mut session = session(&s.station);
    let (t, b, r) = (tampered.clone(), bad_schema.clone(), out_of_range.clone());
    let mut source = Altering {
        inner: &mut session,
        alter: Box::new(move |item| {
            if item.idempotency_key == t {
                // One byte of the signed content changed (a digit of the page text stream).
                let at = item.pdf.len() / 3;
                item.pdf[at] ^= 0x01;
            }
            if item.idempotency_key == b {
                let mut v: serde_json::Value = serde_json::from_str(&item.record_json).unwrap();
                v["arrestees"] = serde_json::json!("not a list");
                item.record_json = v.to_string();
            }
            if item.idempotency_key == r {
                // Schema-valid, but below the signing rules' range (issue 15).
                let mut v: serde_json::Value = serde_json::from_str(&item.record_json).unwrap();
                v["seized_items"] =
                    serde_json::json!([{"description": "ยาบ้า", "quantity": -5, "unit": "เม็ด"}]);
                item.record_json = v.to_string();
            }
        }),
    };
    let mut sender = Sender::new(&s.enrolment, test_config()).expect("sender");
    let report = sender.drain(&mut source, &mut |_| {}).expect("drain");
    drop(source);
    assert_eq!(report.synced, 2);
    assert_eq!(report.rejected.len(), 3);

    let rows = session.outbox_rows().expect("rows");
    let row = |key: &str| rows.iter().find(|r| r.idempotency_key == key).expect("row");
    assert_eq!(row(&tampered).status, OutboxStatus::Rejected);
    let reason = row(&tampered).last_error.clone().unwrap_or_default();
    assert!(reason.contains(codes::SIGNATURE_INVALID), "{reason}");
    assert!(
        reason.contains("ลายมือชื่อ"),
        "the reason is given in Thai too: {reason}"
    );
    assert_eq!(row(&bad_schema).status, OutboxStatus::Rejected);
    let reason = row(&bad_schema).last_error.clone().unwrap_or_default();
    assert!(
        reason.contains(codes::SCHEMA_INVALID) && reason.contains("/arrestees"),
        "{reason}"
    );
    let reason = row(&out_of_range).last_error.clone().unwrap_or_default();
    assert!(
        reason.contains(codes::SCHEMA_INVALID) && reason.contains("/seized_items/0/quantity"),
        "{reason}"
    );

    let stored: Vec<String> = central_records(&s.dir.path().join("central"))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(![&tampered, &bad_schema, &out_of_range]
        .iter()
        .any(|k| stored.contains(k)));
}

#[test]
fn an_unknown_revoked_or_expired_device_is_refused_and_nothing_is_lost() {
    let s = setup(2, &[]);
    let mut session = session(&s.station);

    // A credential this receiver never issued.
    let mut forged = s.enrolment.clone();
    let other_key = p256::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
    forged.credential = protocol::sign_credential(
        &CredentialClaims {
            device_id: s.enrolment.device_id.clone(),
            issued_at: chrono::Utc::now(),
            expires_at: chrono::Utc::now() + chrono::Duration::days(1),
        },
        &other_key,
    );
    let err = Sender::new(&forged, test_config())
        .expect("sender")
        .drain(&mut session, &mut |_| {})
        .expect_err("refused");
    match &err {
        SyncError::Auth { code, .. } => assert_eq!(code, codes::UNKNOWN_DEVICE),
        other => panic!("expected unknown_device, got {other}"),
    }
    assert!(
        err.to_string().contains("enrol"),
        "the user is told what to do: {err}"
    );

    // A credential that has expired.
    let short = enrol(&s.central, &s.station.ca_pem, 1);
    std::thread::sleep(Duration::from_millis(1500));
    let err = Sender::new(&short, test_config())
        .expect("sender")
        .drain(&mut session, &mut |_| {})
        .expect_err("refused");
    match &err {
        SyncError::Auth { code, .. } => assert_eq!(code, codes::CREDENTIAL_EXPIRED),
        other => panic!("expected credential_expired, got {other}"),
    }

    // A revoked device (lost laptop).
    let lost = enrol(&s.central, &s.station.ca_pem, 3600);
    let revoked = std::process::Command::new(central_binary())
        .args(["revoke", "--device", &lost.device_id, "--data"])
        .arg(s.dir.path().join("central"))
        .status()
        .expect("revoke");
    assert!(revoked.success());
    match Sender::new(&lost, test_config())
        .expect("sender")
        .drain(&mut session, &mut |_| {})
    {
        Err(SyncError::Auth { code, .. }) => assert_eq!(code, codes::UNKNOWN_DEVICE),
        other => panic!("expected a refused device, got {other:?}"),
    }

    // Nothing stored, nothing rejected: the rows wait for a device that may send.
    assert!(central_records(&s.dir.path().join("central")).is_empty());
    assert!(session
        .outbox_rows()
        .expect("rows")
        .iter()
        .all(|r| r.status.is_waiting()));
    let report = Sender::new(&s.enrolment, test_config())
        .expect("sender")
        .drain(&mut session, &mut |_| {})
        .expect("drain");
    assert_eq!(report.synced, 2);
    assert_all_synced_once(s.dir.path(), &session, &s.enrolment, 2);
}

#[test]
fn retry_after_is_honoured_and_a_wrong_pin_is_refused() {
    // Ten records: with half the requests failing, the chance that none fails is below 0.1 %.
    let s = setup(10, &["--chaos-5xx", "0.5", "--chaos-retry-after", "1"]);
    let mut session = session(&s.station);
    let mut waits = Vec::new();
    let report = Sender::new(&s.enrolment, test_config())
        .expect("sender")
        .drain(&mut session, &mut |e| {
            if let SyncEvent::Retrying {
                wait, retry_after, ..
            } = e
            {
                waits.push((*wait, *retry_after));
            }
        })
        .expect("drain");
    assert_eq!(report.synced, 10);
    // Every retry the receiver asked for with Retry-After waits exactly that long. Other
    // retries (a request timing out on a loaded machine) follow the backoff and are not what
    // this test is about.
    let told: Vec<_> = waits.iter().filter(|(_, told)| *told).collect();
    assert!(
        !told.is_empty(),
        "half the requests fail with Retry-After, some retries happen: {waits:?}"
    );
    assert!(
        told.iter().all(|(wait, _)| *wait == Duration::from_secs(1)),
        "{waits:?}"
    );

    // A receiver with another certificate is not talked to.
    let mut wrong = s.enrolment.clone();
    wrong.pin_sha256 = "00".repeat(32);
    let err = banthuek_sync::enrol(
        &s.central.url,
        "AAAA-BBBB-CCCC",
        "x",
        &s.station.ca_pem,
        Some(&wrong.pin_sha256),
        &test_config(),
    )
    .expect_err("pin mismatch");
    assert!(matches!(err, SyncError::PinMismatch { .. }), "{err}");
}

#[test]
fn an_enrolment_code_is_used_once() {
    let s = setup(0, &[]);
    let code = s.central.enrolment_code(3600).expect("code");
    let first = banthuek_sync::enrol(
        &s.central.url,
        &code,
        "a",
        &s.station.ca_pem,
        Some(&s.central.fingerprint),
        &test_config(),
    );
    assert!(first.is_ok());
    let second = banthuek_sync::enrol(
        &s.central.url,
        &code,
        "b",
        &s.station.ca_pem,
        Some(&s.central.fingerprint),
        &test_config(),
    );
    match second {
        Err(SyncError::Enrol { code, .. }) => assert_eq!(code, codes::BAD_CODE),
        other => panic!("expected a refused code, got {other:?}"),
    }
}
