//! The PulseAudio virtual microphone (tests/virtual-mic.sh) and playing speech into it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Sets up (or checks) the virtual microphone; each test binary that uses it runs one test, so
/// changing the environment is safe.
pub fn setup() {
    let runtime = std::env::var("XDG_RUNTIME_DIR").unwrap_or_else(|_| "/tmp/xdg-runtime-0".into());
    std::env::set_var("XDG_RUNTIME_DIR", &runtime);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/virtual-mic.sh");
    let ok = Command::new("bash")
        .arg(&script)
        .status()
        .expect("run virtual-mic.sh");
    assert!(ok.success(), "virtual microphone set-up failed");
}

/// True when the audio tests should be skipped (only on explicit request).
pub fn skip() -> bool {
    if std::env::var_os("BANTHUEK_SKIP_AUDIO").is_some() {
        eprintln!("BANTHUEK_SKIP_AUDIO is set: skipping a virtual-microphone test");
        return true;
    }
    false
}

/// Writes 16 kHz mono speech as a stereo WAV for paplay: a mono file is split over both
/// channels and comes back 6 dB quieter.
pub fn stereo_wav(dir: &Path, samples: &[f32]) -> PathBuf {
    let play = dir.join("play.wav");
    banthuek_speech::audio::write_wav_channels(&play, samples, 2).expect("stereo wav");
    play
}
