//! What dictation heard, read into the record.
//!
//! A dictation keeps everything said so far ([`Heard`]); each final utterance is read into the
//! record — the whole record through `banthuek_extract::extract` over everything said so far, or
//! one field through `banthuek_extract::directed::fill_field`, or a typed field's value as
//! `banthuek_spoken` read it — and merged into the draft without touching values a person typed,
//! edited or confirmed. Every value heard keeps its audio span and the recording's name in its
//! provenance. [`Dictation`] does the same against the stored draft and saves each change as a
//! new version (source "machine"); the desktop app and `banthuek listen --record` use it, and
//! `banthuek start` reads a transcript into a new record through [`Heard::read`].

use crate::error::DictationError;
use banthuek_core::provenance::Flags;
use banthuek_core::record::{set_pointer, ArrestRecord, Provenance, Source, LOW_CONFIDENCE};
use banthuek_extract::directed::{fill_field, kind_of, FieldKind, Utterance};
use banthuek_extract::{ExtractOptions, Suggestion, TimedSegment};
use banthuek_speech::engine::Segment;
use banthuek_spoken::{FieldType, SpokenField};
use banthuek_store::{Session, VersionSource};
use chrono::NaiveDate;

/// The typed field at `pointer`, when dictation into it goes through the constrained decoder of
/// `banthuek_spoken` (the value is then read as that type, with a confidence and alternatives).
pub fn field_type_of(pointer: &str) -> Option<FieldType> {
    let key = pointer.rsplit('/').next().unwrap_or("");
    match (kind_of(pointer), key) {
        (FieldKind::Time, _) => Some(FieldType::Time),
        (FieldKind::Date, _) => Some(FieldType::Date),
        (FieldKind::NationalId, _) => Some(FieldType::NationalId),
        (FieldKind::Passport, _) => Some(FieldType::Passport),
        (_, "house_number") => Some(FieldType::HouseNumber),
        (_, "text") if pointer.starts_with("/charges/") => Some(FieldType::Charge),
        (FieldKind::Integer, "age") => Some(FieldType::Age),
        (FieldKind::Integer | FieldKind::Number, _) => Some(FieldType::Number),
        (FieldKind::Rank, _) => Some(FieldType::Rank),
        (_, "province") => Some(FieldType::Province),
        (_, "district") => Some(FieldType::District),
        (_, "subdistrict") => Some(FieldType::Subdistrict),
        _ => None,
    }
}

/// One final utterance of free dictation (or a whole recording read at once).
#[derive(Debug, Clone, Copy)]
pub struct Final<'a> {
    pub text: &'a str,
    /// The decoder's segments, with their times in the recording.
    pub segments: &'a [Segment],
    /// The utterance's span in the recording, ms; none for a transcript with no audio behind it
    /// (typed at `banthuek start`), whose values then carry no timing.
    pub span: Option<[u64; 2]>,
    /// Some of its sound never reached the capture: a value read from it may lack a word (a
    /// "สี่สิบห้า" cut short reads as a good "สี่สิบ"), so none is sure.
    pub audio_lost: bool,
}

/// A record changed by what was heard, and the fields it filled (JSON pointers; empty when
/// nothing changed and there is nothing to save).
#[derive(Debug, Clone)]
pub struct Change {
    pub record: ArrestRecord,
    pub filled: Vec<String>,
    /// Proposed fixes the reading did not apply (an ID failing its check digit, …).
    pub suggestions: Vec<Suggestion>,
}

impl Change {
    fn none(draft: &ArrestRecord) -> Change {
        Change {
            record: draft.clone(),
            filled: Vec::new(),
            suggestions: Vec::new(),
        }
    }
}

/// Timing of each transcript segment as character spans of `text` (which starts at character
/// `offset` of the whole transcript), found in order; the whole text when a segment's words
/// cannot be found.
pub fn timing_of(
    text: &str,
    offset: usize,
    segments: &[Segment],
    whole: [u64; 2],
) -> Vec<TimedSegment> {
    let mut out = Vec::new();
    let mut cursor = 0usize;
    for s in segments {
        let t = s.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(found) = text[cursor..].find(t) {
            let start = cursor + found;
            let end = start + t.len();
            out.push(TimedSegment {
                char_start: offset + text[..start].chars().count(),
                char_end: offset + text[..end].chars().count(),
                audio_start_ms: s.start_ms,
                audio_end_ms: s.end_ms,
            });
            cursor = end;
        }
    }
    if out.is_empty() {
        out.push(TimedSegment {
            char_start: offset,
            char_end: offset + text.chars().count(),
            audio_start_ms: whole[0],
            audio_end_ms: whole[1],
        });
    }
    out
}

/// `confidence` kept below the review threshold: the value waits for the officer.
fn below_review(confidence: f64) -> f64 {
    confidence.min(LOW_CONFIDENCE * 0.99)
}

/// Keeps a value heard for the officer to confirm ([`below_review`]).
fn never_sure(p: &mut Provenance) {
    p.confidence = Some(below_review(p.confidence.unwrap_or(1.0)));
}

/// Puts every value `heard` filled into `draft`, except where a person typed, edited or confirmed
/// the value; each value taken is tagged with `recording` (when there is one). Returns the new
/// record and the pointers that changed.
pub fn merge(
    draft: &ArrestRecord,
    heard: &ArrestRecord,
    recording: Option<&str>,
) -> (ArrestRecord, Vec<String>) {
    let mut doc = draft.to_value();
    let heard_doc = heard.to_value();
    let mut provenance = draft.provenance.clone();
    let mut filled = Vec::new();
    for (pointer, p) in &heard.provenance {
        let Some(value) = heard_doc.pointer(pointer) else {
            continue;
        };
        let existing = doc.pointer(pointer).filter(|v| !v.is_null());
        let by_person = match draft.provenance.get(pointer) {
            Some(q) => q.source != Source::Dictated || q.is_confirmed(),
            // A value with no provenance can only have come from a person.
            None => existing.is_some(),
        };
        if by_person || existing == Some(value) {
            continue;
        }
        let mut trial = doc.clone();
        if set_pointer(&mut trial, pointer, value.clone()).is_err() {
            continue;
        }
        doc = trial;
        let mut p = p.clone();
        if let Some(recording) = recording {
            p.set_audio(recording);
        }
        provenance.insert(pointer.clone(), p);
        filled.push(pointer.clone());
    }
    match ArrestRecord::from_value(doc) {
        Ok(mut record) => {
            record.provenance = provenance;
            (record, filled)
        }
        Err(e) => {
            tracing::warn!("merging dictation gave an invalid record: {e}");
            (draft.clone(), Vec::new())
        }
    }
}

/// Everything one dictation heard so far, utterance after utterance, and where it goes: the whole
/// record, or the one field at `pointer`.
#[derive(Debug, Clone, Default)]
pub struct Heard {
    pointer: Option<String>,
    recording: Option<String>,
    text: String,
    timing: Vec<TimedSegment>,
    /// The spans (ms) of the utterances that lost sound.
    lost: Vec<[u64; 2]>,
}

impl Heard {
    /// A dictation into the whole record (`pointer` None) or one field, recorded as `recording`
    /// (None for a transcript with no recording behind it, e.g. one typed at `banthuek start`).
    pub fn new(pointer: Option<String>, recording: Option<String>) -> Heard {
        Heard {
            pointer,
            recording,
            ..Heard::default()
        }
    }

    pub fn pointer(&self) -> Option<&str> {
        self.pointer.as_deref()
    }

    pub fn recording(&self) -> Option<&str> {
        self.recording.as_deref()
    }

    /// Everything said so far, utterances joined by one space.
    pub fn transcript(&self) -> &str {
        &self.text
    }

    /// Appends an utterance's text; returns where it starts in the whole transcript (characters).
    fn append(&mut self, text: &str) -> usize {
        let offset = self.text.chars().count() + usize::from(!self.text.is_empty());
        if !self.text.is_empty() {
            self.text.push(' ');
        }
        self.text.push_str(text);
        offset
    }

    /// Reads a final utterance into `draft`: into the dictation's field, or (free dictation)
    /// the whole record extracted again from everything said so far and merged without touching
    /// what a person typed or confirmed. An empty utterance changes nothing.
    pub fn read(
        &mut self,
        draft: &ArrestRecord,
        utterance: Final<'_>,
        today: NaiveDate,
    ) -> Result<Change, DictationError> {
        let text = utterance.text.trim();
        if text.is_empty() {
            return Ok(Change::none(draft));
        }
        let offset = self.append(text);
        if let Some(span) = utterance.span {
            self.timing
                .extend(timing_of(text, offset, utterance.segments, span));
        }
        if utterance.audio_lost {
            tracing::info!("dictation: values heard in an utterance that lost sound are flagged");
            self.lost.extend(utterance.span);
        }
        match &self.pointer {
            Some(pointer) => {
                let u = Utterance {
                    text,
                    today,
                    char_offset: offset,
                    audio_ms: utterance.span,
                };
                let fill = fill_field(draft, pointer, &u)?;
                let mut record = fill.record;
                if let Some(p) = record.provenance.get_mut(pointer) {
                    if let Some(recording) = &self.recording {
                        p.set_audio(recording);
                    }
                    if utterance.audio_lost {
                        never_sure(p);
                    }
                }
                Ok(Change {
                    record,
                    filled: vec![pointer.clone()],
                    suggestions: fill.suggestion.into_iter().collect(),
                })
            }
            None => {
                let opts = ExtractOptions {
                    timing: self.timing.clone(),
                    ..ExtractOptions::new(today)
                };
                let mut extraction = banthuek_extract::extract(&self.text, &opts);
                for p in extraction.record.provenance.values_mut() {
                    if self.heard_in_lost_sound(p) {
                        never_sure(p);
                    }
                }
                let (record, filled) = merge(draft, &extraction.record, self.recording.as_deref());
                Ok(Change {
                    record,
                    filled,
                    suggestions: extraction.suggestions,
                })
            }
        }
    }

    /// Whether the value of `p` may have been heard in an utterance that lost sound: its audio
    /// overlaps one, or it has no audio span to tell by while some utterance lost sound.
    fn heard_in_lost_sound(&self, p: &Provenance) -> bool {
        match p.audio_ms {
            Some([start, end]) => self.lost.iter().any(|l| start < l[1] && l[0] < end),
            None => !self.lost.is_empty(),
        }
    }

    /// Reads what dictation into the typed field at `pointer` heard (through
    /// `banthuek_spoken::transcribe_field`) into `draft`: the value as the record keeps it, with
    /// its confidence — below the review threshold unless decoder, reading and domain agree, so
    /// the field is flagged. Nothing heard fills nothing and says so.
    pub fn read_field(
        &mut self,
        draft: &ArrestRecord,
        pointer: &str,
        spoken: &SpokenField,
        span: [u64; 2],
    ) -> Result<Change, DictationError> {
        let Some(value) = &spoken.value else {
            return Err(DictationError::NothingHeard);
        };
        let text = spoken.heard.trim();
        let offset = self.append(text);
        let confidence = f64::from(spoken.confidence);
        let confidence = if spoken.confident {
            confidence.max(LOW_CONFIDENCE)
        } else {
            below_review(confidence)
        };
        let mut provenance = Provenance {
            source: Source::Dictated,
            transcript_span: Some([offset as u64, (offset + text.chars().count()) as u64]),
            audio_ms: Some(span),
            confidence: Some(confidence),
            extra: serde_json::Map::new(),
        };
        if let Some(recording) = &self.recording {
            provenance.set_audio(recording);
        }
        let mut record = draft.clone();
        let mut filled = Vec::new();
        for (pointer, value) in field_values(pointer, value) {
            record = record.with_field(&pointer, &value)?;
            record
                .provenance
                .insert(pointer.clone(), provenance.clone());
            filled.push(pointer);
        }
        Ok(Change {
            record,
            filled,
            suggestions: Vec::new(),
        })
    }
}

/// The fields a spoken value fills, from the field it was dictated into: a house number said with
/// its หมู่ ("123/45 หมู่ 5") fills the address's `house_number` with "123/45" and its `moo`
/// with "5", as the ID card and the address parser keep them; every other value fills its field.
/// Values are JSON, as [`ArrestRecord::with_field`] reads them.
fn field_values(pointer: &str, value: &serde_json::Value) -> Vec<(String, String)> {
    let split = pointer
        .strip_suffix("/address_parts/house_number")
        .zip(value.as_str().and_then(|v| v.split_once(" หมู่ ")));
    match split {
        Some((parts, (house, moo))) => vec![
            (pointer.to_owned(), json_text(house)),
            (format!("{parts}/address_parts/moo"), json_text(moo)),
        ],
        None => vec![(pointer.to_owned(), value.to_string())],
    }
}

fn json_text(s: &str) -> String {
    serde_json::Value::from(s.trim()).to_string()
}

/// A dictation into a stored record: each utterance is read into the latest stored version and
/// saved at once as a new one (source "machine"), so a crash loses at most the utterance being
/// decoded, and what a person saved meanwhile is the draft it is merged into.
#[derive(Debug, Clone)]
pub struct Dictation {
    record_id: String,
    heard: Heard,
}

impl Dictation {
    pub fn new(record_id: &str, pointer: Option<String>, recording: Option<String>) -> Dictation {
        Dictation {
            record_id: record_id.to_owned(),
            heard: Heard::new(pointer, recording),
        }
    }

    pub fn record_id(&self) -> &str {
        &self.record_id
    }

    pub fn heard(&self) -> &Heard {
        &self.heard
    }

    /// Reads a final utterance into the stored draft and saves it with `reason`; returns the
    /// fields filled.
    pub fn hear(
        &mut self,
        session: &mut Session,
        utterance: Final<'_>,
        today: NaiveDate,
        reason: &str,
    ) -> Result<Vec<String>, DictationError> {
        let draft = session.record(&self.record_id)?.record;
        let change = self.heard.read(&draft, utterance, today)?;
        self.save(session, change, reason)
    }

    /// Reads a typed field's spoken value into the stored draft and saves it.
    pub fn hear_field(
        &mut self,
        session: &mut Session,
        pointer: &str,
        spoken: &SpokenField,
        span: [u64; 2],
    ) -> Result<Vec<String>, DictationError> {
        let draft = session.record(&self.record_id)?.record;
        let change = self.heard.read_field(&draft, pointer, spoken, span)?;
        self.save(session, change, "dictation")
    }

    fn save(
        &self,
        session: &mut Session,
        change: Change,
        reason: &str,
    ) -> Result<Vec<String>, DictationError> {
        if !change.filled.is_empty() {
            session.save_version(
                &self.record_id,
                change.record,
                VersionSource::Machine,
                reason,
            )?;
        }
        Ok(change.filled)
    }
}
