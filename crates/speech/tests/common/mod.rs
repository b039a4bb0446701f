//! Shared by the speech tests: where the real models are, natural Thai speech composed from the
//! `thai-talking-clock` clips (fetched at test time with pip; their audio is not ours to commit),
//! and the character error rate used to score transcripts.
#![allow(dead_code)] // each test binary uses its own subset of these helpers

pub mod mic;

use banthuek_speech::audio;
use banthuek_speech::clock::{self, ClockVoice};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn models_dir() -> PathBuf {
    std::env::var_os("BANTHUEK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("models"))
}

/// True when the real-model tests should be skipped (only on explicit request).
pub fn skip_real_model() -> bool {
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some() {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL is set: skipping a test that needs the real model");
        return true;
    }
    false
}

fn require(path: PathBuf) -> PathBuf {
    assert!(
        path.is_file(),
        "{} is missing: run scripts/get-models.sh (or set BANTHUEK_SKIP_SPEECH_MODEL to skip)",
        path.display()
    );
    path
}

pub fn base_model() -> PathBuf {
    require(models_dir().join("ggml-base-q8_0.bin"))
}

pub fn vad_model() -> PathBuf {
    require(models_dir().join("ggml-silero-vad.bin"))
}

/// The worker program built with this crate.
pub fn worker() -> banthuek_speech::supervisor::WorkerCommand {
    banthuek_speech::supervisor::WorkerCommand {
        program: PathBuf::from(env!("CARGO_BIN_EXE_banthuek-engine")),
        args: vec![],
    }
}

/// The clock voice, decoded once per test binary.
/// The real base model and Silero VAD in a supervised worker process.
pub fn start_engine() -> banthuek_speech::supervisor::Supervisor {
    banthuek_speech::supervisor::Supervisor::start(worker(), &base_model(), Some(&vad_model()))
        .expect("start worker")
}

/// As [`start_engine`], with the decoder held at exactly `threads` threads whatever the load
/// (`BANTHUEK_DECODER_THREADS`, given to the worker alone through `env`).
pub fn start_engine_with_threads(threads: u32) -> banthuek_speech::supervisor::Supervisor {
    let engine = worker();
    let mut args = vec![format!("BANTHUEK_DECODER_THREADS={threads}")];
    args.push(engine.program.to_string_lossy().into_owned());
    args.extend(engine.args);
    let command = banthuek_speech::supervisor::WorkerCommand {
        program: PathBuf::from("env"),
        args,
    };
    banthuek_speech::supervisor::Supervisor::start(command, &base_model(), Some(&vad_model()))
        .expect("start worker")
}

pub fn voice() -> &'static ClockVoice {
    static VOICE: OnceLock<ClockVoice> = OnceLock::new();
    VOICE.get_or_init(|| {
        let wheel =
            clock::fetch_wheel(&models_dir().join("cache")).expect("thai-talking-clock wheel");
        ClockVoice::from_wheel(&wheel).expect("decode clock clips")
    })
}

/// "HH นาฬิกา MM นาที" spoken by the clock voice, and its reference text.
pub fn clock_utterance(hour: u32, minute: u32) -> (Vec<f32>, String) {
    voice().time(hour, minute).expect("compose")
}

pub fn test_times() -> Vec<(u32, u32)> {
    clock::test_times()
}

/// The test times said one after another until the speech passes `seconds` (longer than one
/// 30 s window), and their reference text.
pub fn clock_speech_past(seconds: usize) -> (Vec<f32>, String) {
    let mut speech = Vec::new();
    let mut reference = Vec::new();
    for (h, m) in test_times() {
        if speech.len() > seconds * 16_000 {
            break;
        }
        let (audio, text) = clock_utterance(h, m);
        speech.extend(audio);
        reference.push(text);
    }
    (speech, reference.join(" "))
}

pub fn write_wav(dir: &Path, name: &str, samples: &[f32]) -> PathBuf {
    let p = dir.join(name);
    audio::write_wav(&p, samples).expect("write wav");
    p
}

#[allow(unused_imports)] // not every test binary scores text
pub use banthuek_speech::score::cer;

/// Whether `text` holds a character of another script than Thai: a Latin letter, or anything
/// outside ASCII, the Thai block and general punctuation (what free dictation may write).
pub fn foreign_script(text: &str) -> bool {
    text.chars().any(|c| {
        c.is_ascii_alphabetic()
            || !(c.is_ascii()
                || ('\u{0E00}'..='\u{0E7F}').contains(&c)
                || ('\u{2000}'..='\u{207F}').contains(&c))
    })
}
