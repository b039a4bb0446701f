//! Names said without a space between the given name and the family name
//! ("กาญจนาพรหมมา"): split with the lexicons of Thai given names and family names
//! (`assets/lexicons/names`), and say how sure the split is.

use crate::lexicon::lexicons;
use crate::provenance::{Tracker, DOUBTFUL, LIKELY};
use crate::sections::is_thai_mark;
use std::ops::Range;

/// How a glued name was split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameSplit {
    /// Exactly one split puts a known given name before a known family name.
    Known { at: usize },
    /// A split worth proposing (only one side is known, or several splits are possible), with the
    /// other splits a person may choose from.
    Guess { at: usize, others: Vec<usize> },
    /// The word is one known given name and no split is known: a given name said alone.
    GivenOnly,
    /// Nothing known: the officer has to split it.
    Unknown,
}

/// Byte offsets where a family name may start in `word`: on a character boundary, not before a
/// vowel or tone mark that belongs to the syllable before, leaving two characters on each side.
fn split_points(word: &str) -> impl Iterator<Item = usize> + '_ {
    let n = word.chars().count();
    word.char_indices()
        .enumerate()
        .filter(move |(k, (_, c))| *k >= 2 && n - k >= 2 && !is_thai_mark(*c))
        .map(|(_, (i, _))| i)
        // A leading vowel (เ แ โ ใ ไ) belongs to the syllable after it: "สม|เกียรติ".
        .filter(move |&i| {
            !word[..i]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, 'เ' | 'แ' | 'โ' | 'ใ' | 'ไ'))
        })
}

/// Where to split `word` (a given name and a family name said as one word).
pub fn split_glued(word: &str) -> NameSplit {
    let lex = lexicons();
    let given = |s: &str| lex.given_names.contains(s);
    let family = |s: &str| lex.family_names.contains(s);
    let both: Vec<usize> = split_points(word)
        .filter(|&i| given(&word[..i]) && family(&word[i..]))
        .collect();
    if let [at] = both[..] {
        if !given(word) {
            return NameSplit::Known { at };
        }
    }
    if let Some((&at, rest)) = both.split_first() {
        return NameSplit::Guess {
            at,
            others: rest.to_vec(),
        };
    }
    if given(word) {
        return NameSplit::GivenOnly;
    }
    // One side known: the longest known given name first, then the longest known family name.
    let mut points: Vec<usize> = split_points(word).filter(|&i| given(&word[..i])).collect();
    points.reverse();
    for p in split_points(word).filter(|&i| family(&word[i..])) {
        if !points.contains(&p) {
            points.push(p);
        }
    }
    match points.split_first() {
        Some((&at, rest)) => NameSplit::Guess {
            at,
            others: rest.to_vec(),
        },
        None => NameSplit::Unknown,
    }
}

/// Fills a given name and family name said as the one word `text[word]`: split where the
/// lexicons say, flagged for confirmation unless exactly one split is known. `pointer` is the
/// person's pointer ("/arrestees/0"). Returns the given name and the family name.
pub fn fill_glued(
    text: &str,
    word: Range<usize>,
    pointer: &str,
    track: &mut Tracker,
) -> (String, Option<String>) {
    let w = &text[word.clone()];
    let first_ptr = format!("{pointer}/first_name");
    let last_ptr = format!("{pointer}/last_name");
    let (at, sure, others) = match split_glued(w) {
        NameSplit::Known { at } => (at, true, Vec::new()),
        NameSplit::Guess { at, others } => (at, false, others),
        NameSplit::GivenOnly => {
            track.fill(first_ptr, word, LIKELY);
            return (w.to_owned(), None);
        }
        NameSplit::Unknown => {
            track.fill_noted(
                first_ptr,
                word,
                DOUBTFUL,
                "given name and family name said as one word: split them / ชื่อและนามสกุลติดกัน โปรดแยก",
                Vec::new(),
            );
            return (w.to_owned(), None);
        }
    };
    let (first, last) = (word.start..word.start + at, word.start + at..word.end);
    if sure {
        track.fill(first_ptr, first, LIKELY);
        track.fill(last_ptr, last, LIKELY);
    } else {
        let proposals: Vec<String> = others
            .iter()
            .map(|&o| format!("{} {}", &w[..o], &w[o..]))
            .collect();
        let note = format!(
            "heard \"{w}\" as one word, split by the name lists: confirm / ได้ยิน \"{w}\" ติดกัน แยกตามรายชื่อ โปรดตรวจสอบ"
        );
        track.fill_noted(first_ptr, first, DOUBTFUL, note.clone(), proposals.clone());
        track.fill_noted(last_ptr, last, DOUBTFUL, note, proposals);
    }
    (w[..at].to_owned(), Some(w[at..].to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_names_split_on_the_lexicons() {
        let w = "กาญจนาพรหมมา";
        assert_eq!(
            split_glued(w),
            NameSplit::Known {
                at: "กาญจนา".len()
            }
        );
        let w = "ธีรศักดิ์นาคสวัสดิ์";
        match split_glued(w) {
            NameSplit::Guess { at, .. } => assert_eq!(&w[..at], "ธีรศักดิ์"),
            other => panic!("{other:?}"),
        }
        assert_eq!(split_glued("สมชาย"), NameSplit::GivenOnly);
        assert_eq!(split_glued("ฆฌฆฌฆฌ"), NameSplit::Unknown);
    }
}
