//! The worker's protocol: newline-delimited JSON, one request per line on its stdin, one reply
//! per line on its stdout. Requests carry an `op`, replies an `event`:
//!
//! ```text
//! > {"op":"load","model":"/m/ggml-base-q8_0.bin","vad_model":"/m/ggml-silero-vad.bin"}
//! < {"event":"loaded","model":"/m/ggml-base-q8_0.bin","load_ms":310}
//! > {"op":"transcribe","id":1,"path":"/tmp/u1.wav","options":{"language":"th","beam_size":5}}
//! < {"event":"segment","id":1,"start_ms":300,"end_ms":2900,"text":"…","tokens":[{"text":"…","p":0.91}]}
//! < {"event":"progress","id":1,"percent":100}
//! < {"event":"result","id":1,"text":"…","language":"th","duration_ms":3100,"segments":[…],"elapsed_ms":2400,"peak_rss_kb":318000}
//! > {"op":"transcribe","id":3,"path":"/tmp/u3.wav","options":{"constraint":{"states":[{"words":[{"said":"สิบสี่","to":1}]},{"accept":true}]}}}
//! < {"event":"result","id":3,"text":"สิบสี่","segments":[…],"hypotheses":[{"text":"สิบสี่","logp":-0.4,"raw_logp":-1.9,"tokens":4}],"no_speech":0.02,…}
//! > {"op":"cancel","id":2}
//! < {"event":"error","id":2,"code":"cancelled","message":"transcription was cancelled / ยกเลิกการถอดเสียงแล้ว"}
//! ```
//!
//! A `constraint` in the options (see [`crate::constraint`]) limits what the decoder may write
//! (dictation into a typed field); the result then carries `hypotheses`, every complete text the
//! beams reached with its score under the constraint (`logp`) and without it (`raw_logp`), and
//! whisper's `no_speech` probability. Without a constraint the result is as before. With
//! `reuse_encoding`, a request works on the encoding the previous one left: it scores
//! `score_texts`, reads free dictation greedily, or (with a constraint) searches the
//! constraint's language by the model's own, unconstrained belief.

use crate::engine::{DecodeOptions, Segment, Transcript};
use crate::error::SpeechError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    Load {
        model: PathBuf,
        #[serde(default)]
        vad_model: Option<PathBuf>,
    },
    Transcribe {
        id: u64,
        path: PathBuf,
        #[serde(default)]
        options: DecodeOptions,
    },
    Cancel {
        id: u64,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Reply {
    Loaded {
        model: PathBuf,
        load_ms: u64,
    },
    Progress {
        id: u64,
        percent: u8,
    },
    Segment {
        id: u64,
        #[serde(flatten)]
        segment: Segment,
    },
    Result {
        id: u64,
        #[serde(flatten)]
        transcript: Transcript,
        /// Time the engine spent on this request.
        elapsed_ms: u64,
        /// The worker's peak resident memory so far.
        peak_rss_kb: Option<u64>,
    },
    Error {
        id: Option<u64>,
        code: String,
        message: String,
    },
}

/// A short machine-readable code for each kind of error, so the supervisor can tell a cancelled
/// request from bad audio from a broken model.
pub fn error_code(e: &SpeechError) -> &'static str {
    match e {
        SpeechError::Cancelled => "cancelled",
        SpeechError::EmptyFile { .. }
        | SpeechError::NotAudio { .. }
        | SpeechError::NoAudio { .. }
        | SpeechError::Truncated { .. }
        | SpeechError::Resample(_) => "bad_audio",
        SpeechError::BadModel { .. }
        | SpeechError::EnglishOnlyModel { .. }
        | SpeechError::UnknownModel(_) => "bad_model",
        SpeechError::CpuUnsupported { .. } => "cpu_unsupported",
        SpeechError::Io { .. } => "io",
        SpeechError::Protocol(_) => "protocol",
        _ => "engine",
    }
}

/// Turns a reported error back into a typed one on the supervisor's side.
pub fn error_from_reply(code: String, message: String) -> SpeechError {
    if code == "cancelled" {
        SpeechError::Cancelled
    } else {
        SpeechError::Reported { code, message }
    }
}
