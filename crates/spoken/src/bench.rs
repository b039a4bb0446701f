//! `banthuek bench accuracy`: natural-voice utterances composed from the `thai-talking-clock`
//! clips (times, numbers, national IDs read digit by digit, with a person's uneven pauses, and
//! noise that holds no speech), or said by eSpeak NG's synthetic Thai in phrasings the clock
//! cannot say (a voice and phrasings nothing was tuned on), optionally under background noise at
//! a given signal-to-noise ratio, drawn from a seed, each decoded twice through the worker: with
//! the field's constraint ([`crate::transcribe_field`]) and as free dictation (the transcript
//! then read by the same core parser, as the extractor would). Per field type: exact values,
//! silent errors (a wrong value not flagged for confirmation; free dictation flags nothing),
//! right values flagged, "nothing heard", CER of the free transcript, latency per utterance.

use crate::{read_value, transcribe_field, FieldType};
use banthuek_core::thai::numbers::to_words;
use banthuek_speech::audio::{self, RATE};
use banthuek_speech::clock::{self, ClockVoice};
use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::espeak::{self, Speaker};
use banthuek_speech::supervisor::{Supervisor, WorkerCommand};
use chrono::NaiveDate;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;

pub struct AccuracyConfig {
    pub model: PathBuf,
    pub vad_model: Option<PathBuf>,
    pub worker: WorkerCommand,
    /// Where the clock voice package is (or will be) downloaded.
    pub cache: PathBuf,
    pub options: AccuracyOptions,
}

/// What is drawn, who says it, and how it is decoded.
pub struct AccuracyOptions {
    pub seed: u64,
    /// Utterances per field type.
    pub count: usize,
    pub threads: i32,
    /// Give the encoder its full 30 s context in free dictation too (field dictation has it,
    /// times excepted: see [`crate::decode_options`]).
    pub full_context: bool,
    /// Only these kinds ("time", "national_id", "number", "noise", "age"); empty: all.
    pub only: Vec<String>,
    /// Who says the draw.
    pub voice: Voice,
    /// Background noise under every spoken utterance at this signal-to-noise ratio (dB).
    pub snr_db: Option<f32>,
}

/// Who says a draw: the clock's recorded speaker or eSpeak NG's synthetic Thai.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    Clock,
    Espeak,
}

impl std::str::FromStr for Voice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "clock" => Ok(Voice::Clock),
            "espeak" => Ok(Voice::Espeak),
            _ => Err(format!(
                "unknown voice {s:?}: clock or espeak / ไม่รู้จักเสียง {s:?}: clock หรือ espeak"
            )),
        }
    }
}

/// A small deterministic generator (SplitMix64): the same seed gives the same utterances.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// White noise: uniform in −1..1.
    fn signed(&mut self) -> f32 {
        (self.next() >> 11) as f32 / (1u64 << 53) as f32 * 2.0 - 1.0
    }
    fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below(u64::from(hi - lo + 1)) as u32
    }
}

/// One composed utterance and what it means.
pub struct Utterance {
    pub field: FieldType,
    /// "noise" rows have no value to find.
    pub kind: &'static str,
    pub audio: Vec<f32>,
    pub reference: String,
    pub expected: Option<Value>,
}

/// A valid national ID with random digits.
fn national_id(d: &mut Draw) -> String {
    let first: Vec<u32> = (0..12)
        .map(|i| {
            if i == 0 {
                1 + d.below(8) as u32
            } else {
                d.below(10) as u32
            }
        })
        .collect();
    let check = banthuek_core::rules::national_id_check_digit(&first).unwrap_or(0);
    first
        .iter()
        .chain(std::iter::once(&check))
        .map(|x| char::from(b'0' + *x as u8))
        .collect()
}

/// The utterances of one draw: per field type `count` of them (times, national IDs, numbers),
/// `count` noise clips, then `count` ages.
pub fn utterances(
    voice: &ClockVoice,
    seed: u64,
    count: usize,
) -> banthuek_speech::Result<Vec<Utterance>> {
    let mut d = Draw(seed);
    let mut out = Vec::new();
    for _ in 0..count {
        let (h, m) = (d.below(24) as u32, d.below(60) as u32);
        let on_the_hour = d.below(6) == 0;
        let (clips, reference, value) = if on_the_hour {
            (
                vec![h.to_string(), "hour".into()],
                format!("{h} นาฬิกา"),
                format!("{h:02}:00"),
            )
        } else {
            (
                vec![h.to_string(), "hour".into(), m.to_string(), "minute".into()],
                format!("{h} นาฬิกา {m} นาที"),
                format!("{h:02}:{m:02}"),
            )
        };
        let pauses: Vec<u32> = (1..clips.len()).map(|_| d.between(60, 300)).collect();
        out.push(Utterance {
            field: FieldType::Time,
            kind: "time",
            audio: voice.phrase(&clips, &pauses)?,
            reference,
            expected: Some(Value::from(value)),
        });
    }
    for _ in 0..count {
        let id = national_id(&mut d);
        let clips: Vec<String> = id.chars().map(|c| c.to_string()).collect();
        // Read in the card's groups (1-4-5-2-1), longer pauses between groups.
        let pauses: Vec<u32> = (1..13)
            .map(|i| {
                if [1, 5, 10, 12].contains(&i) {
                    d.between(250, 500)
                } else {
                    d.between(80, 250)
                }
            })
            .collect();
        out.push(Utterance {
            field: FieldType::NationalId,
            kind: "national_id",
            audio: voice.phrase(&clips, &pauses)?,
            reference: id
                .chars()
                .filter_map(|c| c.to_digit(10))
                .map(|x| to_words(u64::from(x)))
                .collect::<Vec<_>>()
                .join(" "),
            expected: Some(Value::from(id)),
        });
    }
    // A number said alone, as a field of `kind` holds it.
    let alone = |field, kind, n: u64| -> banthuek_speech::Result<Utterance> {
        Ok(Utterance {
            field,
            kind,
            audio: voice.phrase(&[n.to_string()], &[])?,
            reference: n.to_string(),
            expected: Some(Value::from(n)),
        })
    };
    for _ in 0..count {
        out.push(alone(FieldType::Number, "number", d.below(60))?);
    }
    out.extend(noise_clips(&mut d, count));
    // Ages last, so that the draws before them stay as they were. The clock voice has no
    // "อายุ" or "ปี": an age said alone, as an officer answers "อายุเท่าไร".
    for _ in 0..count {
        out.push(alone(FieldType::Age, "age", u64::from(d.between(15, 59)))?);
    }
    Ok(out)
}

/// `count` clips that hold no speech: steady noise, or a short burst like a cough, at varied
/// loudness.
fn noise_clips(d: &mut Draw, count: usize) -> Vec<Utterance> {
    let mut out = Vec::new();
    for k in 0..count {
        let len = d.between(800, 2000) as usize * RATE as usize / 1000;
        let loud = 0.02 + d.below(8) as f32 / 100.0;
        let burst = k % 2 == 1;
        let mut a = clock::silence(300);
        for i in 0..len {
            let x = d.signed();
            let env = if burst {
                let t = i as f32 / len as f32;
                (t * 6.0).min(1.0) * (1.0 - t).powi(2)
            } else {
                1.0
            };
            a.push(x * loud * env);
        }
        a.extend(clock::silence(400));
        out.push(Utterance {
            field: FieldType::Time,
            kind: "noise",
            audio: a,
            reference: String::new(),
            expected: None,
        });
    }
    out
}

/// The same kinds of utterance said by eSpeak NG: each by a speaker drawn from its variants,
/// speeds and pitches; times in the phrasings officers use ([`time_phrasings`]), national IDs
/// digit by digit in the card's groups, numbers in words; `count` noise clips; then ages, alone
/// or with the words said around them ("อายุ สามสิบห้า ปี").
pub fn espeak_utterances(seed: u64, count: usize) -> banthuek_speech::Result<Vec<Utterance>> {
    let mut d = Draw(seed);
    let mut out = Vec::new();
    let say = |d: &mut Draw, text: &str| -> banthuek_speech::Result<Vec<f32>> {
        let speaker = Speaker {
            variant: espeak::VARIANTS[d.below(espeak::VARIANTS.len() as u64) as usize],
            rate: d.between(115, 165),
            pitch: d.between(30, 70),
            word_gap: d.between(2, 12),
        };
        let mut a = clock::silence(300);
        a.extend(espeak::say(text, &speaker)?);
        a.extend(clock::silence(400));
        Ok(a)
    };
    for _ in 0..count {
        let (h, m) = (d.below(24) as u32, d.below(60) as u32);
        let phrasings = time_phrasings(h, m);
        let text = phrasings[d.below(phrasings.len() as u64) as usize].clone();
        out.push(Utterance {
            field: FieldType::Time,
            kind: "time",
            audio: say(&mut d, &text)?,
            reference: text,
            expected: Some(Value::from(format!("{h:02}:{m:02}"))),
        });
    }
    for _ in 0..count {
        let id = national_id(&mut d);
        let digit = |c: char| to_words(u64::from(c.to_digit(10).unwrap_or(0)));
        // The card's groups (1-4-5-2-1), a comma's pause between them.
        let mut groups = Vec::new();
        let mut rest = id.as_str();
        for len in [1, 4, 5, 2, 1] {
            let (group, tail) = rest.split_at(len);
            groups.push(group.chars().map(digit).collect::<Vec<_>>().join(" "));
            rest = tail;
        }
        let text = groups.join(", ");
        out.push(Utterance {
            field: FieldType::NationalId,
            kind: "national_id",
            audio: say(&mut d, &text)?,
            reference: text.replace(',', ""),
            expected: Some(Value::from(id)),
        });
    }
    for _ in 0..count {
        let n = d.below(60);
        let text = to_words(n);
        out.push(Utterance {
            field: FieldType::Number,
            kind: "number",
            audio: say(&mut d, &text)?,
            reference: text,
            expected: Some(Value::from(n)),
        });
    }
    out.extend(noise_clips(&mut d, count));
    for _ in 0..count {
        let n = u64::from(d.between(15, 80));
        let phrasings = [
            to_words(n),
            format!("{} ปี", to_words(n)),
            format!("อายุ {} ปี", to_words(n)),
        ];
        let text = phrasings[d.below(phrasings.len() as u64) as usize].clone();
        out.push(Utterance {
            field: FieldType::Age,
            kind: "age",
            audio: say(&mut d, &text)?,
            reference: text,
            expected: Some(Value::from(n)),
        });
    }
    Ok(out)
}

/// How an officer may say the time `h`:`m`: "สิบสี่ นาฬิกา สามสิบ นาที", on the hour "สิบสี่
/// นาฬิกา", at half past "สิบสี่ นาฬิกาครึ่ง", and by the colloquial clock ("บ่ายสองโมงครึ่ง",
/// "สองทุ่ม สิบห้า นาที", "ตีสาม", "เจ็ดโมงเช้า", "ห้าโมงเย็น", "เที่ยงคืน").
pub fn time_phrasings(h: u32, m: u32) -> Vec<String> {
    let w = |n: u32| to_words(u64::from(n));
    let mut heads = vec![format!("{} นาฬิกา", w(h))];
    heads.push(match h {
        0 => "เที่ยงคืน".into(),
        1..=5 => format!("ตี{}", w(h)),
        6..=11 => format!("{}โมงเช้า", w(h)),
        12 => "เที่ยง".into(),
        13 => "บ่ายโมง".into(),
        14 | 15 => format!("บ่าย{}โมง", w(h - 12)),
        16..=18 => format!("{}โมงเย็น", w(h - 12)),
        _ => format!("{}ทุ่ม", w(h - 18)),
    });
    heads
        .into_iter()
        .flat_map(|head| match m {
            0 => vec![head],
            30 => vec![format!("{head}ครึ่ง"), format!("{head} {} นาที", w(m))],
            _ => vec![format!("{head} {} นาที", w(m))],
        })
        .collect()
}

/// `audio` with pink noise (the hiss and rumble of a room, a fan, traffic) added at `snr_db`
/// below the speech's power, measured where there is speech.
pub fn add_noise(audio: &mut [f32], snr_db: f32, seed: u64) {
    let speech: Vec<f32> = audio.iter().copied().filter(|x| x.abs() > 0.005).collect();
    if speech.is_empty() {
        return;
    }
    let power = speech.iter().map(|x| x * x).sum::<f32>() / speech.len() as f32;
    let mut d = Draw(seed);
    // Paul Kellet's economy pink filter over white noise.
    let (mut b0, mut b1, mut b2) = (0.0f32, 0.0f32, 0.0f32);
    let pink: Vec<f32> = (0..audio.len())
        .map(|_| {
            let white = d.signed();
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            b0 + b1 + b2 + white * 0.1848
        })
        .collect();
    let noise_power = pink.iter().map(|x| x * x).sum::<f32>() / pink.len().max(1) as f32;
    let gain = (power / noise_power.max(f32::MIN_POSITIVE) / 10f32.powf(snr_db / 10.0)).sqrt();
    for (a, n) in audio.iter_mut().zip(pink) {
        *a = (*a + n * gain).clamp(-1.0, 1.0);
    }
}

/// The figures of one field type (or the noise clips).
#[derive(Debug, Default, Clone)]
pub struct Row {
    pub kind: String,
    pub n: usize,
    pub exact: usize,
    pub silent: usize,
    pub flagged_right: usize,
    pub nothing: usize,
    pub free_exact: usize,
    pub free_silent: usize,
    pub free_cer: f64,
    pub p50_ms: u64,
    pub p95_ms: u64,
    pub free_p50_ms: u64,
    pub free_p95_ms: u64,
}

#[derive(Debug)]
pub struct AccuracyReport {
    pub seed: u64,
    pub rows: Vec<Row>,
}

fn percentile(v: &mut [u64], p: f64) -> u64 {
    v.sort_unstable();
    if v.is_empty() {
        return 0;
    }
    v[(((v.len() - 1) as f64) * p).round() as usize]
}

/// The draw `all` as a run hears it: only the kinds `only` names (every kind when it is empty),
/// each spoken utterance under pink noise at `snr_db` when given, seeded from `seed` and its
/// place among them.
pub fn as_heard(
    mut all: Vec<Utterance>,
    only: &[String],
    snr_db: Option<f32>,
    seed: u64,
) -> Vec<Utterance> {
    all.retain(|u| only.is_empty() || only.iter().any(|k| k == u.kind));
    if let Some(snr) = snr_db {
        for (i, u) in all.iter_mut().filter(|u| u.expected.is_some()).enumerate() {
            add_noise(&mut u.audio, snr, seed ^ i as u64);
        }
    }
    all
}

/// Runs the draw through the worker and scores it.
pub fn run(
    cfg: &AccuracyConfig,
    log: &mut dyn FnMut(&str),
) -> banthuek_speech::Result<AccuracyReport> {
    let opts = &cfg.options;
    let all = match opts.voice {
        Voice::Clock => {
            let voice = ClockVoice::from_wheel(&clock::fetch_wheel(&cfg.cache)?)?;
            utterances(&voice, opts.seed, opts.count)?
        }
        Voice::Espeak => espeak_utterances(opts.seed, opts.count)?,
    };
    let all = as_heard(all, &opts.only, opts.snr_db, opts.seed);
    let dir = std::env::temp_dir().join(format!("banthuek-accuracy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| banthuek_speech::SpeechError::Io {
        path: dir.clone(),
        source: e,
    })?;
    let mut sup = Supervisor::start(cfg.worker.clone(), &cfg.model, cfg.vad_model.as_deref())?;
    let base = DecodeOptions {
        threads: opts.threads,
        full_context: opts.full_context,
        ..DecodeOptions::default()
    };
    // As the app readies its engine at login: the first value is then timed as any other.
    crate::warm_up(&mut sup, &dir)
        .map_err(|e| banthuek_speech::SpeechError::Engine(e.to_string()))?;
    let today = chrono::Local::now().date_naive();
    let mut rows: Vec<Row> = Vec::new();
    let mut lat: Vec<(Vec<u64>, Vec<u64>)> = Vec::new();
    let mut cers: Vec<Vec<f64>> = Vec::new();
    for (i, u) in all.iter().enumerate() {
        let wav = dir.join(format!("u{i}.wav"));
        audio::write_wav(&wav, &u.audio)?;
        let t = Instant::now();
        let (transcript, spoken) = transcribe_field(&mut sup, &wav, u.field, &base, today)
            .map_err(|e| banthuek_speech::SpeechError::Engine(e.to_string()))?;
        let constrained_ms = t.elapsed().as_millis() as u64;
        let t = Instant::now();
        let free = sup.transcribe(&wav, &base, &mut |_| {})?.transcript.text;
        let free_ms = t.elapsed().as_millis() as u64;
        let free_value = free_value(u.field, &free, today);
        let _ = std::fs::remove_file(&wav);

        let r = match rows.iter().position(|r| r.kind == u.kind) {
            Some(r) => r,
            None => {
                rows.push(Row {
                    kind: u.kind.to_string(),
                    ..Row::default()
                });
                lat.push((Vec::new(), Vec::new()));
                cers.push(Vec::new());
                rows.len() - 1
            }
        };
        let row = &mut rows[r];
        row.n += 1;
        let right = spoken.value.is_some() && spoken.value == u.expected;
        match (&spoken.value, right, spoken.confident) {
            (None, _, _) => row.nothing += 1,
            (Some(_), true, true) => row.exact += 1,
            (Some(_), true, false) => {
                row.exact += 1;
                row.flagged_right += 1
            }
            (Some(_), false, true) => row.silent += 1,
            (Some(_), false, false) => {}
        }
        // Free dictation flags nothing: every wrong value it fills is silent.
        match (&free_value, &u.expected) {
            (Some(v), Some(e)) if v == e => row.free_exact += 1,
            (Some(_), _) => row.free_silent += 1,
            (None, _) => {}
        }
        if u.expected.is_some() {
            cers[r].push(banthuek_speech::score::cer(&u.reference, &free));
        }
        lat[r].0.push(constrained_ms);
        lat[r].1.push(free_ms);
        let top = transcript.hypotheses.first();
        log(&format!(
            "{} {:?}: field {} ({}{}; {:.2}, raw/token {:.2}, no speech {:.2}, snr {:.1} dB) heard \"{}\" | free \"{}\" -> {} | {} ms / {} ms",
            u.kind,
            u.expected
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default(),
            spoken
                .value
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "nothing".into()),
            if spoken.confident { "sure" } else { "flagged" },
            spoken
                .alternatives
                .first()
                .map(|a| format!(", next {}", a.value))
                .unwrap_or_default(),
            spoken.confidence,
            top.map(|h| h.raw_logp / (h.tokens as f32 + 1.0))
                .unwrap_or(f32::NAN),
            transcript.no_speech.unwrap_or(f32::NAN),
            transcript.snr_db.unwrap_or(f32::NAN),
            spoken.heard,
            free,
            free_value
                .map(|v| v.to_string())
                .unwrap_or_else(|| "-".into()),
            constrained_ms,
            free_ms,
        ));
    }
    for ((row, (c, f)), cer) in rows.iter_mut().zip(lat.iter_mut()).zip(&cers) {
        row.p50_ms = percentile(c, 0.5);
        row.p95_ms = percentile(c, 0.95);
        row.free_p50_ms = percentile(f, 0.5);
        row.free_p95_ms = percentile(f, 0.95);
        row.free_cer = if cer.is_empty() {
            f64::NAN
        } else {
            cer.iter().sum::<f64>() / cer.len() as f64
        };
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(AccuracyReport {
        seed: opts.seed,
        rows,
    })
}

/// The value free dictation gives: the transcript after the extractor's lexicon corrections,
/// read whole by the core parser of the type.
fn free_value(field: FieldType, text: &str, today: NaiveDate) -> Option<Value> {
    let corrected = banthuek_extract::normalise::normalise(text).text;
    read_value(field, corrected.trim(), today)
}

impl std::fmt::Display for AccuracyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "accuracy, seed {}: constrained (field) | free dictation",
            self.seed
        )?;
        writeln!(
            f,
            "{:<12} {:>3} | {:>6} {:>7} {:>8} {:>8} {:>11} | {:>6} {:>7} {:>6} {:>11}",
            "type",
            "n",
            "exact",
            "silent",
            "flagged",
            "nothing",
            "p50/p95 ms",
            "exact",
            "silent",
            "CER",
            "p50/p95 ms"
        )?;
        for (i, r) in self.rows.iter().enumerate() {
            let end = if i + 1 == self.rows.len() { "" } else { "\n" };
            write!(
                f,
                "{:<12} {:>3} | {:>6} {:>7} {:>8} {:>8} {:>11} | {:>6} {:>7} {:>6.3} {:>11}{end}",
                r.kind,
                r.n,
                r.exact,
                r.silent,
                r.flagged_right,
                r.nothing,
                format!("{}/{}", r.p50_ms, r.p95_ms),
                r.free_exact,
                r.free_silent,
                r.free_cer,
                format!("{}/{}", r.free_p50_ms, r.free_p95_ms),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use banthuek_core::thai::times::parse_time;

    /// The benchmark's expected value is the time it meant to say: every phrasing it may say
    /// must be read as that time by the parser the record uses.
    #[test]
    fn every_time_phrasing_reads_as_its_time() {
        for h in 0..24 {
            for m in 0..60 {
                let want = chrono::NaiveTime::from_hms_opt(h, m, 0);
                for said in time_phrasings(h, m) {
                    assert_eq!(parse_time(&said), want, "{said:?}");
                }
            }
        }
    }

    #[test]
    fn noise_is_added_at_the_asked_ratio() {
        let speech: Vec<f32> = (0..16000).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
        for snr in [0.0f32, 10.0, 20.0] {
            let mut noisy = speech.clone();
            add_noise(&mut noisy, snr, 3);
            let power = |v: &mut dyn Iterator<Item = f32>| {
                let (sum, n) = v.fold((0.0f32, 0usize), |(s, n), x| (s + x * x, n + 1));
                sum / n as f32
            };
            let signal = power(&mut speech.iter().copied().filter(|x| x.abs() > 0.005));
            let noise = power(&mut noisy.iter().zip(&speech).map(|(a, b)| a - b));
            let measured = 10.0 * (signal / noise).log10();
            assert!(
                (measured - snr).abs() < 1.0,
                "asked {snr} dB, got {measured:.2}"
            );
        }
    }
}
