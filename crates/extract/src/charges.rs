//! Charges: one entry per offence. "และ" joins two charges only where what follows starts a new
//! offence ("… โดยไม่ได้รับอนุญาต และ ร่วมกันนำเข้า …"), not where it joins objects of one offence
//! ("มีอาวุธปืนและเครื่องกระสุนปืน…"). Each charge is matched to the catalogue.

use crate::lexicon::{lexicons, CatalogueCharge};
use crate::provenance::{Tracker, SURE};
use crate::text::{clean, strip_prefixes, strip_suffixes, trim, TRAILING_FILLERS};
use serde::Serialize;
use std::ops::Range;

/// Words that start an offence.
const OFFENCE_STARTS: &[&str] = &[
    "ร่วมกัน",
    "มี",
    "ลัก",
    "ขับ",
    "จำหน่าย",
    "นำเข้า",
    "นำ",
    "ฉ้อโกง",
    "ทำร้าย",
    "ทำให้",
    "ทำลาย",
    "พา",
    "พก",
    "เสพ",
    "รับของโจร",
    "บุกรุก",
    "ชิง",
    "ปล้น",
    "วิ่งราว",
    "เป็นอั้งยี่",
    "เป็นซ่องโจร",
    "ฆ่า",
    "พยายาม",
    "ข่มขืน",
    "กระทำ",
    "หลบหนี",
    "เล่น",
    "ต่อสู้",
    "ขัดขวาง",
    "ยิง",
    "ปลอม",
    "ยักยอก",
    "กรรโชก",
    "เข้าเมือง",
    "เข้ามา",
    "ครอบครอง",
    "เปิด",
    "ขาย",
    "ผลิต",
    "ค้า",
    "หมิ่น",
    "ลักลอบ",
    "รับ",
    "ข่มขู่",
    "กักขัง",
    "หน่วงเหนี่ยว",
    "จัดให้",
    "ก่อ",
    "ส่งออก",
    "ไม่",
    "หลีกเลี่ยง",
    "อยู่ในราชอาณาจักร",
    "โฆษณา",
    "ฟอก",
    "ใช้",
];

/// Objects that look like offence starts but continue the same charge.
const NOT_STARTS: &[&str] = &["มีด", "ใช้ประโยชน์", "รับอนุญาต"];

/// A dictated charge matched to a catalogue entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChargeMatch {
    /// Index in the record's charges.
    pub index: usize,
    pub code: String,
    pub catalogue_text: String,
    pub law: String,
    pub section: String,
}

/// Splits `text[r]` into charges: (text, range).
pub fn split(text: &str, r: Range<usize>) -> Vec<(String, Range<usize>)> {
    let r = strip_prefixes(text, r, &["ว่า", "ฐาน", "คือ"]);
    let mut cuts = vec![r.start];
    let s = &text[r.clone()];
    for (p, _) in s.match_indices("และ") {
        let after = s[p + "และ".len()..].trim_start();
        let before_ok = p > 0;
        let starts = OFFENCE_STARTS.iter().any(|w| after.starts_with(w))
            && !NOT_STARTS.iter().any(|w| after.starts_with(w));
        let catalogue = lexicons().charges.iter().any(|c| {
            c.keywords
                .first()
                .map(|k| k.iter().any(|w| after.starts_with(w.as_str())))
                .unwrap_or(false)
        });
        if before_ok && (starts || catalogue) {
            cuts.push(r.start + p);
        }
    }
    // "1. … 2. …" enumerations.
    for (p, _) in s.match_indices('.') {
        let head = &s[..p];
        let digits = head.chars().rev().take_while(char::is_ascii_digit).count();
        let before = head[..head.len() - digits].chars().next_back();
        let after = s[p + 1..].chars().next();
        if (1..=2).contains(&digits)
            && matches!(before, None | Some(' '))
            && !after.map(|c| c.is_ascii_digit()).unwrap_or(false)
            && p - digits > 0
        {
            cuts.push(r.start + p - digits);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for (k, &c) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).copied().unwrap_or(r.end);
        let mut piece = strip_prefixes(text, c..end, &["และ", "กับ"]);
        piece = strip_enumerator(text, piece);
        piece = strip_prefixes(text, piece, &["ข้อหา", "ในข้อหา", "ว่า", "ฐาน"]);
        piece = strip_suffixes(text, piece, TRAILING_FILLERS);
        piece = strip_suffixes(text, piece, &["อันเป็น"]);
        let piece = trim(text, piece);
        if piece.len() > 3 {
            out.push((clean(&text[piece.clone()]), piece));
        }
    }
    out
}

fn strip_enumerator(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) && s[digits..].starts_with('.') {
        return trim(text, r.start + digits + 1..r.end);
    }
    strip_prefixes(text, r, &["ที่หนึ่ง", "ที่สอง", "ที่สาม", "ที่สี่", "ที่ห้า", "แรก"])
}

/// Appends the charges in `text[r]`.
pub fn parse(
    text: &str,
    r: Range<usize>,
    out: &mut Vec<banthuek_core::record::Charge>,
    track: &mut Tracker,
) {
    for (value, range) in split(text, r) {
        let i = out.len();
        track.fill(format!("/charges/{i}/text"), range, SURE);
        out.push(banthuek_core::record::Charge {
            text: Some(value),
            ..Default::default()
        });
    }
}

/// The catalogue entry for a dictated charge: every keyword group present, most groups wins.
pub fn match_catalogue(charge: &str) -> Option<&'static CatalogueCharge> {
    let squeezed = squeeze(charge);
    lexicons()
        .charges
        .iter()
        .filter(|c| {
            c.keywords
                .iter()
                .all(|g| g.iter().any(|k| squeezed.contains(k.as_str())))
        })
        .max_by_key(|c| {
            (
                c.keywords.len(),
                c.keywords.iter().map(|g| g[0].len()).sum::<usize>(),
            )
        })
}

/// Spaces and bracketed words removed: "ประเภท 1 (เมทแอมเฟตามีน)" → "ประเภท1".
fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ' ' => {}
            _ if depth <= 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split(s, 0..s.len()).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn splits_only_where_a_new_offence_starts() {
        assert_eq!(
            texts("ขับรถจักรยานยนต์โดยไม่มีใบอนุญาตขับขี่ และ มีอาวุธมีดไว้ในครอบครองโดยไม่มีเหตุอันสมควร"),
            vec![
                "ขับรถจักรยานยนต์โดยไม่มีใบอนุญาตขับขี่",
                "มีอาวุธมีดไว้ในครอบครองโดยไม่มีเหตุอันสมควร"
            ]
        );
        assert_eq!(
            texts("มีอาวุธปืนและเครื่องกระสุนปืนไว้ในครอบครองโดยไม่ได้รับอนุญาต"),
            vec!["มีอาวุธปืนและเครื่องกระสุนปืนไว้ในครอบครองโดยไม่ได้รับอนุญาต"]
        );
        assert_eq!(texts("1. ลักทรัพย์ 2. รับของโจร"), vec!["ลักทรัพย์", "รับของโจร"]);
    }

    #[test]
    fn catalogue_matches_most_specific() {
        let m = |s: &str| match_catalogue(s).map(|c| c.id.as_str());
        assert_eq!(
            m("มียาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ไว้ในครอบครองเพื่อจำหน่ายโดยไม่ได้รับอนุญาต"),
            Some("drug-sale")
        );
        assert_eq!(m("ฉ้อโกงประชาชน"), Some("public-fraud"));
        assert_eq!(m("ขับรถในขณะเมาสุรา"), Some("drunk-driving"));
        assert_eq!(
            m("ทำร้ายร่างกายผู้อื่นเป็นเหตุให้ได้รับอันตรายสาหัส"),
            Some("grievous-harm")
        );
        assert_eq!(m("ร้องเพลง"), None);
    }
}
