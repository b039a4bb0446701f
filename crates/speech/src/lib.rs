//! Thai speech to text on the laptop: model manifest and conversion, audio decoding and
//! resampling, the whisper engine and the worker process that runs it, live capture.

pub mod archive;
pub mod convert;
pub mod error;
pub mod models;

pub use error::{Result, SpeechError};
pub mod audio;
pub mod bench;
pub mod capture;
pub mod clock;
pub mod engine;
pub mod live;
pub mod protocol;
pub mod score;
pub mod supervisor;
pub mod vocabulary;
pub mod worker;
