//! The audio behind a dictated value: the recording named in its provenance, cut to its span.

use crate::error::DictationError;
use crate::recovery::{evidence_on_disk, recording_mime};
use banthuek_core::provenance::Flags;
use banthuek_core::record::ArrestRecord;
use banthuek_store::Session;
use std::path::Path;

/// How much is kept either side of a value's span, so the first and last syllables are not
/// clipped.
const MARGIN_MS: u64 = 250;

/// The recording a value was heard in, and the value's span in it (ms).
pub fn audio_span_of(
    record: &ArrestRecord,
    pointer: &str,
) -> Result<(String, [u64; 2]), DictationError> {
    let not_dictated = || DictationError::NotDictated {
        pointer: pointer.to_owned(),
    };
    let p = record.provenance.get(pointer).ok_or_else(not_dictated)?;
    let span = p.audio_ms.ok_or_else(not_dictated)?;
    let recording = p.audio().ok_or_else(not_dictated)?;
    Ok((recording.to_owned(), span))
}

/// Cuts `[start, end)` ms out of a 16-bit WAV, with a quarter second either side.
pub fn cut_wav(bytes: &[u8], span: [u64; 2]) -> Result<Vec<u8>, DictationError> {
    let mut reader = hound::WavReader::new(std::io::Cursor::new(bytes))?;
    let spec = reader.spec();
    let per_ms = spec.sample_rate as u64 * spec.channels as u64 / 1000;
    let from = span[0].saturating_sub(MARGIN_MS) * per_ms;
    let to = (span[1] + MARGIN_MS) * per_ms;
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .skip(from as usize)
        .take(to.saturating_sub(from) as usize)
        .collect::<Result<_, _>>()?;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut out, spec)?;
        for s in samples {
            w.write_sample(s)?;
        }
        w.finalize()?;
    }
    Ok(out.into_inner())
}

/// A value's audio, cut from its recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Clip {
    /// A WAV.
    pub wav: Vec<u8>,
    /// The value's span in the recording, ms (the clip has a quarter second more either side).
    pub span: [u64; 2],
}

/// The audio behind the value at `pointer` of record `id`: cut from the stored recording, or
/// from the one still on disk under `home` (being recorded, or waiting to be resumed).
pub fn value_clip(
    session: &Session,
    home: &Path,
    id: &str,
    pointer: &str,
) -> Result<Clip, DictationError> {
    let record = session.record(id)?.record;
    let (recording, span) = audio_span_of(&record, pointer)?;
    let mime = recording_mime(&recording);
    let stored = session.list_audio(id)?.into_iter().find(|a| a.mime == mime);
    let bytes = match stored {
        Some(a) => session.audio(&a.id)?.1,
        None => std::fs::read(evidence_on_disk(home, id, &recording))
            .map_err(|_| DictationError::RecordingMissing)?,
    };
    Ok(Clip {
        wav: cut_wav(&bytes, span)?,
        span,
    })
}
