//! A card read → the arrestee's fields in a record. Every value set carries provenance `card`
//! (confidence 1, the reader and the time of reading); the age is counted at the arrest date.
//! The result is checked against the exchange format before it is returned, and the record
//! passed in is never changed: a failure leaves nothing half-written.

use crate::card::CardName;
use crate::error::IdCardError;
use crate::reader::CardRead;
use banthuek_core::classification::JUVENILE_AGE;
use banthuek_core::record::{AddressParts, Arrestee, IdCardDates, NameEn};
use banthuek_core::{ArrestRecord, Provenance};
use chrono::NaiveDate;
use serde::Serialize;

/// The record with the card's values in place, and what was computed.
#[derive(Debug, Clone)]
pub struct Filled {
    pub record: ArrestRecord,
    pub report: FillReport,
}

/// What the fill did, without personal data: safe to print, audit or log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FillReport {
    pub arrestee: usize,
    /// JSON pointers set from the card.
    pub fields: Vec<String>,
    /// The day the age was counted on, and why that day.
    pub age_on: NaiveDate,
    pub age_on_source: AgeOn,
    pub juvenile: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeOn {
    /// The record's arrest date.
    ArrestDate,
    /// No arrest date yet: the date the record was written.
    RecordedDate,
    /// Neither: the day the card was read.
    ReadDate,
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn name_en(n: &CardName) -> Option<NameEn> {
    let name = NameEn {
        title: non_empty(&n.title),
        first_name: non_empty(&n.first_name),
        middle_name: non_empty(&n.middle_name),
        last_name: non_empty(&n.last_name),
        extra: Default::default(),
    };
    (name != NameEn::default()).then_some(name)
}

/// Nationality from the ID number's first digit: 1–5 are Thai nationals; 6, 7, 8 and 0 are
/// issued to people who may not be, so nothing is assumed for them.
fn nationality(national_id: &str) -> Option<String> {
    matches!(national_id.as_bytes().first(), Some(b'1'..=b'5')).then(|| "ไทย".to_owned())
}

fn parse_date(s: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s?, "%Y-%m-%d").ok()
}

/// Pointers under `base` of the fields that hold a value (objects by their leaves).
fn leaves(value: &serde_json::Value, base: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(v, &format!("{base}/{k}"), out);
            }
        }
        serde_json::Value::Null => {}
        _ => out.push(base.to_owned()),
    }
}

/// The arrestee's fields a card fill replaces whole (and `nationality`, for a Thai national's ID).
const CARD_FIELDS: [&str; 11] = [
    "title",
    "first_name",
    "last_name",
    "age",
    "national_id",
    "address",
    "birth_date",
    "sex",
    "name_en",
    "address_parts",
    "id_card",
];

/// The fields the fill `report` replaces that another save changed between version `base` (the
/// one the officer was looking at when confirming) and `latest`, as pointers such as
/// `/arrestees/1/first_name`. Such a fill must be refused, not saved over what the officer has
/// not seen: the merge rule of the page's own saves. A field is compared whole (e.g. `name_en`),
/// so a part the card would drop counts too.
pub fn changed_since(
    base: &ArrestRecord,
    latest: &ArrestRecord,
    report: &FillReport,
) -> Vec<String> {
    let arrestee = format!("/arrestees/{}", report.arrestee);
    let of = |r: &ArrestRecord| r.to_value().pointer(&arrestee).cloned().unwrap_or_default();
    let (was, now) = (of(base), of(latest));
    let nationality = format!("{arrestee}/nationality");
    let sets_nationality = report.fields.contains(&nationality);
    CARD_FIELDS
        .iter()
        .copied()
        .chain(sets_nationality.then_some("nationality"))
        .filter(|f| was.get(f) != now.get(f))
        .map(|f| format!("{arrestee}/{f}"))
        .collect()
}

/// Puts the card's values into arrestee `index` (an existing one, or `index == len` for a new
/// one). Fields the card does not hold (phone, ethnicity, passport…) are kept.
pub fn fill_arrestee(
    record: &ArrestRecord,
    index: usize,
    read: &CardRead,
) -> Result<Filled, IdCardError> {
    let count = record.arrestees.len();
    if index > count {
        return Err(IdCardError::NoSuchArrestee { index, count });
    }
    let card = &read.card;
    let (age_on, age_on_source) =
        match parse_date(record.arrest.as_ref().and_then(|a| a.date.as_deref())) {
            Some(d) => (d, AgeOn::ArrestDate),
            None => match parse_date(record.recorded.as_ref().and_then(|r| r.date.as_deref())) {
                Some(d) => (d, AgeOn::RecordedDate),
                None => (read.read_at.date_naive(), AgeOn::ReadDate),
            },
        };
    let age = card.birth.age_on(age_on);
    // The record's name is the Thai one; a card that holds the name in English only (a pink
    // card) gives it as written there.
    let name = if card.name_th.is_given() {
        &card.name_th
    } else {
        &card.name_en
    };
    let mut first_name = name.first_name.clone();
    if !name.middle_name.is_empty() {
        first_name = format!("{first_name} {}", name.middle_name);
    }
    let previous = record.arrestees.get(index).cloned().unwrap_or_default();
    let card_nationality = nationality(&card.national_id);
    let arrestee = Arrestee {
        title: non_empty(&name.title),
        first_name: non_empty(&first_name),
        last_name: non_empty(&name.last_name),
        age: Some(age),
        national_id: Some(card.national_id.clone()),
        nationality: card_nationality.clone().or(previous.nationality.clone()),
        address: non_empty(&card.address),
        birth_date: card.birth.date().map(|d| d.to_string()),
        sex: card.sex,
        name_en: name_en(&card.name_en),
        address_parts: (card.address_parts != AddressParts::default())
            .then(|| card.address_parts.clone()),
        id_card: Some(IdCardDates {
            issued: card.issued.map(|d| d.to_string()),
            expires: card.expires.map(|d| d.to_string()),
            extra: Default::default(),
        }),
        ..previous
    };
    let base = format!("/arrestees/{index}");
    let mut out = record.clone();
    // Provenance of the card's fields is replaced whole: a part the card lacks loses the
    // provenance an earlier value had.
    let card_fields = CARD_FIELDS;
    out.provenance.retain(|pointer, _| {
        !card_fields.iter().any(|f| {
            let p = format!("{base}/{f}");
            pointer == &p || pointer.starts_with(&format!("{p}/"))
        })
    });
    let value =
        serde_json::to_value(&arrestee).map_err(banthuek_core::record::RecordError::from)?;
    let mut fields = Vec::new();
    for f in card_fields {
        if let Some(v) = value.get(f) {
            leaves(v, &format!("{base}/{f}"), &mut fields);
        }
    }
    if card_nationality.is_some() {
        fields.push(format!("{base}/nationality"));
    }
    let provenance = Provenance::card(&read.reader, &read.read_at.to_rfc3339());
    for f in &fields {
        out.provenance.insert(f.clone(), provenance.clone());
    }
    if index == count {
        out.arrestees.push(arrestee);
    } else {
        out.arrestees[index] = arrestee;
    }
    // The whole record must still fit the exchange format.
    let record = ArrestRecord::from_value(out.to_value())?;
    Ok(Filled {
        record,
        report: FillReport {
            arrestee: index,
            fields,
            age_on,
            age_on_source,
            juvenile: age < JUVENILE_AGE,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::{CardData, RawCard};
    use banthuek_core::Source;

    fn tis620(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| match c as u32 {
                u @ 0..=0x7F => u as u8,
                u => (u - 0x0D60) as u8,
            })
            .collect()
    }

    fn read() -> CardRead {
        let raw = RawCard {
            national_id: b"1103700456783".to_vec(),
            name_th: tis620("น.ส.#ฤดี##ฦๅชา   "),
            name_en: b"Miss#Ruedee##Luecha".to_vec(),
            birth_date: b"25380228".to_vec(),
            sex: b"2".to_vec(),
            issued: b"25660228".to_vec(),
            expires: b"25750227".to_vec(),
            address: tis620("9#####ตำบลสุเทพ#อำเภอเมืองเชียงใหม่#จังหวัดเชียงใหม่"),
            issuer: Vec::new(),
        };
        let (card, warnings) = CardData::decode(&raw).unwrap();
        CardRead {
            reader: "Virtual PCD 00 00".into(),
            read_at: chrono::Local::now(),
            card,
            warnings,
            photo: None,
        }
    }

    #[test]
    fn a_card_field_changed_by_another_save_since_the_officers_version_is_named() {
        let base = ArrestRecord::default()
            .with_field("/arrestees/0/first_name", "สมหมาย")
            .unwrap()
            .with_field("/arrestees/1/first_name", "มานี")
            .unwrap();
        let filled = fill_arrestee(&base, 0, &read()).unwrap();
        // Nothing changed meanwhile: nothing to refuse.
        assert!(changed_since(&base, &base, &filled.report).is_empty());
        // Meanwhile: the first name and a part of the address of this arrestee, the phone (not
        // on the card) and another arrestee's name. Only this arrestee's card fields count.
        let latest = base
            .with_field("/arrestees/0/first_name", "สมหญิง")
            .unwrap()
            .with_field("/arrestees/0/address_parts/house_number", "12/1")
            .unwrap()
            .with_field("/arrestees/0/phone", "0812345678")
            .unwrap()
            .with_field("/arrestees/1/first_name", "มานะ")
            .unwrap()
            .with_field("/arrestees/0/nationality", "ลาว")
            .unwrap();
        assert_eq!(
            changed_since(&base, &latest, &filled.report),
            [
                "/arrestees/0/first_name",
                "/arrestees/0/address_parts",
                "/arrestees/0/nationality"
            ]
        );
    }

    #[test]
    fn an_abbreviated_title_is_stored_in_full() {
        let filled = fill_arrestee(&ArrestRecord::default(), 0, &read()).unwrap();
        assert_eq!(filled.record.arrestees[0].title.as_deref(), Some("นางสาว"));
        assert_eq!(
            filled.record.arrestees[0].last_name.as_deref(),
            Some("ฦๅชา")
        );
        assert_eq!(filled.report.age_on_source, AgeOn::ReadDate);
    }

    #[test]
    fn card_values_replace_dictated_ones_and_their_provenance() {
        let mut dictated = Provenance::typed();
        dictated.source = Source::Dictated;
        let mut before = ArrestRecord::default()
            .with_field("/recorded/date", "2026-11-25")
            .unwrap()
            .with_field("/arrestees/0/address_parts/village", "บ้านสวน")
            .unwrap()
            .with_field("/arrestees/0/ethnicity", "ไทย")
            .unwrap();
        before.provenance.insert(
            "/arrestees/0/address_parts/village".into(),
            dictated.clone(),
        );
        before
            .provenance
            .insert("/arrestees/0/ethnicity".into(), dictated);
        let filled = fill_arrestee(&before, 0, &read()).unwrap();
        let a = &filled.record.arrestees[0];
        assert_eq!(a.address_parts.as_ref().unwrap().village, None);
        assert!(!filled
            .record
            .provenance
            .contains_key("/arrestees/0/address_parts/village"));
        // Not on the card: kept, with its provenance.
        assert_eq!(a.ethnicity.as_deref(), Some("ไทย"));
        assert_eq!(
            filled.record.provenance["/arrestees/0/ethnicity"].source,
            Source::Dictated
        );
        assert_eq!(filled.report.age_on_source, AgeOn::RecordedDate);
        assert_eq!(a.age, Some(31));
    }

    #[test]
    fn an_arrestee_past_the_end_is_refused() {
        let err = fill_arrestee(&ArrestRecord::default(), 1, &read()).unwrap_err();
        assert!(matches!(
            err,
            IdCardError::NoSuchArrestee { index: 1, count: 0 }
        ));
    }
}
