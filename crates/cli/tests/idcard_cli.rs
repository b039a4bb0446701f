//! `banthuek idcard …` and `record edit --from-card` as an officer runs them: the real binary, a
//! real encrypted store, our own pcscd with the vpcd virtual reader and the card emulator (see
//! crates/idcard/tests/support). Only the chip is simulated.

mod common;
#[path = "../../idcard/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::Path;
use std::process::Output;
use support::{lock, Card, Pcscd};

fn run(home: &Path, user: Option<&str>, args: &[&str]) -> Output {
    common::banthuek(home, user, args).output().unwrap()
}

fn ok(home: &Path, user: Option<&str>, args: &[&str]) -> String {
    let out = run(home, user, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn person(id: &str) -> Value {
    support::cards()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

/// A store with officer "somsak" and one record arrested on `arrest_date`; returns its id.
fn store_with_record(home: &Path, arrest_date: &str) -> String {
    let out = common::banthuek(home, None, &["init", "--admin", "admin"])
        .env("BANTHUEK_NEW_PASSWORD", common::PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = common::banthuek(
        home,
        Some("admin"),
        &["user", "add", "somsak", "--role", "officer"],
    )
    .env("BANTHUEK_NEW_PASSWORD", common::PASSWORD)
    .output()
    .unwrap();
    assert!(out.status.success());
    let id = ok(home, Some("somsak"), &["record", "new"])
        .trim()
        .to_owned();
    ok(
        home,
        Some("somsak"),
        &[
            "record",
            "edit",
            &id,
            "--set",
            &format!("/arrest/date={arrest_date}"),
            "--reason",
            "typed",
        ],
    );
    id
}

#[test]
fn readers_and_read_print_the_slots_and_the_arrestee_object() {
    let _guard = lock();
    let home = tempfile::tempdir().unwrap();
    let _pcscd = Pcscd::start();
    let text = ok(home.path(), None, &["idcard", "readers"]);
    assert!(text.contains("Virtual PCD 00 00\tempty") && text.contains("Virtual PCD 00 01"));

    let photo_card = home.path().join("card-photo.jpg");
    let photo_read = home.path().join("read-photo.jpg");
    let card = Card::insert("p10", 1, &["--photo-out", photo_card.to_str().unwrap()]);
    let text = ok(home.path(), None, &["idcard", "readers", "--json"]);
    let readers: Value = serde_json::from_str(&text).unwrap();
    assert!(readers
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "Virtual PCD 00 01" && r["card_present"] == true));
    let out = ok(
        home.path(),
        None,
        &[
            "idcard",
            "read",
            "--json",
            "--photo",
            photo_read.to_str().unwrap(),
        ],
    );
    let mut arrestee: Value = serde_json::from_str(&out).unwrap();
    let mut expected = person("p10")["expected"].clone();
    // `idcard read` counts the age today, not at an arrest date.
    assert!(arrestee["age"].as_u64().unwrap() >= expected["age"].as_u64().unwrap());
    arrestee.as_object_mut().unwrap().remove("age");
    expected.as_object_mut().unwrap().remove("age");
    assert_eq!(arrestee, expected);
    assert_eq!(
        std::fs::read(&photo_read).unwrap(),
        std::fs::read(&photo_card).unwrap()
    );
    card.pull();
}

#[test]
fn from_card_fills_the_arrestee_saves_a_version_and_audits_without_personal_data() {
    let _guard = lock();
    let home = tempfile::tempdir().unwrap();
    let p = person("p05");
    let id = store_with_record(home.path(), p["arrest_date"].as_str().unwrap());
    let _pcscd = Pcscd::start();

    // Pulled mid-read: an error, and nothing written.
    let card = Card::insert("p05", 0, &["--pull-after", "5"]);
    let out = run(
        home.path(),
        Some("somsak"),
        &[
            "record",
            "edit",
            &id,
            "--arrestee",
            "0",
            "--from-card",
            "--wait",
            "3",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("removed") && err.contains("บัตรถูกถอดออก"),
        "{err}"
    );
    drop(card);
    support::wait_for_card_state(0, false);
    let history = ok(
        home.path(),
        Some("somsak"),
        &["record", "history", &id, "--json"],
    );
    let history: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history["versions"].as_array().unwrap().len(), 2);

    let card = Card::insert("p05", 0, &[]);
    let out = ok(
        home.path(),
        Some("somsak"),
        &["record", "edit", &id, "--arrestee", "0", "--from-card"],
    );
    assert!(out.contains(&format!("{id} version 3")), "{out}");
    assert!(out.contains("juvenile"), "17 at the arrest date: {out}");
    card.pull();

    let exported = ok(
        home.path(),
        Some("somsak"),
        &["record", "export", &id, "--json"],
    );
    let record: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(record["arrestees"][0], p["expected"]);
    assert_eq!(
        record["provenance"]["/arrestees/0/national_id"]["source"],
        "card"
    );
    assert_eq!(record["provenance"]["/arrestees/0/age"]["confidence"], 1.0);
    let history = ok(
        home.path(),
        Some("somsak"),
        &["record", "history", &id, "--json"],
    );
    let history: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history["versions"][2]["source"], "card");

    // The officer may still edit a value from the card: recorded as an edit.
    ok(
        home.path(),
        Some("somsak"),
        &[
            "record",
            "edit",
            &id,
            "--set",
            "/arrestees/0/address=บ้านเลขที่ 301 ถนนลาดพร้าว",
            "--reason",
            "present address",
        ],
    );
    let exported = ok(
        home.path(),
        Some("somsak"),
        &["record", "export", &id, "--json"],
    );
    let record: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        record["provenance"]["/arrestees/0/address"]["source"],
        "edited"
    );

    let audit = ok(
        home.path(),
        Some("somsak"),
        &["audit", "log", "--record", &id, "--json"],
    );
    let entries: Value = serde_json::from_str(&audit).unwrap();
    let reads: Vec<&Value> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "idcard_read")
        .collect();
    assert_eq!(reads.len(), 1, "one successful read, one audit entry");
    assert_eq!(
        reads[0]["detail"],
        serde_json::json!({"arrestee": 0, "reader": "Virtual PCD 00 00", "version": 3})
    );
    let expected = &p["expected"];
    for personal in [
        expected["national_id"].as_str().unwrap(),
        expected["first_name"].as_str().unwrap(),
        expected["last_name"].as_str().unwrap(),
        expected["birth_date"].as_str().unwrap(),
    ] {
        assert!(!audit.contains(personal), "audit log holds no card data");
    }
}

#[test]
fn no_card_is_said_in_both_languages() {
    let _guard = lock();
    let home = tempfile::tempdir().unwrap();
    let _pcscd = Pcscd::start();
    let out = run(home.path(), None, &["idcard", "read", "--wait", "0"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no card in the reader") && err.contains("ไม่มีบัตร"),
        "{err}"
    );
}
