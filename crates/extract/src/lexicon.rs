//! Lexicons compiled into the binary from `assets/lexicons/` (see its README for sources and
//! licences): ranks, titles, positions, units, classifiers, the charge catalogue, Thai places,
//! ASR corrections, voice commands, spoken field names, Thai given and family names. Parsed once, on first use.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const RANKS: &str = include_str!("../../../assets/lexicons/ranks.tsv");
const TITLES: &str = include_str!("../../../assets/lexicons/titles.tsv");
const POSITIONS: &str = include_str!("../../../assets/lexicons/positions.tsv");
const UNITS: &str = include_str!("../../../assets/lexicons/units.tsv");
const CLASSIFIERS: &str = include_str!("../../../assets/lexicons/classifiers.tsv");
const CHARGES: &str = include_str!("../../../assets/lexicons/charges.tsv");
const CORRECTIONS: &str = include_str!("../../../assets/lexicons/asr-corrections.tsv");
const VOICE_COMMANDS: &str = include_str!("../../../assets/lexicons/voice-commands.tsv");
const FIELDS: &str = include_str!("../../../assets/lexicons/fields.tsv");
const PROVINCES: &str = include_str!("../../../assets/lexicons/geo/provinces.tsv");
const DISTRICTS: &str = include_str!("../../../assets/lexicons/geo/districts.tsv");
const SUBDISTRICTS: &str = include_str!("../../../assets/lexicons/geo/subdistricts.tsv");
const GIVEN_NAMES: &str = include_str!("../../../assets/lexicons/names/given-names.txt");
const FAMILY_NAMES: &str = include_str!("../../../assets/lexicons/names/family-names.txt");

/// A police rank: the abbreviation printed in documents and the forms said aloud.
#[derive(Debug, Clone)]
pub struct Rank {
    pub abbr: String,
    pub spoken: Vec<String>,
}

/// One entry of the charge catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueCharge {
    pub id: String,
    pub text: String,
    pub law: String,
    pub section: String,
    /// Every group must be present (any one of its alternatives).
    pub keywords: Vec<Vec<String>>,
}

#[derive(Debug)]
pub struct Lexicons {
    pub ranks: Vec<Rank>,
    /// (full title, its other forms)
    pub titles: Vec<(String, Vec<String>)>,
    pub positions: Vec<String>,
    pub units: Vec<String>,
    pub classifiers: Vec<String>,
    pub charges: Vec<CatalogueCharge>,
    /// First char of the heard form → (heard, meant), longest heard form first.
    pub corrections: HashMap<char, Vec<(String, String)>>,
    /// (command id, phrases)
    pub voice_commands: Vec<(String, Vec<String>)>,
    /// (spoken field name, pointer template), longest name first.
    pub fields: Vec<(String, String)>,
    pub provinces: Vec<String>,
    pub districts: Vec<String>,
    pub subdistricts: Vec<String>,
    pub place_names: HashSet<String>,
    /// Thai given names and family names, to split a name said without a space.
    pub given_names: HashSet<&'static str>,
    pub family_names: HashSet<&'static str>,
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn list(s: Option<&&str>, sep: char) -> Vec<String> {
    s.map(|s| {
        s.split(sep)
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn names(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    rows(text)
        .filter_map(|r| r.get(1).map(|s| s.to_string()))
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

fn word_set(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn load() -> Lexicons {
    let ranks = rows(RANKS)
        .filter_map(|r| {
            let abbr = r.first()?.to_string();
            let mut spoken = list(r.get(1), ',');
            spoken.extend(list(r.get(2), ','));
            Some(Rank { abbr, spoken })
        })
        .collect();
    let titles = rows(TITLES)
        .filter_map(|r| Some((r.first()?.to_string(), list(r.get(1), ','))))
        .collect();
    let single = |t: &str| {
        rows(t)
            .filter_map(|r| r.first().map(|s| s.to_string()))
            .collect()
    };
    let charges = rows(CHARGES)
        .filter_map(|r| {
            Some(CatalogueCharge {
                id: r.first()?.to_string(),
                text: r.get(1)?.to_string(),
                law: r.get(2)?.to_string(),
                section: r.get(3)?.to_string(),
                keywords: list(r.get(4), ',')
                    .iter()
                    .map(|g| g.split('/').map(|k| k.replace(' ', "")).collect())
                    .collect(),
            })
        })
        .collect();
    let mut corrections: HashMap<char, Vec<(String, String)>> = HashMap::new();
    for r in rows(CORRECTIONS) {
        if let (Some(heard), Some(meant)) = (r.first(), r.get(1)) {
            if let Some(c) = heard.chars().next() {
                corrections
                    .entry(c)
                    .or_default()
                    .push((heard.to_string(), meant.to_string()));
            }
        }
    }
    for v in corrections.values_mut() {
        v.sort_by_key(|(h, _)| std::cmp::Reverse(h.chars().count()));
    }
    let voice_commands = rows(VOICE_COMMANDS)
        .filter_map(|r| Some((r.first()?.to_string(), list(r.get(1), ','))))
        .collect();
    let mut fields: Vec<(String, String)> = rows(FIELDS)
        .filter_map(|r| Some((r.first()?.to_string(), r.get(1)?.to_string())))
        .collect();
    fields.sort_by_key(|(n, _)| std::cmp::Reverse(n.chars().count()));
    let provinces = names(PROVINCES);
    let districts = names(DISTRICTS);
    let subdistricts = names(SUBDISTRICTS);
    let place_names = provinces
        .iter()
        .chain(&districts)
        .chain(&subdistricts)
        .cloned()
        .collect();
    Lexicons {
        ranks,
        titles,
        positions: single(POSITIONS),
        units: single(UNITS),
        classifiers: single(CLASSIFIERS),
        charges,
        corrections,
        voice_commands,
        fields,
        provinces,
        districts,
        subdistricts,
        place_names,
        given_names: word_set(GIVEN_NAMES),
        family_names: word_set(FAMILY_NAMES),
    }
}

/// The lexicons, parsed on first use.
pub fn lexicons() -> &'static Lexicons {
    static LEX: OnceLock<Lexicons> = OnceLock::new();
    LEX.get_or_init(load)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load_with_content() {
        let l = lexicons();
        assert!(l
            .ranks
            .iter()
            .any(|r| r.abbr == "ร.ต.อ." && r.spoken.contains(&"ร้อยตำรวจเอก".to_string())));
        assert_eq!(l.provinces.len(), 77);
        assert!(l.districts.contains(&"บางซื่อ".to_string()));
        assert!(l.subdistricts.contains(&"สุเทพ".to_string()));
        assert!(l
            .charges
            .iter()
            .all(|c| !c.keywords.is_empty() && !c.law.is_empty()));
        assert!(l.classifiers.contains(&"เม็ด".to_string()));
        assert_eq!(l.voice_commands.len(), 5);
        assert!(l.given_names.len() > 10_000 && l.given_names.contains("กาญจนา"));
        assert!(l.family_names.len() > 9_000 && l.family_names.contains("พรหมมา"));
    }
}
