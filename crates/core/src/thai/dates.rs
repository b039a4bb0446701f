//! Dates: Buddhist Era years, Thai month names, dictated and written date forms, and the form
//! official documents print ("๒๔ พฤศจิกายน ๒๕๖๙").

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::digits::{digit_value, render, Digits};
use super::numbers::{scan_literal, scan_number};
use super::text::{continues_syllable, is_thai_letter, match_word, skip_spaces, whole};

/// Thai month names, January first: (full, abbreviated).
pub const MONTHS: [(&str, &str); 12] = [
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
];

/// Other ways months are said or typed: the spoken short names ("ตุลา"), the abbreviations read
/// letter by letter ("พอยอ"), and a common misspelling (กรกฏาคม).
const MONTH_VARIANTS: &[(&str, u32)] = &[
    ("มกรา", 1),
    ("กุมภา", 2),
    ("กุมภาพันธ", 2),
    ("มีนา", 3),
    ("เมษา", 4),
    ("พฤษภา", 5),
    ("มิถุนา", 6),
    ("กรกฎา", 7),
    ("กรกฏาคม", 7),
    ("กรกฏา", 7),
    ("สิงหา", 8),
    ("กันยา", 9),
    ("ตุลา", 10),
    ("พฤศจิกา", 11),
    ("ธันวา", 12),
    ("มอคอ", 1),
    ("กอพอ", 2),
    ("มีคอ", 3),
    ("เมยอ", 4),
    ("พอคอ", 5),
    ("มิยอ", 6),
    ("กอคอ", 7),
    ("สอคอ", 8),
    ("กอยอ", 9),
    ("ตอคอ", 10),
    ("พอยอ", 11),
    ("ทอคอ", 12),
];

/// The Buddhist Era is 543 years ahead of the Common Era.
const BE_OFFSET: i32 = 543;

/// Years at or above this are Buddhist Era, below it Common Era, when no era is said.
const BE_THRESHOLD: u64 = 2400;

/// The range of Common Era years a record can mention.
const YEARS_CE: std::ops::RangeInclusive<i64> = 1800..=2400;

/// พ.ศ. 2569 → 2026.
pub fn be_to_ce(year_be: i32) -> i32 {
    year_be - BE_OFFSET
}

/// 2026 → พ.ศ. 2569.
pub fn ce_to_be(year_ce: i32) -> i32 {
    year_ce + BE_OFFSET
}

/// What follows an abbreviation or short name must not continue a Thai word ("พย" in "พยาน",
/// "ตุลา" in "ตุลาการ"), unless it is the year that follows.
fn free_after(rest: &str) -> bool {
    match rest.chars().next() {
        None => true,
        Some(c) if continues_syllable(c) => false,
        Some(c) if !is_thai_letter(c) => true,
        Some(_) => {
            scan_number(rest).is_some()
                || scan_era(rest, 0).is_some()
                || rest.starts_with("ปี")
                || rest.starts_with("เวลา")
        }
    }
}

/// An abbreviation given as its dotted parts ("มิ", "ย"), typed with or without the dots and
/// with spaces anywhere between the parts: "มิ.ย.", "มิย", "มิ. ย.", "มิ.ย". The end, and whether
/// it ended on a dot.
fn match_abbreviation(s: &str, pos: usize, parts: &[&str]) -> Option<(usize, bool)> {
    let mut p = pos;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            loop {
                let q = skip_spaces(s, p);
                if s[q..].starts_with('.') {
                    p = q + 1;
                } else {
                    if q > p && !s[q..].starts_with(part) {
                        return None;
                    }
                    p = q;
                    break;
                }
            }
        }
        if !s[p..].starts_with(part) {
            return None;
        }
        p += part.len();
    }
    if s[p..].starts_with('.') {
        Some((p + 1, true))
    } else {
        Some((p, false))
    }
}

/// The month named at `pos`, and the end of its name.
fn scan_month(s: &str, pos: usize) -> Option<(u32, usize)> {
    let mut best: Option<(u32, usize)> = None;
    let mut consider = |month: u32, end: usize| match best {
        Some((_, e)) if e >= end => {}
        _ => best = Some((month, end)),
    };
    for (i, (full, abbreviation)) in MONTHS.iter().enumerate() {
        let month = i as u32 + 1;
        if s[pos..].starts_with(full) {
            consider(month, pos + full.len());
        }
        let parts: Vec<&str> = abbreviation.split('.').filter(|p| !p.is_empty()).collect();
        if let Some((end, dotted)) = match_abbreviation(s, pos, &parts) {
            if dotted || free_after(&s[end..]) {
                consider(month, end);
            }
        }
    }
    for (name, month) in MONTH_VARIANTS {
        if s[pos..].starts_with(name) && free_after(&s[pos + name.len()..]) {
            consider(*month, pos + name.len());
        }
    }
    best
}

/// True when `s` starts with a month name in any form ("ธันวาคม", "ธ.ค.", "ธันวา").
pub fn month_prefix(s: &str) -> bool {
    scan_month(s, 0).is_some()
}

/// A month by name: full ("พฤศจิกายน"), abbreviated with or without dots ("พ.ย.", "พย", "พ.ย"),
/// spoken short ("พฤศจิกา"): 1..=12.
pub fn month_from_name(s: &str) -> Option<u32> {
    whole(s, |t| scan_month(t, 0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Era {
    Buddhist,
    Common,
}

/// "พ.ศ." / "ค.ศ." (dots optional) or the words in full, at `pos`.
fn scan_era(s: &str, pos: usize) -> Option<(Era, usize)> {
    if let Some(end) = match_word(s, pos, &["พุทธศักราช"]) {
        return Some((Era::Buddhist, end));
    }
    if let Some(end) = match_word(s, pos, &["คริสต์ศักราช"]) {
        return Some((Era::Common, end));
    }
    [(Era::Buddhist, ["พ", "ศ"]), (Era::Common, ["ค", "ศ"])]
        .into_iter()
        .find_map(|(era, parts)| {
            let (end, _) = match_abbreviation(s, pos, &parts)?;
            Some((era, end))
        })
}

/// The Common Era year a dictated year stands for. Without an era: 2400 and above is Buddhist,
/// two digits are Buddhist 25xx ("69" is 2569), anything else is Common Era.
fn year_ce(year: u64, era: Option<Era>) -> Option<i32> {
    let ce = match era {
        Some(Era::Buddhist) if year < 100 => 2500 + year as i64 - i64::from(BE_OFFSET),
        Some(Era::Common) if year < 100 => 2000 + year as i64,
        None if year < 100 => 2500 + year as i64 - i64::from(BE_OFFSET),
        Some(Era::Buddhist) => year as i64 - i64::from(BE_OFFSET),
        None if year >= BE_THRESHOLD => year as i64 - i64::from(BE_OFFSET),
        Some(Era::Common) | None => i64::try_from(year).ok()?,
    };
    if YEARS_CE.contains(&ce) {
        i32::try_from(ce).ok()
    } else {
        None
    }
}

/// A number right after a month that is really the time that follows ("24 พ.ย. 14.30 น.").
fn is_time_after(s: &str, end: usize) -> bool {
    let mut chars = s[end..].chars();
    if let (Some('.' | ':'), Some(c)) = (chars.next(), chars.next()) {
        if digit_value(c).is_some() {
            return true;
        }
    }
    let rest = &s[skip_spaces(s, end)..];
    ["นาฬิกา", "น.", "โมง", "ทุ่ม", "นาที"]
        .iter()
        .any(|w| rest.starts_with(w))
}

/// The year after a month: optional "ปี", optional era, then the number. The CE year and end.
fn scan_year(s: &str, pos: usize) -> Option<(i32, usize)> {
    let mut p = skip_spaces(s, pos);
    // "20-ธ.ค.-2567"
    if s[p..].starts_with(['-', '/']) {
        p = skip_spaces(s, p + 1);
    }
    if let Some(end) = match_word(s, p, &["ปี"]) {
        p = skip_spaces(s, end);
    }
    let mut era = None;
    if let Some((e, end)) = scan_era(s, p) {
        era = Some(e);
        p = skip_spaces(s, end);
    }
    let (year, n) = scan_number(&s[p..])?;
    let end = p + n;
    if is_time_after(s, end) {
        return None;
    }
    Some((year_ce(year, era)?, end))
}

/// A date with no year said: this year, or last year if that day has not come yet.
fn date_without_year(month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    match NaiveDate::from_ymd_opt(today.year(), month, day) {
        Some(d) if d <= today => Some(d),
        _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day),
    }
}

/// "2567-11-24": a four-digit year first, ISO order, with dashes.
fn scan_iso_date(s: &str, pos: usize) -> Option<(NaiveDate, usize)> {
    let (year, 4, p) = scan_literal(s, pos)? else {
        return None;
    };
    let p = p + s[p..].strip_prefix('-').map(|_| 1)?;
    let (month, 2, p) = scan_literal(s, p)? else {
        return None;
    };
    let p = p + s[p..].strip_prefix('-').map(|_| 1)?;
    let (day, 2, end) = scan_literal(s, p)? else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(
        year_ce(year, None)?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    Some((date, end))
}

/// "24/11/2569", "24-11-69", "24.11.2026": all digits, one separator.
fn scan_numeric_date(s: &str, pos: usize) -> Option<(NaiveDate, usize)> {
    if let Some(found) = scan_iso_date(s, pos) {
        return Some(found);
    }
    let (day, day_digits, p) = scan_literal(s, pos)?;
    let sep = s[p..]
        .chars()
        .next()
        .filter(|c| matches!(c, '/' | '-' | '.'))?;
    let (month, month_digits, p) = scan_literal(s, p + 1)?;
    if !s[p..].starts_with(sep) {
        return None;
    }
    let (year, year_digits, end) = scan_literal(s, p + 1)?;
    if day_digits > 2 || month_digits > 2 || !matches!(year_digits, 2 | 4) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        year_ce(year, None)?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    Some((date, end))
}

/// Said relative to the day of writing.
const RELATIVE: &[(&str, u64)] = &[
    ("วันนี้", 0),
    ("เมื่อวาน", 1),
    ("เมื่อวานนี้", 1),
    ("วานนี้", 1),
    ("เมื่อวานซืน", 2),
    ("เมื่อวานซืนนี้", 2),
    ("วานซืน", 2),
];

/// Days of the week as said after "วัน", Monday first (chrono's order).
const WEEKDAYS: [&[&str]; 7] = [
    &["จันทร์"],
    &["อังคาร"],
    &["พุธ"],
    &["พฤหัสบดี", "พฤหัส"],
    &["ศุกร์"],
    &["เสาร์"],
    &["อาทิตย์"],
];

const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// "(เมื่อ)วันจันทร์(ที่)", "(เมื่อ)วันที่", "(เมื่อ)วัน": the weekday said, if any, and where the
/// day number starts.
fn scan_day_lead(s: &str) -> (Option<Weekday>, usize) {
    let mut p = match_word(s, 0, &["เมื่อ"]).map_or(0, |e| skip_spaces(s, e));
    let Some(after_wan) = match_word(s, p, &["วัน"]) else {
        return (None, 0);
    };
    let q = skip_spaces(s, after_wan);
    let mut weekday = None;
    for (i, names) in WEEKDAYS.iter().enumerate() {
        if let Some(e) = match_word(s, q, names) {
            weekday = Some(DAYS[i]);
            p = skip_spaces(s, e);
            break;
        }
    }
    if weekday.is_none() {
        p = after_wan;
    }
    match match_word(s, skip_spaces(s, p), &["ที่"]) {
        Some(e) => (weekday, skip_spaces(s, e)),
        None if weekday.is_some() => (weekday, p),
        None => (None, 0),
    }
}

/// A date as [`scan_date`] reads it, and whether what was said disagrees with itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateReading {
    pub date: NaiveDate,
    /// Bytes of the string the date spans.
    pub len: usize,
    /// A weekday was said that is not the weekday of the date ("วันจันทร์ที่ 8 ตุลาคม 2567",
    /// a Tuesday): one of the two was misheard and a person has to confirm the date.
    pub weekday_mismatch: bool,
}

/// [`scan_date`] with the weekday check.
pub fn scan_date_reading(s: &str, today: NaiveDate) -> Option<DateReading> {
    let (weekday, _) = scan_day_lead(s);
    let (date, len) = scan_date(s, today)?;
    Some(DateReading {
        date,
        len,
        weekday_mismatch: weekday.is_some_and(|w| w != date.weekday()),
    })
}

/// The longest date at the very start of `s`, with the bytes it spans. `today` is the day of
/// writing: relative dates count back from it and a date without a year takes its year (or the
/// year before, if the day would otherwise be in the future).
///
/// Forms: "24 พฤศจิกายน 2569", "24 พ.ย. 69", "๒๔ พ.ย. ๒๕๖๙", "ห้าตุลาคมสองพันห้าร้อยหกสิบเก้า",
/// "สามมีนาคมสองห้าหกเก้า", "วันที่ 24 เดือนพฤศจิกายน พ.ศ. 2569", "วันจันทร์ที่ 7 ตุลาคม 2567",
/// "24/11/2569", "20-ธ.ค.-2567", "2567-12-20", "24 พ.ย. 2026"
/// (years from 2400 are Buddhist Era, two-digit years are Buddhist 25xx, others Common Era),
/// "วันนี้", "เมื่อวานนี้", "เมื่อวาน", "เมื่อวานซืน". Impossible dates (31 เมษายน) are rejected.
pub fn scan_date(s: &str, today: NaiveDate) -> Option<(NaiveDate, usize)> {
    let relative = RELATIVE
        .iter()
        .filter(|(w, _)| s.starts_with(w))
        .max_by_key(|(w, _)| w.len());
    if let Some((word, back)) = relative {
        return Some((today.checked_sub_days(Days::new(*back))?, word.len()));
    }
    let (_, pos) = scan_day_lead(s);
    if let Some(found) = scan_numeric_date(s, pos) {
        return Some(found);
    }
    let (day, n) = scan_number(&s[pos..])?;
    let day = u32::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
    let mut p = skip_spaces(s, pos + n);
    // "20-ธ.ค.-2567", "14. ตุลาคม" (a period that speech recognition put after the day).
    if s[p..].starts_with(['-', '/', '.']) {
        p = skip_spaces(s, p + 1);
    }
    if let Some(end) = match_word(s, p, &["เดือน"]) {
        p = skip_spaces(s, end);
    }
    let (month, month_end) = scan_month(s, p)?;
    match scan_year(s, month_end) {
        Some((year, end)) => Some((NaiveDate::from_ymd_opt(year, month, day)?, end)),
        None => Some((date_without_year(month, day, today)?, month_end)),
    }
}

/// The whole string as one date (see [`scan_date`] for the forms).
pub fn parse_date(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    whole(s, |t| scan_date(t, today))
}

/// The form official documents print: "๒๔ พฤศจิกายน ๒๕๖๙" (Thai digits) or
/// "24 พฤศจิกายน 2569" (Arabic digits), always in the Buddhist Era.
pub fn format_date(d: NaiveDate, digits: Digits) -> String {
    let (month, _) = MONTHS[d.month0() as usize];
    render(
        &format!("{} {} {}", d.day(), month, ce_to_be(d.year())),
        digits,
    )
}
