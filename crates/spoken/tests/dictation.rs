//! Dictation into typed fields with the real base model and natural Thai speech composed from
//! the thai-talking-clock clips (fetched with pip at test time), through the same reading as
//! `transcribe_field` (free decoding and its reading by sound, then constrained decoding): times,
//! a national ID read digit by digit and a number land as the record's values; noise gives no
//! value; under noise and in eSpeak NG's synthetic voice, nothing wrong is given as sure. The
//! engine runs in this process (the worker's own tests cover the process boundary).

use banthuek_speech::clock::{self, ClockVoice};
use banthuek_speech::engine::{DecodeOptions, Engine, Transcript};
use banthuek_spoken::bench::{as_heard, espeak_utterances, utterances, Utterance};
use banthuek_spoken::{read_field, FieldType, SpokenField};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard, OnceLock};

banthuek_speech::pin_blas_threads!();

fn models_dir() -> PathBuf {
    std::env::var_os("BANTHUEK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"))
}

/// The base model and Silero VAD, loaded once in this process and used by one test at a time
/// (two engines decoding at once on two cores would starve each other); `None` when the
/// environment skips the model.
fn engine() -> Option<MutexGuard<'static, Engine>> {
    static ENGINE: OnceLock<Mutex<Engine>> = OnceLock::new();
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some() {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL is set: skipping a test that needs the real model");
        return None;
    }
    let engine = ENGINE.get_or_init(|| {
        let models = models_dir();
        Mutex::new(
            Engine::load(
                &models.join("ggml-base-q8_0.bin"),
                Some(&models.join("ggml-silero-vad.bin")),
            )
            .expect("the base model and Silero VAD: run scripts/get-models.sh"),
        )
    });
    // A test that failed while holding it leaves the engine as usable as before.
    Some(engine.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The thai-talking-clock's recorded speaker (the wheel fetched with pip when not cached).
fn clock_voice() -> ClockVoice {
    let wheel = clock::fetch_wheel(&models_dir().join("cache")).expect("thai-talking-clock wheel");
    ClockVoice::from_wheel(&wheel).expect("clock clips")
}

/// `audio` read as a value of `field`, as `transcribe_field` reads it.
fn read_audio(engine: &mut Engine, field: FieldType, audio: &[f32]) -> (Transcript, SpokenField) {
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = dir.path().join("said.wav");
    banthuek_speech::audio::write_wav(&wav, audio).expect("wav");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
    let never = AtomicBool::new(false);
    read_field(field, &DecodeOptions::default(), today, |opts| {
        engine.transcribe_file(&wav, opts, &never, &mut |_| {})
    })
    .expect("transcribe")
}

/// Reads each utterance as its field's value; returns how many times were right and how many
/// values were wrong but given as sure. Noise must give no value, and a sure ID must pass its
/// check digit.
fn read_each(engine: &mut Engine, utterances: &[Utterance]) -> (usize, usize) {
    let (mut times_right, mut silent) = (0, 0);
    for u in utterances {
        let (_, got) = read_audio(engine, u.field, &u.audio);
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
    (times_right, silent)
}

#[test]
fn field_dictation_gives_the_records_values_and_noise_gives_none() {
    let Some(mut engine) = engine() else { return };
    let voice = clock_voice();
    // Seed 7 is this test's own draw (the benchmark's figures use others): two of each kind.
    let (times_right, silent) = read_each(&mut engine, &utterances(&voice, 7, 2).expect("compose"));
    assert_eq!(silent, 0, "no wrong value may be given as sure");
    assert!(times_right >= 1, "{times_right} of 2 times right");
}

/// Never a silently wrong value, on sound nothing was tuned on: the clock's voice under pink
/// noise at 15 dB, and eSpeak NG's synthetic Thai (other speakers, the colloquial clock), which
/// base mostly cannot hear. What is misheard must be flagged or left empty.
#[test]
fn under_noise_and_in_another_voice_no_wrong_value_is_sure() {
    let Some(mut engine) = engine() else { return };
    let voice = clock_voice();
    let noisy = as_heard(
        utterances(&voice, 8, 1).expect("compose"),
        &[],
        Some(15.0),
        0,
    );
    let (_, silent) = read_each(&mut engine, &noisy);
    assert_eq!(
        silent, 0,
        "under noise, no wrong value may be given as sure"
    );
    let other = espeak_utterances(9, 2).expect("espeak-ng (scripts/setup-deps.sh installs it)");
    let (_, silent) = read_each(&mut engine, &other);
    assert_eq!(
        silent, 0,
        "in another voice, no wrong value may be given as sure"
    );
}

/// A number word said alone can be shorter than the voice activity detection's own rule for
/// speech (250 ms): "แปด" in the clock's voice peaks for two 32 ms frames, and was "nothing
/// heard" every time. In a typed field such a burst counts; what it gives is never sure.
#[test]
fn a_number_word_said_alone_is_read_however_short_and_never_sure() {
    let Some(mut engine) = engine() else { return };
    let audio = clock_voice()
        .phrase(&["8".to_string()], &[])
        .expect("compose");
    let (transcript, got) = read_audio(&mut engine, FieldType::Number, &audio);
    println!(
        "แปด -> {:?} confident {} heard {:?}",
        got.value, got.confident, got.heard
    );
    assert_eq!(
        got.value,
        Some(serde_json::Value::from(8)),
        "แปด said alone"
    );
    assert!(
        transcript.short_voice && !got.confident,
        "a value heard only as a short burst is flagged"
    );
}

/// Base can miss the first word of a tens number in every reading at once: the clock voice's
/// ห้าสิบสี่ (its ห้า lasts 150 ms) was read สิบสี่, and 14:54 and 03:54 came out 14:14 and 03:14,
/// sure. A minute said "สิบ…" is now always confirmed by the officer.
#[test]
fn a_minute_heard_without_its_first_word_is_never_sure() {
    let Some(mut engine) = engine() else { return };
    let voice = clock_voice();
    for (h, m) in [(14, 54), (3, 54)] {
        let (audio, said) = voice.time(h, m).expect("compose");
        let (_, got) = read_audio(&mut engine, FieldType::Time, &audio);
        println!(
            "{said} -> {:?} confident {} heard {:?}",
            got.value, got.confident, got.heard
        );
        let right = got.value == Some(serde_json::Value::from(format!("{h:02}:{m:02}")));
        assert!(
            right || !got.confident,
            "{said}: a wrong time given as sure"
        );
    }
}

/// In heavy noise nothing is sure: under pink noise at 10 dB (the benchmark's seed 8004,
/// `--only time --only number`) base read 18:47 as 18:48, sure; of the 3 times read sure at
/// 10 dB over seeds 8001–8008, 2 were wrong.
#[test]
fn in_heavy_noise_no_value_is_sure() {
    let Some(mut engine) = engine() else { return };
    let voice = clock_voice();
    // The benchmark's draw and noise, as `bench accuracy --seed 8004 --count 6 --snr 10 --only
    // time --only number` makes them.
    let seed = 8004;
    let drawn = as_heard(
        utterances(&voice, seed, 6).expect("compose"),
        &["time".into(), "number".into()],
        Some(10.0),
        seed,
    );
    let want = serde_json::Value::from("18:47");
    let said = drawn
        .into_iter()
        .find(|u| u.expected.as_ref() == Some(&want))
        .expect("the draw holds 18:47");
    let (transcript, got) = read_audio(&mut engine, FieldType::Time, &said.audio);
    println!(
        "18:47 at 10 dB -> {:?} confident {} snr {:?} heard {:?}",
        got.value, got.confident, transcript.snr_db, got.heard
    );
    assert!(!got.confident, "a value heard in heavy noise is flagged");
}
