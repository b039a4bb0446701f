//! Evidence audio, both sides, with a real receiver: the station's outbox attaches a record's
//! dictation audio only when the station policy allows it and the record may send it (never a
//! top-secret one), the sender sends it, the receipt names its hash, and the receiver stores
//! exactly those bytes (and refuses audio that does not match its hash).

mod common;

use banthuek_core::classification::Classification;
use banthuek_sync::fixture::{CentralProcess, Station, ADMIN};
use banthuek_sync::protocol::codes;
use banthuek_sync::{protocol, Sender, SyncConfig};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::*;

#[test]
fn dictation_audio_goes_with_a_record_only_where_policy_and_classification_allow() {
    let recording = |n: u8| -> Vec<u8> {
        let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        wav.extend(std::iter::repeat_n(n, 4000));
        wav
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let station = Station::create(&dir.path().join("station")).expect("station");
    // Two drafts dictated with audio; the second classified top secret before signing.
    let ids = station
        .queue_records_prepared(2, |officer, index, id| {
            officer.put_audio(id, "audio/wav", &recording(index as u8 + 1))?;
            if index == 1 {
                officer.set_classification(id, Classification::TopSecret)?;
            }
            Ok(())
        })
        .expect("queue records");
    let central = CentralProcess::start(&central_binary(), &dir.path().join("central"), &[])
        .expect("start banthuek-central");
    let enrolment = enrol(&central, &station.ca_pem, 3600);
    let (plain, secret) = (&ids[0], &ids[1]);

    // Policy off (the default): no audio leaves.
    assert!(queued_items(&station).iter().all(|i| i.audio.is_none()));
    let mut admin = station.session(ADMIN).expect("admin");
    admin.set_policy("sync.audio", "on").expect("policy");
    drop(admin);
    let items = queued_items(&station);
    let audio_of = |id: &str| {
        items
            .iter()
            .find(|i| i.record_id == id)
            .expect("queued")
            .audio
            .clone()
    };
    assert_eq!(
        audio_of(plain).map(|a| (a.mime, a.data)),
        Some(("audio/wav".to_owned(), recording(1)))
    );
    assert!(audio_of(secret).is_none(), "never for a top-secret record");

    // The receiver checks the audio against its hash: damaged audio is refused, nothing stored.
    let tls = banthuek_sync::tls::PinnedTls::new(Some(&central.fingerprint)).expect("tls");
    let agent = ureq::AgentBuilder::new()
        .tls_config(tls.config.clone())
        .build();
    let opened = agent
        .post(&format!("{}/v1/session", central.url))
        .set("Authorization", &format!("Bearer {}", enrolment.credential))
        .call()
        .expect("session")
        .into_string()
        .expect("body");
    let token: protocol::SessionResponse = serde_json::from_str(&opened).expect("session json");
    let item = items
        .iter()
        .find(|i| i.record_id == *plain)
        .expect("queued");
    let upload = |audio_sha256: String| protocol::UploadRequest {
        idempotency_key: item.idempotency_key.clone(),
        record_id: item.record_id.clone(),
        version: item.version,
        record: serde_json::value::RawValue::from_string(item.record_json.clone()).expect("raw"),
        pdf_base64: STANDARD.encode(&item.pdf),
        pdf_sha256: protocol::sha256_hex(&item.pdf),
        audio: Some(protocol::AudioAttachment {
            mime: "audio/wav".into(),
            data_base64: STANDARD.encode(recording(1)),
            sha256: audio_sha256,
        }),
        classification: item.classification.clone(),
        juvenile: item.juvenile,
        audit_anchor: None,
    };
    let damaged = agent
        .post(&format!("{}/v1/records", central.url))
        .set("Authorization", &format!("Bearer {}", token.access_token))
        .set(protocol::IDEMPOTENCY_HEADER, &item.idempotency_key)
        .send_string(
            &serde_json::to_string(&upload(protocol::sha256_hex(b"other audio"))).expect("json"),
        );
    match damaged {
        Err(ureq::Error::Status(422, response)) => {
            let body = response.into_string().expect("body");
            assert!(body.contains(codes::HASH_MISMATCH), "{body}");
        }
        other => panic!("damaged audio must be refused with 422, got {other:?}"),
    }
    assert!(central_records(&dir.path().join("central")).is_empty());

    let mut session = session(&station);
    let config = SyncConfig {
        include_audio: true,
        ..test_config()
    };
    let report = Sender::new(&enrolment, config)
        .expect("sender")
        .drain(&mut session, &mut |_| {})
        .expect("drain");
    assert_eq!(report.synced, 2);

    // The receipt names the audio's hash; the receiver holds exactly those bytes.
    let key = protocol::public_key_from_pem(&enrolment.receipt_key_pem).expect("key");
    let receipt_of = |id: &str| {
        let row = session
            .outbox_rows()
            .expect("rows")
            .into_iter()
            .find(|r| r.record_id == id)
            .expect("row");
        let signed: banthuek_sync::SignedReceipt =
            serde_json::from_str(&row.receipt.expect("receipt")).expect("json");
        signed.verify(&key).expect("verifies")
    };
    assert_eq!(
        receipt_of(plain).audio_sha256,
        Some(protocol::sha256_hex(&recording(1)))
    );
    assert_eq!(receipt_of(secret).audio_sha256, None);
    let conn = central_db(&dir.path().join("central"));
    let stored = |id: &str| -> (Option<String>, Option<Vec<u8>>) {
        conn.query_row(
            "SELECT audio_mime, audio FROM records WHERE record_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("stored record")
    };
    assert_eq!(
        stored(plain),
        (Some("audio/wav".to_owned()), Some(recording(1)))
    );
    assert_eq!(stored(secret), (None, None));
}
