//! Small byte-offset helpers shared by the scanners.

/// Spaces that transcripts and typed Thai text put between words (Thai text often uses the
/// zero-width space as an invisible word break).
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200B}'
}

/// Byte offset of the first non-space character at or after `pos`.
pub(crate) fn skip_spaces(s: &str, pos: usize) -> usize {
    let rest = &s[pos..];
    pos + (rest.len() - rest.trim_start_matches(is_space).len())
}

/// If `s[pos..]` starts with any of `words`, the end of the longest one.
pub(crate) fn match_word(s: &str, pos: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter(|w| s[pos..].starts_with(**w))
        .map(|w| pos + w.len())
        .max()
}

/// A Thai vowel or tone mark that attaches to the consonant before it, or a vowel that must
/// continue a syllable (ะ า ำ ๅ). A word that ends right before one of these was really the
/// beginning of a longer word ("สาม" in "สามารถ", "สี" in "สี่").
pub(crate) fn continues_syllable(c: char) -> bool {
    matches!(c, '\u{0E30}'..='\u{0E3A}' | '\u{0E45}' | '\u{0E47}'..='\u{0E4E}')
}

/// A Thai letter of any kind (consonant, vowel, tone mark), not a digit or punctuation.
pub(crate) fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4E}').contains(&c) && c != '\u{0E3F}' && c != '\u{0E46}' && c != '\u{0E4F}'
}

/// Whole-string helper: the value a scanner read, if it consumed all of the trimmed string.
pub(crate) fn whole<T>(s: &str, scan: impl FnOnce(&str) -> Option<(T, usize)>) -> Option<T> {
    let t = s.trim_matches(is_space);
    match scan(t) {
        Some((v, n)) if n == t.len() => Some(v),
        _ => None,
    }
}
