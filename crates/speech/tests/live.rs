//! Live capture end to end: natural Thai speech played into a PulseAudio virtual microphone,
//! captured by the audio thread through cpal, cut into utterances, transcribed in the worker.

mod common;

use banthuek_speech::capture::{Capture, CaptureEvent};
use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::live::{self, LiveEvent};
use banthuek_speech::supervisor::Supervisor;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn speech_into_the_virtual_microphone_comes_out_as_text() {
    if std::env::var_os("BANTHUEK_SKIP_AUDIO").is_some() {
        eprintln!("BANTHUEK_SKIP_AUDIO is set: skipping the virtual-microphone test");
        return;
    }
    if common::skip_real_model() {
        return;
    }
    let runtime = std::env::var("XDG_RUNTIME_DIR").unwrap_or_else(|_| "/tmp/xdg-runtime-0".into());
    // Only this test runs in this binary, so changing the environment is safe.
    std::env::set_var("XDG_RUNTIME_DIR", &runtime);
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/virtual-mic.sh");
    let ok = Command::new("bash")
        .arg(&script)
        .status()
        .expect("run virtual-mic.sh");
    assert!(ok.success(), "virtual microphone set-up failed");

    let dir = tempfile::tempdir().expect("tempdir");
    let (a, ref_a) = common::clock_utterance(14, 30);
    let (b, ref_b) = common::clock_utterance(9, 15);
    let mut speech = a;
    speech.extend(vec![0.0; 16_000 * 3 / 2]);
    speech.extend(b);
    // Played as stereo: a mono file is split over both channels and comes back 6 dB quieter.
    let play = dir.path().join("play.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&play, spec).expect("create");
    for s in &speech {
        let v = (s * 32767.0) as i16;
        w.write_sample(v).expect("l");
        w.write_sample(v).expect("r");
    }
    w.finalize().expect("finalize");

    let evidence = dir.path().join("evidence.wav");
    let mut capture = Capture::start(None, &evidence).expect("capture from the virtual microphone");
    let engine = Supervisor::start(
        common::worker(),
        &common::base_model(),
        Some(&common::vad_model()),
    )
    .expect("worker");
    let (to_engine, results, transcriber) = live::spawn_transcriber(
        engine,
        dir.path().join("utterances"),
        DecodeOptions::default(),
    )
    .expect("transcriber");
    std::thread::sleep(Duration::from_millis(300));
    let mut player = Command::new("paplay").arg(&play).spawn().expect("paplay");
    let until = Instant::now() + Duration::from_secs_f64(speech.len() as f64 / 16_000.0 + 2.5);
    let mut loudest = f32::MIN;
    let mut utterances = 0;
    while Instant::now() < until {
        match capture.events.recv_timeout(Duration::from_millis(50)) {
            Ok(CaptureEvent::Level(db)) => loudest = loudest.max(db),
            Ok(CaptureEvent::Utterance(u)) => {
                utterances += 1;
                to_engine.send(u).expect("send");
            }
            Ok(CaptureEvent::DeviceError(e)) => panic!("device error: {e}"),
            _ => {}
        }
    }
    let _ = player.wait();
    capture.stop();
    let mut recorded_ms = 0;
    while let Ok(ev) = capture.events.try_recv() {
        match ev {
            CaptureEvent::Utterance(u) => {
                utterances += 1;
                to_engine.send(u).expect("send");
            }
            CaptureEvent::Stopped { duration_ms, .. } => recorded_ms = duration_ms,
            _ => {}
        }
    }
    drop(to_engine);
    let mut texts = Vec::new();
    for ev in results {
        if let LiveEvent::Final {
            transcript,
            latency,
            ..
        } = ev
        {
            println!(
                "utterance: {} (final {} ms after the pause)",
                transcript.text,
                latency.as_millis()
            );
            texts.push(transcript.text);
        }
    }
    transcriber.join().expect("transcriber");
    let reference = format!("{ref_a} {ref_b}");
    let hyp = texts.join(" ");
    let cer = common::cer(&reference, &hyp);
    println!("live: {utterances} utterances, loudest {loudest:.1} dBFS, CER {cer:.3}: {hyp}");
    // The 1.5 s pause between the two times must cut; a clip with a long internal pause (the
    // clock voice's "9") may cut once more, which costs nothing since every piece is transcribed.
    assert!((2..=4).contains(&utterances), "{utterances} utterances");
    assert!(
        loudest > -30.0,
        "the virtual microphone delivered sound ({loudest} dBFS)"
    );
    // Same bound as the file test: working if imperfect (base model), not noise.
    assert!(cer < 0.4, "CER {cer:.3}");
    // The evidence file holds everything heard, and is a readable WAV.
    let kept = banthuek_speech::audio::read_all(&evidence).expect("evidence wav");
    assert!(recorded_ms as f64 >= speech.len() as f64 / 16.0 * 0.9);
    assert_eq!(kept.len() as u64 / 16, recorded_ms);
}
