//! The ID card read through the real PC/SC stack: our own pcscd, Debian's vsmartcard-vpcd virtual
//! reader and the card emulator `support/thai_id_card.py` answering as the Thai ID applet does
//! for 21 synthetic people (tests/data/cards.json; p21 is a pink card with the name in English
//! only). Only the chip is simulated.

mod support;

use banthuek_core::{ArrestRecord, Source};
use banthuek_idcard::{fill_arrestee, read_card, readers, IdCardError, ReadOptions};
use std::time::Duration;
use support::{lock, slot_name, Card, Pcscd};

fn options() -> ReadOptions {
    ReadOptions {
        reader: None,
        wait: Duration::from_secs(3),
        photo: false,
    }
}

fn record_arrested_on(date: &str) -> ArrestRecord {
    ArrestRecord::default()
        .with_field("/arrest/date", date)
        .unwrap()
        .with_field("/arrestees/0/first_name", "สมชัย")
        .unwrap()
        .with_field("/arrestees/0/phone", "0812345678")
        .unwrap()
}

#[test]
fn every_field_of_twenty_one_cards_lands_exactly_in_the_record() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    let cards = support::cards();
    assert_eq!(cards.len(), 21);
    for (i, person) in cards.iter().enumerate() {
        let id = person["id"].as_str().unwrap();
        // Alternate slots: the reader must find the one holding the card.
        let slot = (i % 2) as u8;
        let card = Card::insert(id, slot, &[]);
        let read = read_card(&options()).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(read.reader, slot_name(slot), "{id}");
        assert_eq!(
            read.card.issuer,
            person["card"]["issuer"].as_str().unwrap_or(""),
            "{id}: the issuer, or nothing where the card leaves it blank"
        );
        assert!(
            read.photo.is_none(),
            "{id}: the photo is read only when asked"
        );
        let warnings: Vec<String> = read
            .warnings
            .iter()
            .map(|w| {
                serde_json::to_value(w).unwrap()["warning"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            serde_json::to_value(&warnings).unwrap(),
            person["warnings"],
            "{id}: warnings"
        );

        let before = record_arrested_on(person["arrest_date"].as_str().unwrap());
        let filled = fill_arrestee(&before, 0, &read).unwrap();
        let mut arrestee = filled.record.to_value()["arrestees"][0].clone();
        // Kept: what the card does not hold.
        assert_eq!(arrestee["phone"], "0812345678", "{id}");
        arrestee.as_object_mut().unwrap().remove("phone");
        assert_eq!(arrestee, person["expected"], "{id}: the arrestee as filled");
        let age = person["expected"]["age"].as_u64().unwrap() as u32;
        assert_eq!(filled.report.juvenile, age < 18, "{id}: juvenile flag");
        assert_eq!(
            banthuek_core::classification::is_juvenile(&filled.record),
            age < 18,
            "{id}: the record's marking sees the age"
        );
        // Every value from the card says so, with the reader and time of reading.
        assert!(!filled.report.fields.is_empty());
        for field in &filled.report.fields {
            let p = &filled.record.provenance[field];
            assert_eq!(p.source, Source::Card, "{id} {field}");
            assert_eq!(p.confidence, Some(1.0), "{id} {field}");
            assert_eq!(p.extra["reader"], slot_name(slot).as_str());
            assert!(p.extra["read_at"].is_string());
        }
        assert!(filled
            .report
            .fields
            .contains(&"/arrestees/0/address_parts/province".to_owned()));
        // Nothing stale: the old dictated first name is gone, its provenance replaced.
        assert_ne!(
            filled.record.arrestees[0].first_name.as_deref(),
            Some("สมชัย")
        );
        card.pull();
    }
}

#[test]
fn the_photo_is_read_only_when_asked_and_matches_the_card() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    let dir = tempfile::tempdir().unwrap();
    let photo_file = dir.path().join("photo.jpg");
    let card = Card::insert("p03", 1, &["--photo-out", photo_file.to_str().unwrap()]);
    let read = read_card(&ReadOptions {
        photo: true,
        ..options()
    })
    .unwrap();
    let photo = read.photo.clone().expect("asked for");
    assert_eq!(photo, std::fs::read(&photo_file).unwrap());
    assert!(photo.starts_with(&[0xFF, 0xD8]) && photo.ends_with(&[0xFF, 0xD9]));
    // Not in anything that may be printed or logged.
    let debug = format!("{read:?}");
    assert!(
        !debug.contains(&read.card.national_id) && !debug.contains(&read.card.name_th.first_name),
        "{debug}"
    );
    card.pull();
}

#[test]
fn a_card_pulled_mid_read_is_an_error_never_a_panic() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    // Pulled during the 4th command (READ BINARY of the Thai name): no answer at all.
    let card = Card::insert("p01", 0, &["--pull-after", "4"]);
    let err = read_card(&options()).unwrap_err();
    assert!(matches!(err, IdCardError::CardRemoved), "{err}");
    assert!(err.to_string().contains("บัตรถูกถอดออก"), "{err}");
    drop(card);
    support::wait_for_card_state(0, false);
    // Pulled during a GET RESPONSE, answered with 0 bytes and no status word.
    let card = Card::insert("p02", 1, &["--empty-answer-after", "3"]);
    let err = read_card(&options()).unwrap_err();
    assert!(matches!(err, IdCardError::CardRemoved), "{err}");
    drop(card);
    support::wait_for_card_state(1, false);
    // Put back, the same card reads whole.
    let card = Card::insert("p02", 1, &[]);
    assert!(read_card(&options()).is_ok());
    card.pull();
}

#[test]
fn a_card_without_the_thai_applet_is_refused() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    let card = Card::insert("p01", 0, &["--non-thai"]);
    let err = read_card(&options()).unwrap_err();
    assert!(matches!(err, IdCardError::NotThaiIdCard), "{err}");
    assert!(err.to_string().contains("ไม่ใช่บัตรประจำตัวประชาชน"), "{err}");
    card.pull();
}

#[test]
fn readers_list_both_slots_and_an_empty_reader_is_no_card() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    let list = readers().unwrap();
    let names: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
    assert!(names.contains(&"Virtual PCD 00 00") && names.contains(&"Virtual PCD 00 01"));
    assert!(list.iter().all(|r| !r.card_present));
    let err = read_card(&ReadOptions {
        wait: Duration::from_millis(600),
        ..options()
    })
    .unwrap_err();
    assert!(matches!(err, IdCardError::NoCard), "{err}");
    // A card in slot 1 is not seen when slot 0 is named; an unknown name is said so.
    let card = Card::insert("p05", 1, &[]);
    let only_slot0 = ReadOptions {
        reader: Some(slot_name(0)),
        wait: Duration::ZERO,
        photo: false,
    };
    assert!(matches!(read_card(&only_slot0), Err(IdCardError::NoCard)));
    let unknown = ReadOptions {
        reader: Some("ACME 1".into()),
        ..options()
    };
    assert!(matches!(
        read_card(&unknown),
        Err(IdCardError::UnknownReader(n)) if n == "ACME 1"
    ));
    card.pull();
}

#[test]
fn a_card_inserted_while_waiting_is_read() {
    let _guard = lock();
    let _pcscd = Pcscd::start();
    let waiting = std::thread::spawn(|| {
        read_card(&ReadOptions {
            wait: Duration::from_secs(8),
            ..options()
        })
    });
    std::thread::sleep(Duration::from_millis(300));
    let card = Card::insert("p16", 0, &[]);
    let read = waiting.join().unwrap().unwrap();
    assert_eq!(read.card.name_th.title, "เด็กหญิง");
    card.pull();
}

#[test]
fn no_reader_and_no_service_are_told_apart() {
    let _guard = lock();
    let err = read_card(&options()).unwrap_err();
    assert!(matches!(err, IdCardError::NoService), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let _pcscd = Pcscd::start_without_readers(empty.path());
    let err = read_card(&options()).unwrap_err();
    assert!(matches!(err, IdCardError::NoReader), "{err}");
    assert!(err.to_string().contains("ไม่พบเครื่องอ่านบัตร"), "{err}");
}
