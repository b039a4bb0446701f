//! Field-directed dictation: with one field selected (by JSON pointer, or by saying its name first:
//! "ข้อหา ลักทรัพย์"), the next utterance fills that field only, read by the field's type.

use crate::address::normalise_place;
use crate::arrestees::{id_fixes, title_at, Suggestion};
use crate::lexicon::lexicons;
use crate::normalise::normalise;
use crate::provenance::{DOUBTFUL, SURE};
use crate::sections::match_rank;
use crate::text::clean;
use banthuek_core::record::{ArrestRecord, Provenance, RecordError, Source};
use banthuek_core::rules::national_id_is_valid;
use banthuek_core::thai::{dates, numbers, times};
use chrono::NaiveDate;
use serde_json::{Map, Value};

/// How a field's value is read from speech.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    Time,
    NationalId,
    Integer,
    Number,
    Passport,
    Phone,
    Rank,
    Title,
    Name,
    Place,
    Basis,
    Statement,
    Text,
}

/// The kind of the field at `pointer`, from its last key.
pub fn kind_of(pointer: &str) -> FieldKind {
    let key = pointer.rsplit('/').next().unwrap_or("");
    match key {
        "date" => FieldKind::Date,
        "time" => FieldKind::Time,
        "national_id" => FieldKind::NationalId,
        "age" => FieldKind::Integer,
        "quantity" => FieldKind::Number,
        "passport" => FieldKind::Passport,
        "phone" => FieldKind::Phone,
        "rank" => FieldKind::Rank,
        "title" => FieldKind::Title,
        "first_name" | "last_name" => FieldKind::Name,
        "place" | "address" | "found_at" => FieldKind::Place,
        "basis" => FieldKind::Basis,
        "arrestee_statement" => FieldKind::Statement,
        _ => FieldKind::Text,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DirectedError {
    #[error("could not read a {kind:?} for {pointer} from what was said / ไม่สามารถอ่านค่าสำหรับช่อง {pointer} จากคำพูดได้")]
    NotUnderstood { pointer: String, kind: FieldKind },
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// One utterance aimed at one field.
#[derive(Debug, Clone)]
pub struct Utterance<'a> {
    pub text: &'a str,
    /// Day of writing, for relative dates.
    pub today: NaiveDate,
    /// Where the utterance starts in the whole transcript (characters).
    pub char_offset: usize,
    /// Its audio span, when known.
    pub audio_ms: Option<[u64; 2]>,
}

/// The record with the field filled, and a proposal when the value looks wrong.
#[derive(Debug, Clone)]
pub struct DirectedFill {
    pub record: ArrestRecord,
    pub pointer: String,
    pub value: Value,
    pub suggestion: Option<Suggestion>,
}

/// Fills the field at `pointer` from `u`, and only that field.
pub fn fill_field(
    record: &ArrestRecord,
    pointer: &str,
    u: &Utterance<'_>,
) -> Result<DirectedFill, DirectedError> {
    let norm = normalise(u.text);
    let s = norm.text.as_str();
    let kind = kind_of(pointer);
    let not_understood = || DirectedError::NotUnderstood {
        pointer: pointer.to_owned(),
        kind,
    };
    let mut confidence = SURE;
    let mut suggestion = None;
    let value: Value = match kind {
        FieldKind::Date => {
            let d = dates::parse_date(s, u.today)
                .or_else(|| dates::scan_date(s, u.today).map(|x| x.0))
                .ok_or_else(not_understood)?;
            Value::String(d.format("%Y-%m-%d").to_string())
        }
        FieldKind::Time => {
            let t = times::parse_time(s)
                .or_else(|| times::scan_time(s).map(|x| x.0))
                .ok_or_else(not_understood)?;
            Value::String(t.format("%H:%M").to_string())
        }
        FieldKind::NationalId => {
            let d = numbers::parse_digit_sequence(s).ok_or_else(not_understood)?;
            if d.len() != 13 {
                return Err(not_understood());
            }
            if !national_id_is_valid(&d) {
                confidence = 0.3;
                suggestion = Some(Suggestion {
                    pointer: pointer.to_owned(),
                    heard: d.clone(),
                    reason: "the check digit does not match / เลขตรวจสอบไม่ถูกต้อง".into(),
                    proposals: id_fixes(&d),
                });
            }
            Value::String(d)
        }
        FieldKind::Phone => {
            Value::String(numbers::parse_digit_sequence(s).ok_or_else(not_understood)?)
        }
        FieldKind::Integer | FieldKind::Number => {
            let stripped = s.trim_start_matches("อายุ").trim();
            let (n, _) = numbers::scan_number(stripped).ok_or_else(not_understood)?;
            Value::from(n)
        }
        FieldKind::Passport => {
            let p: String = s
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_uppercase();
            if p.len() < 5 {
                return Err(not_understood());
            }
            Value::String(p)
        }
        FieldKind::Rank => {
            let (abbr, _) = match_rank(s, 0).ok_or_else(not_understood)?;
            Value::String(abbr)
        }
        FieldKind::Title => {
            let (full, _) = title_at(s).ok_or_else(not_understood)?;
            Value::String(full.to_owned())
        }
        FieldKind::Name => {
            let rest = title_at(s).map(|(_, n)| &s[n..]).unwrap_or(s);
            let first = rest.split_whitespace().next().ok_or_else(not_understood)?;
            Value::String(first.to_owned())
        }
        FieldKind::Place => {
            let (v, snapped) = normalise_place(s);
            if !snapped.is_empty() {
                confidence = DOUBTFUL;
            }
            let v = clean(&v);
            if v.is_empty() {
                return Err(not_understood());
            }
            Value::String(v)
        }
        FieldKind::Basis => {
            let b = if s.contains("หมายจับ") {
                "warrant"
            } else if s.contains("ซึ่งหน้า") {
                "in_the_act"
            } else {
                "other"
            };
            Value::String(b.into())
        }
        FieldKind::Statement => {
            let v = if s.contains("บางส่วน") || s.contains("บางข้อหา")
            {
                "partial"
            } else if s.contains("ไม่ให้การ") || s.contains("ไม่ขอให้การ") || s.contains("ชั้นศาล")
            {
                "silent"
            } else if s.contains("ปฏิเสธ") || s.contains("ไม่รับสารภาพ")
            {
                "denied"
            } else if s.contains("รับสารภาพ") {
                "confessed"
            } else {
                return Err(not_understood());
            };
            Value::String(v.into())
        }
        FieldKind::Text => {
            let v = clean(s);
            if v.is_empty() {
                return Err(not_understood());
            }
            Value::String(v)
        }
    };
    if !norm.corrections.is_empty() {
        confidence = confidence.min(DOUBTFUL);
    }
    let mut record = record.with_field(pointer, &value.to_string())?;
    let n = u.text.chars().count();
    record.provenance.insert(
        pointer.to_owned(),
        Provenance {
            source: Source::Dictated,
            transcript_span: Some([u.char_offset as u64, (u.char_offset + n) as u64]),
            audio_ms: u.audio_ms,
            confidence: Some(confidence),
            extra: Map::new(),
        },
    );
    Ok(DirectedFill {
        record,
        pointer: pointer.to_owned(),
        value,
        suggestion,
    })
}

/// Which arrestee/officer the spoken field names refer to.
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldContext {
    pub arrestee: usize,
    pub officer: usize,
}

/// When an utterance starts with a field's name ("ข้อหา ลักทรัพย์"), the field's pointer and the
/// rest of the utterance (byte offset where the value starts).
pub fn spoken_field(
    record: &ArrestRecord,
    utterance: &str,
    ctx: FieldContext,
) -> Option<(String, usize)> {
    let lead = utterance.len() - utterance.trim_start().len();
    let s = &utterance[lead..];
    let (name, template) = lexicons()
        .fields
        .iter()
        .find(|(name, _)| s.starts_with(name.as_str()))?;
    let next = |path: &str| -> usize {
        match path {
            "charges" => record.charges.len(),
            "seized_items" => record.seized_items.len(),
            _ => 0,
        }
    };
    let array = template.split('/').nth(1).unwrap_or("");
    let pointer = template
        .replace("{a}", &ctx.arrestee.to_string())
        .replace("{o}", &ctx.officer.to_string())
        .replace("{n}", &next(array).to_string());
    let mut value_at = lead + name.len();
    value_at += utterance[value_at..].len() - utterance[value_at..].trim_start().len();
    Some((pointer, value_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_pointer() {
        assert_eq!(kind_of("/arrest/time"), FieldKind::Time);
        assert_eq!(kind_of("/arrestees/1/national_id"), FieldKind::NationalId);
        assert_eq!(kind_of("/circumstances"), FieldKind::Text);
    }

    #[test]
    fn spoken_field_name_selects_pointer() {
        let rec = ArrestRecord::default();
        let u = "ข้อหา ลักทรัพย์";
        let (p, at) = spoken_field(&rec, u, FieldContext::default()).unwrap();
        assert_eq!(p, "/charges/0/text");
        assert_eq!(&u[at..], "ลักทรัพย์");
        let (p, _) = spoken_field(
            &rec,
            "เลขประจำตัวประชาชน 1 1037",
            FieldContext {
                arrestee: 1,
                officer: 0,
            },
        )
        .unwrap();
        assert_eq!(p, "/arrestees/1/national_id");
        assert!(spoken_field(&rec, "ลักทรัพย์", FieldContext::default()).is_none());
    }
}
