//! Normalisation before parsing: NFC, Thai digits → Arabic, known ASR misspellings → lexicon words,
//! whitespace collapsed to single spaces. Every character of the normalised text remembers the
//! span of original characters it came from, so provenance points into what the officer dictated.

use crate::lexicon::lexicons;
use banthuek_core::thai::digits::to_arabic;
use banthuek_core::thai::numbers::number_words;
use unicode_normalization::UnicodeNormalization;

/// The normalised transcript and the way back to the original.
#[derive(Debug, Clone, Default)]
pub struct Normalised {
    pub text: String,
    /// One entry per char of `text`: (byte offset in `text`, original char start, original char end).
    map: Vec<(usize, usize, usize)>,
    /// Original spans that a correction changed: (original char start, end, what was heard).
    pub corrections: Vec<Correction>,
}

/// A near-miss that was snapped to a lexicon word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Normalised byte range of the corrected word.
    pub range: std::ops::Range<usize>,
    pub heard: String,
    pub meant: String,
}

impl Normalised {
    /// Original character span `[start, end)` of a normalised byte range.
    pub fn original_span(&self, range: std::ops::Range<usize>) -> (usize, usize) {
        if self.map.is_empty() {
            return (0, 0);
        }
        let idx = |b: usize| match self.map.binary_search_by_key(&b, |m| m.0) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let first = self.map[idx(range.start).min(self.map.len() - 1)];
        let last_byte = range.end.max(range.start + 1) - 1;
        let last = self.map[idx(last_byte).min(self.map.len() - 1)];
        (first.1, last.2.max(first.1))
    }

    /// True when some ASR correction touched this normalised range.
    pub fn corrected_within(&self, range: &std::ops::Range<usize>) -> bool {
        self.corrections
            .iter()
            .any(|c| c.range.start < range.end && range.start < c.range.end)
    }
}

/// Characters that carry no text: zero-width space/joiners, BOM, soft hyphen.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// A Thai vowel or tone mark written twice in a row ("นาทีี"), as the model sometimes does, is one
/// mark: Thai never stacks the same mark twice.
fn single_marks(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    let mut last = None;
    for c in token.chars() {
        let mark = matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}');
        if !(mark && last == Some(c)) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

pub fn normalise(transcript: &str) -> Normalised {
    // Pass 1: per run of non-space characters, NFC + digit/vowel fixes; collapse spaces.
    let mut chars: Vec<(char, usize, usize)> = Vec::with_capacity(transcript.len());
    let orig: Vec<char> = transcript.chars().collect();
    let mut i = 0;
    let mut pending_space = false;
    while i < orig.len() {
        if orig[i].is_whitespace() || invisible(orig[i]) {
            if orig[i].is_whitespace() {
                pending_space = !chars.is_empty();
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < orig.len() && !orig[i].is_whitespace() && !invisible(orig[i]) {
            i += 1;
        }
        if pending_space {
            chars.push((' ', start, start));
            pending_space = false;
        }
        let token: String = orig[start..i].iter().collect();
        // Typing/ASR variants that NFC leaves alone: nikhahit + sara aa → sara am, double sara e.
        let fixed = token
            .replace("\u{0E4D}\u{0E32}", "\u{0E33}")
            .replace("เเ", "แ");
        let fixed = to_arabic(&single_marks(&fixed));
        let nfc: String = fixed.nfc().collect();
        if nfc.chars().count() == i - start {
            for (k, c) in nfc.chars().enumerate() {
                chars.push((c, start + k, start + k + 1));
            }
        } else {
            for c in nfc.chars() {
                chars.push((c, start, i));
            }
        }
    }
    // Pass 2: ASR corrections, longest heard form first at each position.
    let table = &lexicons().corrections;
    let mut out = Normalised::default();
    let mut k = 0;
    while k < chars.len() {
        if heard_four(&chars, k, &out.text) {
            // "สี" (colour) written for "สี่" (four) inside a number: corrected and remembered.
            let (s, e) = (chars[k].1, chars[k + 1].2);
            let begin = out.text.len();
            for c in "สี่".chars() {
                out.map.push((out.text.len(), s, e));
                out.text.push(c);
            }
            out.corrections.push(Correction {
                range: begin..out.text.len(),
                heard: "สี".into(),
                meant: "สี่".into(),
            });
            k += 2;
            continue;
        }
        let mut applied = false;
        if let Some(cands) = table.get(&chars[k].0) {
            for (heard, meant) in cands {
                let n = heard.chars().count();
                let already = chars[k..]
                    .iter()
                    .map(|c| c.0)
                    .take(meant.chars().count())
                    .eq(meant.chars());
                if !already
                    && k + n <= chars.len()
                    && chars[k..k + n].iter().map(|c| c.0).eq(heard.chars())
                {
                    let (s, e) = (chars[k].1, chars[k + n - 1].2);
                    let begin = out.text.len();
                    for c in meant.chars() {
                        out.map.push((out.text.len(), s, e));
                        out.text.push(c);
                    }
                    out.corrections.push(Correction {
                        range: begin..out.text.len(),
                        heard: heard.clone(),
                        meant: meant.clone(),
                    });
                    k += n;
                    applied = true;
                    break;
                }
            }
        }
        if !applied {
            let (c, s, e) = chars[k];
            out.map.push((out.text.len(), s, e));
            out.text.push(c);
            k += 1;
        }
    }
    out
}

/// Besides the number words, what may stand right before a four ("ยี่สิบสี่", "หนึ่ง สี่ สาม",
/// "อายุ สี่").
const BEFORE_FOUR: &[&str] = &["ตี", "หมู่", "อายุ", "เลขที่", "จำนวน"];
/// Besides the number words, what may follow a four: what numbers count in a record.
const AFTER_FOUR: &[&str] = &[
    "นาฬิกา",
    "นาลิกา",
    "นาที",
    "นาทิ",
    "โมง",
    "ทุ่ม",
    "ปี",
    "ทับ",
    "ตำบล",
    "แขวง",
    "ถนน",
    "ซอย",
    "อำเภอ",
    "เขต",
    "จังหวัด",
    "สี",
];

/// "สี" at `k` stands for "สี่" (four): it is a whole syllable (no tone mark or vowel follows) and
/// a number word comes right before it or a place word or counted word right after it ("สีสิบ",
/// "ยี่สิบสี นาที", "ตีสี"), so that "สีแดง" (red) and "สี" alone stay colours.
fn heard_four(chars: &[(char, usize, usize)], k: usize, before: &str) -> bool {
    if chars.get(k).map(|c| c.0) != Some('ส') || chars.get(k + 1).map(|c| c.0) != Some('ี') {
        return false;
    }
    let next_at = |i: usize| chars.get(i).map(|c| c.0);
    // "สี่", "สีดา": the syllable goes on.
    if next_at(k + 2)
        .is_some_and(|c| matches!(c, '\u{0E30}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}'))
    {
        return false;
    }
    let after: String = chars[k + 2..].iter().take(8).map(|c| c.0).collect();
    let after_trim = after.strip_prefix(' ').unwrap_or(&after);
    let followed = number_words()
        .chain(AFTER_FOUR.iter().copied())
        .any(|w| after_trim.starts_with(w))
        || lexicons()
            .classifiers
            .iter()
            .any(|w| after_trim.starts_with(w.as_str()));
    let ends_word = matches!(next_at(k + 2), None | Some(' ' | '.' | ','))
        || next_at(k + 2).is_some_and(|c| c.is_ascii_digit());
    let b = before.strip_suffix(' ').unwrap_or(before);
    let preceded = number_words()
        .chain(BEFORE_FOUR.iter().copied())
        .any(|w| b.ends_with(w));
    followed || (preceded && ends_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_spaces_and_offsets() {
        let n = normalise("  อายุ   ๓๕\tปี ");
        assert_eq!(n.text, "อายุ 35 ปี");
        let start = n.text.find("35").unwrap();
        // "๓๕" sits at original chars 9..11 (two spaces, อายุ = 4 chars, three spaces).
        assert_eq!(n.original_span(start..start + 2), (9, 11));
    }

    #[test]
    fn a_mark_written_twice_is_one() {
        assert_eq!(normalise("45. นาทีี").text, normalise("45. นาที").text);
        assert_eq!(normalise("สี่่").text, "สี่");
    }

    #[test]
    fn asr_near_miss_is_snapped_and_remembered() {
        let n = normalise("สิบนาลิกา");
        assert_eq!(n.text, "สิบนาฬิกา");
        assert_eq!(n.corrections.len(), 1);
        assert_eq!(n.corrections[0].heard, "นาลิกา");
        let r = n.corrections[0].range.clone();
        assert_eq!(n.original_span(r), (3, 9));
    }

    #[test]
    fn four_heard_without_its_tone_mark() {
        for (heard, meant) in [
            ("สีสิบห้านาที", "สี่สิบห้านาที"),
            ("ยี่สิบสี นาที", "ยี่สิบสี่ นาที"),
            ("หนึ่ง สี สาม", "หนึ่ง สี่ สาม"),
            ("ศูนย์สีสีห้า", "ศูนย์สี่สี่ห้า"),
            ("สี นาฬิกา", "สี่ นาฬิกา"),
            ("รถสีแดง", "รถสีแดง"),
            ("สองคัน สีดำ", "สองคัน สีดำ"),
            ("เสื้อสีขาว", "เสื้อสีขาว"),
        ] {
            let n = normalise(heard);
            assert_eq!(n.text, meant, "{heard}");
            assert_eq!(n.corrections.is_empty(), heard == meant, "{heard}");
        }
    }

    #[test]
    fn decomposed_sara_am_is_composed() {
        assert_eq!(normalise("ตํารวจ").text, "ตำรวจ");
    }
}
