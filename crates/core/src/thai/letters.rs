//! Latin letters read out by name in Thai ("เอ", "บี", "ดับเบิลยู"), as officers read passport
//! numbers and other codes letter by letter. The names come from
//! `assets/lexicons/latin-letters.tsv`.

use super::digits::digit_value;
use super::numbers::DIGIT_WORDS;
use std::sync::OnceLock;

const LETTERS: &str = include_str!("../../../../assets/lexicons/latin-letters.tsv");

/// Each Latin capital letter with its spoken names, in alphabetical order.
pub fn letter_names() -> &'static [(char, Vec<&'static str>)] {
    static NAMES: OnceLock<Vec<(char, Vec<&'static str>)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        LETTERS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (letter, names) = l.split_once('\t')?;
                let c = letter.trim().chars().next()?;
                let names = names
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .collect();
                Some((c.to_ascii_uppercase(), names))
            })
            .collect()
    })
}

/// Letters and digits read out one at a time, as a code: "เอ เอ หนึ่ง สอง 3 4", "AA12 34",
/// "ดับเบิลยู-ศูนย์" → "AA1234", "W0". Latin letters (any case), Thai or Arabic digits, letter
/// names, digit words; spaces and dashes are skipped. Anything else gives None.
pub fn parse_code(s: &str) -> Option<String> {
    // Every spoken name (letters and digits), longest first so that "เอ็กซ์" wins over "เอ".
    static WORDS: OnceLock<Vec<(&'static str, char)>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let mut w: Vec<(&'static str, char)> = letter_names()
            .iter()
            .flat_map(|(c, names)| names.iter().map(move |n| (*n, *c)))
            .chain(
                DIGIT_WORDS
                    .iter()
                    .enumerate()
                    .map(|(d, w)| (*w, char::from(b'0' + d as u8))),
            )
            .collect();
        w.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        w
    });
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() || c == '-' {
            rest = &rest[c.len_utf8()..];
        } else if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_uppercase());
            rest = &rest[1..];
        } else if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d as u8));
            rest = &rest[c.len_utf8()..];
        } else {
            let (word, c) = words.iter().find(|(w, _)| rest.starts_with(w))?;
            out.push(*c);
            rest = &rest[word.len()..];
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_has_a_name_and_names_are_unique() {
        let names = letter_names();
        assert_eq!(names.len(), 26);
        for (i, (c, n)) in names.iter().enumerate() {
            assert_eq!(*c, char::from(b'A' + i as u8));
            assert!(!n.is_empty(), "{c}");
        }
        let mut all: Vec<&str> = names.iter().flat_map(|(_, n)| n.iter().copied()).collect();
        let count = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), count, "a spoken name stands for one letter only");
    }

    #[test]
    fn codes_read_out() {
        assert_eq!(
            parse_code("เอ เอ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด").as_deref(),
            Some("AA1234567")
        );
        assert_eq!(parse_code("ดับเบิลยู เอ็กซ์ 0-9").as_deref(), Some("WX09"));
        assert_eq!(parse_code("aa12 ๓๔").as_deref(), Some("AA1234"));
        assert_eq!(parse_code("เอฟเอ"), Some("FA".into()));
        assert_eq!(parse_code("เอ ข"), None);
        assert_eq!(parse_code(""), None);
    }
}
