//! The exchange format v1 (`assets/schema/arrest-record-v1.schema.json`) as Rust types.
//!
//! Every field is optional because a draft may be incomplete; [`crate::rules`] says what must be
//! present before signing. Unknown keys are kept in `extra` so a record written by a newer version
//! survives a round trip through this one (the schema allows additional properties).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The value of the `schema` key of every v1 record.
pub const SCHEMA_ID: &str = "banthuek.arrest-record/1";

fn schema_id() -> String {
    SCHEMA_ID.to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrestRecord {
    #[serde(default = "schema_id")]
    pub schema: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<Recorded>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrest: Option<Arrest>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub officers: Vec<Officer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrestees: Vec<Arrestee>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<Charge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seized_items: Vec<SeizedItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub circumstances: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights_notified: Vec<Right>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrestee_statement: Option<ArresteeStatement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<Custody>,
    /// JSON pointer of a field → how it got its value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub provenance: BTreeMap<String, Provenance>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Default for ArrestRecord {
    fn default() -> Self {
        ArrestRecord {
            schema: schema_id(),
            record_id: None,
            recorded: None,
            arrest: None,
            officers: Vec::new(),
            arrestees: Vec::new(),
            charges: Vec::new(),
            seized_items: Vec::new(),
            circumstances: None,
            rights_notified: Vec::new(),
            arrestee_statement: None,
            custody: None,
            provenance: BTreeMap::new(),
            extra: Map::new(),
        }
    }
}

/// Where and when the record is written (สถานที่บันทึก / วันเวลาที่บันทึก).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// ISO date, Common Era.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// 24-hour HH:MM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArrestBasis {
    /// ซึ่งหน้า
    InTheAct,
    /// ตามหมายจับ
    Warrant,
    Other,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Warrant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Arrest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<ArrestBasis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warrant: Option<Warrant>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficerRole {
    Leader,
    Member,
    Recorder,
}

/// An arresting officer (เจ้าพนักงานผู้จับกุม).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Officer {
    /// Abbreviated rank as printed, e.g. "ร.ต.อ.".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<OfficerRole>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A person arrested (ผู้ต้องหา / ผู้ถูกจับ).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Arrestee {
    /// Full form: นาย, นาง, นางสาว, เด็กชาย, เด็กหญิง.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// วันเกิด: ISO date, Common Era (the card holds it in the Buddhist Era).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// The name in Latin script, as on the national ID card or passport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<NameEn>,
    /// The registered address split into its parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_parts: Option<AddressParts>,
    /// The national ID card read for this arrestee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_card: Option<IdCardDates>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// เพศ, as on the national ID card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A name in Latin script: "Mr." "Somchai" "" "Jaidee".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NameEn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Thai address in parts. Place names are stored without their level word ("สุเทพ", not
/// "ตำบลสุเทพ"); `moo` is the number only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AddressParts {
    /// บ้านเลขที่, e.g. "45/7".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    /// หมู่ (หมู่ที่).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moo: Option<String>,
    /// หมู่บ้าน or building, and ตรอก.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    /// ซอย.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soi: Option<String>,
    /// ถนน.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road: Option<String>,
    /// ตำบล, or แขวง in Bangkok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdistrict: Option<String>,
    /// อำเภอ, or เขต in Bangkok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// จังหวัด.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// When the national ID card read for an arrestee was issued and when it expires (ISO dates, CE;
/// no `expires` for a card valid for life).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IdCardDates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One charge (ข้อกล่าวหา).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Id in the charge catalogue, when one matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A seized item (ของกลาง).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeizedItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    /// ลักษณนาม, e.g. เม็ด, เครื่อง, บาท.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A quantity of a seized item. Whole numbers are written without a fraction ("200", not "200.0")
/// so that the record reads as it was dictated and round-trips byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Quantity(pub f64);

impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        f64::deserialize(d).map(Quantity)
    }
}

/// Rights read to the arrestee (Criminal Procedure Code s.7/1, s.83, s.84).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Silence,
    StatementAsEvidence,
    Lawyer,
    LawyerPresent,
    NotifyRelative,
    Visit,
    MedicalCare,
}

/// The arrestee's answer. Only the outcome is recorded: a confession to the arresting officer is
/// not evidence of guilt (s.84), so its content is never dictated into the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArresteeStatement {
    Confessed,
    Denied,
    Silent,
    Partial,
}

/// Custody record required by the Prevention and Suppression of Torture and Enforced
/// Disappearance Act B.E. 2565, s.22–23.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Custody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_started: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_not_possible_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prosecutor_notified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_chief_notified_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_to: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// How a field got its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Dictated,
    Typed,
    Edited,
    Default,
    /// Read from the chip of the national ID card (exact; the reader and time are noted).
    Card,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub source: Source,
    /// Character offsets into the transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_span: Option<[u64; 2]>,
    /// Milliseconds into the dictation audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_ms: Option<[u64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Provenance {
    pub fn typed() -> Self {
        Provenance {
            source: Source::Typed,
            transcript_span: None,
            audio_ms: None,
            confidence: None,
            extra: Map::new(),
        }
    }

    /// A value read from the national ID card in `reader` at `read_at` (RFC 3339): exact, so its
    /// confidence is 1.
    pub fn card(reader: &str, read_at: &str) -> Self {
        let mut extra = Map::new();
        extra.insert("reader".into(), Value::String(reader.to_owned()));
        extra.insert("read_at".into(), Value::String(read_at.to_owned()));
        Provenance {
            source: Source::Card,
            transcript_span: None,
            audio_ms: None,
            confidence: Some(1.0),
            extra,
        }
    }

    /// True when the value was confirmed by a person (`confirmed: true`, set by review) or was
    /// not machine-made.
    pub fn is_confirmed(&self) -> bool {
        self.source != Source::Dictated
            || self.extra.get("confirmed").and_then(Value::as_bool) == Some(true)
    }
}

/// Below this confidence a dictated value must be confirmed by the officer before signing.
pub const LOW_CONFIDENCE: f64 = 0.80;

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the record is not valid JSON / ข้อมูลไม่ใช่ JSON ที่ถูกต้อง: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "the record does not fit the exchange format at {path} / ข้อมูลไม่ตรงรูปแบบที่ {path}: {message}"
    )]
    Schema { path: String, message: String },
    #[error("no field at {0} / ไม่พบช่องข้อมูล {0}")]
    NoSuchField(String),
}

impl ArrestRecord {
    /// Parses JSON, checking it against the exchange-format schema first so that the error names
    /// the offending field.
    pub fn from_json_str(text: &str) -> Result<Self, RecordError> {
        let value: Value = serde_json::from_str(text)?;
        Self::from_value(value)
    }

    pub fn from_value(value: Value) -> Result<Self, RecordError> {
        crate::schema::validate(&value)?;
        Ok(serde_json::from_value(value)?)
    }

    pub fn to_value(&self) -> Value {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Canonical bytes of the record: the JSON that is hashed, embedded in the PDF and synced.
    pub fn to_canonical_json(&self) -> String {
        self.to_value().to_string()
    }

    /// Sets the field at a JSON pointer (creating objects and array slots on the way) and checks
    /// that the result still fits the schema. `value` is JSON; a bare word is taken as a string.
    pub fn with_field(&self, pointer: &str, value: &str) -> Result<Self, RecordError> {
        let parsed: Value =
            serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        let mut doc = self.to_value();
        set_pointer(&mut doc, pointer, parsed)?;
        Self::from_value(doc)
    }
}

/// Writes `value` at `pointer`, creating intermediate objects, and array elements one past the end.
pub fn set_pointer(doc: &mut Value, pointer: &str, value: Value) -> Result<(), RecordError> {
    if pointer.is_empty() || !pointer.starts_with('/') {
        return Err(RecordError::NoSuchField(pointer.to_owned()));
    }
    let tokens: Vec<String> = pointer[1..]
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut cur = doc;
    for (i, tok) in tokens.iter().enumerate() {
        let last = i + 1 == tokens.len();
        let next_is_index = tokens
            .get(i + 1)
            .map(|t| t.parse::<usize>().is_ok())
            .unwrap_or(false);
        let fresh = || {
            if next_is_index {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        };
        cur = match cur {
            Value::Object(map) => {
                if last {
                    map.insert(tok.clone(), value);
                    return Ok(());
                }
                map.entry(tok.clone()).or_insert_with(fresh)
            }
            Value::Array(items) => {
                let idx: usize = tok
                    .parse()
                    .map_err(|_| RecordError::NoSuchField(pointer.to_owned()))?;
                if idx == items.len() {
                    items.push(if last { Value::Null } else { fresh() });
                }
                let slot = items
                    .get_mut(idx)
                    .ok_or_else(|| RecordError::NoSuchField(pointer.to_owned()))?;
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            _ => return Err(RecordError::NoSuchField(pointer.to_owned())),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_pointer_creates_nested_slots() {
        let rec = ArrestRecord::default()
            .with_field("/arrestees/0/first_name", "สมชาย")
            .unwrap()
            .with_field("/arrestees/0/age", "35")
            .unwrap();
        assert_eq!(rec.arrestees[0].first_name.as_deref(), Some("สมชาย"));
        assert_eq!(rec.arrestees[0].age, Some(35));
    }

    #[test]
    fn set_pointer_rejects_schema_violation_naming_field() {
        let err = ArrestRecord::default()
            .with_field("/arrestees/0/age", "\"old\"")
            .unwrap_err();
        assert!(err.to_string().contains("/arrestees/0/age"), "{err}");
    }

    #[test]
    fn set_pointer_rejects_gap_in_array() {
        let err = ArrestRecord::default()
            .with_field("/arrestees/3/age", "1")
            .unwrap_err();
        assert!(matches!(err, RecordError::NoSuchField(_)));
    }

    #[test]
    fn whole_quantities_print_without_fraction() {
        let item = SeizedItem {
            quantity: Some(Quantity(200.0)),
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&item).unwrap(), r#"{"quantity":200}"#);
        let half = SeizedItem {
            quantity: Some(Quantity(2.5)),
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&half).unwrap(), r#"{"quantity":2.5}"#);
    }
}
