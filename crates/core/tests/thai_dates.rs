//! Thai dates: tables of dictated and written forms, and round-trip properties.

use banthuek_core::thai::dates::{
    be_to_ce, ce_to_be, format_date, month_from_name, parse_date, scan_date, scan_date_reading,
    MONTHS,
};
use banthuek_core::thai::Digits;
use chrono::NaiveDate;
use proptest::prelude::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad test date {y}-{m}-{d}"))
}

/// The day of writing used by the tables: 24 November 2569 (2026).
fn today() -> NaiveDate {
    ymd(2026, 11, 24)
}

#[test]
fn buddhist_era_is_543_years_ahead() {
    assert_eq!(be_to_ce(2569), 2026);
    assert_eq!(ce_to_be(2026), 2569);
    assert_eq!(ce_to_be(1957), 2500);
    assert_eq!(be_to_ce(2543), 2000);
}

#[test]
fn month_names_full_abbreviated_and_spoken() {
    for (i, (full, abbreviation)) in MONTHS.iter().enumerate() {
        let month = i as u32 + 1;
        assert_eq!(month_from_name(full), Some(month), "{full}");
        assert_eq!(month_from_name(abbreviation), Some(month), "{abbreviation}");
        let no_dots = abbreviation.replace('.', "");
        assert_eq!(month_from_name(&no_dots), Some(month), "{no_dots}");
        let no_last_dot = abbreviation.trim_end_matches('.');
        assert_eq!(month_from_name(no_last_dot), Some(month), "{no_last_dot}");
    }
    let cases: &[(&str, Option<u32>)] = &[
        ("พ.ย.", Some(11)),
        ("พย", Some(11)),
        ("พ.ย", Some(11)),
        ("พ. ย.", Some(11)),
        ("มี.ค.", Some(3)),
        ("เม.ย.", Some(4)),
        ("ตุลา", Some(10)),
        ("พฤศจิกา", Some(11)),
        ("กรกฏาคม", Some(7)),
        ("พอยอ", Some(11)),
        (" ธันวาคม ", Some(12)),
        ("พยาน", None),
        ("ตุลาการ", None),
        ("มีนาคมม", None),
        ("เดือน", None),
        ("", None),
        ("November", None),
    ];
    for (text, want) in cases {
        assert_eq!(month_from_name(text), *want, "month_from_name({text:?})");
    }
}

#[test]
fn parse_date_reads_dictated_and_written_dates() {
    let t = today();
    let cases: &[(&str, NaiveDate)] = &[
        ("24 พฤศจิกายน 2569", ymd(2026, 11, 24)),
        ("24 พ.ย. 69", ymd(2026, 11, 24)),
        ("๒๔ พ.ย. ๒๕๖๙", ymd(2026, 11, 24)),
        ("๒๔ พฤศจิกายน ๒๕๖๙", ymd(2026, 11, 24)),
        ("24 พย 2569", ymd(2026, 11, 24)),
        ("24 พ.ย 2569", ymd(2026, 11, 24)),
        ("24พ.ย.2569", ymd(2026, 11, 24)),
        ("ห้าตุลาคมสองพันห้าร้อยหกสิบเก้า", ymd(2026, 10, 5)),
        ("สามมีนาคมสองห้าหกเก้า", ymd(2026, 3, 3)),
        ("ยี่สิบสี่ พฤศจิกายน สองห้าหกเก้า", ymd(2026, 11, 24)),
        ("วันที่ 24 พฤศจิกายน 2569", ymd(2026, 11, 24)),
        ("วันที่ 1 มกราคม พ.ศ. 2569", ymd(2026, 1, 1)),
        ("เมื่อวันที่ 2 ก.พ. 2568", ymd(2025, 2, 2)),
        ("วันที่ 24 เดือนพฤศจิกายน ปี 2569", ymd(2026, 11, 24)),
        ("24/11/2569", ymd(2026, 11, 24)),
        ("24/11/69", ymd(2026, 11, 24)),
        ("1-1-2026", ymd(2026, 1, 1)),
        ("24 พ.ย. 2026", ymd(2026, 11, 24)),
        ("24 พ.ย. ค.ศ. 2026", ymd(2026, 11, 24)),
        ("29 กุมภาพันธ์ 2567", ymd(2024, 2, 29)),
        ("31 ธันวาคม 2568", ymd(2025, 12, 31)),
        ("สิบห้า สิงหา หกแปด", ymd(2025, 8, 15)),
        ("1 ม.ค. 2500", ymd(1957, 1, 1)),
        // No year: this year, or last year when the day is still ahead.
        ("24 พฤศจิกายน", ymd(2026, 11, 24)),
        ("1 ตุลาคม", ymd(2026, 10, 1)),
        ("25 พฤศจิกายน", ymd(2025, 11, 25)),
        ("วันที่ 31 ธ.ค.", ymd(2025, 12, 31)),
        // Relative to the day of writing.
        ("วันนี้", ymd(2026, 11, 24)),
        ("เมื่อวานนี้", ymd(2026, 11, 23)),
        ("เมื่อวาน", ymd(2026, 11, 23)),
        ("เมื่อวานซืน", ymd(2026, 11, 22)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_date(text, t), Some(*want), "parse_date({text:?})");
    }
}

#[test]
fn parse_date_reads_weekdays_december_and_pythainlp_forms() {
    let t = today();
    let cases: &[(&str, NaiveDate)] = &[
        ("วันที่ สิบ ธันวาคม 2567", ymd(2024, 12, 10)),
        ("สิบธันวาคม 2567", ymd(2024, 12, 10)),
        ("ยี่สิบ ธันวาคม 2567", ymd(2024, 12, 20)),
        ("สามสิบ ธ.ค. 2567", ymd(2024, 12, 30)),
        ("ห้ามีนาคม 2567", ymd(2024, 3, 5)),
        ("วันจันทร์ที่ 7 ตุลาคม พ.ศ. 2567", ymd(2024, 10, 7)),
        ("เมื่อวันจันทร์ที่ 7 ตุลาคม 2567", ymd(2024, 10, 7)),
        ("วันศุกร์ ที่ 20 ธันวาคม 2567", ymd(2024, 12, 20)),
        ("วันพฤหัสบดี 19 ธันวาคม 2567", ymd(2024, 12, 19)),
        ("20-ธ.ค.-2567", ymd(2024, 12, 20)),
        ("2567-12-20", ymd(2024, 12, 20)),
        ("20 ธันวาคม ค.ศ. 2024", ymd(2024, 12, 20)),
        ("14. ตุลาคม 2567", ymd(2024, 10, 14)),
    ];
    for (text, want) in cases {
        assert_eq!(parse_date(text, t), Some(*want), "parse_date({text:?})");
    }
}

#[test]
fn a_weekday_that_disagrees_with_the_date_is_reported() {
    let t = today();
    let r = scan_date_reading("วันจันทร์ที่ 7 ตุลาคม 2567", t).expect("date");
    assert!(!r.weekday_mismatch);
    let r = scan_date_reading("วันจันทร์ที่ 8 ตุลาคม 2567", t).expect("date");
    assert_eq!(r.date, ymd(2024, 10, 8));
    assert!(r.weekday_mismatch);
    assert!(
        !scan_date_reading("8 ตุลาคม 2567", t)
            .expect("date")
            .weekday_mismatch
    );
}

#[test]
fn parse_date_rejects_impossible_and_incomplete_dates() {
    let t = today();
    let cases = [
        "",
        "31 เมษายน 2569",
        "30 กุมภาพันธ์ 2569",
        "29 กุมภาพันธ์ 2569",
        "32 มกราคม 2569",
        "0 มกราคม 2569",
        "24",
        "วันที่ 24",
        "วันที่",
        "พฤศจิกายน 2569",
        "24/13/2569",
        "24/11/2569/1",
        "24 พยาน",
        "24 พ.ย. 2569 เวลา",
        "พรุ่งนี้",
    ];
    for text in cases {
        assert_eq!(parse_date(text, t), None, "parse_date({text:?})");
    }
}

#[test]
fn scan_date_stops_at_the_end_of_the_date() {
    let t = today();
    let d = ymd(2026, 11, 24);
    let cases: &[(&str, Option<(NaiveDate, usize)>)] = &[
        (
            "24 พ.ย. 2569 เวลา 14.30 น.",
            Some((d, "24 พ.ย. 2569".len())),
        ),
        ("24 พ.ย. 14.30 น.", Some((d, "24 พ.ย.".len()))),
        ("24 พฤศจิกายน สิบสี่นาฬิกา", Some((d, "24 พฤศจิกายน".len()))),
        ("วันนี้ เวลา", Some((d, "วันนี้".len()))),
        ("เมื่อวานนี้ตอนเช้า", Some((ymd(2026, 11, 23), "เมื่อวานนี้".len()))),
        ("๒๔ พ.ย. ๒๕๖๙ ", Some((d, "๒๔ พ.ย. ๒๕๖๙".len()))),
        ("24/11/2569 ที่", Some((d, "24/11/2569".len()))),
        (
            "สามมีนาคมสองห้าหกเก้าเวลา",
            Some((ymd(2026, 3, 3), "สามมีนาคมสองห้าหกเก้า".len())),
        ),
        ("ผู้ต้องหา", None),
        (" 24 พ.ย. 2569", None),
    ];
    for (text, want) in cases {
        assert_eq!(scan_date(text, t), *want, "scan_date({text:?})");
    }
}

#[test]
fn format_date_prints_the_document_form() {
    assert_eq!(
        format_date(ymd(2026, 11, 24), Digits::Thai),
        "๒๔ พฤศจิกายน ๒๕๖๙"
    );
    assert_eq!(
        format_date(ymd(2026, 11, 24), Digits::Arabic),
        "24 พฤศจิกายน 2569"
    );
    assert_eq!(
        format_date(ymd(2000, 1, 1), Digits::Arabic),
        "1 มกราคม 2543"
    );
}

proptest! {
    #[test]
    fn formatted_dates_parse_back(days in 0u32..55_152, thai in any::<bool>()) {
        // Every day from 1 January 1950 to the end of 2100.
        let d = ymd(1950, 1, 1) + chrono::Days::new(u64::from(days));
        let digits = if thai { Digits::Thai } else { Digits::Arabic };
        prop_assert_eq!(parse_date(&format_date(d, digits), today()), Some(d));
    }

    #[test]
    fn era_conversion_round_trips(y in -100_000i32..100_000) {
        prop_assert_eq!(be_to_ce(ce_to_be(y)), y);
        prop_assert_eq!(ce_to_be(y) - y, 543);
    }

    #[test]
    fn scan_date_never_panics(s in "[0-9๐-๙ก-๛ ./-]{0,40}") {
        if let Some((_, n)) = scan_date(&s, today()) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n));
        }
    }

    #[test]
    fn scan_date_never_panics_on_any_text(s in any::<String>()) {
        if let Some((_, n)) = scan_date(&s, today()) {
            prop_assert!(n <= s.len() && s.is_char_boundary(n));
        }
    }
}
