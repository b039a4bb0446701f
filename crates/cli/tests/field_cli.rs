//! `banthuek transcribe FILE --json --field TYPE`: dictation into a typed field through the real
//! worker and base model, with the model found the way a station finds it after
//! `scripts/setup.sh` (no BANTHUEK_MODELS in the environment). Speech is composed from the
//! thai-talking-clock clips (fetched with pip at test time).

use banthuek_speech::clock::{self, ClockVoice};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `banthuek transcribe` with a fresh home and no BANTHUEK_MODELS.
fn transcribe(home: &Path, wav: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_banthuek"))
        .arg("--home")
        .arg(home)
        .arg("transcribe")
        .arg(wav)
        .arg("--json")
        .args(extra)
        .env_remove("BANTHUEK_MODELS")
        .output()
        .expect("run banthuek");
    assert!(
        out.status.success(),
        "{extra:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `audio`, written to `wav`, read into a time field: the `field` object of the JSON.
fn time_field(home: &Path, wav: &Path, audio: &[f32]) -> serde_json::Value {
    banthuek_speech::audio::write_wav(wav, audio).expect("wav");
    transcribe(home, wav, &["--field", "time"])["field"].clone()
}

/// The thai-talking-clock voice, or `None` (said) where the tests that need the real model are
/// skipped.
fn clock_voice() -> Option<ClockVoice> {
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some() {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL is set: skipping a test that needs the real model");
        return None;
    }
    let wheel = clock::fetch_wheel(&repo().join("models/cache")).expect("thai-talking-clock wheel");
    Some(ClockVoice::from_wheel(&wheel).expect("clock clips"))
}

#[test]
fn a_time_dictated_into_the_time_field_and_noise_that_gives_nothing() {
    let Some(voice) = clock_voice() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    let (audio, _) = voice.time(9, 15).expect("compose");
    let wav = tmp.path().join("0915.wav");
    banthuek_speech::audio::write_wav(&wav, &audio).expect("wav");

    // Without --field the output is the transcript alone, as before.
    let free = transcribe(&home, &wav, &[]);
    assert!(free.get("field").is_none() && free.get("hypotheses").is_none());
    assert!(free["text"].is_string());

    let out = transcribe(&home, &wav, &["--field", "time"]);
    let field = &out["field"];
    println!("{field}");
    assert_eq!(field["type"], "time");
    assert!(field["confident"].is_boolean() && field["confidence"].is_number());
    assert!(field["alternatives"].is_array() && field["heard"].is_string());
    // Accuracy is the benchmark's (`banthuek bench accuracy`); here: a time as the record
    // stores it, and never a wrong one given as sure.
    let value = field["value"].as_str().expect("a time was heard");
    assert!(
        value.len() == 5 && value.as_bytes()[2] == b':',
        "{value} is HH:MM"
    );
    assert!(
        value == "09:15" || field["confident"] == false,
        "a wrong value is flagged: {field}"
    );

    // Noise with no speech in it: nothing heard, no value invented.
    let mut seed = 7u32;
    let mut noise = clock::silence(300);
    noise.extend((0..16_000).map(|_| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (seed >> 8) as f32 / (1u32 << 24) as f32 * 0.1 - 0.05
    }));
    noise.extend(clock::silence(400));
    let noisy = tmp.path().join("noise.wav");
    banthuek_speech::audio::write_wav(&noisy, &noise).expect("wav");
    let out = transcribe(&home, &noisy, &["--field", "national_id"]);
    assert_eq!(
        out["field"]["value"],
        serde_json::Value::Null,
        "{}",
        out["field"]
    );
    assert_eq!(out["field"]["confident"], false);
}

/// The speech of `audio` (where its 20 ms frames are loud), as sample indices.
fn speech_span(audio: &[f32]) -> (usize, usize) {
    let frame = 320;
    let loud: Vec<usize> = (0..audio.len() / frame)
        .filter(|i| {
            let f = &audio[i * frame..(i + 1) * frame];
            (f.iter().map(|s| s * s).sum::<f32>() / frame as f32).sqrt() > 0.01
        })
        .collect();
    match (loud.first(), loud.last()) {
        (Some(a), Some(b)) => (a * frame, (b + 1) * frame),
        _ => (0, audio.len()),
    }
}

/// The app reads a time when the speech pauses, with whatever lead-in the segmenter kept and
/// 200 ms or more of tail, from sound the sound card resampled. Read so, "23 นาฬิกา 45 นาที" came
/// out as 23:40, sure, from every reading at once (a cold CI run's app test, and here with a
/// 40 ms lead-in after sox's resampling). Whatever the lead-in and the tail, a wrong time is
/// never sure.
#[test]
fn a_time_read_with_short_silences_around_it_is_never_sure_and_wrong() {
    let Some(voice) = clock_voice() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    let (audio, said) = voice.time(23, 45).expect("compose");
    let clean = tmp.path().join("clean.wav");
    banthuek_speech::audio::write_wav(&clean, &audio).expect("wav");
    // Through a 48 kHz stereo sound card and back, as PulseAudio carries the virtual microphone.
    let card = tmp.path().join("card.wav");
    let heard = tmp.path().join("heard.wav");
    for (from, to, rate, channels) in [(&clean, &card, "48000", "2"), (&card, &heard, "16000", "1")]
    {
        let sox = Command::new("sox")
            .arg(from)
            .args(["-r", rate, "-c", channels])
            .arg(to)
            .status()
            .expect("sox runs");
        assert!(sox.success());
    }
    let heard = banthuek_speech::audio::read_all(&heard).expect("resampled");
    let (start, end) = speech_span(&heard);
    let mut sure_and_wrong = Vec::new();
    for lead_ms in [40, 150, 300] {
        for tail_ms in [200, 450, 700] {
            let cut =
                &heard[start.saturating_sub(lead_ms * 16)..(end + tail_ms * 16).min(heard.len())];
            let field = time_field(
                &home,
                &tmp.path().join(format!("{lead_ms}-{tail_ms}.wav")),
                cut,
            );
            println!("lead {lead_ms} ms, tail {tail_ms} ms: {field}");
            if field["confident"] == true && field["value"] != "23:45" {
                sure_and_wrong.push((lead_ms, tail_ms, field));
            }
        }
    }
    assert!(sure_and_wrong.is_empty(), "{said}: {sure_and_wrong:?}");
}

/// A units word can be misheard for another in every reading at once: in the accuracy
/// benchmark's draw 909 the clock voice's 08:31 read 08:38, sure, from the constrained beams and
/// the free reading alike. A sure time must also be ahead of the times whose minute differs in
/// its units word, as the model scores them on the sound; no time of the draw is sure and wrong.
#[test]
fn a_times_units_word_misheard_in_every_reading_is_never_sure() {
    let Some(voice) = clock_voice() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    let times = banthuek_spoken::bench::utterances(&voice, 909, 6)
        .expect("compose the draw")
        .into_iter()
        .filter(|u| u.kind == "time");
    let mut sure_and_wrong = Vec::new();
    for (i, u) in times.enumerate() {
        let field = time_field(&home, &tmp.path().join(format!("{i}.wav")), &u.audio);
        println!("{}: {field}", u.reference);
        if field["confident"] == true && Some(&field["value"]) != u.expected.as_ref() {
            sure_and_wrong.push((u.reference, field));
        }
    }
    assert!(sure_and_wrong.is_empty(), "{sure_and_wrong:?}");
}
