//! The app's ID card path with no window, over the real PC/SC stack: our own pcscd, Debian's
//! vsmartcard-vpcd virtual reader and the card emulator of `crates/idcard/tests/support` (only
//! the chip is simulated), and a real encrypted store. The same `CardReading` methods the Tauri
//! commands `idcard_read`, `idcard_fill` and `idcard_cancel` call.

#[path = "../../crates/idcard/tests/support/mod.rs"]
mod support;

use banthuek_app::contract::EventSink;
use banthuek_app::error::{AppResult, ErrorCode};
use banthuek_app::idcard::CardReading;
use banthuek_app::lifecycle::{self, Managers};
use banthuek_app::records;
use banthuek_app::views::SessionInfo;
use banthuek_core::Role;
use banthuek_store::{KdfParams, LockoutPolicy, Store, StoreOptions};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{lock, Card, Pcscd};

/// The steps the login, logout and settings commands take, on the test's managers.
fn login(app: &Managers, user: &str, password: &str) -> AppResult<SessionInfo> {
    lifecycle::login(&app.session, &app.dictation, user, password)
}

fn logout(app: &Managers) {
    lifecycle::logout(&app.session, &app.dictation)
}

const PASSWORD: &str = "correct horse battery";

struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _event: &str, _payload: Value) {}
}

fn station(home: &Path) {
    let opts = StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: LockoutPolicy {
            max_failed_attempts: 3,
            lockout_secs: 300,
        },
    };
    let (mut admin, _) = Store::init(home, "admin", PASSWORD, opts).expect("init");
    for (name, role) in [("officer", Role::Officer), ("supervisor", Role::Supervisor)] {
        admin
            .add_user(name, role, PASSWORD, None, None)
            .expect("user");
    }
}

/// A logged-in officer and a new record arrested on `arrest_date`.
fn officer_with_record(home: &Path, arrest_date: &str) -> (Managers, String) {
    station(home);
    let app = Managers::new(home.to_owned(), Arc::new(NoEvents));
    login(&app, "officer", PASSWORD).expect("officer logs in");
    let id = app
        .session
        .with_session(|s| {
            let v = records::new_record(s)?;
            let mut record = v.record.clone();
            record["arrest"] = serde_json::json!({ "date": arrest_date });
            records::save_record(s, &v.id, record, "typed", v.version).map(|v| v.id)
        })
        .expect("a record");
    (app, id)
}

fn stored(app: &Managers, id: &str) -> (u32, Value, Vec<banthuek_store::AuditEntry>) {
    app.session
        .with_session(|s| {
            let r = s.record(id)?;
            Ok((r.version, r.record.to_value(), s.audit_entries(Some(id))?))
        })
        .expect("the stored record")
}

fn card_reads(audit: &[banthuek_store::AuditEntry]) -> Vec<&banthuek_store::AuditEntry> {
    audit.iter().filter(|e| e.action == "idcard_read").collect()
}

#[test]
fn a_read_is_shown_with_its_photo_and_saved_only_when_its_reader_confirms() {
    let _guard = lock();
    let person = support::cards()
        .into_iter()
        .find(|c| c["id"] == "p01")
        .expect("p01");
    let expected = &person["expected"];
    let home = tempfile::tempdir().unwrap();
    let (app, id) = officer_with_record(home.path(), person["arrest_date"].as_str().unwrap());
    let _pcscd = Pcscd::start();
    let reading = CardReading::default();

    // Not a Thai ID card: its own error, and nothing waits for a confirmation.
    let other = Card::insert("p01", 0, &["--non-thai"]);
    let err = reading.read(&app.session, &id, 0).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotThaiIdCard);
    assert!(err.th.contains("ไม่ใช่บัตรประจำตัวประชาชน"), "{}", err.th);
    other.pull();

    let card = Card::insert("p01", 1, &[]);
    let (before, _, _) = stored(&app, &id);
    let preview = reading
        .read(&app.session, &id, 0)
        .expect("the card is read");
    card.pull();
    assert_eq!(preview.values, *expected, "what the dialog shows");
    assert_eq!(preview.reader, support::slot_name(1));
    assert_eq!(preview.issuer, person["card"]["issuer"].as_str().unwrap());
    assert!(preview.warnings.is_empty());
    assert!(!preview.juvenile);
    assert!(preview
        .photo
        .as_deref()
        .is_some_and(|p| p.starts_with("data:image/jpeg;base64,/9j/")));
    let (version, _, audit) = stored(&app, &id);
    assert_eq!(version, before, "a read alone saves nothing");
    assert!(card_reads(&audit).is_empty(), "a read alone is not audited");

    // Only this read, only for this record, only by the officer who read it.
    assert_eq!(
        reading
            .fill(&app.session, &id, preview.token + 1, before)
            .unwrap_err()
            .code,
        ErrorCode::CardReadStale
    );
    logout(&app);
    login(&app, "supervisor", PASSWORD).expect("supervisor logs in");
    assert_eq!(
        reading
            .fill(&app.session, &id, preview.token, before)
            .unwrap_err()
            .code,
        ErrorCode::CardReadStale
    );
    logout(&app);
    login(&app, "officer", PASSWORD).expect("officer logs in again");

    let view = reading
        .fill(&app.session, &id, preview.token, before)
        .expect("confirmed");
    assert_eq!(view.version, before + 1);
    let (_, record, audit) = stored(&app, &id);
    assert_eq!(record["arrestees"][0], *expected, "every field exact");
    assert_eq!(
        record["provenance"]["/arrestees/0/national_id"]["source"],
        "card"
    );
    assert!(
        !record.to_string().contains("/9j/"),
        "the photo is not in the record"
    );
    let reads = card_reads(&audit);
    assert_eq!(reads.len(), 1);
    assert_eq!(
        reads[0].detail,
        serde_json::json!({"arrestee": 0, "reader": support::slot_name(1), "version": before + 1})
    );
    // Saved once: the same confirmation again saves nothing more.
    assert_eq!(
        reading
            .fill(&app.session, &id, preview.token, before)
            .unwrap_err()
            .code,
        ErrorCode::CardReadStale
    );
    assert_eq!(stored(&app, &id).0, before + 1);
}

/// Another save (here the page's own save path, as dictation's would be) between the version the
/// page showed and the confirmation.
fn save_meanwhile(app: &Managers, id: &str, pointer: &str, value: &str) -> u32 {
    app.session
        .with_session(|s| {
            let current = s.record(id)?;
            let mut record = current.record.to_value();
            banthuek_core::record::set_pointer(&mut record, pointer, Value::from(value))?;
            records::save_record(s, id, record, "meanwhile", current.version).map(|v| v.version)
        })
        .expect("the other save")
}

#[test]
fn a_card_field_changed_meanwhile_by_another_save_is_refused_not_overwritten() {
    let _guard = lock();
    let person = support::cards()
        .into_iter()
        .find(|c| c["id"] == "p01")
        .expect("p01");
    let expected = &person["expected"];
    let home = tempfile::tempdir().unwrap();
    let (app, id) = officer_with_record(home.path(), person["arrest_date"].as_str().unwrap());
    let _pcscd = Pcscd::start();
    let reading = CardReading::default();
    let card = Card::insert("p01", 0, &[]);

    // The page shows version `seen`; the card is read; meanwhile another save gives the first
    // arrestee a first name.
    let (seen, _, _) = stored(&app, &id);
    let preview = reading
        .read(&app.session, &id, 0)
        .expect("the card is read");
    let other = save_meanwhile(&app, &id, "/arrestees/0/first_name", "สมหมาย");
    let err = reading
        .fill(&app.session, &id, preview.token, seen)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SaveConflict);
    // The field travels beside the sentences, which name no pointer.
    assert_eq!(err.fields, Some(vec!["/arrestees/0/first_name".to_owned()]));
    assert!(!err.en.contains('/') && !err.th.contains('/'), "{err}");
    let (version, record, audit) = stored(&app, &id);
    assert_eq!(version, other, "nothing saved");
    assert_eq!(record["arrestees"][0]["first_name"], "สมหมาย");
    assert!(
        card_reads(&audit).is_empty(),
        "a refused fill is not audited"
    );

    // Read again from the page showing that version, with a save meanwhile of a field the card
    // does not hold: merged, the card's values go in and the other save's value stays.
    let preview = reading
        .read(&app.session, &id, 0)
        .expect("the card is read again");
    card.pull();
    save_meanwhile(&app, &id, "/arrestees/0/phone", "0812345678");
    let view = reading
        .fill(&app.session, &id, preview.token, other)
        .expect("confirmed");
    let (_, record, audit) = stored(&app, &id);
    assert_eq!(view.version, other + 2);
    assert_eq!(record["arrestees"][0]["first_name"], expected["first_name"]);
    assert_eq!(record["arrestees"][0]["phone"], "0812345678");
    assert_eq!(card_reads(&audit).len(), 1);
}

#[test]
fn a_read_waiting_for_a_card_stops_when_cancelled() {
    let _guard = lock();
    let home = tempfile::tempdir().unwrap();
    let (app, id) = officer_with_record(home.path(), "2026-11-24");
    let _pcscd = Pcscd::start();
    let reading = Arc::new(CardReading::default());
    let waiting = {
        let (reading, app, id) = (reading.clone(), app.clone(), id.clone());
        std::thread::spawn(move || reading.read(&app.session, &id, 0))
    };
    std::thread::sleep(Duration::from_millis(700));
    let cancelled_at = Instant::now();
    reading.cancel();
    let err = waiting
        .join()
        .expect("the read thread")
        .expect_err("no card was inserted");
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(
        cancelled_at.elapsed() < banthuek_app::idcard::WAIT_FOR_CARD / 2,
        "the read stopped at the cancel, not at the end of its wait"
    );
    let (_, _, audit) = stored(&app, &id);
    assert!(card_reads(&audit).is_empty());
}
