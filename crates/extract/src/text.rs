//! Small helpers over byte ranges of the normalised text, so that every value keeps its span.

use std::ops::Range;

const PUNCT: &[char] = &[' ', ',', ':', ';', '"', '\'', '“', '”', '-', '–'];

/// Trims spaces and light punctuation from both ends.
pub fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let left = s.len() - s.trim_start_matches(PUNCT).len();
    let right = s.trim_end_matches(PUNCT).len();
    if right <= left {
        return r.start..r.start;
    }
    r.start + left..r.start + right
}

/// Repeatedly removes any of `words` from the start (and trims).
pub fn strip_prefixes(text: &str, r: Range<usize>, words: &[&str]) -> Range<usize> {
    let mut r = trim(text, r);
    loop {
        let s = &text[r.clone()];
        match words.iter().find(|w| s.starts_with(**w)) {
            Some(w) => r = trim(text, r.start + w.len()..r.end),
            None => return r,
        }
    }
}

/// Repeatedly removes any of `words` from the end (and trims).
pub fn strip_suffixes(text: &str, r: Range<usize>, words: &[&str]) -> Range<usize> {
    let mut r = trim(text, r);
    loop {
        let s = &text[r.clone()];
        // "บ้านพักของผู้ต้องหา": after ของ the word is part of the value.
        let owned = |w: &str| s[..s.len() - w.len()].trim_end().ends_with("ของ");
        match words.iter().find(|w| s.ends_with(**w) && !owned(w)) {
            Some(w) => r = trim(text, r.start..r.end - w.len()),
            None => return r,
        }
    }
}

/// Words that join or close clauses and never end a value.
pub const TRAILING_FILLERS: &[&str] = &[
    "เป็นผู้ต้องหา",
    "ผู้ต้องหาทั้งสอง",
    "ผู้ต้องหาทั้งหมด",
    "ผู้ต้องหา",
    "ผู้ถูกจับ",
    "ทั้งสองคน",
    "ทั้งสอง",
    "ทั้งหมด",
    "โดยได้",
    "โดย",
    "และ",
    "กับ",
    "ซึ่ง",
    "เป็น",
    "พร้อมด้วย",
    "พร้อมพวก",
    "พร้อม",
    "ได้",
    "จึง",
    "ขอ",
];

/// Collapses runs of spaces (the normalised text has none, but joined pieces may).
pub fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whitespace-separated tokens of `text[r]` with their ranges.
pub fn tokens(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text[r.clone()].char_indices() {
        let at = r.start + i;
        if c == ' ' {
            if let Some(s) = start.take() {
                out.push(s..at);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(s) = start {
        out.push(s..r.end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_fillers_keep_offsets() {
        let t = "x ที่บ้านเลขที่ 8 และ ";
        let r = strip_prefixes(t, 1..t.len(), &["ที่"]);
        let r = strip_suffixes(t, r, TRAILING_FILLERS);
        assert_eq!(&t[r], "บ้านเลขที่ 8");
    }
}
