//! The whole signing path over a real encrypted store in a temporary home: station CA at init,
//! keys issued to an officer and a supervisor, the officer's signature on submit, the
//! supervisor's countersignature on approval, both verified by the document crate's verifier.

use banthuek_core::{Role, Status};
use banthuek_station::*;
use banthuek_store::{KdfParams, LockoutPolicy, Store, StoreOptions, VersionSource};

const PASSWORD: &str = "correct horse battery";

fn opts() -> StoreOptions {
    StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: LockoutPolicy::default(),
    }
}

fn add_user(admin: &mut banthuek_store::Session, name: &str, role: Role) {
    let secrets = issue_signing_key(admin, role, name).expect("key issued");
    let secrets: Vec<(&str, &[u8])> = secrets.iter().map(|(k, v)| (*k, v.as_slice())).collect();
    admin
        .add_user_with_secrets(name, role, PASSWORD, None, None, &secrets)
        .expect("user added");
}

fn unlock(home: &std::path::Path, user: &str) -> banthuek_store::Session {
    Store::open_with(home, opts())
        .and_then(|l| l.unlock(user, PASSWORD))
        .expect("unlocks")
}

#[test]
fn officer_signs_supervisor_countersigns_and_both_verify() {
    let home = tempfile::tempdir().expect("temp dir");
    let (mut admin, _recovery) = Store::init(home.path(), "admin", PASSWORD, opts()).expect("init");
    create_station_ca(&mut admin, "สถานีทดสอบ").expect("CA");
    add_user(&mut admin, "officer", Role::Officer);
    add_user(&mut admin, "supervisor", Role::Supervisor);
    assert!(issue_signing_key(&admin, Role::Admin, "admin2")
        .expect("no key for admins")
        .is_empty());
    drop(admin);

    let mut officer = unlock(home.path(), "officer");
    let record = banthuek_store::bench::sample_record(1);
    let id = officer
        .create_record(record, VersionSource::Typed, "created")
        .expect("created");
    assert_eq!(
        sign_and_submit(&mut officer, &id, None).expect("signed"),
        Status::Submitted
    );
    let signed = current_pdf(&officer, &id).expect("pdf");
    let report = banthuek_document::verify_pdf(&signed, &[]).expect("verifies");
    assert_eq!(report.signatures.len(), 1);
    drop(officer);

    let mut supervisor = unlock(home.path(), "supervisor");
    let status = approve_and_countersign(&mut supervisor, &id, Some("ok")).expect("countersigned");
    assert_eq!(status, Status::Queued);
    let final_pdf = current_pdf(&supervisor, &id).expect("pdf");
    let ca = banthuek_document::pki::certs_from_pem_or_der(
        station_ca_pem(&supervisor).expect("CA").as_bytes(),
    )
    .expect("CA parses");
    let report = banthuek_document::verify_pdf(&final_pdf, &ca).expect("verifies");
    assert_eq!(report.signatures.len(), 2);
    assert!(report.valid && report.is_final);
    assert!(report.signatures.iter().all(|s| s.trusted == Some(true)));
    assert!(station_ca_pem(&supervisor)
        .expect("CA")
        .contains("BEGIN CERTIFICATE"));
}

#[test]
fn administrator_without_signing_key_cannot_sign() {
    let home = tempfile::tempdir().expect("temp dir");
    let (mut admin, _recovery) = Store::init(home.path(), "admin", PASSWORD, opts()).expect("init");
    create_station_ca(&mut admin, "สถานีทดสอบ").expect("CA");
    match identity(&admin) {
        Err(StationError::NoSigningKey(user)) => assert_eq!(user, "admin"),
        other => panic!("expected NoSigningKey, got {:?}", other.map(|_| ())),
    }
}

/// The text of a PDF as poppler reads it (the page and the signatures' appearances).
fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, pdf).expect("written");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// Issue 15: the name under the recorder's line is the account that signed, not the record's
/// first officer, and once countersigned the supervisor's block names the supervisor, with no
/// "( .... )" placeholder left on the page.
#[test]
fn names_beside_the_signatures_are_the_signers() {
    let home = tempfile::tempdir().expect("temp dir");
    let (mut admin, _recovery) = Store::init(home.path(), "admin", PASSWORD, opts()).expect("init");
    create_station_ca(&mut admin, "สถานีทดสอบ").expect("CA");
    for (name, role, full_name, rank) in [
        ("writer", Role::Officer, "ประยุทธ์ บันทึกดี", "ด.ต."),
        ("boss", Role::Supervisor, "วิชัย กล้าหาญ", "พ.ต.ท."),
    ] {
        let secrets = issue_signing_key(&admin, role, name).expect("key issued");
        let secrets: Vec<(&str, &[u8])> = secrets.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        admin
            .add_user_with_secrets(name, role, PASSWORD, Some(full_name), Some(rank), &secrets)
            .expect("user added");
    }
    drop(admin);

    // The record's only officer (ร.ต.อ. สมศักดิ์ ใจดี, leader) is not the account that signs.
    let first_officer = "( ร.ต.อ. สมศักดิ์ ใจดี )";
    let mut writer = unlock(home.path(), "writer");
    let id = writer
        .create_record(
            banthuek_store::bench::sample_record(1),
            VersionSource::Typed,
            "created",
        )
        .expect("created");
    let preview = pdftotext(&render_latest(&writer, &id).expect("preview"));
    assert_eq!(preview.matches(first_officer).count(), 2, "{preview}");
    assert!(!preview.contains("...................."), "{preview}");

    sign_and_submit(&mut writer, &id, None).expect("signed");
    let signed = pdftotext(&current_pdf(&writer, &id).expect("pdf"));
    // Once as the arresting officer, no longer as the recorder.
    assert_eq!(signed.matches(first_officer).count(), 1, "{signed}");
    assert!(signed.contains("( ด.ต. ประยุทธ์ บันทึกดี )"), "{signed}");
    assert!(!signed.contains("วิชัย กล้าหาญ"), "{signed}");
    drop(writer);

    let mut boss = unlock(home.path(), "boss");
    approve_and_countersign(&mut boss, &id, None).expect("countersigned");
    let last = pdftotext(&current_pdf(&boss, &id).expect("pdf"));
    // Under the supervisor's line, as under every other: "( rank name )".
    assert!(last.contains("( พ.ต.ท. วิชัย กล้าหาญ )"), "{last}");
    assert!(last.contains("( ด.ต. ประยุทธ์ บันทึกดี )"), "{last}");
    assert!(!last.contains("...................."), "{last}");
}

/// Issue 15: a record that reached the store with a right-to-left override in a name and a NUL
/// in another (the store keeps what it is given; limits apply where input enters and here) is
/// refused before rendering, naming the fields, instead of failing inside the PDF writer.
#[test]
fn a_record_with_control_or_direction_characters_is_refused_naming_the_fields() {
    let home = tempfile::tempdir().expect("temp dir");
    let (mut admin, _recovery) = Store::init(home.path(), "admin", PASSWORD, opts()).expect("init");
    create_station_ca(&mut admin, "สถานีทดสอบ").expect("CA");
    add_user(&mut admin, "officer", Role::Officer);
    drop(admin);
    let mut officer = unlock(home.path(), "officer");
    let mut record = banthuek_store::bench::sample_record(1);
    record.arrestees[0].first_name = Some("\u{202E}ทดสอบ".to_owned());
    record.arrestees[0].last_name = Some("สม\u{0}มติ".to_owned());
    let id = officer
        .create_record(record, VersionSource::Typed, "created")
        .expect("created");
    for result in [
        render_latest(&officer, &id).map(|_| ()),
        sign_and_submit(&mut officer, &id, None).map(|_| ()),
    ] {
        match result {
            Err(e @ StationError::BadInput(_)) => {
                let text = e.to_string();
                assert!(text.contains("/arrestees/0/first_name"), "{text}");
                assert!(text.contains("U+202E"), "{text}");
                assert!(text.contains("/arrestees/0/last_name"), "{text}");
            }
            other => panic!("expected BadInput, got {:?}", other.err()),
        }
    }
    assert_eq!(officer.record(&id).expect("record").status, Status::Draft);
}
