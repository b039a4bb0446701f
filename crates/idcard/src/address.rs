//! The card's registered address, "12/3#หมู่ที่ 4##ซอยร่วมมิตร#ถนนพหลโยธิน#ตำบลสุเทพ#อำเภอเมือง
//! เชียงใหม่#จังหวัดเชียงใหม่": parts separated by '#', empty ones left out. Each part is classified
//! by its leading level word (the card writes them out in full), so the split does not depend on
//! how many empty slots a card leaves; the place names are checked against the national registry
//! (`banthuek_extract::lexicon`).

use crate::error::CardWarning;
use banthuek_core::record::AddressParts;
use banthuek_extract::lexicon::lexicons;
use serde_json::Value;

const BANGKOK: &str = "กรุงเทพมหานคร";

/// Level words → the part they start. Longer words first where one is a prefix of another.
const LEVEL_WORDS: &[(&str, Part)] = &[
    ("บ้านเลขที่", Part::House),
    ("เลขที่", Part::House),
    ("หมู่บ้าน", Part::Village),
    ("หมู่ที่", Part::Moo),
    ("หมู่", Part::Moo),
    ("ม.", Part::Moo),
    ("ตรอก", Part::Trok),
    ("ซอย", Part::Soi),
    ("ซ.", Part::Soi),
    ("ถนน", Part::Road),
    ("ถ.", Part::Road),
    ("ตำบล", Part::Subdistrict),
    ("แขวง", Part::Subdistrict),
    ("ต.", Part::Subdistrict),
    ("อำเภอ", Part::District),
    ("เขต", Part::District),
    ("อ.", Part::District),
    ("จังหวัด", Part::Province),
    ("จ.", Part::Province),
];

#[derive(Clone, Copy, PartialEq)]
enum Part {
    House,
    Moo,
    Village,
    Trok,
    Soi,
    Road,
    Subdistrict,
    District,
    Province,
}

/// The address as one normalised line (as the record's `address` holds it) and in parts.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitAddress {
    pub line: String,
    pub parts: AddressParts,
    pub warnings: Vec<CardWarning>,
}

fn classify(part: &str, first: bool) -> (Part, &str) {
    if part == BANGKOK {
        return (Part::Province, part);
    }
    for (word, kind) in LEVEL_WORDS {
        if let Some(rest) = part.strip_prefix(word) {
            // "หมู่บ้าน…" keeps its word: the village is named with it.
            let value = if *kind == Part::Village {
                part
            } else {
                rest.trim()
            };
            return (*kind, value);
        }
    }
    if first {
        (Part::House, part)
    } else {
        (Part::Village, part)
    }
}

fn set(slot: &mut Option<String>, value: &str) {
    match slot {
        Some(existing) => {
            existing.push(' ');
            existing.push_str(value);
        }
        None => *slot = Some(value.to_owned()),
    }
}

/// Splits the card's address. `text` is already decoded and normalised.
pub fn split(text: &str) -> SplitAddress {
    let mut parts = AddressParts::default();
    let mut line: Vec<String> = Vec::new();
    let mut trok: Option<String> = None;
    let pieces: Vec<&str> = text
        .split('#')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    for (i, piece) in pieces.iter().enumerate() {
        let (kind, value) = classify(piece, i == 0);
        if value.is_empty() {
            continue;
        }
        match kind {
            Part::House => {
                set(&mut parts.house_number, value);
                line.push(format!("บ้านเลขที่ {value}"));
            }
            Part::Moo => {
                set(&mut parts.moo, value);
                line.push(format!("หมู่ {value}"));
            }
            Part::Village => {
                set(&mut parts.village, value);
                line.push(value.to_owned());
            }
            Part::Trok => {
                set(&mut trok, value);
                line.push(format!("ตรอก{value}"));
            }
            Part::Soi => {
                set(&mut parts.soi, value);
                line.push(format!("ซอย{value}"));
            }
            Part::Road => {
                set(&mut parts.road, value);
                line.push(format!("ถนน{value}"));
            }
            Part::Subdistrict => set(&mut parts.subdistrict, value),
            Part::District => set(&mut parts.district, value),
            Part::Province => set(&mut parts.province, value),
        }
    }
    if let Some(t) = trok {
        parts.extra.insert("trok".into(), Value::String(t));
    }
    // The administrative levels, in order, with the words Bangkok and the provinces use.
    let bangkok = parts.province.as_deref() == Some(BANGKOK);
    let (sub_word, dist_word) = if bangkok {
        ("แขวง", "เขต")
    } else {
        ("ตำบล", "อำเภอ")
    };
    if let Some(s) = &parts.subdistrict {
        line.push(format!("{sub_word}{s}"));
    }
    if let Some(d) = &parts.district {
        line.push(format!("{dist_word}{d}"));
    }
    if let Some(p) = &parts.province {
        line.push(if bangkok {
            p.clone()
        } else {
            format!("จังหวัด{p}")
        });
    }
    let lex = lexicons();
    let mut warnings = Vec::new();
    for (value, list, part) in [
        (&parts.subdistrict, &lex.subdistricts, "subdistrict"),
        (&parts.district, &lex.districts, "district"),
        (&parts.province, &lex.provinces, "province"),
    ] {
        if let Some(v) = value {
            if !list.iter().any(|known| known == v) {
                warnings.push(CardWarning::PlaceNotInRegistry { part });
            }
        }
    }
    SplitAddress {
        line: line.join(" "),
        parts,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provincial_address_splits_into_its_parts() {
        let a = split("12/3#หมู่ที่ 4##ซอยร่วมมิตร#ถนนห้วยแก้ว#ตำบลสุเทพ#อำเภอเมืองเชียงใหม่#จังหวัดเชียงใหม่");
        assert_eq!(a.parts.house_number.as_deref(), Some("12/3"));
        assert_eq!(a.parts.moo.as_deref(), Some("4"));
        assert_eq!(a.parts.soi.as_deref(), Some("ร่วมมิตร"));
        assert_eq!(a.parts.road.as_deref(), Some("ห้วยแก้ว"));
        assert_eq!(a.parts.subdistrict.as_deref(), Some("สุเทพ"));
        assert_eq!(a.parts.district.as_deref(), Some("เมืองเชียงใหม่"));
        assert_eq!(a.parts.province.as_deref(), Some("เชียงใหม่"));
        assert_eq!(
            a.line,
            "บ้านเลขที่ 12/3 หมู่ 4 ซอยร่วมมิตร ถนนห้วยแก้ว ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่"
        );
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn a_bangkok_address_keeps_khwaeng_and_khet() {
        let a = split("99#####แขวงสามเสนใน#เขตพญาไท#กรุงเทพมหานคร");
        assert_eq!(a.parts.subdistrict.as_deref(), Some("สามเสนใน"));
        assert_eq!(a.parts.district.as_deref(), Some("พญาไท"));
        assert_eq!(a.parts.province.as_deref(), Some("กรุงเทพมหานคร"));
        assert_eq!(a.line, "บ้านเลขที่ 99 แขวงสามเสนใน เขตพญาไท กรุงเทพมหานคร");
    }

    #[test]
    fn a_place_outside_the_registry_is_kept_with_a_warning() {
        let a = split("1#ตำบลไม่มีจริง#อำเภอเมืองเชียงใหม่#จังหวัดเชียงใหม่");
        assert_eq!(a.parts.subdistrict.as_deref(), Some("ไม่มีจริง"));
        assert_eq!(
            a.warnings,
            vec![CardWarning::PlaceNotInRegistry {
                part: "subdistrict"
            }]
        );
    }
}
