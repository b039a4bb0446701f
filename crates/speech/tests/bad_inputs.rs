//! Bad inputs each give a clear error, never a crash: the worker keeps serving afterwards.
//! Also an hour of audio streams through with bounded memory, and damaged or English-only models
//! are refused with a message.

mod common;

use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::supervisor::Supervisor;
use banthuek_speech::SpeechError;
use std::io::Write;

fn code_of(e: &SpeechError) -> &str {
    match e {
        SpeechError::Reported { code, .. } => code,
        _ => "other",
    }
}

#[test]
fn bad_audio_files_are_clear_errors() {
    if common::skip_real_model() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("empty.wav"), b"").expect("write");
    std::fs::write(
        d.join("notes.wav"),
        "บันทึกการจับกุม: this is text, not sound\n",
    )
    .expect("write");
    common::write_wav(d, "zero.wav", &[]);
    let (audio, _) = common::clock_utterance(14, 30);
    let full = common::write_wav(d, "full.wav", &audio);
    let bytes = std::fs::read(&full).expect("read");
    std::fs::write(d.join("truncated.wav"), &bytes[..bytes.len() / 2]).expect("write");
    let mut fake_flac = b"fLaC".to_vec();
    fake_flac.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    std::fs::write(d.join("fake.flac"), fake_flac).expect("write");

    let mut engine = common::start_engine();
    let pid = engine.worker_pid();
    for (name, want) in [
        ("empty.wav", "ไฟล์ว่างเปล่า"),
        ("notes.wav", "ไม่ใช่ไฟล์เสียง"),
        ("zero.wav", "ไม่มีข้อมูลเสียง"),
        ("truncated.wav", "ไม่สมบูรณ์"),
        ("fake.flac", "ไม่ใช่ไฟล์เสียง"),
        ("missing.wav", "อ่านไฟล์ไม่ได้"),
    ] {
        let err = engine
            .transcribe(&d.join(name), &DecodeOptions::default(), &mut |_| {})
            .expect_err(name);
        println!("{name}: {err}");
        assert!(
            matches!(code_of(&err), "bad_audio" | "io"),
            "{name}: {err:?}"
        );
        assert!(
            err.to_string().contains(want) || code_of(&err) == "bad_audio",
            "{name}: {err}"
        );
    }
    assert_eq!(
        engine.worker_pid(),
        pid,
        "bad input must not crash the worker"
    );
    let ok = engine
        .transcribe(&full, &DecodeOptions::default(), &mut |_| {})
        .expect("still works");
    assert!(!ok.transcript.text.is_empty());
}

#[test]
fn an_hour_of_audio_streams_with_bounded_memory() {
    if common::skip_real_model() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // One utterance at the start; then an hour of quiet room noise written straight to disk.
    let (speech, _) = common::clock_utterance(14, 30);
    let short = common::write_wav(dir.path(), "short.wav", &speech);
    let hour = dir.path().join("hour.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&hour, spec).expect("create");
    for s in &speech {
        w.write_sample((s * 32767.0) as i16).expect("write");
    }
    let mut x: u32 = 1;
    for _ in 0..(3600 * 16_000) {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        w.write_sample(((x >> 24) as i16 - 128) / 16)
            .expect("write");
    }
    w.finalize().expect("finalize");

    // Peak memory of a fresh worker on a short file, then of a fresh worker on the hour.
    let short_out = common::start_engine()
        .transcribe(&short, &DecodeOptions::default(), &mut |_| {})
        .expect("short");
    let mut progress = Vec::new();
    let hour_out = common::start_engine()
        .transcribe(&hour, &DecodeOptions::default(), &mut |e| {
            if let banthuek_speech::supervisor::SupervisorEvent::Progress(p) = e {
                progress.push(p);
            }
        })
        .expect("hour");
    let (a, b) = (
        short_out.peak_rss_kb.expect("rss"),
        hour_out.peak_rss_kb.expect("rss"),
    );
    println!(
        "peak RSS: short file {} MB, one hour {} MB; hour took {} ms; text: {}",
        a / 1024,
        b / 1024,
        hour_out.elapsed_ms,
        hour_out.transcript.text
    );
    assert!(hour_out.transcript.duration_ms >= 3_600_000);
    assert!(
        !hour_out.transcript.text.is_empty(),
        "the utterance at the start is kept"
    );
    assert!(
        progress.len() > 10
            && progress.windows(2).all(|w| w[0] <= w[1])
            && progress.last() == Some(&100)
    );
    // Holding the hour in memory would take 230 MB as f32 samples; streaming must stay far below
    // that above what a short file needs.
    assert!(b < a + 64 * 1024, "hour peak {b} kB vs short {a} kB");
}

#[test]
fn damaged_and_english_only_models_are_refused() {
    if common::skip_real_model() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // The real model cut in half: header fine, tensors missing.
    let real = std::fs::read(common::base_model()).expect("read model");
    let cut = dir.path().join("ggml-cut.bin");
    std::fs::write(&cut, &real[..real.len() / 2]).expect("write");
    let err = Supervisor::start(common::worker(), &cut, None).expect_err("must refuse");
    println!("cut model: {err}");
    assert_eq!(code_of(&err), "bad_model", "{err:?}");
    // The real model with its vocabulary size patched to the English-only one.
    let mut en = real[..4096].to_vec();
    en[4..8].copy_from_slice(&51864i32.to_le_bytes());
    let en_path = dir.path().join("ggml-base.en.bin");
    std::fs::File::create(&en_path)
        .and_then(|mut f| f.write_all(&en))
        .expect("write");
    let err = Supervisor::start(common::worker(), &en_path, None).expect_err("must refuse");
    println!("English-only model: {err}");
    assert_eq!(code_of(&err), "bad_model");
    assert!(err.to_string().contains("English-only"));
}
