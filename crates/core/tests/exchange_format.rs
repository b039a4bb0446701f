//! The record model against the shared exchange format: every expected record of the shared
//! evaluation set round-trips through the Rust types and validates against the schema.

use banthuek_core::record::{ArrestRecord, RecordError};
use banthuek_core::schema;
use serde_json::Value;
use std::path::PathBuf;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
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
