//! Dictation into typed fields with the real base model and natural Thai speech composed from
//! the thai-talking-clock clips (fetched with pip at test time), through the same reading as
//! `transcribe_field` (free decoding and its reading by sound, then constrained decoding): times,
//! a national ID read digit by digit and a number land as the record's values; noise gives no
//! value. The engine runs in this process (the worker's own tests cover the process boundary).

use banthuek_speech::clock::{self, ClockVoice};
use banthuek_speech::engine::{DecodeOptions, Engine};
use banthuek_spoken::bench::utterances;
use banthuek_spoken::{read_field, FieldType};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

fn models_dir() -> PathBuf {
    std::env::var_os("BANTHUEK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
}

#[test]
fn field_dictation_gives_the_records_values_and_noise_gives_none() {
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some() {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL is set: skipping a test that needs the real model");
        return;
    }
    let models = models_dir();
    let mut engine = Engine::load(
        &models.join("ggml-base-q8_0.bin"),
        Some(&models.join("ggml-silero-vad.bin")),
    )
    .expect("the base model and Silero VAD: run scripts/get-models.sh");
    let wheel = clock::fetch_wheel(&models.join("cache")).expect("thai-talking-clock wheel");
    let voice = ClockVoice::from_wheel(&wheel).expect("clock clips");
    let dir = tempfile::tempdir().expect("tempdir");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    let never = AtomicBool::new(false);
    // Seed 7 is this test's own draw (the benchmark's figures use others): two of each kind.
    let (mut times_right, mut silent) = (0, 0);
    for (i, u) in utterances(&voice, 7, 2)
        .expect("compose")
        .iter()
        .enumerate()
    {
        let wav = dir.path().join(format!("{i}.wav"));
        banthuek_speech::audio::write_wav(&wav, &u.audio).expect("wav");
        let (_, got) = read_field(u.field, &DecodeOptions::default(), today, |opts| {
            engine.transcribe_file(&wav, opts, &never, &mut |_| {})
        })
        .expect("transcribe");
        println!(
            "{} {:?} -> {:?} confident {} ({:.2}) heard {:?}",
            u.kind, u.expected, got.value, got.confident, got.confidence, got.heard
        );
        match &u.expected {
            None => assert_eq!(got.value, None, "noise must give no value"),
            Some(want) => {
                let right = got.value.as_ref() == Some(want);
                if u.field == FieldType::Time {
                    times_right += usize::from(right);
                }
                silent += usize::from(got.confident && !right);
            }
        }
        if u.field == FieldType::NationalId && got.confident {
            let id = got
                .value
                .as_ref()
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            assert!(
                banthuek_core::rules::national_id_is_valid(id),
                "a sure ID passes its check digit"
            );
        }
    }
    assert_eq!(silent, 0, "no wrong value may be given as sure");
    assert!(times_right >= 1, "{times_right} of 2 times right");
}
