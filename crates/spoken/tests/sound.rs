//! The second reading of a national ID, a time or a number: the free transcript, as the base
//! model really wrote it for the clock voice (benchmark draws, seeds 2, 3, 12 and 61), read by
//! sound against the field's language (an ID's with a valid check digit only), and joined with
//! the constrained reading: agreement is sure, disagreement is flagged with both values offered.

use banthuek_spoken::{sound_reading, with_sound_reading, Alternative, FieldType, SpokenField};
use chrono::NaiveDate;
use serde_json::Value;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
}

fn id(heard: &str) -> Option<Value> {
    sound_reading(FieldType::NationalId, heard, today()).map(|(v, _)| v)
}

#[test]
fn free_transcripts_of_ids_read_by_sound() {
    for (heard, want) in [
        (
            "สอง หา จัด จัด บาด บาด สุน หก หา จัด ตอง บาด สี",
            "2577880657284",
        ),
        (
            "สี โอ เท่า สี สา สี จัด ต้อง หก ต้อง โอ เท่า โอ เท่า จัด สุน",
            "4943472629970",
        ),
        (
            "Hook แบด จัดหา สา นึง แบดโอ Gao ต้อง Hook นึง สุน นึง",
            "6875318926101",
        ),
        // Written digits, Thai digits and digit words mixed.
        ("1 1 0 1 7 0 0 2 0 3 4 5 0", "1101700203450"),
        ("๑ หนึ่ง ศูนย์ หนึ่ง 7 สุน สุน 2 0 สาม สี่ หา ศูนย์", "1101700203450"),
    ] {
        assert_eq!(id(heard), Some(Value::from(want)), "{heard}");
    }
    // One digit off the check digit: the closest valid ID, not the digits as heard.
    assert_ne!(
        id("1 1 0 1 7 0 0 2 0 3 4 5 1"),
        Some(Value::from("1101700203451"))
    );
    // Too little of an ID, or nothing like one: no second reading.
    for heard in ["", "ฝี", "โดย", "3,4,", "หา หา ฝี", "สวัสดีครับ"]
    {
        assert_eq!(id(heard), None, "{heard}");
    }
}

#[test]
fn free_transcripts_of_times_numbers_and_ages_read_by_sound() {
    let time = |heard: &str| sound_reading(FieldType::Time, heard, today()).map(|(v, _)| v);
    let number = |heard: &str| sound_reading(FieldType::Number, heard, today()).map(|(v, _)| v);
    for (heard, want) in [
        ("สิบสอง นาลิกา 38 นาที", "12:38"),
        ("สิบเชด นาลิกา หก นาที", "17:06"),
        ("22. นาลีกา 26. นาที", "22:26"),
        ("น่อง นาลีกา 53 นาที", "02:53"),
    ] {
        assert_eq!(time(heard), Some(Value::from(want)), "{heard}");
    }
    // The hour missing from the free transcript: no reading (an hour made up is no evidence).
    for heard in ["นาลีกา 37 นาที", "นาลิกา กิสิบเชธ หนาที่", "4.", ""]
    {
        assert_eq!(time(heard), None, "{heard}");
    }
    let age = |heard: &str| sound_reading(FieldType::Age, heard, today()).map(|(v, _)| v);
    for heard in ["อายุ สามสิบห้า ปี", "สามสิบหา ปี", "อายุ สามสิบห้า", "สามสิบห้า"]
    {
        assert_eq!(age(heard), Some(Value::from(35)), "{heard}");
    }
    // The words around an age are no age.
    assert_eq!(age("อายุ ปี"), None);
    assert_eq!(number("Hasib Sam"), Some(Value::from(53)));
    assert_eq!(number("39"), Some(Value::from(39)));
    assert_eq!(number(""), None);
}

fn constrained(value: &str, confident: bool) -> SpokenField {
    SpokenField {
        field: FieldType::NationalId,
        value: Some(Value::from(value)),
        confident,
        confidence: 0.9,
        alternatives: vec![Alternative {
            value: Value::from("1101700203451"),
            confidence: 0.1,
        }],
        heard: "หก โหก โหก".into(),
    }
}

#[test]
fn both_readings_agree_or_the_officer_confirms() {
    let sound = |v: &str| Some((Value::from(v), 0.4));
    // Agreement confirms a reading that was sure by its own measure …
    let agreed = with_sound_reading(
        constrained("2577880657284", true),
        "…",
        sound("2577880657284"),
    );
    assert!(agreed.confident);
    assert_eq!(agreed.value, Some(Value::from("2577880657284")));
    // … and never promotes one that was not: both readings can mishear the same sound.
    let unsure = with_sound_reading(
        constrained("2577880657284", false),
        "…",
        sound("2577880657284"),
    );
    assert!(!unsure.confident);
    assert_eq!(unsure.value, Some(Value::from("2577880657284")));
    // Disagreement: the sound reading first, the constrained value next, nothing sure.
    let differ = with_sound_reading(
        constrained("6666666666660", true),
        "free",
        sound("1101700203451"),
    );
    assert!(!differ.confident);
    assert_eq!(differ.value, Some(Value::from("1101700203451")));
    assert_eq!(differ.alternatives[0].value, Value::from("6666666666660"));
    assert!(differ
        .alternatives
        .iter()
        .all(|a| a.value != "1101700203451"));
    assert_eq!(differ.heard, "free");
    // No second reading: never sure on the constrained reading alone.
    let alone = with_sound_reading(constrained("6666666666660", true), "", None);
    assert!(!alone.confident);
    assert_eq!(alone.value, Some(Value::from("6666666666660")));
    // A time the readings disagree on: the constrained value stays first, flagged, the other
    // offered.
    let mut time = constrained("21:38", true);
    time.field = FieldType::Time;
    let time = with_sound_reading(time, "ยี่สิบเอ็ด นาฬิกา สามสิบเจ็ด นาที", sound("21:37"));
    assert!(!time.confident);
    assert_eq!(time.value, Some(Value::from("21:38")));
    assert_eq!(time.alternatives[0].value, Value::from("21:37"));
    // A constrained reading with no value takes the sound reading's, never sure; with no sound
    // reading either, nothing was heard.
    let mut nothing = constrained("x", false);
    nothing.value = None;
    nothing.alternatives.clear();
    let by_sound = with_sound_reading(nothing.clone(), "สอง หา", sound("2577880657284"));
    assert!(!by_sound.confident);
    assert_eq!(by_sound.value, Some(Value::from("2577880657284")));
    assert_eq!(by_sound.heard, "สอง หา");
    let nothing = with_sound_reading(nothing, "สอง หา", None);
    assert_eq!(nothing.value, None);
}
