//! Each field type's constraint accepts every form its type allows and rejects the rest, checked
//! against the core parsers: random texts of each language parse to a value, values said in
//! each form are in the language and read back as themselves, and out-of-range values are not.

use banthuek_core::thai::numbers::to_words;
use banthuek_speech::constraint::{Constraint, Matcher};
use banthuek_spoken::grammar::constraint;
use banthuek_spoken::{read_values, FieldType};
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

/// The value of a text the decoder may write, through the constraint's reading: the one
/// reading (a word said twice read once), none when there are none or several.
fn value_of(field: FieldType, text: &str) -> Option<Value> {
    let reading = constraint(field).read(text)?;
    let mut values = read_values(field, &reading, today());
    (values.len() == 1).then(|| values.remove(0).value)
}

/// A valid national ID: 12 digits and their check digit.
fn valid_id(first: &[u32]) -> Vec<u32> {
    let check = banthuek_core::rules::national_id_check_digit(first).expect("12 digits");
    first.iter().copied().chain([check]).collect()
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
            let values = read_values(field, &reading, later);
            assert!(
                !values.is_empty(),
                "{field:?}: {text} (read {reading:?}) has no value"
            );
            for v in &values {
                if field == FieldType::NationalId {
                    let id = v.value.as_str().unwrap_or_default();
                    assert!(
                        banthuek_core::rules::national_id_is_valid(id),
                        "{text}: {id} fails its check digit"
                    );
                }
            }
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
    fn national_ids_digit_by_digit_only_with_their_check_digit(
        first in proptest::collection::vec(0u32..10, 12),
        forms in proptest::collection::vec(0u8..3, 13),
        at in 0usize..13,
        by in 1u32..10,
    ) {
        let id = valid_id(&first);
        let want: String = id.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        let said: Vec<String> = id.iter().zip(&forms).map(|(d, f)| digit_said(*d, *f)).collect();
        // Every valid ID, in any mix of words, the model's spellings and written digits.
        prop_assert_eq!(value_of(FieldType::NationalId, &said.join(" ")), Some(Value::from(want.clone())));
        prop_assert_eq!(value_of(FieldType::NationalId, &said.concat()), Some(Value::from(want.clone())));
        let mut c = Matcher::new(constraint(FieldType::NationalId));
        // One digit off: the decoder can write it exactly when its check digit still holds
        // (it cannot see the third digit, whose weight is 11, and reads sums of 0 and 10 alike).
        let mut off = id.clone();
        off[at] = (off[at] + by) % 10;
        let off_said: Vec<String> = off.iter().map(|d| words(u64::from(*d))).collect();
        let off_id: String = off.iter().map(|d| char::from(b'0' + *d as u8)).collect();
        let holds = banthuek_core::rules::national_id_is_valid(&off_id);
        prop_assert_eq!(c.accepts(&off_said.join(" ")), holds, "{}", off_id);
        // 12 digits, or a 14th, are not an ID.
        prop_assert!(!c.accepts(&said[..12].join(" ")));
        let fourteen = format!("{} {}", said.join(" "), said[12]);
        prop_assert!(!c.accepts(&fourteen));
    }

    #[test]
    fn a_time_said_with_its_numbers_twice_reads_as_that_time(h in 0u64..24, m in 0u64..60, n in 0u64..10_000) {
        let twice = |x: u64| format!("{} {}", words(x), words(x));
        prop_assert_eq!(
            value_of(FieldType::Time, &format!("{} นาฬิกา {} นาที", twice(h), twice(m))),
            Some(Value::from(format!("{h:02}:{m:02}")))
        );
        prop_assert_eq!(
            value_of(FieldType::Time, &format!("{} นาฬิกา {} นาที", twice(h), words(m))),
            Some(Value::from(format!("{h:02}:{m:02}")))
        );
        // A bare number said twice is not a number (measured: the decoder then writes "สี สี"
        // for สี่สิบ); an hour said three times is not a time.
        let number_twice = twice(n);
        let hour_thrice = format!("{} {} นาฬิกา", twice(h), words(h));
        let mut c = Matcher::new(constraint(FieldType::Number));
        prop_assert!(!c.accepts(&number_twice));
        let mut t = Matcher::new(constraint(FieldType::Time));
        prop_assert!(!t.accepts(&hour_thrice));
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

/// A letter said as one of its Thai names (`pick` chooses which) or written in either case.
fn letter_said(c: char, pick: usize) -> String {
    let names = &banthuek_core::thai::letters::letter_names()[(c as u8 - b'A') as usize].1;
    match pick % (names.len() + 2) {
        0 => c.to_string(),
        1 => c.to_ascii_lowercase().to_string(),
        i => names[i - 2].to_string(),
    }
}

/// A digit said as a word, one of the model's spellings, or written.
fn digit_said(d: u32, pick: u8) -> String {
    match pick % 3 {
        0 => d.to_string(),
        1 => words(u64::from(d)),
        _ => match d {
            0 => "สุน".into(),
            8 => "แบด".into(),
            9 => "เท้า".into(),
            6 => "หูก".into(),
            _ => words(u64::from(d)),
        },
    }
}

proptest! {
    #[test]
    fn passport_numbers_read_out(
        letters in proptest::collection::vec(0u8..26, 0..3),
        digits in proptest::collection::vec(0u32..10, 6..10),
        picks in proptest::collection::vec(0usize..5, 12),
        spaced: bool,
    ) {
        let letters: Vec<char> = letters.iter().map(|l| char::from(b'A' + l)).collect();
        let code: String = letters.iter().copied().chain(digits.iter().map(|d| char::from(b'0' + *d as u8))).collect();
        let said: Vec<String> = letters
            .iter()
            .zip(&picks)
            .map(|(c, p)| letter_said(*c, *p))
            .chain(digits.iter().zip(picks.iter().skip(letters.len())).map(|(d, p)| digit_said(*d, *p as u8)))
            .collect();
        let text = said.join(if spaced { " " } else { "" });
        let fits = (7..=9).contains(&code.len());
        // Every passport shape (at most 2 letters, 6–9 digits, 7–9 characters) is its own value;
        // other lengths are refused.
        prop_assert_eq!(value_of(FieldType::Passport, &text), fits.then(|| Value::from(code.clone())), "{}", text);
        let mut c = Matcher::new(constraint(FieldType::Passport));
        // Letters after the digits, or three letters, are not a passport number.
        let letters_last = format!("{} {}", digits.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" "), "เอ");
        let three = format!("เอ บี ซี {}", digits.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(" "));
        prop_assert!(!c.accepts(&letters_last));
        prop_assert!(!c.accepts(&three));
    }

    #[test]
    fn house_numbers_with_slash_and_moo(
        n in 1u64..10_000,
        sub in proptest::option::of(1u64..1000),
        moo in proptest::option::of(1u64..100),
        forms in proptest::collection::vec(0u8..3, 3),
        head in 0u8..3,
        written_slash: bool,
    ) {
        // In words, written, or digit by digit.
        let say = |x: u64, f: u8| match f {
            0 => words(x),
            1 => x.to_string(),
            _ => x.to_string().chars().filter_map(|c| c.to_digit(10)).map(|d| words(u64::from(d))).collect::<Vec<_>>().join(" "),
        };
        let mut text = ["", "บ้านเลขที่ ", "เลขที่ "][head as usize].to_string() + &say(n, forms[0]);
        let mut want = n.to_string();
        if let Some(s) = sub {
            text += &if written_slash { format!("/{}", s) } else { format!(" ทับ {}", say(s, forms[1])) };
            want += &format!("/{s}");
        }
        if let Some(m) = moo {
            text += &format!(" หมู่ {}", say(m, forms[2]));
            want += &format!(" หมู่ {m}");
        }
        prop_assert_eq!(value_of(FieldType::HouseNumber, &text), Some(Value::from(want)), "{}", text);
        let mut c = Matcher::new(constraint(FieldType::HouseNumber));
        for bad in [
            format!("{} ทับ {} ทับ 1", n, sub.unwrap_or(1)),
            format!("{} ทับ {}", n, 1000 + sub.unwrap_or(0)),
            format!("{} หมู่ {}", n, 100 + moo.unwrap_or(0)),
            format!("หมู่ {}", moo.unwrap_or(1)),
            format!("{}", 10_000 + n),
            "ศูนย์".to_string(),
        ] {
            prop_assert!(!c.accepts(&bad), "{} should not be a house number", bad);
        }
    }
}

#[test]
fn every_charge_of_the_catalogue_by_its_text_or_keywords() {
    let lex = banthuek_extract::lexicon::lexicons();
    let mut m = Matcher::new(constraint(FieldType::Charge));
    for entry in &lex.charges {
        let want = Some(Value::from(entry.text.as_str()));
        assert_eq!(
            value_of(FieldType::Charge, &entry.text),
            want,
            "{}",
            entry.id
        );
        assert_eq!(
            value_of(FieldType::Charge, &format!("ข้อหา {}", entry.text)),
            want,
            "{}",
            entry.id
        );
        // The first keyword of each group, in order, when the catalogue's matcher finds this
        // entry from them.
        let keywords: Vec<&str> = entry.keywords.iter().map(|g| g[0].as_str()).collect();
        let said = keywords.join(" ");
        if banthuek_extract::charges::match_catalogue(&said).is_some_and(|c| c.id == entry.id) {
            assert_eq!(value_of(FieldType::Charge, &said), want, "{said}");
        }
    }
    for bad in ["ขับรถเร็ว", "ลักทรัพย์ ฆ่า", "ข้อหา", "", "ลัก"]
    {
        assert!(!m.accepts(bad), "{bad} should not be a charge");
    }
}

#[test]
fn every_text_of_each_sound_language_has_a_value() {
    for field in FieldType::ALL {
        let Some(c) = banthuek_spoken::grammar::sound_constraint(field) else {
            continue;
        };
        for seed in 0..200u64 {
            let text = random_text(&c, seed * 104_729 + 7);
            let reading = c.read(&text).expect("a text of the language reads");
            assert_eq!(
                read_values(field, &reading, today()).len(),
                1,
                "{field:?}: {text} (read {reading:?})"
            );
        }
    }
}
