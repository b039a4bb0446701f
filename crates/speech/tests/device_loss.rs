//! The microphone disappears mid-utterance (the sound server behind it goes away): the session
//! reports a device error, keeps the audio recorded so far, and still transcribes the utterance
//! that was cut short.

mod common;

use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession};
use banthuek_speech::supervisor::Supervisor;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_microphone_that_disappears_keeps_the_audio_so_far() {
    if common::mic::skip() || common::skip_real_model() {
        return;
    }
    common::mic::setup();
    let dir = tempfile::tempdir().expect("tempdir");
    let (speech, _) = common::voice()
        .times(&[(14, 30), (9, 15), (23, 45), (16, 24)])
        .expect("compose");
    let play = common::mic::stereo_wav(dir.path(), &speech);
    let engine = Supervisor::start(
        common::worker(),
        &common::base_model(),
        Some(&common::vad_model()),
    )
    .expect("worker");
    let config = LiveConfig {
        partials: false,
        ..LiveConfig::new(dir.path().join("dictation"))
    };
    let session = LiveSession::start(engine, config).expect("capture");
    std::thread::sleep(Duration::from_millis(300));
    let mut player = Command::new("paplay").arg(&play).spawn().expect("paplay");
    // Each level event stands for a tenth of a second of audio already written to the evidence
    // file. The microphone goes away once two seconds of speech have been captured — counted
    // from what the session reports, not from the clock, because a loaded machine starts
    // playback and capture late.
    let mut captured_tenths = 0u64;
    let mut speech_tenths = None;
    let mut device_error = None;
    let mut finals = Vec::new();
    let mut gone: Option<Instant> = None;
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        match session.events().recv_timeout(Duration::from_millis(100)) {
            Ok(LiveEvent::Level(_)) => {
                captured_tenths += 1;
                if speech_tenths.is_some_and(|start| captured_tenths - start >= 20)
                    && gone.is_none()
                {
                    // PulseAudio moves a stream whose source is unloaded to another source (as
                    // it would to the laptop's own microphone when a USB one is pulled); the
                    // device itself disappears when the sound server goes.
                    let killed = Command::new("pulseaudio")
                        .arg("--kill")
                        .status()
                        .expect("pulseaudio --kill");
                    assert!(killed.success());
                    gone = Some(Instant::now());
                }
            }
            Ok(LiveEvent::SpeechStarted { .. }) => {
                speech_tenths.get_or_insert(captured_tenths);
            }
            Ok(LiveEvent::DeviceError(e)) => {
                println!("device error after {:?}: {e}", gone.map(|g| g.elapsed()));
                device_error = Some(e);
            }
            Ok(LiveEvent::Final(u)) => {
                println!("utterance {}: {}", u.index, u.transcript.text);
                finals.push(u);
            }
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let _ = player.kill();
    let _ = player.wait();
    let recording = session.finish().expect("recording");
    // Put the microphone back for whatever runs next.
    common::mic::setup();

    let message = device_error.expect("a device error event");
    assert!(message.contains("เสียงที่บันทึกไว้แล้วยังอยู่ครบ"), "{message}");
    assert_eq!(recording.device_error.as_deref(), Some(message.as_str()));
    // The audio up to the loss is on disk, a complete WAV.
    let kept = banthuek_speech::audio::read_all(&recording.evidence).expect("evidence wav");
    println!(
        "kept {} ms of audio, {} utterances",
        recording.duration_ms,
        finals.len()
    );
    assert!(gone.is_some(), "speech was never captured");
    // Every tenth of a second the session reported as captured is in the file.
    assert!(
        recording.duration_ms >= captured_tenths * 100,
        "{} ms kept, {captured_tenths} tenths reported",
        recording.duration_ms
    );
    assert_eq!(kept.len() as u64 / 16, recording.duration_ms);
    // The utterance cut short by the loss was still transcribed.
    assert!(!finals.is_empty() && !recording.text().is_empty());
}
