//! Times of day: the written forms ("14.30 น.", "14:30"), the formal spoken form
//! ("สิบสี่นาฬิกาสามสิบนาที") and the colloquial six-hour clock ("บ่ายสองโมงครึ่ง", "สองทุ่ม",
//! "ตีสี่", "เที่ยงคืน"), and the form official documents print ("๑๔.๓๐ น.").

use chrono::{NaiveTime, Timelike};

use super::digits::{digit_value, render, Digits};
use super::numbers::{scan_literal, scan_number};
use super::text::{is_thai_letter, match_word, skip_spaces, whole};

/// Words that may introduce a time and belong to it ("เวลาประมาณ 14.30 น.").
const PREFIXES: &[&str] = &["เวลา", "ประมาณ", "ราว", "ราวๆ", "ตอน"];

/// An hour and minute as said, before they are checked, the end, and whether the hour could
/// as well be twelve hours off ("หกโมง" with neither เช้า nor เย็น).
type Said = (u32, u32, usize, bool);

/// A small number at `pos` (digits, Thai digits or words) and its end.
fn number_at(s: &str, pos: usize) -> Option<(u32, usize)> {
    let (n, len) = scan_number(&s[pos..])?;
    Some((u32::try_from(n).ok()?, pos + len))
}

/// An hour of the colloquial count after "ตี" (1..=6: "ตีหก" is how some write 06:00) or "บ่าย"
/// (1..=5), read as one digit so that the minutes after it are not taken into the hour:
/// "ตีสี่สิบห้านาที" is 04:15, not "ตี 45".
fn small_hour(s: &str, pos: usize, max: u32) -> Option<(u32, usize)> {
    const WORDS: [&str; 6] = ["หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก"];
    if let Some((n, 1, end)) = scan_literal(s, pos) {
        return (1..=u64::from(max)).contains(&n).then_some((n as u32, end));
    }
    WORDS
        .iter()
        .zip(1..=max)
        .find(|(w, _)| s[pos..].starts_with(**w))
        .map(|(w, n)| (n, pos + w.len()))
}

/// A period that speech recognition puts after a number ("14. นาฬิกา"): the offset after it
/// and the spaces that follow, or `pos` when there is none. A period followed by a digit is a
/// decimal or a written time, never skipped.
fn skip_period(s: &str, pos: usize) -> usize {
    let p = skip_spaces(s, pos);
    if !s[p..].starts_with('.') {
        return p;
    }
    let q = skip_spaces(s, p + 1);
    match s[q..].chars().next() {
        Some(c) if digit_value(c).is_some() => p,
        _ => q,
    }
}

/// What may follow an hour: "ครึ่ง" (half past), "N นาที" (and "N วินาที", which the minute
/// does not keep), or "ตรง" (sharp). Minutes and end.
fn minutes_after(s: &str, pos: usize) -> (u32, usize) {
    let p = skip_spaces(s, pos);
    if let Some(end) = match_word(s, p, &["ครึ่ง"]) {
        return (30, end);
    }
    if let Some(end) = match_word(s, p, &["ตรง"]) {
        return (0, end);
    }
    if let Some((m, end)) = number_at(s, p) {
        if let Some(end) = match_word(s, skip_period(s, end), &["นาที"]) {
            return (m, seconds_after(s, end));
        }
    }
    (0, pos)
}

/// "N วินาที" after the minutes ("สิบห้านาทียี่สิบวินาที"): the end of it, or `pos`.
fn seconds_after(s: &str, pos: usize) -> usize {
    let p = skip_spaces(s, pos);
    number_at(s, p)
        .filter(|(sec, _)| *sec < 60)
        .and_then(|(_, end)| match_word(s, skip_period(s, end), &["วินาที"]))
        .unwrap_or(pos)
}

/// "14.30", "14:30", "14:30:00", "๑๔.๓๐", each with an optional "น." or "นาฬิกา"; also "14 น.".
fn scan_written(s: &str, pos: usize) -> Option<(u32, u32, u32, usize)> {
    let (h, h_digits, p) = scan_literal(s, pos)?;
    if h_digits > 2 {
        return None;
    }
    let h = u32::try_from(h).ok()?;
    let mut minute = None;
    let mut end = p;
    let mut second = 0;
    if let Some(sep @ ('.' | ':')) = s[p..].chars().next() {
        if let Some((m, 2, m_end)) = scan_literal(s, p + 1) {
            minute = Some(u32::try_from(m).ok()?);
            end = m_end;
            if sep == ':' && s[end..].starts_with(':') {
                if let Some((sec, 2, sec_end)) = scan_literal(s, end + 1) {
                    second = u32::try_from(sec).ok()?;
                    end = sec_end;
                }
            }
            // "12.11.2569" is a date, "1.50" with more digits a decimal: not times.
            let mut rest = s[end..].chars();
            if let (Some('.' | '/' | ':'), Some(c)) = (rest.next(), rest.next()) {
                if digit_value(c).is_some() {
                    return None;
                }
            }
        }
    }
    let q = skip_spaces(s, end);
    let suffix = match_word(s, q, &["น.", "นาฬิกา"]).or_else(|| {
        // "น" without its dot, when nothing Thai follows it or the next word of a record does
        // ("20.15นที่ถนน…", spaces dropped by speech recognition).
        let e = match_word(s, q, &["น"])?;
        let next_word = ["ที่", "ณ", "บริเวณ", "โดย", "ได้", "ผู้", "ข้อหา", "จับ"]
            .iter()
            .any(|w| s[e..].starts_with(w));
        (!s[e..].chars().next().is_some_and(is_thai_letter) || next_word).then_some(e)
    });
    match (minute, suffix) {
        (Some(m), Some(e)) => Some((h, m, second, e)),
        (Some(m), None) => Some((h, m, second, end)),
        (None, Some(e)) => {
            // "14 นาฬิกา 30 นาที" is read by the spoken form; "14 น." stands alone.
            Some((h, 0, 0, e))
        }
        (None, None) => None,
    }
}

/// "สิบสี่นาฬิกาสามสิบนาที", "14 นาฬิกา 30 นาที", "16 นาฬิกา", "เก้านาฬิกาครึ่ง".
fn scan_formal(s: &str, pos: usize) -> Option<Said> {
    let (h, p) = number_at(s, pos)?;
    let end = match_word(s, skip_period(s, p), &["นาฬิกา"])?;
    let (m, end) = minutes_after(s, end);
    Some((h, m, end, false))
}

/// The colloquial clock: เที่ยง, เที่ยงคืน, ตีหนึ่ง..ตีห้า, N โมง (เช้า/เย็น), บ่าย N (โมง),
/// N ทุ่ม, ทุ่มนึง, each with an optional "ครึ่ง" or "N นาที".
fn scan_colloquial(s: &str, pos: usize) -> Option<Said> {
    if let Some(end) = match_word(s, pos, &["เที่ยงคืน"]) {
        let (m, end) = minutes_after(s, end);
        return Some((0, m, end, false));
    }
    if let Some(end) = match_word(s, pos, &["เที่ยงวัน", "เที่ยง"]) {
        let (m, end) = minutes_after(s, end);
        return Some((12, m, end, false));
    }
    if let Some(p) = match_word(s, pos, &["ตี"]) {
        let (h, end) = small_hour(s, skip_spaces(s, p), 6)?;
        // "ตีสองครั้ง", "ตีสามที": struck twice or three times, not a time.
        let after = &s[skip_spaces(s, end)..];
        let strokes =
            after.starts_with("ครั้ง") || (after.starts_with("ที") && !after.starts_with("ที่"));
        if strokes {
            return None;
        }
        let (m, end) = minutes_after(s, end);
        return Some((h, m, end, false));
    }
    if let Some(p) = match_word(s, pos, &["บ่าย"]) {
        // "บ่ายโมง" is 13:00; "บ่ายสอง(โมง)" 14:00.
        let q = skip_spaces(s, p);
        let (n, after_number) = match small_hour(s, q, 5) {
            Some((n, e)) => (n, e),
            None => (1, p),
        };
        let end = match match_word(s, skip_spaces(s, after_number), &["โมง"]) {
            // "บ่ายสี่โมงเย็น": the evening word may follow.
            Some(e) => match_word(s, skip_spaces(s, e), &["เย็น"]).unwrap_or(e),
            None if after_number > p => after_number,
            None => return None,
        };
        let (m, end) = minutes_after(s, end);
        return Some((12 + n, m, end, false));
    }
    if let Some(p) = match_word(s, pos, &["ทุ่ม"]) {
        // "ทุ่มนึง", "ทุ่มหนึ่ง", or "ทุ่ม" alone: 19:00.
        let end = match_word(s, skip_spaces(s, p), &["นึง", "หนึ่ง"]).unwrap_or(p);
        let (m, end) = minutes_after(s, end);
        return Some((19, m, end, false));
    }
    let (n, p) = number_at(s, pos)?;
    let q = skip_spaces(s, p);
    if let Some(end) = match_word(s, q, &["ทุ่ม"]) {
        if !(1..=6).contains(&n) {
            return None;
        }
        let (m, end) = minutes_after(s, end);
        return Some(((18 + n) % 24, m, end, false));
    }
    let end = match_word(s, q, &["โมง"])?;
    let part = |at: usize| {
        let at2 = skip_spaces(s, at);
        match_word(s, at2, &["เช้า"])
            .map(|e| (Some(true), e))
            .or_else(|| match_word(s, at2, &["เย็น"]).map(|e| (Some(false), e)))
    };
    // "หกโมงเย็นครึ่ง" and "หกโมงครึ่ง" both occur: the part of day may come before the minutes.
    let (morning, end) = part(end).unwrap_or((None, end));
    let (m, end) = minutes_after(s, end);
    let (morning, end) = match morning {
        Some(_) => (morning, end),
        None => part(end).unwrap_or((None, end)),
    };
    let h = match (morning, n) {
        (Some(false), 1..=6) => 12 + n,
        (Some(true), 6..=11) => n,
        // The older count from six in the morning: "สองโมงเช้า" is 08:00.
        (Some(true), 1..=5) => 6 + n,
        (None, 6..=12) => n,
        (None, 1..=5) => 12 + n,
        _ => return None,
    };
    // Six o'clock without เช้า or เย็น is as often 18:00 as 06:00.
    Some((h, m, end, morning.is_none() && n == 6))
}

fn valid(h: u32, m: u32, sec: u32) -> Option<NaiveTime> {
    // Thai documents write midnight as "24.00 น.".
    let h = if h == 24 && m == 0 && sec == 0 { 0 } else { h };
    NaiveTime::from_hms_opt(h, m, sec).filter(|_| h < 24 && m < 60)
}

/// The longest time at the very start of `s`, with the bytes it spans. A leading "เวลา",
/// "เวลาประมาณ" or "ประมาณ" belongs to the time. Numbers may be digits, Thai digits or words,
/// with spaces anywhere between the parts.
///
/// Forms: "14.30 น.", "14.30", "14:30", "๑๔.๓๐ น.", "14 นาฬิกา 30 นาที",
/// "สิบสี่นาฬิกาสามสิบนาที", "16 นาฬิกา", "บ่ายโมง", "บ่ายสองโมงครึ่ง", "สี่โมงเย็น", "หกโมงเย็น",
/// "ทุ่มนึง", "สองทุ่ม", "สี่ทุ่มครึ่ง", "เที่ยงคืน", "ตีหนึ่ง".."ตีห้า", "หกโมงเช้า",
/// "แปดโมงครึ่ง", "สิบโมงเช้า", "เที่ยง", "สิบโมง 15 นาที". Impossible times (25:00, 14.75)
/// are rejected.
pub fn scan_time(s: &str) -> Option<(NaiveTime, usize)> {
    scan_time_reading(s).map(|r| (r.time, r.len))
}

/// A time as [`scan_time`] reads it, and whether the words leave it open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeReading {
    pub time: NaiveTime,
    /// Bytes of the string the time spans.
    pub len: usize,
    /// The words fit two times twelve hours apart ("หกโมง", "หกโมงครึ่ง"): the time given is
    /// the morning one and a person has to confirm it.
    pub ambiguous: bool,
}

/// [`scan_time`] with what it knows about how sure the reading is.
pub fn scan_time_reading(s: &str) -> Option<TimeReading> {
    let mut pos = 0;
    for _ in 0..2 {
        match match_word(s, pos, PREFIXES) {
            Some(end) => pos = skip_spaces(s, end),
            None => break,
        }
    }
    let written = scan_written(s, pos).and_then(|(h, m, sec, end)| {
        Some(TimeReading {
            time: valid(h, m, sec)?,
            len: end,
            ambiguous: false,
        })
    });
    let spoken = [scan_formal(s, pos), scan_colloquial(s, pos)]
        .into_iter()
        .flatten()
        .filter_map(|(h, m, end, ambiguous)| {
            Some(TimeReading {
                time: valid(h, m, 0)?,
                len: end,
                ambiguous,
            })
        });
    written.into_iter().chain(spoken).max_by_key(|r| r.len)
}

/// The whole string as one time (see [`scan_time`] for the forms).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    whole(s, scan_time)
}

/// The form official documents print: "๑๔.๓๐ น." (Thai digits) or "14.30 น." (Arabic digits).
pub fn format_time(t: NaiveTime, digits: Digits) -> String {
    render(&format!("{:02}.{:02} น.", t.hour(), t.minute()), digits)
}
