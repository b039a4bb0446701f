//! The record model against the shared exchange format: every expected record of the shared
//! evaluation set round-trips through the Rust types and validates against the schema.

use banthuek_core::record::{ArrestRecord, RecordError};
use banthuek_core::schema;
use serde_json::Value;
use std::path::PathBuf;

/// `../shared` beside the checkout, or where `BANTHUEK_SHARED` says (scripts/test.sh sets it).
fn shared() -> PathBuf {
    std::env::var_os("BANTHUEK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

fn dev_cases() -> Vec<Value> {
    let path = shared().join("eval/extract-dev.jsonl");
    let text =
        std::fs::read_to_string(&path).expect("../shared/eval/extract-dev.jsonl is readable");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn bundled_schema_is_the_shared_one() {
    let shared: Value = serde_json::from_str(
        &std::fs::read_to_string(shared().join("schema/arrest-record-v1.schema.json")).unwrap(),
    )
    .unwrap();
    let bundled: Value = serde_json::from_str(schema::SCHEMA_JSON).unwrap();
    assert_eq!(
        shared, bundled,
        "assets/schema is out of date with ../shared/schema"
    );
}

#[test]
fn every_expected_record_round_trips_and_validates() {
    let cases = dev_cases();
    assert!(cases.len() >= 10, "the dev set has its cases");
    for case in cases {
        let mut expected = case["expected"].clone();
        expected["schema"] = Value::String(banthuek_core::SCHEMA_ID.into());
        let record = ArrestRecord::from_value(expected.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        let back = record.to_value();
        assert_eq!(back, expected, "{} does not round-trip", case["id"]);
        schema::validate(&back).unwrap();
    }
}

#[test]
fn unknown_keys_survive_a_round_trip() {
    let v: Value = serde_json::json!({
        "schema": banthuek_core::SCHEMA_ID,
        "future_field": {"x": 1},
        "arrestees": [{"first_name": "ก", "nickname": "เอ"}]
    });
    let r = ArrestRecord::from_value(v.clone()).unwrap();
    assert_eq!(r.to_value(), v);
}

#[test]
fn schema_errors_name_the_field() {
    let cases = [
        (serde_json::json!({"schema": "other"}), "/schema"),
        (
            serde_json::json!({"schema": banthuek_core::SCHEMA_ID, "arrestees": [{"national_id": "12"}]}),
            "/arrestees/0/national_id",
        ),
        (
            serde_json::json!({"schema": banthuek_core::SCHEMA_ID, "arrest": {"time": "25:99"}}),
            "/arrest/time",
        ),
        (
            serde_json::json!({"schema": banthuek_core::SCHEMA_ID, "arrestee_statement": "guilty"}),
            "/arrestee_statement",
        ),
    ];
    for (value, field) in cases {
        match ArrestRecord::from_value(value) {
            Err(RecordError::Schema { path, .. }) => assert_eq!(path, field),
            other => panic!("expected a schema error at {field}, got {other:?}"),
        }
    }
}

#[test]
fn a_record_without_schema_key_is_rejected() {
    assert!(ArrestRecord::from_json_str("{}").is_err());
    assert!(ArrestRecord::from_json_str("not json").is_err());
}

#[test]
fn id_card_fields_round_trip_as_typed_fields() {
    let v: Value = serde_json::json!({
        "schema": banthuek_core::SCHEMA_ID,
        "arrestees": [{
            "title": "นางสาว",
            "first_name": "ฤดี",
            "last_name": "ฦๅชา",
            "birth_date": "1990-02-28",
            "sex": "female",
            "name_en": {"title": "Miss", "first_name": "Ruedee", "middle_name": "", "last_name": "Luecha"},
            "address_parts": {
                "house_number": "45/7", "moo": "3", "village": "หมู่บ้านสุขใจ", "soi": "ร่วมมิตร",
                "road": "พหลโยธิน", "subdistrict": "สามเสนใน", "district": "พญาไท",
                "province": "กรุงเทพมหานคร"
            },
            "id_card": {"issued": "2020-01-15", "expires": "2029-02-27"}
        }],
        "provenance": {
            "/arrestees/0/first_name": {
                "source": "card", "confidence": 1.0,
                "reader": "Virtual PCD 00 00", "read_at": "2026-12-05T08:00:00+07:00"
            }
        }
    });
    let r = ArrestRecord::from_value(v.clone()).unwrap();
    let a = &r.arrestees[0];
    assert_eq!(a.sex, Some(banthuek_core::record::Sex::Female));
    assert_eq!(
        a.name_en.as_ref().and_then(|n| n.last_name.as_deref()),
        Some("Luecha")
    );
    assert_eq!(
        a.address_parts.as_ref().and_then(|p| p.district.as_deref()),
        Some("พญาไท")
    );
    assert_eq!(
        a.id_card.as_ref().and_then(|c| c.expires.as_deref()),
        Some("2029-02-27")
    );
    assert!(a.extra.is_empty(), "every card field is a typed field");
    assert_eq!(
        r.provenance["/arrestees/0/first_name"].source,
        banthuek_core::Source::Card
    );
    assert_eq!(r.to_value(), v);
}

#[test]
fn card_fields_are_checked_by_the_schema() {
    for (arrestee, field) in [
        (serde_json::json!({"sex": "m"}), "/arrestees/0/sex"),
        (
            serde_json::json!({"birth_date": "2533-01-01x"}),
            "/arrestees/0/birth_date",
        ),
        (
            serde_json::json!({"id_card": {"expires": "27/02/2572"}}),
            "/arrestees/0/id_card/expires",
        ),
    ] {
        let v = serde_json::json!({"schema": banthuek_core::SCHEMA_ID, "arrestees": [arrestee]});
        match ArrestRecord::from_value(v) {
            Err(RecordError::Schema { path, .. }) => assert_eq!(path, field),
            other => panic!("expected a schema error at {field}, got {other:?}"),
        }
    }
}
