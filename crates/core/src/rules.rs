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
