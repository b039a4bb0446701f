//! Thai speech to text on the laptop: model manifest and conversion, audio decoding and
//! resampling, the whisper engine and the worker process that runs it, live capture.
//!
//! What a caller uses:
//! - [`supervisor::Supervisor`]: starts the engine worker (`banthuek engine`, newline-delimited
//!   JSON, see [`protocol`]), restarts it when it crashes and retries the utterance once;
//!   [`supervisor::Supervisor::transcribe`] a file of any common kind (segments with start/end
//!   ms and per-token probabilities), [`supervisor::Canceller`] to cancel mid-utterance.
//! - [`live::LiveSession`]: dictation from the microphone for a record. Events: level,
//!   speech started, partial text of the utterance in progress, final utterance (with its span
//!   in the recording and each segment's span), engine restarted, device error. The evidence
//!   WAV is written as audio arrives into a directory the caller chooses (at most the last
//!   second is lost in a crash); `finish` returns its path, SHA-256 and the segments. Storing
//!   it with the record is the caller's: `Session::put_audio(record_id, "audio/wav", bytes)`,
//!   as `banthuek listen --record ID` does (see the `live` module's example).
//! - [`constraint`]: what the decoder may write when the officer dictates into a typed field (a
//!   word automaton the caller builds, sent in [`engine::DecodeOptions::constraint`], enforced
//!   token by token in whisper's logits filter); the transcript then carries every complete text
//!   the beams reached ([`engine::Hypothesis`]) and whisper's no-speech probability.
//! - [`cpu`]: the decoder uses no more threads than the cores other processes leave idle.
//! - [`models::ModelStore`]: installed models, import, resumable download, manifest.
//! - [`vocabulary`]: the station vocabulary as an initial prompt, measured by the benchmark
//!   (it does not help with the fitted encoder context, so transcription does not use it).

pub mod archive;
pub mod convert;
pub mod error;
pub mod models;

pub use error::{Result, SpeechError};
pub mod audio;
pub mod bench;
pub mod capture;
pub mod clock;
pub mod constraint;
pub mod cpu;
pub mod engine;
pub mod espeak;
pub mod live;
pub mod protocol;
pub mod score;
pub mod supervisor;
pub mod vocabulary;
pub mod worker;
