//! Thai digits and numbers: tables of real dictated forms, and round-trip properties.

use banthuek_core::thai::digits::{render, to_arabic, to_thai, Digits};
use banthuek_core::thai::numbers::{parse_digit_sequence, parse_number, scan_number, to_words};
use proptest::prelude::*;

#[test]
fn digits_switch_between_thai_and_arabic() {
    let cases = [
        ("0123456789", "๐๑๒๓๔๕๖๗๘๙"),
        ("14.30 น.", "๑๔.๓๐ น."),
        ("24 พฤศจิกายน 2569", "๒๔ พฤศจิกายน ๒๕๖๙"),
        ("เลขที่ 3-1006-01234-56-5", "เลขที่ ๓-๑๐๐๖-๐๑๒๓๔-๕๖-๕"),
        ("ไม่มีตัวเลข", "ไม่มีตัวเลข"),
        ("", ""),
    ];
    for (arabic, thai) in cases {
        assert_eq!(to_thai(arabic), thai, "to_thai({arabic})");
        assert_eq!(to_arabic(thai), arabic, "to_arabic({thai})");
        assert_eq!(render(arabic, Digits::Thai), thai);
        assert_eq!(render(thai, Digits::Arabic), arabic);
    }
    assert_eq!(Digits::default(), Digits::Thai);
}

const NUMBERS: &[(&str, u64)] = &[
    ("0", 0),
    ("35", 35),
    ("๓๕", 35),
    ("2,500", 2500),
    ("1,000,000", 1_000_000),
    ("๒,๕๐๐", 2500),
    ("ศูนย์", 0),
    ("หนึ่ง", 1),
    ("เก้า", 9),
    ("สิบ", 10),
    ("สิบเอ็ด", 11),
    ("สิบสอง", 12),
    ("ยี่สิบ", 20),
    ("ยี่สิบเอ็ด", 21),
    ("ยี่สิบสี่", 24),
    ("สามสิบห้า", 35),
    ("สาม สิบ ห้า", 35),
    ("เก้าสิบเก้า", 99),
    ("ร้อย", 100),
    ("หนึ่งร้อย", 100),
    ("ร้อยนึง", 100),
    ("หนึ่งร้อยเอ็ด", 101),
    ("ร้อยเอ็ด", 101),
    ("หนึ่งร้อยหนึ่ง", 101),
    ("สองร้อยห้าสิบ", 250),
    ("หนึ่งพัน", 1000),
    ("พันนึง", 1000),
    ("หนึ่งพันห้า", 1005),
    ("สองพันห้าร้อยหกสิบเก้า", 2569),
    ("สองพัน ห้าร้อย หกสิบ เก้า", 2569),
    ("หนึ่งหมื่น", 10_000),
    ("สามหมื่นห้าพัน", 35_000),
    ("หนึ่งแสน", 100_000),
    ("สองแสนห้าหมื่น", 250_000),
    ("ล้าน", 1_000_000),
    ("หนึ่งล้าน", 1_000_000),
    ("หนึ่งล้านสองแสน", 1_200_000),
    ("หนึ่งล้านเอ็ด", 1_000_001),
    ("สิบเอ็ดล้าน", 11_000_000),
    ("ยี่สิบห้าล้านสามแสน", 25_300_000),
    ("หนึ่งล้านล้าน", 1_000_000_000_000),
    ("25 ล้าน", 25_000_000),
    ("5 พัน", 5000),
    ("สองห้าหกเก้า", 2569),
    ("หกเก้า", 69),
    ("หนึ่ง หนึ่ง ศูนย์", 110),
    ("หนึ่ง หนึ่ง ศูนย์ สาม", 1103),
    ("  สามสิบห้า  ", 35),
];

#[test]
fn parse_number_reads_dictated_numbers() {
    for (text, want) in NUMBERS {
        assert_eq!(parse_number(text), Some(*want), "parse_number({text:?})");
    }
}

#[test]
fn long_numbers_in_words_as_pythainlp_writes_them() {
    for (text, want) in [
        ("ห้าหมื่นแปดพันหนึ่งร้อยยี่สิบเอ็ด", 58_121),
        ("เก้าล้านเก้าแสนเก้าหมื่นเก้าพันเก้าร้อยเก้าสิบเก้า", 9_999_999),
        ("สองล้านสิบเอ็ด", 2_000_011),
        ("หนึ่งร้อยเอ็ด", 101),
    ] {
        assert_eq!(parse_number(text), Some(want), "parse_number({text:?})");
    }
    // Five before มีนาคม is five: "ห้าม" (forbid) only when the ม ends the word.
    assert_eq!(scan_number("ห้ามีนาคม"), Some((5, "ห้า".len())));
    assert_eq!(scan_number("ห้ามเข้า"), None);
    // Ten before ธันวาคม is ten; พันธุ์ is not a thousand.
    assert_eq!(scan_number("สิบ ธันวาคม"), Some((10, "สิบ".len())));
    assert_eq!(scan_number("พันธุ์"), None);
}

#[test]
fn parse_number_rejects_what_is_not_one_number() {
    let cases = [
        "",
        "   ",
        "abc",
        "สามสิบห้าปี",
        "35 ปี",
        "14.30",
        "เก้าอี้",
        "สามารถ",
        "ห้าม",
        "ยี่",
        "เอ็ด",
        "ยี่ห้อ",
        "สิบสิบ",
        "ร้อยพัน",
        "สิบเอ็ดสอง",
        "สองศูนย์สิบ",
        "ห้าศูนย์ร้อย",
        "3 1006",
        "สี",
        "99999999999999999999999",
    ];
    for text in cases {
        assert_eq!(parse_number(text), None, "parse_number({text:?})");
    }
}

fn len(s: &str) -> usize {
    s.len()
}

#[test]
fn scan_number_stops_at_the_end_of_the_number() {
    let cases: &[(&str, Option<(u64, usize)>)] = &[
        ("สามสิบห้าปี", Some((35, len("สามสิบห้า")))),
        ("2,500 บาท", Some((2500, 5))),
        ("๑๒ ก.ย.", Some((12, 6))),
        ("สองทุ่ม", Some((2, len("สอง")))),
        ("หกโมงเย็น", Some((6, len("หก")))),
        ("ตี", None),
        ("สิบสี่นาฬิกาสามสิบนาที", Some((14, len("สิบสี่")))),
        ("สาม สิบ ห้า ปี", Some((35, len("สาม สิบ ห้า")))),
        ("ห้า ", Some((5, len("ห้า")))),
        ("14.30 น.", Some((14, 2))),
        ("ยี่สิบสี่พฤศจิกายน", Some((24, len("ยี่สิบสี่")))),
        ("สามมีนาคม", Some((3, len("สาม")))),
        (
            "สองพันห้าร้อยหกสิบเก้าสิบสี่นาฬิกา",
            Some((2569, len("สองพันห้าร้อยหกสิบเก้า"))),
        ),
        ("สิบสองสาม", Some((12, len("สิบสอง")))),
        ("ห้าร้อยบาท", Some((500, len("ห้าร้อย")))),
        ("2569 14.30", Some((2569, 4))),
        ("เก้าอี้", None),
        ("สามารถ", None),
        ("ห้ามออก", None),
        ("ร้อยตำรวจเอก", None),
        ("พันตำรวจโท", None),
        ("สิบตำรวจตรี", None),
        ("ร้อยเวร", None),
        ("พันธุ์", None),
        ("สีแดง", None),
        ("แสนดี", None),
        (" 35", None),
        ("นาย", None),
    ];
    for (text, want) in cases {
        assert_eq!(scan_number(text), *want, "scan_number({text:?})");
    }
}

#[test]
fn digit_sequences_read_one_digit_per_word() {
    let cases: &[(&str, Option<&str>)] = &[
        ("3 1006 01234 56 5", Some("3100601234565")),
        ("3-1006-01234-56-5", Some("3100601234565")),
        ("หนึ่ง หนึ่ง ศูนย์ สาม", Some("1103")),
        ("หนึ่งหนึ่งศูนย์สาม", Some("1103")),
        ("8 1 0 0 2", Some("81002")),
        ("๓ ๑๐๐๖ ๐๑๒๓๔ ๕๖ ๕", Some("3100601234565")),
        ("ศูนย์ แปด โท หนึ่ง", Some("0821")),
        ("สาม 1006 ศูนย์ 1234", Some("3100601234")),
        ("0812345678", Some("0812345678")),
        ("", None),
        ("- -", None),
        ("สามสิบ", None),
        ("หนึ่ง ร้อย", None),
        ("12a", None),
        ("โทร 081", None),
    ];
    for (text, want) in cases {
        assert_eq!(
            parse_digit_sequence(text).as_deref(),
            *want,
            "parse_digit_sequence({text:?})"
        );
    }
}

#[test]
fn to_words_follows_the_standard_reading() {
    let cases: &[(u64, &str)] = &[
        (0, "ศูนย์"),
        (1, "หนึ่ง"),
        (10, "สิบ"),
        (11, "สิบเอ็ด"),
        (20, "ยี่สิบ"),
        (21, "ยี่สิบเอ็ด"),
        (35, "สามสิบห้า"),
        (100, "หนึ่งร้อย"),
        (101, "หนึ่งร้อยเอ็ด"),
        (110, "หนึ่งร้อยสิบ"),
        (111, "หนึ่งร้อยสิบเอ็ด"),
        (2569, "สองพันห้าร้อยหกสิบเก้า"),
        (10_001, "หนึ่งหมื่นเอ็ด"),
        (120_000, "หนึ่งแสนสองหมื่น"),
        (1_000_000, "หนึ่งล้าน"),
        (1_000_001, "หนึ่งล้านเอ็ด"),
        (1_200_000, "หนึ่งล้านสองแสน"),
        (21_000_000, "ยี่สิบเอ็ดล้าน"),
        (1_000_000_000_000, "หนึ่งล้านล้าน"),
    ];
    for (n, want) in cases {
        assert_eq!(to_words(*n), *want, "to_words({n})");
    }
}

proptest! {
    #[test]
    fn words_round_trip(n in 0u64..1_000_000_000) {
        prop_assert_eq!(parse_number(&to_words(n)), Some(n));
    }

    #[test]
    fn words_round_trip_for_any_u64(n in any::<u64>()) {
        prop_assert_eq!(parse_number(&to_words(n)), Some(n));
    }

    #[test]
    fn literals_round_trip_in_both_digit_styles(n in any::<u64>()) {
        prop_assert_eq!(parse_number(&n.to_string()), Some(n));
        prop_assert_eq!(parse_number(&to_thai(&n.to_string())), Some(n));
    }

    #[test]
    fn thai_and_arabic_digits_round_trip(s in "[0-9a-zก-ฮ .:/-]{0,30}") {
        prop_assert_eq!(to_arabic(&to_thai(&s)), s.clone());
        let thai = to_thai(&s);
        prop_assert_eq!(to_thai(&to_arabic(&thai)), thai);
    }

    #[test]
    fn digit_sequences_round_trip(digits in "[0-9]{1,20}") {
        let thai = to_thai(&digits);
        prop_assert_eq!(parse_digit_sequence(&digits), Some(digits.clone()));
        prop_assert_eq!(parse_digit_sequence(&thai), Some(digits.clone()));
    }

    #[test]
    fn scan_number_never_panics_and_stays_in_bounds(s in "[0-9๐-๙ก-๛ ,.a-z]{0,40}") {
        if let Some((_, n)) = scan_number(&s) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n) && n > 0);
        }
        let _ = parse_number(&s);
        let _ = parse_digit_sequence(&s);
    }

    #[test]
    fn scan_number_never_panics_on_any_text(s in any::<String>()) {
        if let Some((_, n)) = scan_number(&s) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n));
        }
    }
}
