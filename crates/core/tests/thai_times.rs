//! Thai times of day: tables of written, formal and colloquial forms, and round-trip properties.

use banthuek_core::thai::times::{format_time, parse_time, scan_time, scan_time_reading};
use banthuek_core::thai::Digits;
use chrono::NaiveTime;
use proptest::prelude::*;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_else(|| panic!("bad test time {h}:{m}"))
}

#[test]
fn parse_time_reads_written_and_formal_forms() {
    let cases: &[(&str, NaiveTime)] = &[
        ("14.30 น.", hm(14, 30)),
        ("14.30", hm(14, 30)),
        ("14:30", hm(14, 30)),
        ("14.30น.", hm(14, 30)),
        ("14.30 น", hm(14, 30)),
        ("๑๔.๓๐ น.", hm(14, 30)),
        ("09.05 น.", hm(9, 5)),
        ("9.05 น.", hm(9, 5)),
        ("00.00 น.", hm(0, 0)),
        ("24.00 น.", hm(0, 0)),
        ("23:59", hm(23, 59)),
        ("14 น.", hm(14, 0)),
        ("14 นาฬิกา 30 นาที", hm(14, 30)),
        ("สิบสี่นาฬิกาสามสิบนาที", hm(14, 30)),
        ("สิบสี่ นาฬิกา สามสิบ นาที", hm(14, 30)),
        ("16 นาฬิกา", hm(16, 0)),
        ("เก้านาฬิกาห้านาที", hm(9, 5)),
        ("9 นาฬิกา 5 นาที", hm(9, 5)),
        ("๙ นาฬิกา ๕ นาที", hm(9, 5)),
        ("ยี่สิบสามนาฬิกาห้าสิบเก้านาที", hm(23, 59)),
        ("ศูนย์นาฬิกา", hm(0, 0)),
        ("สิบนาฬิกาตรง", hm(10, 0)),
        ("เวลา 14.30 น.", hm(14, 30)),
        ("เวลาประมาณ 14.30 น.", hm(14, 30)),
        ("เวลา ประมาณ 14.30 น.", hm(14, 30)),
        ("ประมาณ 14.30 น.", hm(14, 30)),
        ("เวลาสิบสี่นาฬิกา", hm(14, 0)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_time(text), Some(*want), "parse_time({text:?})");
    }
}

#[test]
fn parse_time_reads_what_speech_recognition_and_pythainlp_print() {
    let cases: &[(&str, NaiveTime)] = &[
        // A period after the hour or the minutes.
        ("14. นาฬิกา", hm(14, 0)),
        ("9. นาฬิกา 15 นาที", hm(9, 15)),
        ("9 นาฬิกา 15. นาที", hm(9, 15)),
        ("สิบห้านาฬิกาสี่สิบห้านาที", hm(15, 45)),
        ("ยี่สิบนาฬิกา สี่สิบนาที", hm(20, 40)),
        // PyThaiNLP time_to_thaiword: seconds, ตีหก, "N โมงเช้า" counted from six.
        ("เก้านาฬิกาสิบห้านาทียี่สิบวินาที", hm(9, 15)),
        ("สิบสองนาฬิกาศูนย์นาทีศูนย์วินาที", hm(12, 0)),
        ("ศูนย์นาฬิกาสามสิบนาที", hm(0, 30)),
        ("ตีหกสี่สิบห้านาที", hm(6, 45)),
        ("ตีหก", hm(6, 0)),
        ("สามโมงเช้าสิบห้านาที", hm(9, 15)),
        ("หนึ่งโมงเช้าครึ่ง", hm(7, 30)),
        ("เที่ยงศูนย์นาทีศูนย์วินาที", hm(12, 0)),
        ("สิบเอ็ดโมงครึ่ง", hm(11, 30)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_time(text), Some(*want), "parse_time({text:?})");
    }
}

#[test]
fn six_oclock_without_morning_or_evening_is_ambiguous() {
    for (text, ambiguous) in [
        ("หกโมง", true),
        ("หกโมงครึ่ง", true),
        ("หกโมงเช้า", false),
        ("หกโมงเย็น", false),
        ("เจ็ดโมง", false),
        ("18.00 น.", false),
    ] {
        let r = scan_time_reading(text).expect(text);
        assert_eq!(r.ambiguous, ambiguous, "{text}");
    }
}

#[test]
fn parse_time_reads_the_colloquial_clock() {
    let cases: &[(&str, NaiveTime)] = &[
        ("บ่ายโมง", hm(13, 0)),
        ("บ่ายสองโมงครึ่ง", hm(14, 30)),
        ("บ่าย สอง โมง ครึ่ง", hm(14, 30)),
        ("บ่ายสองโมง", hm(14, 0)),
        ("บ่ายสอง", hm(14, 0)),
        ("บ่ายสามโมง", hm(15, 0)),
        ("บ่าย 3 โมง", hm(15, 0)),
        ("สี่โมงเย็น", hm(16, 0)),
        ("ห้าโมงเย็น", hm(17, 0)),
        ("หกโมงเย็น", hm(18, 0)),
        ("หกโมงเย็นครึ่ง", hm(18, 30)),
        ("หนึ่งทุ่ม", hm(19, 0)),
        ("ทุ่มนึง", hm(19, 0)),
        ("ทุ่มครึ่ง", hm(19, 30)),
        ("สองทุ่ม", hm(20, 0)),
        ("2 ทุ่ม", hm(20, 0)),
        ("สี่ทุ่มครึ่ง", hm(22, 30)),
        ("ห้าทุ่ม", hm(23, 0)),
        ("ห้าทุ่มสิบห้านาที", hm(23, 15)),
        ("หกทุ่ม", hm(0, 0)),
        ("เที่ยงคืน", hm(0, 0)),
        ("เที่ยงคืนครึ่ง", hm(0, 30)),
        ("ตีหนึ่ง", hm(1, 0)),
        ("ตีสี่", hm(4, 0)),
        ("ตี 4", hm(4, 0)),
        ("ตีห้าครึ่ง", hm(5, 30)),
        ("ตีสี่สิบห้านาที", hm(4, 15)),
        ("ตี สาม ยี่สิบ นาที", hm(3, 20)),
        ("บ่ายสี่โมงเย็น", hm(16, 0)),
        ("บ่ายสองสิบนาที", hm(14, 10)),
        ("หกโมงเช้า", hm(6, 0)),
        ("หกโมง", hm(6, 0)),
        ("เจ็ดโมง", hm(7, 0)),
        ("เจ็ดโมงเช้า", hm(7, 0)),
        ("แปดโมงครึ่ง", hm(8, 30)),
        ("สิบโมงเช้า", hm(10, 0)),
        ("สิบเอ็ดโมง", hm(11, 0)),
        ("สองโมงเช้า", hm(8, 0)),
        ("เที่ยง", hm(12, 0)),
        ("เที่ยงวัน", hm(12, 0)),
        ("เที่ยงครึ่ง", hm(12, 30)),
        ("สิบโมง 15 นาที", hm(10, 15)),
        ("เก้าโมงสิบนาที", hm(9, 10)),
        ("เวลาประมาณบ่ายสามโมง", hm(15, 0)),
        ("ตอนสองทุ่ม", hm(20, 0)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_time(text), Some(*want), "parse_time({text:?})");
    }
}

#[test]
fn parse_time_rejects_impossible_and_non_times() {
    let cases = [
        "",
        "25:00",
        "25.00 น.",
        "14.75",
        "14.7",
        "24.30 น.",
        "14",
        "สิบสี่",
        "นาฬิกา",
        "เวลา",
        "บ่าย",
        "ตี",
        "ตีสองครั้ง",
        "เจ็ดทุ่ม",
        "ตีเจ็ด",
        "ตี 12",
        "บ่ายหกโมง",
        "สิบสามโมง",
        "ยี่สิบห้านาฬิกา",
        "สิบนาฬิกาหกสิบนาที",
        "12.11.2569",
        "ผู้ต้องหา",
    ];
    for text in cases {
        assert_eq!(parse_time(text), None, "parse_time({text:?})");
    }
}

#[test]
fn scan_time_stops_at_the_end_of_the_time() {
    let cases: &[(&str, Option<(NaiveTime, usize)>)] = &[
        ("14.30 น. ได้จับกุม", Some((hm(14, 30), "14.30 น.".len()))),
        ("14.30 ที่", Some((hm(14, 30), "14.30".len()))),
        ("สองทุ่มเศษ", Some((hm(20, 0), "สองทุ่ม".len()))),
        (
            "บ่ายสองโมงครึ่ง ที่บ้าน",
            Some((hm(14, 30), "บ่ายสองโมงครึ่ง".len())),
        ),
        ("16 นาฬิกา ผู้ต้องหา", Some((hm(16, 0), "16 นาฬิกา".len()))),
        ("เวลา ๑๔.๓๐ น. ", Some((hm(14, 30), "เวลา ๑๔.๓๐ น.".len()))),
        ("เที่ยงคืนเศษ", Some((hm(0, 0), "เที่ยงคืน".len()))),
        ("แปดโมงครึ่งตอนเช้า", Some((hm(8, 30), "แปดโมงครึ่ง".len()))),
        ("14 นาฬิกา 30 คน", Some((hm(14, 0), "14 นาฬิกา".len()))),
        ("14.30 นาย", Some((hm(14, 30), "14.30".len()))),
        ("ตีสี่ที่บ้านเลขที่", Some((hm(4, 0), "ตีสี่".len()))),
        ("ตีสามทีเดียว", None),
        ("10.00-12.00 น.", Some((hm(10, 0), "10.00".len()))),
        (" 14.30", None),
        ("สิบสี่ปี", None),
    ];
    for (text, want) in cases {
        assert_eq!(scan_time(text), *want, "scan_time({text:?})");
    }
}

#[test]
fn format_time_prints_the_document_form() {
    assert_eq!(format_time(hm(14, 30), Digits::Thai), "๑๔.๓๐ น.");
    assert_eq!(format_time(hm(14, 30), Digits::Arabic), "14.30 น.");
    assert_eq!(format_time(hm(9, 5), Digits::Arabic), "09.05 น.");
    assert_eq!(format_time(hm(0, 0), Digits::Thai), "๐๐.๐๐ น.");
}

#[test]
fn every_minute_of_the_day_round_trips() {
    for minute in 0..24 * 60 {
        let t = hm(minute / 60, minute % 60);
        for digits in [Digits::Thai, Digits::Arabic] {
            let text = format_time(t, digits);
            assert_eq!(parse_time(&text), Some(t), "{text}");
        }
    }
}

proptest! {
    #[test]
    fn formal_spoken_times_round_trip(h in 0u32..24, m in 1u32..60) {
        let said = format!(
            "{}นาฬิกา{}นาที",
            banthuek_core::thai::numbers::to_words(u64::from(h)),
            banthuek_core::thai::numbers::to_words(u64::from(m)),
        );
        prop_assert_eq!(parse_time(&said), Some(hm(h, m)));
    }

    #[test]
    fn scan_time_never_panics(s in "[0-9๐-๙ก-๛ .:]{0,40}") {
        if let Some((_, n)) = scan_time(&s) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n) && n > 0);
        }
    }

    #[test]
    fn scan_time_never_panics_on_any_text(s in any::<String>()) {
        if let Some((_, n)) = scan_time(&s) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n));
        }
    }
}
