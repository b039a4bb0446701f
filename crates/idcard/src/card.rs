//! The card's data files decoded: TIS-620 text, '#'-separated names, Buddhist-era dates, the sex
//! code, the address. Decoding is pure: [`CardData::decode`] turns the raw bytes read by
//! [`crate::reader`] into values or says which field is unreadable.

use crate::address;
use crate::error::{CardWarning, IdCardError};
use crate::tis620;
use banthuek_core::record::{AddressParts, Sex};
use banthuek_core::thai::dates::be_to_ce;
use banthuek_extract::lexicon::lexicons;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// The bytes of each data field, as read from the card.
#[derive(Debug, Clone, Default)]
pub struct RawCard {
    pub national_id: Vec<u8>,
    pub name_th: Vec<u8>,
    pub name_en: Vec<u8>,
    pub birth_date: Vec<u8>,
    pub sex: Vec<u8>,
    pub issued: Vec<u8>,
    pub expires: Vec<u8>,
    pub address: Vec<u8>,
    /// Empty when the card did not give it.
    pub issuer: Vec<u8>,
}

/// A name as the card holds it: title # first # middle # last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CardName {
    pub title: String,
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
}

impl CardName {
    /// Whether it holds a first or last name (not only a title, or nothing).
    pub fn is_given(&self) -> bool {
        !(self.first_name.is_empty() && self.last_name.is_empty())
    }
}

/// A birth date; old cards may hold only the year ("25000000") or year and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BirthDate {
    /// Common Era.
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl BirthDate {
    /// The full date, when the card holds one.
    pub fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month?, self.day?)
    }

    /// Completed years on `on`. With the day or month unknown the latest possible birthday is
    /// assumed, so a person is never counted older than they may be (the juvenile rules err safe).
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or(31);
        let mut years = on.year() - self.year;
        if (on.month(), on.day()) < (month, day) {
            years -= 1;
        }
        years.max(0) as u32
    }
}

/// Everything read from the card, decoded and checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardData {
    /// 13 digits; the check digit is verified.
    pub national_id: String,
    pub name_th: CardName,
    pub name_en: CardName,
    pub birth: BirthDate,
    pub sex: Option<Sex>,
    /// The registered address on one line, as the record's `address` holds it.
    pub address: String,
    pub address_parts: AddressParts,
    pub issued: Option<NaiveDate>,
    /// `None`: valid for life (ตลอดชีพ).
    pub expires: Option<NaiveDate>,
    /// The office that issued the card, as the card writes it (empty when it does not); shown to
    /// the officer, not part of the exchange format.
    pub issuer: String,
}

fn unreadable(field: &'static str, field_th: &'static str) -> IdCardError {
    IdCardError::UnreadableField { field, field_th }
}

/// TIS-620 → NFC text with single spaces, padding (spaces, NULs) removed.
fn text(bytes: &[u8], field: &'static str, field_th: &'static str) -> Result<String, IdCardError> {
    let end = bytes
        .iter()
        .rposition(|&b| b != 0x20 && b != 0x00)
        .map_or(0, |i| i + 1);
    let decoded = tis620::decode(&bytes[..end]).ok_or_else(|| unreadable(field, field_th))?;
    let nfc: String = decoded.nfc().collect();
    Ok(nfc
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" "))
}

fn name(
    bytes: &[u8],
    field: &'static str,
    field_th: &'static str,
) -> Result<CardName, IdCardError> {
    let t = text(bytes, field, field_th)?;
    let parts: Vec<&str> = t.split('#').map(str::trim).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or("").to_owned();
    Ok(CardName {
        title: part(0),
        first_name: part(1),
        middle_name: part(2),
        last_name: part(3),
    })
}

/// The full title the exchange format stores ("น.ส." → "นางสาว"); others as on the card.
fn full_title(title: &str) -> String {
    lexicons()
        .titles
        .iter()
        .find(|(_, forms)| forms.iter().any(|f| f == title))
        .map_or_else(|| title.to_owned(), |(full, _)| full.clone())
}

/// "YYYYMMDD" in the Buddhist Era. `None` for the card's "valid for life" mark (all 9s).
fn be_date(
    bytes: &[u8],
    field: &'static str,
    field_th: &'static str,
) -> Result<Option<(i32, u32, u32)>, IdCardError> {
    let t = text(bytes, field, field_th)?;
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unreadable(field, field_th));
    }
    if t == "99999999" {
        return Ok(None);
    }
    let num =
        |r: std::ops::Range<usize>| t[r].parse::<u32>().map_err(|_| unreadable(field, field_th));
    Ok(Some((be_to_ce(num(0..4)? as i32), num(4..6)?, num(6..8)?)))
}

fn full_date(
    bytes: &[u8],
    field: &'static str,
    field_th: &'static str,
) -> Result<Option<NaiveDate>, IdCardError> {
    match be_date(bytes, field, field_th)? {
        None => Ok(None),
        Some((y, m, d)) => NaiveDate::from_ymd_opt(y, m, d)
            .map(Some)
            .ok_or_else(|| unreadable(field, field_th)),
    }
}

impl CardData {
    /// Decodes the raw fields; the warnings are those the data itself gives (incomplete birth
    /// date, places not in the registry), not expiry, which depends on the day of reading.
    pub fn decode(raw: &RawCard) -> Result<(CardData, Vec<CardWarning>), IdCardError> {
        let mut warnings = Vec::new();
        let national_id = text(&raw.national_id, "ID number", "เลขประจำตัวประชาชน")?;
        if national_id.len() != 13 || !national_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unreadable("ID number", "เลขประจำตัวประชาชน"));
        }
        if !banthuek_core::national_id_is_valid(&national_id) {
            return Err(IdCardError::BadCheckDigit);
        }
        let mut name_th = name(&raw.name_th, "Thai name", "ชื่อภาษาไทย")?;
        name_th.title = full_title(&name_th.title);
        let name_en = name(&raw.name_en, "English name", "ชื่อภาษาอังกฤษ")?;
        // A card for a person without Thai nationality (the pink card) may hold the name in
        // English only; a card with no name at all is unreadable.
        if !name_th.is_given() && !name_en.is_given() {
            return Err(unreadable("Thai name", "ชื่อภาษาไทย"));
        }
        let birth = match be_date(&raw.birth_date, "birth date", "วันเกิด")? {
            Some((year, m, d)) => {
                let birth = BirthDate {
                    year,
                    month: (m != 0).then_some(m),
                    day: (m != 0 && d != 0).then_some(d),
                };
                let valid = match (birth.month, birth.day) {
                    (Some(_), Some(_)) => birth.date().is_some(),
                    (Some(m), None) => (1..=12).contains(&m),
                    _ => true,
                };
                if !valid {
                    return Err(unreadable("birth date", "วันเกิด"));
                }
                if birth.date().is_none() {
                    warnings.push(CardWarning::BirthDateIncomplete);
                }
                birth
            }
            None => return Err(unreadable("birth date", "วันเกิด")),
        };
        let sex = match text(&raw.sex, "sex", "เพศ")?.as_str() {
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            _ => None,
        };
        let issued = full_date(&raw.issued, "issue date", "วันออกบัตร")?;
        let expires = full_date(&raw.expires, "expiry date", "วันบัตรหมดอายุ")?;
        let split = address::split(&text(&raw.address, "address", "ที่อยู่")?);
        warnings.extend(split.warnings);
        let issuer = text(&raw.issuer, "issuer", "ผู้ออกบัตร")?;
        Ok((
            CardData {
                national_id,
                name_th,
                name_en,
                birth,
                sex,
                address: split.line,
                address_parts: split.parts,
                issued,
                expires,
                issuer,
            },
            warnings,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn age_counts_completed_years() {
        let b = BirthDate {
            year: 2008,
            month: Some(12),
            day: Some(6),
        };
        assert_eq!(b.age_on(d(2026, 12, 5)), 17);
        assert_eq!(b.age_on(d(2026, 12, 6)), 18);
    }

    #[test]
    fn an_unknown_birthday_never_makes_a_person_older() {
        let year_only = BirthDate {
            year: 2008,
            month: None,
            day: None,
        };
        assert_eq!(year_only.age_on(d(2026, 12, 30)), 17);
        assert_eq!(year_only.age_on(d(2026, 12, 31)), 18);
        assert_eq!(year_only.date(), None);
    }

    #[test]
    fn buddhist_era_dates_and_the_life_mark_decode() {
        assert_eq!(
            full_date(b"25330512", "x", "x").unwrap(),
            Some(d(1990, 5, 12))
        );
        assert_eq!(full_date(b"99999999", "x", "x").unwrap(), None);
        assert!(full_date(b"25331332", "x", "x").is_err());
        assert!(full_date(b"2533", "x", "x").is_err());
    }

    fn raw(name_th: &[u8], name_en: &[u8]) -> RawCard {
        RawCard {
            national_id: b"1103700456783".to_vec(),
            name_th: name_th.to_vec(),
            name_en: name_en.to_vec(),
            birth_date: b"25430115".to_vec(),
            sex: b"2".to_vec(),
            issued: b"25660301".to_vec(),
            expires: b"25710229".to_vec(),
            address: b"99".to_vec(),
            issuer: Vec::new(),
        }
    }

    #[test]
    fn a_name_in_english_only_is_read_and_no_name_is_unreadable() {
        let (data, _) = CardData::decode(&raw(&[b' '; 100], b"Ms.#Aye Aye##Khaing")).unwrap();
        assert!(!data.name_th.is_given());
        assert_eq!(data.name_en.first_name, "Aye Aye");
        assert!(matches!(
            CardData::decode(&raw(&[b' '; 100], b"Ms.###")),
            Err(IdCardError::UnreadableField { .. })
        ));
    }

    #[test]
    fn padding_is_trimmed_and_spaces_single() {
        assert_eq!(
            text(b"Mr.#John  Paul##Smith   \0\0", "x", "x").unwrap(),
            "Mr.#John Paul##Smith"
        );
    }
}
