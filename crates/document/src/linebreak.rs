//! Thai line breaking. Thai writes no spaces between words, so break opportunities come from
//! ICU4X's dictionary segmenter; a list of words that must never be split (names, drug names,
//! places: the dictionary splits แอ|มเฟ|ตา|มีน) removes opportunities inside them.
//!
//! The same words are kept whole in the app's text boxes, whose line breaking is the web engine's
//! own: there each word is shown [`joined`], with a [`WORD_JOINER`] between its characters, which
//! forbids a break there whatever the engine's dictionary says.

use banthuek_core::record::ArrestRecord;
use icu_segmenter::options::LineBreakOptions;
use icu_segmenter::{GraphemeClusterSegmenter, LineSegmenter, LineSegmenterBorrowed};

/// U+2060 WORD JOINER: invisible, no line break on either side of it (Unicode line-breaking
/// class WJ).
pub const WORD_JOINER: char = '\u{2060}';

/// Words the dictionary is known to split badly, kept whole on every record.
pub const KEEP_WHOLE: &[&str] = &[
    "เมทแอมเฟตามีน",
    "แอมเฟตามีน",
    "เมทแอมเฟตามีนไฮโดรคลอไรด์",
    "เฮโรอีน",
    "เคตามีน",
    "โคเคน",
    "คีตามีน",
    "ไอซ์",
    "ยาบ้า",
    "กัญชา",
    "กระท่อม",
    "ยาเสพติด",
    "ให้โทษ",
    "เชียงใหม่",
    "เชียงราย",
    "กรุงเทพมหานคร",
    "นครราชสีมา",
    "พระนครศรีอยุธยา",
    "ขอนแก่น",
    "หาดใหญ่",
    "ภูเก็ต",
    "ปากเกร็ด",
    "นนทบุรี",
    "สระบุรี",
    "ผู้ถูกจับ",
    "ผู้ต้องหา",
    "เจ้าพนักงาน",
];

/// The words kept whole on `record`: [`KEEP_WHOLE`] and the one-word names of its officers and
/// arrestees (a name the dictionary does not know would otherwise be split like any other).
pub fn kept_words(record: &ArrestRecord) -> Vec<String> {
    let mut words: Vec<String> = KEEP_WHOLE.iter().map(|w| (*w).to_owned()).collect();
    let names = record
        .officers
        .iter()
        .flat_map(|o| [&o.first_name, &o.last_name])
        .chain(
            record
                .arrestees
                .iter()
                .flat_map(|a| [&a.first_name, &a.last_name]),
        )
        .flatten();
    for name in names {
        if name.chars().count() > 1 && !name.contains(' ') && !words.contains(name) {
            words.push(name.clone());
        }
    }
    words
}

/// `word` as a text box shows it so that no line can break inside it: a [`WORD_JOINER`] between
/// each two of its grapheme clusters (never between a letter and its vowel or tone mark, which
/// must stay together to be drawn). Removing every joiner gives `word` back.
pub fn joined(word: &str) -> String {
    let mut out = String::with_capacity(word.len() * 2);
    let mut last = 0;
    for boundary in GraphemeClusterSegmenter::new().segment_str(word) {
        if boundary == 0 {
            continue;
        }
        if last > 0 {
            out.push(WORD_JOINER);
        }
        out.push_str(&word[last..boundary]);
        last = boundary;
    }
    out
}

/// The words kept whole on `record` as the app's text boxes show them ([`joined`]), longest
/// first, so that a word inside a longer one (แอมเฟตามีน in เมทแอมเฟตามีน) never wins over it.
pub fn joined_kept_words(record: &ArrestRecord) -> Vec<String> {
    let mut words = kept_words(record);
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.iter().map(|w| joined(w)).collect()
}

pub struct LineBreaker {
    segmenter: LineSegmenterBorrowed<'static>,
    keep: Vec<String>,
}

impl LineBreaker {
    /// A breaker that keeps [`KEEP_WHOLE`] and `extra` words whole.
    pub fn new(extra: impl IntoIterator<Item = String>) -> Self {
        let mut keep: Vec<String> = KEEP_WHOLE.iter().map(|w| (*w).to_owned()).collect();
        keep.extend(extra.into_iter().filter(|w| w.chars().count() > 1));
        LineBreaker::keeping(keep)
    }

    /// A breaker that keeps the record's [`kept_words`] whole.
    pub fn for_record(record: &ArrestRecord) -> Self {
        LineBreaker::keeping(kept_words(record))
    }

    fn keeping(keep: Vec<String>) -> Self {
        LineBreaker {
            segmenter: LineSegmenter::new_dictionary(LineBreakOptions::default()),
            keep,
        }
    }

    /// Byte offsets at which `text` may break, start and end included, none inside a kept word.
    pub fn break_points(&self, text: &str) -> Vec<usize> {
        let mut protected: Vec<(usize, usize)> = Vec::new();
        for word in &self.keep {
            for (start, _) in text.match_indices(word.as_str()) {
                protected.push((start, start + word.len()));
            }
        }
        self.segmenter
            .segment_str(text)
            .filter(|&bp| !protected.iter().any(|&(s, e)| s < bp && bp < e))
            .collect()
    }

    /// Greedy fill: lines of `text` no wider than `first_width` (first line) or `width` (the
    /// rest). Spaces at a break are dropped; a piece wider than a whole line is cut between
    /// grapheme clusters so that nothing overflows.
    pub fn wrap(
        &self,
        text: &str,
        first_width: f32,
        width: f32,
        measure: &dyn Fn(&str) -> f32,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let points = self.break_points(paragraph);
            let mut current = String::new();
            for piece in points.windows(2).map(|w| &paragraph[w[0]..w[1]]) {
                let limit = if lines.is_empty() { first_width } else { width };
                let candidate = format!("{current}{piece}");
                if measure(candidate.trim_end()) <= limit {
                    current = candidate;
                    continue;
                }
                if !current.trim().is_empty() {
                    lines.push(current.trim_end().to_owned());
                }
                // The piece alone may still be too wide: cut it by clusters.
                let piece = piece.trim_start();
                let mut cut = String::new();
                for cluster in clusters(piece) {
                    let limit = if lines.is_empty() { first_width } else { width };
                    let candidate = format!("{cut}{cluster}");
                    if !cut.is_empty() && measure(candidate.trim_end()) > limit {
                        lines.push(cut.trim_end().to_owned());
                        cut = cluster.trim_start().to_owned();
                    } else {
                        cut = candidate;
                    }
                }
                current = cut;
            }
            let last = current.trim_end();
            if !last.is_empty() || paragraph.trim().is_empty() {
                lines.push(last.to_owned());
            }
        }
        lines
    }
}

/// Thai marks that attach to the preceding consonant and must stay with it.
fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

/// Splits `text` into base character + following marks.
fn clusters(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if i > start && !is_thai_mark(c) && !c.is_ascii_punctuation() {
            out.push(&text[start..i]);
            start = i;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drug_names_and_record_names_stay_whole() {
        let breaker = LineBreaker::new(["วโรรส".to_owned()]);
        let text = "ยาเสพติดให้โทษประเภท ๑ (เมทแอมเฟตามีน) หน้าตลาดวโรรส";
        let points = breaker.break_points(text);
        let start = text.find("เมทแอมเฟตามีน").unwrap();
        let end = start + "เมทแอมเฟตามีน".len();
        assert!(points.iter().all(|&p| p <= start || p >= end), "{points:?}");
        let start = text.find("วโรรส").unwrap();
        let end = start + "วโรรส".len();
        assert!(points.iter().all(|&p| p <= start || p >= end), "{points:?}");
    }

    #[test]
    fn a_joined_word_has_no_break_opportunity_inside_and_reads_back_as_typed() {
        let segmenter = LineSegmenter::new_dictionary(LineBreakOptions::default());
        let word = "เมทแอมเฟตามีน";
        let shown = joined(word);
        assert_eq!(shown.replace(WORD_JOINER, ""), word);
        // Marks stay on their letter: มี and the leading vowel's cluster are not split.
        assert!(shown.contains("มี"), "{shown:?}");
        assert_eq!(shown.matches(WORD_JOINER).count(), 11, "{shown:?}");
        // The dictionary alone breaks inside the word; joined, an ICU line breaker does not.
        let text = format!("ชนิด{word} จำนวน");
        let (start, end) = (
            text.find(word).unwrap(),
            text.find(word).unwrap() + word.len(),
        );
        let inside = |text: &str, start, end| {
            segmenter
                .segment_str(text)
                .filter(|&p| start < p && p < end)
                .count()
        };
        assert!(inside(&text, start, end) > 0);
        let text = format!("ชนิด{shown} จำนวน");
        let (start, end) = (
            text.find(&shown).unwrap(),
            text.find(&shown).unwrap() + shown.len(),
        );
        assert_eq!(inside(&text, start, end), 0);
    }

    #[test]
    fn the_words_kept_whole_on_a_record_include_its_names_longest_first() {
        let record: ArrestRecord = serde_json::from_value(serde_json::json!({
            "arrestees": [{ "first_name": "วโรรส", "last_name": "ใจ ดี" }],
            "officers": [{ "first_name": "ก" }]
        }))
        .unwrap();
        let words = kept_words(&record);
        assert!(words.iter().any(|w| w == "วโรรส"));
        // A name with a space is two words; a single letter is no word to keep.
        assert!(!words.iter().any(|w| w == "ใจ ดี" || w == "ก"));
        let shown = joined_kept_words(&record);
        assert_eq!(shown.len(), words.len());
        let lengths: Vec<usize> = shown
            .iter()
            .map(|w| w.replace(WORD_JOINER, "").chars().count())
            .collect();
        assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "{lengths:?}");
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_character() {
        let breaker = LineBreaker::new(Vec::new());
        let text = "เจ้าหน้าที่ได้รับแจ้งจากสายลับว่ามีการลักลอบจำหน่ายยาเสพติดบริเวณดังกล่าว จึงได้เดินทางไปตรวจสอบ";
        // One unit per character: a crude but exact measure for the test.
        let measure = |s: &str| s.chars().count() as f32;
        let lines = breaker.wrap(text, 20.0, 20.0, &measure);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| measure(l) <= 20.0), "{lines:?}");
        let joined: String = lines.concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_between_clusters() {
        let breaker = LineBreaker::new(Vec::new());
        let measure = |s: &str| s.chars().count() as f32;
        let lines = breaker.wrap("เมทแอมเฟตามีน", 5.0, 5.0, &measure);
        assert!(lines.iter().all(|l| measure(l) <= 5.0), "{lines:?}");
        assert!(lines.iter().all(|l| !l.starts_with('\u{0E35}')));
        assert_eq!(lines.concat(), "เมทแอมเฟตามีน");
    }
}
