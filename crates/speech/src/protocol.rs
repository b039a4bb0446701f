//! The worker's protocol: newline-delimited JSON, one request per line on its stdin, one reply
//! per line on its stdout. Requests carry an `op`, replies an `event`.

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
