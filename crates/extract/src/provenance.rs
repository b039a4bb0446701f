//! Where each filled value came from: the transcript span (original character offsets), the audio
//! span when per-segment timing is known, and a confidence. Values below
//! [`banthuek_core::record::LOW_CONFIDENCE`] must be confirmed by the officer before signing.

use crate::normalise::Normalised;
use banthuek_core::record::{Provenance, Source};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::ops::Range;

/// Confidence of a value read from its own keyword with a typed parser.
pub const SURE: f64 = 0.95;
/// A value found by a weaker rule (no keyword, a guessed split): still usable, but worth a look.
pub const LIKELY: f64 = 0.85;
/// A value the officer must confirm (a snapped near-miss, a failed check digit, a guess).
pub const DOUBTFUL: f64 = 0.6;

/// Timing of one recognised stretch of speech: transcript characters `[char_start, char_end)` were
/// heard in audio `[audio_start_ms, audio_end_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedSegment {
    pub char_start: usize,
    pub char_end: usize,
    pub audio_start_ms: u64,
    pub audio_end_ms: u64,
}

impl From<(usize, usize, u64, u64)> for TimedSegment {
    fn from(t: (usize, usize, u64, u64)) -> Self {
        TimedSegment {
            char_start: t.0,
            char_end: t.1,
            audio_start_ms: t.2,
            audio_end_ms: t.3,
        }
    }
}

/// The audio span covering transcript characters `[start, end)`: from the first to the last timed
/// segment that overlaps them.
pub fn audio_span(timing: &[TimedSegment], start: usize, end: usize) -> Option<[u64; 2]> {
    let end = end.max(start + 1);
    let mut hit = timing
        .iter()
        .filter(|s| s.char_start < end && start < s.char_end.max(s.char_start + 1));
    let first = hit.next()?;
    let (mut a, mut b) = (first.audio_start_ms, first.audio_end_ms);
    for s in hit {
        a = a.min(s.audio_start_ms);
        b = b.max(s.audio_end_ms);
    }
    Some([a, b])
}

/// One filled field before it is turned into [`Provenance`].
#[derive(Debug, Clone)]
pub struct Filled {
    pub pointer: String,
    /// Byte range in the normalised text.
    pub range: Range<usize>,
    pub confidence: f64,
    pub note: Option<String>,
    pub suggestions: Vec<String>,
}

/// Collects provenance while the record is being filled.
#[derive(Debug, Default)]
pub struct Tracker {
    pub filled: Vec<Filled>,
}

impl Tracker {
    pub fn fill(&mut self, pointer: impl Into<String>, range: Range<usize>, confidence: f64) {
        self.filled.push(Filled {
            pointer: pointer.into(),
            range,
            confidence,
            note: None,
            suggestions: Vec::new(),
        });
    }

    pub fn fill_noted(
        &mut self,
        pointer: impl Into<String>,
        range: Range<usize>,
        confidence: f64,
        note: impl Into<String>,
        suggestions: Vec<String>,
    ) {
        self.filled.push(Filled {
            pointer: pointer.into(),
            range,
            confidence,
            note: Some(note.into()),
            suggestions,
        });
    }

    /// Provenance entries keyed by JSON pointer. A value that an ASR correction touched is capped
    /// at [`DOUBTFUL`] so that the officer confirms it.
    pub fn into_provenance(
        self,
        norm: &Normalised,
        timing: &[TimedSegment],
    ) -> BTreeMap<String, Provenance> {
        let mut out = BTreeMap::new();
        for f in self.filled {
            let (s, e) = norm.original_span(f.range.clone());
            let mut confidence = f.confidence;
            let mut extra = Map::new();
            let mut notes: Vec<String> = f.note.into_iter().collect();
            for c in norm
                .corrections
                .iter()
                .filter(|c| c.range.start < f.range.end && f.range.start < c.range.end)
            {
                confidence = confidence.min(DOUBTFUL);
                notes.push(format!(
                    "heard \"{}\", corrected to \"{}\" / ได้ยินว่า \"{}\" แก้เป็น \"{}\"",
                    c.heard, c.meant, c.heard, c.meant
                ));
            }
            if !notes.is_empty() {
                extra.insert("note".into(), Value::String(notes.join("; ")));
            }
            if !f.suggestions.is_empty() {
                extra.insert(
                    "suggestions".into(),
                    Value::Array(f.suggestions.into_iter().map(Value::String).collect()),
                );
            }
            out.insert(
                f.pointer,
                Provenance {
                    source: Source::Dictated,
                    transcript_span: Some([s as u64, e as u64]),
                    audio_ms: audio_span(timing, s, e),
                    confidence: Some((confidence * 100.0).round() / 100.0),
                    extra,
                },
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_span_covers_overlapping_segments() {
        let t: Vec<TimedSegment> = vec![
            (0, 10, 0, 900).into(),
            (10, 25, 900, 2100).into(),
            (25, 40, 2100, 3500).into(),
        ];
        assert_eq!(audio_span(&t, 12, 30), Some([900, 3500]));
        assert_eq!(audio_span(&t, 0, 5), Some([0, 900]));
        assert_eq!(audio_span(&t, 50, 60), None);
    }
}
