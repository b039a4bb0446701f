//! The words of spoken numbers, derived from `banthuek_core::thai::numbers` (its standard
//! reading of each number), and the spellings the speech model really writes for them.

use banthuek_core::thai::numbers::to_words;
use banthuek_extract::lexicon::lexicons;
use banthuek_speech::constraint::Slot;
use std::sync::OnceLock;

/// How the base model spells words it hears, measured on the clock voice (issue #12): the
/// acoustic evidence is right, the spelling is not. Canonical word → spellings.
const MODEL_SPELLINGS: &[(&str, &[&str])] = &[
    ("ศูนย์", &["สุน", "ศูน"]),
    ("หนึ่ง", &["นึง", "หนึง"]),
    ("สาม", &["สา"]),
    ("สี่", &["สี"]),
    ("หก", &["หูก", "โหก"]),
    ("แปด", &["แบด", "แปต"]),
    ("เก้า", &["เท้า", "เก๊า"]),
    ("นาที", &["นาทิ"]),
];

/// The components of number words: digits 0–9, the places สิบ…แสน, ยี่ and เอ็ด, longest first.
pub fn components() -> &'static [String] {
    static C: OnceLock<Vec<String>> = OnceLock::new();
    C.get_or_init(|| {
        let one = to_words(1);
        let mut c: Vec<String> = (0..=9).map(to_words).collect();
        c.push(to_words(10));
        for p in 2..=5 {
            let w = to_words(10u64.pow(p));
            c.push(w.strip_prefix(&one).unwrap_or(&w).to_string());
        }
        let twenty = to_words(20);
        c.push(
            twenty
                .strip_suffix(&to_words(10))
                .unwrap_or(&twenty)
                .to_string(),
        );
        let t21 = to_words(21);
        c.push(t21.strip_prefix(&twenty).unwrap_or(&t21).to_string());
        c.sort_by_key(|w| std::cmp::Reverse(w.len()));
        c.dedup();
        c
    })
}

/// A word as a slot: its other spellings are the model's and the lexicon's ASR corrections.
pub fn slot(word: &str) -> Slot {
    let mut variants: Vec<String> = MODEL_SPELLINGS
        .iter()
        .filter(|(w, _)| *w == word)
        .flat_map(|(_, v)| v.iter().map(|s| s.to_string()))
        .collect();
    for list in lexicons().corrections.values() {
        for (heard, meant) in list {
            if meant == word && !heard.contains(' ') && !variants.contains(heard) {
                variants.push(heard.clone());
            }
        }
    }
    Slot {
        word: word.to_string(),
        variants,
    }
}

/// The standard reading of `n` cut into its component words: 25 → ["ยี่", "สิบ", "ห้า"].
pub fn number_words(n: u64) -> Vec<String> {
    let text = to_words(n);
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        match components().iter().find(|c| rest.starts_with(c.as_str())) {
            Some(c) => {
                out.push(c.clone());
                rest = &rest[c.len()..];
            }
            None => {
                // Not a composition of the components (a reading beyond แสน): keep it whole.
                out.push(rest.to_string());
                break;
            }
        }
    }
    out
}

/// `n` said in words, as slots.
pub fn number_slots(n: u64) -> Vec<Slot> {
    number_words(n).iter().map(|w| slot(w)).collect()
}

/// The digit `d` said as a word, as a slot.
pub fn digit_slot(d: u32) -> Slot {
    slot(&to_words(u64::from(d)))
}

/// `n` said twice in a row ("เก้า เก้า"), as slots: a person repeating a number, or a clip
/// that holds its word twice; [`undouble`] reads it as `n`.
pub fn number_said_twice(n: u64) -> Vec<Slot> {
    let once = number_slots(n);
    once.iter().chain(&once).cloned().collect()
}

/// A canonical reading with every number said twice in a row read once: "สิบ สิบ นาฬิกา ห้า
/// ห้า นาที" → "สิบ นาฬิกา ห้า นาที". A run counts only when all its words are number
/// components; the standard reading of a number never repeats a run of them.
pub fn undouble(reading: &str) -> String {
    let ws: Vec<&str> = reading.split(' ').collect();
    let is_number = |w: &&str| components().iter().any(|c| c == w);
    let mut out: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        // The longest run of number words starting here that the next words repeat.
        let run = (1..=(ws.len() - i) / 2).rev().find(|&l| {
            ws[i..i + l].iter().all(is_number)
                && ws[i..i + l] == ws[i + l..i + 2 * l]
                && !ws.get(i + 2 * l).is_some_and(is_number)
                && !(i > 0 && is_number(&ws[i - 1]))
        });
        match run {
            Some(l) => {
                out.extend_from_slice(&ws[i..i + l]);
                i += 2 * l;
            }
            None => {
                out.push(ws[i]);
                i += 1;
            }
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_said_twice_reads_once() {
        assert_eq!(undouble("สิบ สิบ นาฬิกา ห้า ห้า นาที"), "สิบ นาฬิกา ห้า นาที");
        assert_eq!(undouble("เก้า เก้า"), "เก้า");
        assert_eq!(undouble("สิบ เอ็ด สิบ เอ็ด"), "สิบ เอ็ด");
        // Not a whole number said twice: left as it is.
        assert_eq!(undouble("ห้า สิบ ห้า"), "ห้า สิบ ห้า");
        assert_eq!(undouble("สิบ ห้า ห้า"), "สิบ ห้า ห้า");
        assert_eq!(undouble("ห้า ห้า ห้า"), "ห้า ห้า ห้า");
        assert_eq!(undouble("14 นาฬิกา"), "14 นาฬิกา");
    }

    #[test]
    fn number_words_cut_into_components() {
        assert_eq!(number_words(25), ["ยี่", "สิบ", "ห้า"]);
        assert_eq!(number_words(21), ["ยี่", "สิบ", "เอ็ด"]);
        assert_eq!(number_words(14), ["สิบ", "สี่"]);
        assert_eq!(number_words(0), ["ศูนย์"]);
        assert_eq!(number_words(3050), ["สาม", "พัน", "ห้า", "สิบ"]);
        for n in 0..100_000 {
            assert_eq!(number_words(n).concat(), to_words(n));
        }
    }

    #[test]
    fn slots_carry_the_model_and_lexicon_spellings() {
        assert!(slot("ศูนย์").variants.contains(&"สุน".to_string()));
        assert!(slot("นาฬิกา").variants.contains(&"นาลิกา".to_string()));
        assert!(slot("สิบ").variants.contains(&"สิป".to_string()));
    }
}
