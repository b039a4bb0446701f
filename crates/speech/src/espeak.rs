//! A second Thai test voice: eSpeak NG's synthetic Thai (Debian's `espeak-ng`). It sounds
//! nothing like the clock's recorded speaker, and it says whole phrasings the clock's clips
//! cannot ("บ่ายสองโมงครึ่ง", "สองทุ่ม"), so the accuracy benchmark can count silent errors on
//! a voice and phrasings that no test and no tuning used. The model hears it badly: it is a
//! test of the confidence, not of the model's hearing.

use crate::audio;
use crate::error::{Result, SpeechError};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How one synthetic speaker talks: eSpeak NG's variant, speed and pitch.
#[derive(Debug, Clone)]
pub struct Speaker {
    /// eSpeak NG's voice variant ("m1", "f2", …), or none for the default.
    pub variant: Option<&'static str>,
    /// Words per minute.
    pub rate: u32,
    /// Pitch, 0–99.
    pub pitch: u32,
    /// Extra pause between words, in units of 10 ms.
    pub word_gap: u32,
}

/// The variants drawn from: male and female, as eSpeak NG ships them.
pub const VARIANTS: [Option<&str>; 5] = [None, Some("m3"), Some("f2"), Some("f4"), Some("m7")];

/// `text` said by `speaker`, as 16 kHz mono samples.
pub fn say(text: &str, speaker: &Speaker) -> Result<Vec<f32>> {
    let voice = match speaker.variant {
        Some(v) => format!("th+{v}"),
        None => "th".into(),
    };
    static SAID: AtomicUsize = AtomicUsize::new(0);
    let wav = std::env::temp_dir().join(format!(
        "banthuek-espeak-{}-{}.wav",
        std::process::id(),
        SAID.fetch_add(1, Ordering::Relaxed)
    ));
    let out = std::process::Command::new("espeak-ng")
        .args(["-v", &voice, "-s", &speaker.rate.to_string()])
        .args(["-p", &speaker.pitch.to_string()])
        .args(["-g", &speaker.word_gap.to_string(), "-w"])
        .arg(&wav)
        .arg(text)
        .output()
        .map_err(|e| SpeechError::Synthesis(format!("espeak-ng: {e} (install espeak-ng)")))?;
    let said = if out.status.success() {
        audio::read_all(&wav)
    } else {
        Err(SpeechError::Synthesis(format!(
            "espeak-ng {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    };
    let _ = std::fs::remove_file(&wav);
    said
}
