//! The signing rules (DESIGN.md): a record cannot be signed while a required field is empty, a
//! national ID fails its check digit, a date is in the future, or a flagged low-confidence value
//! has not been confirmed.

use crate::record::{ArrestBasis, ArrestRecord, LOW_CONFIDENCE};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

/// One reason a record may not be signed yet, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RuleViolation {
    Missing { field: String },
    BadNationalId { field: String },
    BadDate { field: String },
    FutureDate { field: String },
    Unconfirmed { field: String },
}

impl RuleViolation {
    pub fn field(&self) -> &str {
        match self {
            RuleViolation::Missing { field }
            | RuleViolation::BadNationalId { field }
            | RuleViolation::BadDate { field }
            | RuleViolation::FutureDate { field }
            | RuleViolation::Unconfirmed { field } => field,
        }
    }
}

impl std::fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RuleViolation::Missing { field } => {
                write!(f, "{field}: required field is empty / ยังไม่ได้กรอกข้อมูลที่จำเป็น")
            }
            RuleViolation::BadNationalId { field } => write!(
                f,
                "{field}: national ID fails its check digit / เลขประจำตัวประชาชนไม่ถูกต้อง"
            ),
            RuleViolation::BadDate { field } => {
                write!(f, "{field}: not a valid date or time / วันที่หรือเวลาไม่ถูกต้อง")
            }
            RuleViolation::FutureDate { field } => {
                write!(f, "{field}: date is in the future / วันที่อยู่ในอนาคต")
            }
            RuleViolation::Unconfirmed { field } => write!(
                f,
                "{field}: low-confidence value not confirmed / ค่าที่ระบบไม่แน่ใจยังไม่ได้รับการยืนยัน"
            ),
        }
    }
}

/// Thai national ID: 13 digits, the last being (11 − Σ dᵢ·(14−i) mod 11) mod 10 for i = 1…12.
pub fn national_id_is_valid(id: &str) -> bool {
    let digits: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 13 || id.chars().count() != 13 {
        return false;
    }
    national_id_check_digit(&digits[..12]) == Some(digits[12])
}

/// The check digit for the first 12 digits of a national ID.
pub fn national_id_check_digit(first12: &[u32]) -> Option<u32> {
    if first12.len() != 12 {
        return None;
    }
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| d * (13 - i as u32))
        .sum();
    Some((11 - sum % 11) % 10)
}

/// Every reason the record may not be signed at `now` (local time); empty when it may.
pub fn check_signable(record: &ArrestRecord, now: NaiveDateTime) -> Vec<RuleViolation> {
    let mut out = Vec::new();
    let mut require = |field: &str, value: Option<&str>| {
        if value.map(str::trim).unwrap_or("").is_empty() {
            out.push(RuleViolation::Missing {
                field: field.to_owned(),
            });
        }
    };
    let recorded = record.recorded.clone().unwrap_or_default();
    require("/recorded/place", recorded.place.as_deref());
    require("/recorded/date", recorded.date.as_deref());
    require("/recorded/time", recorded.time.as_deref());
    let arrest = record.arrest.clone().unwrap_or_default();
    require("/arrest/date", arrest.date.as_deref());
    require("/arrest/time", arrest.time.as_deref());
    require("/arrest/place", arrest.place.as_deref());
    if arrest.basis == Some(ArrestBasis::Warrant) {
        let warrant = arrest.warrant.clone().unwrap_or_default();
        require("/arrest/warrant/number", warrant.number.as_deref());
        require("/arrest/warrant/court", warrant.court.as_deref());
    }
    if record.officers.is_empty() {
        require("/officers/0/first_name", None);
    }
    for (i, o) in record.officers.iter().enumerate() {
        require(&format!("/officers/{i}/rank"), o.rank.as_deref());
        require(
            &format!("/officers/{i}/first_name"),
            o.first_name.as_deref(),
        );
        require(&format!("/officers/{i}/last_name"), o.last_name.as_deref());
    }
    if record.arrestees.is_empty() {
        require("/arrestees/0/first_name", None);
    }
    for (i, a) in record.arrestees.iter().enumerate() {
        require(
            &format!("/arrestees/{i}/first_name"),
            a.first_name.as_deref(),
        );
        require(&format!("/arrestees/{i}/last_name"), a.last_name.as_deref());
    }
    if record.charges.is_empty() {
        require("/charges/0/text", None);
    }
    for (i, c) in record.charges.iter().enumerate() {
        require(&format!("/charges/{i}/text"), c.text.as_deref());
    }

    for (i, a) in record.arrestees.iter().enumerate() {
        if let Some(id) = a.national_id.as_deref() {
            if !national_id_is_valid(id) {
                out.push(RuleViolation::BadNationalId {
                    field: format!("/arrestees/{i}/national_id"),
                });
            }
        }
    }

    check_when(&mut out, "/recorded", &recorded.date, &recorded.time, now);
    check_when(&mut out, "/arrest", &arrest.date, &arrest.time, now);
    if let Some(w) = &arrest.warrant {
        check_when(&mut out, "/arrest/warrant", &w.date, &None, now);
    }

    for (field, p) in &record.provenance {
        let low = p.confidence.map(|c| c < LOW_CONFIDENCE).unwrap_or(false);
        if low && !p.is_confirmed() {
            out.push(RuleViolation::Unconfirmed {
                field: field.clone(),
            });
        }
    }
    out
}

fn check_when(
    out: &mut Vec<RuleViolation>,
    base: &str,
    date: &Option<String>,
    time: &Option<String>,
    now: NaiveDateTime,
) {
    let Some(date) = date else { return };
    let Ok(day) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else {
        out.push(RuleViolation::BadDate {
            field: format!("{base}/date"),
        });
        return;
    };
    let at = match time {
        Some(t) => match NaiveTime::parse_from_str(t, "%H:%M") {
            Ok(t) => day.and_time(t),
            Err(_) => {
                out.push(RuleViolation::BadDate {
                    field: format!("{base}/time"),
                });
                return;
            }
        },
        None => day.and_time(NaiveTime::MIN),
    };
    if day > now.date() || at > now {
        out.push(RuleViolation::FutureDate {
            field: format!("{base}/date"),
        });
    }
}

/// The largest record accepted where one enters (a file, the app, the receiver): its canonical
/// JSON. A long record is a few tens of kilobytes; this leaves ten times that.
pub const MAX_RECORD_BYTES: usize = 512 * 1024;
/// The longest text of one field, in characters.
pub const MAX_TEXT_CHARS: usize = 1_000;
/// The longest text of the free-text fields (`/circumstances`), in characters.
pub const MAX_LONG_TEXT_CHARS: usize = 20_000;
/// A seized item's quantity is more than 0 and at most this (it prints as a whole number).
pub const MAX_QUANTITY: f64 = 1.0e9;
/// An arrestee's age, in years, is from 1 to this (the schema's own maximum).
pub const MAX_AGE: u64 = 130;

/// One way a record's content is unacceptable wherever it enters, whatever its workflow state:
/// too large, text too long, a control or bidirectional-override character, or a number out of
/// range. Each names its field (a JSON pointer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum InputProblem {
    TooLarge { bytes: usize, max: usize },
    TooLong { field: String, max: usize },
    Character { field: String, code_point: String },
    OutOfRange { field: String, range: String },
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputProblem::TooLarge { bytes, max } => write!(
                f,
                "the record is {bytes} bytes, more than {max} / บันทึกมีขนาด {bytes} ไบต์ เกินกว่า {max}"
            ),
            InputProblem::TooLong { field, max } => write!(
                f,
                "{field}: longer than {max} characters / ข้อความยาวเกิน {max} ตัวอักษร"
            ),
            InputProblem::Character { field, code_point } => write!(
                f,
                "{field}: contains the control or direction character {code_point}, which is not allowed / มีอักขระควบคุมหรืออักขระกำหนดทิศทาง {code_point} ซึ่งใช้ไม่ได้"
            ),
            InputProblem::OutOfRange { field, range } => write!(
                f,
                "{field}: must be {range} / ค่าต้องอยู่ในช่วง {range}"
            ),
        }
    }
}

/// Characters refused in any text: C0 and C1 controls (tab and line breaks only in the free-text
/// fields), the bidirectional embeddings, overrides, isolates and marks, which can make a name
/// display as another, and the byte-order mark.
fn forbidden(c: char, long_text: bool) -> bool {
    if matches!(c, '\n' | '\r' | '\t') {
        return !long_text;
    }
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}')
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn is_long_text(pointer: &str) -> bool {
    pointer == "/circumstances"
}

/// Every reason the record's content is unacceptable, in any state; empty when it is fine.
pub fn check_input(record: &ArrestRecord) -> Vec<InputProblem> {
    let value = record.to_value();
    let mut out = Vec::new();
    let bytes = value.to_string().len();
    if bytes > MAX_RECORD_BYTES {
        out.push(InputProblem::TooLarge {
            bytes,
            max: MAX_RECORD_BYTES,
        });
    }
    walk_text(&value, &mut String::new(), &mut out);
    for (i, item) in record.seized_items.iter().enumerate() {
        if let Some(q) = item.quantity {
            if !(q.0.is_finite() && q.0 > 0.0 && q.0 <= MAX_QUANTITY) {
                out.push(InputProblem::OutOfRange {
                    field: format!("/seized_items/{i}/quantity"),
                    range: format!("more than 0 and at most {MAX_QUANTITY:.0}"),
                });
            }
        }
    }
    for (i, a) in record.arrestees.iter().enumerate() {
        if let Some(age) = a.age {
            if !(1..=MAX_AGE).contains(&u64::from(age)) {
                out.push(InputProblem::OutOfRange {
                    field: format!("/arrestees/{i}/age"),
                    range: format!("1 to {MAX_AGE}"),
                });
            }
        }
    }
    out
}

fn walk_text(value: &serde_json::Value, pointer: &mut String, out: &mut Vec<InputProblem>) {
    use serde_json::Value;
    let child = |pointer: &mut String, key: &str, v: &Value, out: &mut Vec<InputProblem>| {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        walk_text(v, pointer, out);
        pointer.truncate(len);
    };
    match value {
        Value::String(text) => {
            let long = is_long_text(pointer);
            let max = if long {
                MAX_LONG_TEXT_CHARS
            } else {
                MAX_TEXT_CHARS
            };
            if text.chars().count() > max {
                out.push(InputProblem::TooLong {
                    field: pointer.clone(),
                    max,
                });
            }
            if let Some(c) = text.chars().find(|&c| forbidden(c, long)) {
                out.push(InputProblem::Character {
                    field: pointer.clone(),
                    code_point: format!("U+{:04X}", u32::from(c)),
                });
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                child(pointer, &i.to_string(), v, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                child(pointer, k, v, out);
            }
        }
        _ => {}
    }
}

/// A record file's bytes as text: at most [`MAX_RECORD_BYTES`] (so a huge file is refused before
/// it is parsed), UTF-8, with a leading byte-order mark (as some Windows editors write) dropped.
pub fn record_text(bytes: &[u8]) -> Result<&str, String> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(InputProblem::TooLarge {
            bytes: bytes.len(),
            max: MAX_RECORD_BYTES,
        }
        .to_string());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes)
        .map_err(|e| format!("the record is not UTF-8 text: {e} / บันทึกไม่ใช่ข้อความ UTF-8"))
}
