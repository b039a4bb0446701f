//! Live dictation end to end through the library API the app uses: natural Thai speech played
//! into a PulseAudio virtual microphone, captured by the audio thread through cpal, cut into
//! utterances, partial results while an utterance is spoken, final text per utterance with its
//! span in the evidence recording.

mod common;

use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession};
use banthuek_speech::supervisor::Supervisor;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn speech_into_the_virtual_microphone_comes_out_as_text() {
    if common::mic::skip() || common::skip_real_model() {
        return;
    }
    common::mic::setup();
    let dir = tempfile::tempdir().expect("tempdir");
    // A long utterance (four times spoken without a pause long enough to cut), which gives the
    // worker time for partial results while it is spoken, a pause that ends it, a short one.
    let (a, ref_a) = common::voice()
        .times(&[(14, 30), (23, 45), (16, 24), (20, 37)])
        .expect("compose");
    let (b, ref_b) = common::clock_utterance(9, 15);
    let mut speech = a;
    speech.extend(vec![0.0; 16_000 * 3 / 2]);
    speech.extend(b);
    let play = common::mic::stereo_wav(dir.path(), &speech);

    let engine = Supervisor::start(
        common::worker(),
        &common::base_model(),
        Some(&common::vad_model()),
    )
    .expect("worker");
    let config = LiveConfig::new(dir.path().join("dictation"));
    let session = LiveSession::start(engine, config.clone()).expect("capture");
    std::thread::sleep(Duration::from_millis(300));
    let mut player = Command::new("paplay").arg(&play).spawn().expect("paplay");
    // Stop a while after the player has played everything (a loaded machine starts it late),
    // long enough for the last pause to end the last utterance.
    let mut until = None;
    let stopper = session.stopper();
    let mut loudest = f32::MIN;
    let (mut partials, mut finals) = (Vec::new(), Vec::new());
    loop {
        if until.is_none() && player.try_wait().expect("paplay").is_some() {
            until = Some(Instant::now() + Duration::from_millis(2_500));
        }
        if until.is_some_and(|t| Instant::now() >= t) {
            stopper.stop();
        }
        match session.events().recv_timeout(Duration::from_millis(50)) {
            Ok(LiveEvent::Level(db)) => loudest = loudest.max(db),
            Ok(LiveEvent::Partial { index, text, .. }) => {
                println!("utterance {index} so far: {text}");
                partials.push((index, finals.len()));
            }
            Ok(LiveEvent::Final(u)) => {
                println!(
                    "utterance {}: {} ({}–{} ms, final {} ms after the pause)",
                    u.index,
                    u.transcript.text,
                    u.start_ms,
                    u.end_ms,
                    u.latency.as_millis()
                );
                finals.push(u);
            }
            Ok(LiveEvent::DeviceError(e)) => panic!("device error: {e}"),
            Ok(LiveEvent::Failed { index, error }) => panic!("utterance {index}: {error}"),
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = player.wait();
    let recording = session.finish().expect("recording");
    assert!(recording.device_error.is_none());
    assert_eq!(recording.utterances.len(), finals.len());

    let reference = format!("{ref_a} {ref_b}");
    let hyp = recording.text();
    let cer = common::cer(&reference, &hyp);
    println!(
        "live: {} utterances, {} partials, loudest {loudest:.1} dBFS, CER {cer:.3}: {hyp}",
        finals.len(),
        partials.len()
    );
    // The 1.5 s pause must cut; a clip with a long internal pause (the clock voice's "9") may cut
    // once more, which costs nothing since every piece is transcribed.
    assert!(
        (2..=5).contains(&finals.len()),
        "{} utterances",
        finals.len()
    );
    assert!(
        loudest > -30.0,
        "the virtual microphone delivered sound ({loudest} dBFS)"
    );
    // Same bound as the file test: working if imperfect (base model), not noise.
    assert!(cer < 0.4, "CER {cer:.3}");
    // Partial results (how many depends on how busy the processor is: tests/partials.rs shows
    // them without timing) only ever come before their utterance's final.
    assert!(
        partials
            .iter()
            .all(|(index, finals_before)| *finals_before < *index),
        "a partial result after its final: {partials:?}"
    );
    // Each segment keeps its span in the evidence recording, inside its utterance.
    for u in &finals {
        for s in &u.transcript.segments {
            assert!(
                s.start_ms >= u.start_ms && s.end_ms <= u.end_ms + 500,
                "{s:?} in {u:?}"
            );
        }
    }
    // The evidence file holds everything heard, and is a readable WAV whose hash is reported.
    let kept = banthuek_speech::audio::read_all(&recording.evidence).expect("evidence wav");
    assert_eq!(recording.evidence, config.evidence_path());
    assert!(recording.duration_ms as f64 >= speech.len() as f64 / 16.0 * 0.9);
    assert_eq!(kept.len() as u64 / 16, recording.duration_ms);
    assert_eq!(
        recording.sha256,
        banthuek_speech::models::sha256_file(&recording.evidence).expect("sha")
    );
}
