//! Statistics from a real encrypted store: counts are right, small cells are suppressed, repeat
//! arrestees are countable by pseudonym, and no personal value from the records reaches the
//! export in any form.

use banthuek_core::rules::national_id_check_digit;
use banthuek_core::{ArrestRecord, Role};
use banthuek_governance::{export, pseudonym, Dimension, Granularity, StatsError};
use banthuek_store::{KdfParams, LockoutPolicy, Session, Store, StoreOptions, VersionSource};
use chrono::NaiveDate;

const PASSWORD: &str = "correct horse battery";

fn opts() -> StoreOptions {
    StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: LockoutPolicy::default(),
    }
}

/// A valid national ID built from `n` (so the signing rules accept it).
fn national_id(n: u64) -> String {
    let first12 = format!("{:012}", 110_170_020_000 + n);
    let digits: Vec<u32> = first12.chars().filter_map(|c| c.to_digit(10)).collect();
    format!("{first12}{}", national_id_check_digit(&digits).unwrap())
}

struct Person {
    first: String,
    last: String,
    id: String,
    address: String,
    phone: String,
    age: u32,
}

fn person(i: u64, age: u32) -> Person {
    Person {
        first: format!("ชื่อเฉพาะทดสอบ{i}"),
        last: format!("นามสกุลไม่ซ้ำ{i}"),
        id: national_id(i),
        address: format!("บ้านเลขที่ {i}9/7{i} หมู่บ้านลับเฉพาะ ตำบลทดสอบ"),
        phone: format!("08{i}-555-01{i}{i}"),
        age,
    }
}

fn record(p: &Person, i: u64) -> ArrestRecord {
    ArrestRecord::from_value(serde_json::json!({
        "schema": "banthuek.arrest-record/1",
        "recorded": {"place": format!("ห้องสอบสวนพิเศษหมายเลข{i}"), "date": "2025-03-02", "time": "14:30"},
        "arrest": {"date": "2025-03-01", "time": "10:15", "place": format!("ซอยลับเฉพาะ{i} ถนนทดสอบ"),
                   "basis": "warrant",
                   "warrant": {"number": format!("จ.{i}77/2568"), "court": "ศาลอาญาทดสอบ", "date": "2025-02-01"}},
        "officers": [{"rank": "ร.ต.อ.", "first_name": format!("ตำรวจเฉพาะ{i}"), "last_name": "ใจดีพิเศษ", "role": "leader"}],
        "arrestees": [{"title": "นาย", "first_name": p.first, "last_name": p.last, "age": p.age,
                       "national_id": p.id, "nationality": "ไทย", "address": p.address, "phone": p.phone,
                       "passport": format!("ZX{i}98765")}],
        "charges": [{"text": format!("มียาเสพติดไว้ในครอบครองเพื่อจำหน่ายเรื่องเฉพาะ{i}"), "code": "drug-possession"}],
        "seized_items": [{"description": format!("ยาบ้า ซ่อนในกระเป๋าสีชมพูลายดอกไม้{i}"), "quantity": 100, "unit": "เม็ด",
                          "found_at": format!("ใต้เบาะรถทะเบียน กข {i}234")}],
        "circumstances": format!("พฤติการณ์เฉพาะคดีนี้ลำดับ{i} ผู้ต้องหาวิ่งหนีเข้าบ้านญาติ"),
        "rights_notified": ["silence", "lawyer"],
        "arrestee_statement": "denied",
        "custody": {"condition": format!("มีรอยแผลที่แขนซ้ายยาว{i}เซนติเมตร"), "handed_to": format!("ร.ต.ท.ผู้รับตัว{i}")}
    }))
    .unwrap()
}

/// Makes a record final in the store.
fn finalise(officer: &mut Session, boss: &mut Session, rec: ArrestRecord) -> String {
    let id = officer
        .create_record(rec, VersionSource::Typed, "typed")
        .unwrap();
    officer.submit(&id, None, Some(b"%PDF officer")).unwrap();
    boss.approve(&id, None).unwrap();
    boss.countersign(&id, b"%PDF countersigned").unwrap();
    id
}

fn unlock(home: &std::path::Path, user: &str) -> Session {
    Store::open_with(home, opts())
        .unwrap()
        .unlock(user, PASSWORD)
        .unwrap()
}

#[test]
fn statistics_count_suppress_and_reveal_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let (mut admin, _) = Store::init(dir.path(), "admin", PASSWORD, opts()).unwrap();
    admin
        .add_user("somsak", Role::Officer, PASSWORD, None, None)
        .unwrap();
    admin
        .add_user("boss", Role::Supervisor, PASSWORD, None, None)
        .unwrap();
    let mut officer = unlock(dir.path(), "somsak");
    let mut boss = unlock(dir.path(), "boss");

    // Six final records; the first arrestee is arrested twice; one arrestee is 16.
    let people: Vec<Person> = (1..=5)
        .map(|i| person(i, if i == 3 { 16 } else { 30 }))
        .collect();
    let mut record_ids = Vec::new();
    let mut records = Vec::new();
    for (i, p) in people.iter().enumerate() {
        let rec = record(p, i as u64 + 1);
        records.push(rec.clone());
        record_ids.push(finalise(&mut officer, &mut boss, rec));
    }
    let again = record(&people[0], 6);
    records.push(again.clone());
    record_ids.push(finalise(&mut officer, &mut boss, again));
    // A draft in the period is not counted.
    officer
        .create_record(record(&person(9, 40), 9), VersionSource::Typed, "draft")
        .unwrap();

    let from = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
    // Officers get no statistics (nor the pseudonym secret).
    assert!(matches!(
        export(&mut officer, from, to, Granularity::Day),
        Err(StatsError::Store(
            banthuek_store::StoreError::NotPermitted { .. }
        ))
    ));
    let stats = export(&mut boss, from, to, Granularity::Day).unwrap();
    let cell = |dim: Dimension, cat: &str| {
        stats
            .cells
            .iter()
            .find(|c| c.dimension == dim && c.category == cat)
            .unwrap_or_else(|| panic!("no {dim:?} {cat} cell in {:?}", stats.cells))
            .clone()
    };
    let total = cell(Dimension::Records, "all");
    assert_eq!(total.date, "2025-03-01");
    assert_eq!(total.count, Some(records.len() as u32));
    assert_eq!(total.station, boss.store_id().unwrap());
    assert_eq!(
        cell(Dimension::ChargeCategory, "drug").count,
        Some(records.len() as u32)
    );
    let pills = cell(Dimension::SeizedItemType, "methamphetamine_pills");
    assert_eq!(pills.unit.as_deref(), Some("เม็ด"));
    assert_eq!(pills.quantity, Some(100.0 * records.len() as f64));
    assert_eq!(cell(Dimension::Nationality, "thai").count, Some(6));
    // One juvenile: fewer than MIN_CELL, so withheld.
    let juvenile = cell(Dimension::AgeBand, "15-17");
    assert!(juvenile.suppressed && juvenile.count.is_none());
    assert_eq!(cell(Dimension::AgeBand, "25-34").count, Some(5));

    // Repeat arrestees: the same person twice has one pseudonym counted twice; the pseudonym is
    // keyed (not the plain hash of the ID).
    assert_eq!(stats.arrestees.len(), people.len());
    let twice: Vec<_> = stats.arrestees.iter().filter(|p| p.records == 2).collect();
    assert_eq!(twice.len(), 1);
    let plain = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
        format!("nid:{}", people[0].id).as_bytes(),
    ));
    assert_ne!(twice[0].pseudonym, plain);
    let key = boss.pseudonym_key().unwrap();
    let arrestee = &records[0].arrestees[0];
    assert_eq!(
        pseudonym(&key, arrestee, Some(2025)).as_deref(),
        Some(twice[0].pseudonym.as_str())
    );

    // Nothing personal in either format: every text value of every record, and every number
    // that identifies someone also with its separators removed.
    let json = serde_json::to_string(&stats).unwrap();
    let csv = stats.to_csv();
    assert!(csv.starts_with("station,date,dimension,category,unit,count,quantity\n"));
    let mut secrets: Vec<String> = record_ids.clone();
    for rec in &records {
        collect_strings(&rec.to_value(), &mut secrets);
    }
    let vocabulary = ["banthuek.arrest-record/1", "ไทย", "นาย", "ร.ต.อ.", "เม็ด"];
    secrets.retain(|s| !vocabulary.contains(&s.as_str()) && s.chars().count() >= 4);
    secrets.retain(|s| {
        ![
            "leader",
            "warrant",
            "silence",
            "lawyer",
            "denied",
            "drug-possession",
        ]
        .contains(&s.as_str())
    });
    secrets.retain(|s| !s.starts_with("2025-") && !s.contains(':'));
    let mut with_digits = Vec::new();
    for s in &secrets {
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 6 {
            with_digits.push(digits);
        }
    }
    secrets.extend(with_digits);
    assert!(secrets.iter().any(|s| s == &people[0].id));
    assert!(secrets.iter().any(|s| s.contains("หมู่บ้านลับเฉพาะ")));
    for s in &secrets {
        assert!(!json.contains(s.as_str()), "JSON export contains '{s}'");
        assert!(!csv.contains(s.as_str()), "CSV export contains '{s}'");
    }
    // The export itself is on record, with its period only.
    let last = boss.audit_entries(None).unwrap().pop().unwrap();
    assert_eq!(last.action, "statistics_exported");
    assert_eq!(last.detail["records"], records.len());

    // A period with no records, and one the wrong way round.
    let empty = export(
        &mut boss,
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
        Granularity::Period,
    )
    .unwrap();
    assert!(empty.cells.is_empty() && empty.arrestees.is_empty());
    assert!(matches!(
        export(&mut boss, to, from, Granularity::Day),
        Err(StatsError::BadPeriod { .. })
    ));
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}
