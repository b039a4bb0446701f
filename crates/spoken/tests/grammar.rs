//! Each field type's constraint accepts every form its type allows and rejects the rest, checked
//! against the core parsers: random texts of each language parse to a value, values said in
//! each form are in the language and read back as themselves, and out-of-range values are not.

use banthuek_core::thai::numbers::to_words;
use banthuek_speech::constraint::{Constraint, Matcher};
use banthuek_spoken::grammar::constraint;
use banthuek_spoken::{read_value, FieldType};
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::Value;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
}

/// A random text of the language (the model's spellings included) from a seed.
fn random_text(c: &Constraint, mut seed: u64) -> String {
    let mut state = 0usize;
    let mut out: Vec<String> = Vec::new();
    loop {
        let st = &c.states[state];
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = (seed >> 33) as usize % (st.words.len() + usize::from(st.accept));
        if pick == st.words.len() || st.words.is_empty() {
            return out.join(if seed & 1 == 0 { " " } else { "" });
        }
        out.push(st.words[pick].said.clone());
        state = st.words[pick].to as usize;
    }
}

/// The value of a text the decoder may write, through the constraint's reading.
fn value_of(field: FieldType, text: &str) -> Option<Value> {
    let reading = constraint(field).read(text)?;
    read_value(field, &reading, today())
}

fn words(n: u64) -> String {
    to_words(n)
}

#[test]
fn every_text_of_each_language_has_a_value() {
    for field in FieldType::ALL {
        let c = constraint(field);
        let mut m = Matcher::new(c.clone());
        for seed in 0..300u64 {
            let text = random_text(&c, seed * 7919 + 13);
            assert!(m.accepts(&text), "{field:?}: {text} not accepted");
            // Dates after "today" are refused by the date parser: read them from a later today.
            let later = NaiveDate::from_ymd_opt(2058, 1, 1).expect("date");
            let reading = c.read(&text).expect("a text of the language reads");
            assert!(
                read_value(field, &reading, later).is_some(),
                "{field:?}: {text} (read {reading:?}) has no value"
            );
        }
    }
}

#[test]
fn the_issues_spoken_forms_are_times() {
    let cases = [
        ("14 นาฬิกา 30 นาที", "14:30"),
        ("สิบสี่นาฬิกาครึ่ง", "14:30"),
        ("บ่ายสองโมงครึ่ง", "14:30"),
        ("ตีสาม", "03:00"),
        ("สองทุ่ม", "20:00"),
        ("เที่ยงคืน", "00:00"),
        ("14.30 น.", "14:30"),
        ("10:45", "10:45"),
        ("สิบสี นาลิกา 35 นาที", "14:35"),
        ("เวลา เก้า นาฬิกา ห้า สิบ ห้า นาที", "09:55"),
        ("ห้า นาฬิกา สี่ สิบ สอง นาที", "05:42"),
    ];
    for (text, want) in cases {
        assert_eq!(
            value_of(FieldType::Time, text),
            Some(Value::from(want)),
            "{text}"
        );
    }
    let mut m = Matcher::new(constraint(FieldType::Time));
    for bad in [
        "28 นาฬิกา 35 นาที",
        "14 นาฬิกา 75 นาที",
        "ยี่สิบแปด นาฬิกา",
        "Z นาลิกา ต้อง นาที",
        "109. นาลิกา 507. นาที",
        "0.9",
        "",
        "สิบสี่",
    ] {
        assert!(!m.accepts(bad), "{bad} should not be a time");
    }
}

proptest! {
    #[test]
    fn every_time_in_words_and_digits(h in 0u64..24, m in 0u64..60, digits_h: bool, digits_m: bool, spaced: bool) {
        let hs = if digits_h { h.to_string() } else { words(h) };
        let ms = if digits_m { m.to_string() } else { words(m) };
        let sp = if spaced { " " } else { "" };
        let text = format!("{hs}{sp}นาฬิกา{sp}{ms}{sp}นาที");
        prop_assert_eq!(value_of(FieldType::Time, &text), Some(Value::from(format!("{h:02}:{m:02}"))));
    }

    #[test]
    fn hours_and_minutes_out_of_range_are_not_times(h in 24u64..100, m in 60u64..100) {
        let mut c = Matcher::new(constraint(FieldType::Time));
        let hour_bad = format!("{} นาฬิกา 10 นาที", words(h));
        let minute_bad = format!("10 นาฬิกา {} นาที", words(m));
        let digits_bad = format!("{h} นาฬิกา");
        prop_assert!(!c.accepts(&hour_bad));
        prop_assert!(!c.accepts(&minute_bad));
        prop_assert!(!c.accepts(&digits_bad));
    }

    #[test]
    fn national_ids_digit_by_digit(digits in proptest::collection::vec(0u32..10, 13), forms in proptest::collection::vec(0u8..3, 13)) {
        let id: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        let said: Vec<String> = digits.iter().zip(&forms).map(|(d, f)| match f {
            0 => d.to_string(),
            1 => words(u64::from(*d)),
            // The model's own spellings where it has them.
            _ => match d { 0 => "สุน".into(), 8 => "แบด".into(), 9 => "เท้า".into(), 6 => "หูก".into(), _ => words(u64::from(*d)) },
        }).collect();
        prop_assert_eq!(value_of(FieldType::NationalId, &said.join(" ")), Some(Value::from(id.clone())));
        let mut c = Matcher::new(constraint(FieldType::NationalId));
        prop_assert!(!c.accepts(&said[..12].join(" ")));
        let fourteen = format!("{} 5", said.join(" "));
        prop_assert!(!c.accepts(&fourteen));
    }

    #[test]
    fn numbers_and_ages_in_range(n in 0u64..10_000, a in 0u64..121, over in 10_000u64..200_000) {
        prop_assert_eq!(value_of(FieldType::Number, &words(n)), Some(Value::from(n)));
        prop_assert_eq!(value_of(FieldType::Number, &n.to_string()), Some(Value::from(n)));
        prop_assert_eq!(value_of(FieldType::Age, &format!("อายุ {} ปี", words(a))), Some(Value::from(a)));
        let mut c = Matcher::new(constraint(FieldType::Number));
        prop_assert!(!c.accepts(&words(over)));
        let mut age = Matcher::new(constraint(FieldType::Age));
        prop_assert!(!age.accepts(&words(121 + n)));
    }
}

#[test]
fn dates_ranks_places_and_yes_no() {
    let date = |t: &str| value_of(FieldType::Date, t);
    assert_eq!(
        date("ยี่สิบ พฤศจิกายน สอง พัน ห้า ร้อย หก สิบ เก้า"),
        Some(Value::from("2026-11-20"))
    );
    assert_eq!(
        date("วันที่ 20 พฤศจิกายน 2569"),
        Some(Value::from("2026-11-20"))
    );
    assert_eq!(date("เมื่อวานนี้"), Some(Value::from("2026-12-04")));
    assert_eq!(
        value_of(FieldType::Rank, "ร้อยตำรวจเอก"),
        Some(Value::from("ร.ต.อ."))
    );
    assert_eq!(
        value_of(FieldType::Province, "จังหวัด เชียงใหม่"),
        Some(Value::from("เชียงใหม่"))
    );
    assert_eq!(value_of(FieldType::YesNo, "ไม่ใช่"), Some(Value::from(false)));
    assert_eq!(value_of(FieldType::YesNo, "ใช่"), Some(Value::from(true)));
    assert_eq!(value_of(FieldType::Rank, "ร้อยตำรวจ"), None);
    assert_eq!(value_of(FieldType::Province, "ปารีส"), None);
}
