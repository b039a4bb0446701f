//! Field values said word by word, with pauses: a national ID digit by digit, a time as
//! "สิบสี่ | นาฬิกา | สามสิบห้า | นาที". The utterance is cut at its pauses and each stretch of
//! speech is decoded on its own under a closed vocabulary (one or two digits; a number 0–59,
//! นาฬิกา or นาที), so the decoder's beam becomes a forced choice among the few words that can
//! be there, and a word it mishears cannot drag the next ones with it (whole-utterance decoding
//! of IDs fell into runs of "ศูน ศูน …").
//!
//! The readings of the stretches are joined and read by the field's own grammar. Where they do
//! not make a value (a word said twice, a stretch heard as two words) the repairs are tried, and
//! for a national ID the next-best digits where the check digit fails; a repaired value is never
//! "sure". A stretch that the voice-activity model finds no speech in (a cough between words)
//! is left out.

use crate::grammar;
use crate::words::{components, digit_slot, number_slots, number_words, slot};
use crate::{domain_ok, read_value, Alternative, FieldType, SpokenField};
use banthuek_core::thai::numbers::{self, to_words};
use banthuek_speech::audio::{self, RATE};
use banthuek_speech::constraint::{Constraint, ConstraintBuilder, Slot};
use banthuek_speech::engine::{DecodeOptions, Transcript};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Frames of 10 ms for the energy profile.
const FRAME: usize = RATE as usize / 100;
/// A pause: at least this many quiet frames.
const MIN_PAUSE_FRAMES: usize = 7;
/// Quiet: this many dB below the loudest frame (clean recordings)…
const BELOW_PEAK_DB: f32 = 50.0;
/// …or less than this many dB above the noise floor (the quietest tenth of the frames).
const ABOVE_FLOOR_DB: f32 = 12.0;
/// Stretches shorter than this (a click) are not words.
const MIN_SPEECH_FRAMES: usize = 8;
/// Audio kept on each side of a stretch.
const PAD: usize = RATE as usize / 5;
/// At most this many stretches are decoded one by one; more is not word-by-word speech.
const MAX_STRETCHES: usize = 20;

/// The stretches of speech in `samples` (start, end), cut at pauses.
pub fn stretches(samples: &[f32]) -> Vec<(usize, usize)> {
    let db: Vec<f32> = samples
        .chunks(FRAME)
        .map(|f| {
            let e = f.iter().map(|s| s * s).sum::<f32>() / f.len().max(1) as f32;
            10.0 * (e + 1e-12).log10()
        })
        .collect();
    if db.is_empty() {
        return Vec::new();
    }
    let peak = db.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sorted = db.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 10];
    let quiet = (peak - BELOW_PEAK_DB).max(floor + ABOVE_FLOOR_DB);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_loud = 0usize;
    for (i, &v) in db.iter().enumerate() {
        if v > quiet {
            if start.is_none() {
                start = Some(i);
            }
            last_loud = i;
        } else if let Some(s) = start {
            if i - last_loud >= MIN_PAUSE_FRAMES {
                out.push((s, last_loud + 1));
                start = None;
            }
        }
    }
    if let Some(s) = start {
        out.push((s, last_loud + 1));
    }
    out.into_iter()
        .filter(|(a, b)| b - a >= MIN_SPEECH_FRAMES)
        .map(|(a, b)| (a * FRAME, (b * FRAME).min(samples.len())))
        .collect()
}

/// The closed vocabulary of one stretch of `field`, when the field is said word by word.
pub fn stretch_constraint(field: FieldType) -> Option<Constraint> {
    let items: Vec<Vec<Slot>> = match field {
        FieldType::NationalId => (0..=9u32)
            .flat_map(|d| [vec![digit_slot(d)], vec![Slot::new(d.to_string())]])
            .collect(),
        FieldType::Time => {
            let mut v: Vec<Vec<Slot>> = (0..60u64)
                .flat_map(|n| {
                    let written = Slot {
                        word: n.to_string(),
                        variants: vec![format!("{n}.")],
                    };
                    [number_slots(n), vec![written]]
                })
                .collect();
            v.push(vec![slot("นาฬิกา")]);
            v.push(vec![slot("นาที")]);
            v
        }
        FieldType::Number => (0..100u64)
            .flat_map(|n| {
                let written = Slot {
                    word: n.to_string(),
                    variants: vec![format!("{n}.")],
                };
                [number_slots(n), vec![written]]
            })
            .collect(),
        _ => return None,
    };
    let mut one = ConstraintBuilder::new();
    for i in &items {
        one.phrase(i);
    }
    let one = one.build();
    // One word, or two said without a pause between them.
    let mut maybe = ConstraintBuilder::new();
    maybe.phrase(&[]);
    for i in &items {
        maybe.phrase(i);
    }
    Some(Constraint::concat(&one, &maybe.build()))
}

/// One stretch's readings: canonical reading → (share of the beams' belief, best unconstrained
/// log-probability per token), best first.
struct Heard {
    readings: Vec<(String, f32, f32)>,
    text: String,
}

/// A stretch's reading in one spelling: each number in its standard words (a number written
/// in digits and the same number in words are one reading), a national ID's digits one by one.
fn normalise(field: FieldType, reading: &str) -> Option<String> {
    let mut items: Vec<String> = Vec::new();
    let mut run = String::new();
    let flush = |run: &mut String, items: &mut Vec<String>| -> Option<()> {
        if !run.is_empty() {
            items.push(number_words(numbers::parse_number(run)?).join(" "));
            run.clear();
        }
        Some(())
    };
    for w in reading.split(' ') {
        if w.bytes().all(|b| b.is_ascii_digit()) && !w.is_empty() {
            flush(&mut run, &mut items)?;
            if field == FieldType::NationalId {
                for c in w.chars() {
                    items.push(to_words(u64::from(c.to_digit(10)?)));
                }
            } else {
                items.push(number_words(w.parse().ok()?).join(" "));
            }
        } else if field == FieldType::NationalId {
            items.push(to_words(numbers::parse_number(w)?));
        } else if components().iter().any(|c| c == w) {
            run.push_str(w);
        } else {
            flush(&mut run, &mut items)?;
            items.push(w.to_string());
        }
    }
    flush(&mut run, &mut items)?;
    Some(items.join(" "))
}

fn heard(field: FieldType, constraint: &Constraint, t: &Transcript) -> Option<Heard> {
    let best = t
        .hypotheses
        .iter()
        .map(|h| h.logp)
        .fold(f32::NEG_INFINITY, f32::max);
    if !best.is_finite() {
        return None;
    }
    let mut total = 0.0f32;
    let mut by: HashMap<String, (f32, f32)> = HashMap::new();
    for h in &t.hypotheses {
        let w = (h.logp - best).exp();
        total += w;
        let Some(r) = constraint.read(&h.text).and_then(|r| normalise(field, &r)) else {
            continue;
        };
        let raw = h.raw_logp / (h.tokens as f32 + 1.0);
        let e = by.entry(r).or_insert((0.0, f32::NEG_INFINITY));
        e.0 += w;
        e.1 = e.1.max(raw);
    }
    let mut readings: Vec<(String, f32, f32)> = by
        .into_iter()
        .map(|(r, (w, raw))| (r, w / total, raw))
        .collect();
    readings.sort_by(|a, b| b.1.total_cmp(&a.1));
    (!readings.is_empty()).then(|| Heard {
        readings,
        text: t.hypotheses[0].text.clone(),
    })
}

/// Below this share of a stretch's beams the stretch is not sure.
const SURE_SHARE: f32 = 0.9;
/// Mean unconstrained log-probability per token below which a stretch is not sure.
const SURE_RAW: f32 = -0.75;
/// Below this the stretch held nothing the vocabulary has (noise, a cough): left out.
const NOTHING_RAW: f32 = -3.0;
/// Whisper's no-speech probability above which a stretch is left out.
const NO_SPEECH: f32 = 0.6;

/// A value built from the stretches' readings, with its score (sum of the log shares) and
/// whether it needed a repair.
struct Candidate {
    value: Value,
    score: f32,
    repaired: bool,
}

/// The value of the joined readings `choice` (one reading per stretch), if the field's grammar
/// and parser make one.
fn value_of(field: FieldType, words: &[&str], today: NaiveDate) -> Option<Value> {
    let joined = words.join(" ");
    let reading = grammar::constraint(field).read(&joined)?;
    read_value(field, &reading, today)
}

/// Decodes `samples` (one utterance of `field`, said word by word) stretch by stretch. `None`
/// when the utterance does not cut into stretches this way (then the whole utterance is decoded
/// as one).
pub fn transcribe(
    decode: &mut crate::Decoder,
    samples: &[f32],
    field: FieldType,
    base: &DecodeOptions,
    today: NaiveDate,
) -> Result<Option<SpokenField>, crate::SpokenError> {
    let Some(constraint) = stretch_constraint(field) else {
        return Ok(None);
    };
    let cuts = stretches(samples);
    let enough = match field {
        FieldType::NationalId => cuts.len() >= 7,
        _ => cuts.len() >= 2,
    };
    if !enough || cuts.len() > MAX_STRETCHES {
        return Ok(None);
    }
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let opts = DecodeOptions {
        constraint: Some(constraint.clone()),
        full_context: false,
        vad: true,
        ..base.clone()
    };
    let mut heard_all: Vec<Heard> = Vec::new();
    for (a, b) in cuts {
        let piece = &samples[a.saturating_sub(PAD)..(b + PAD).min(samples.len())];
        let path = std::env::temp_dir().join(format!(
            "banthuek-stretch-{}-{}.wav",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        audio::write_wav(&path, piece)?;
        let outcome = decode(&path, &opts);
        let _ = std::fs::remove_file(&path);
        let t = outcome?;
        if t.no_speech.is_some_and(|p| p > NO_SPEECH) {
            continue;
        }
        if let Some(h) = heard(field, &constraint, &t) {
            if h.readings[0].2 >= NOTHING_RAW {
                heard_all.push(h);
            }
        }
    }
    if heard_all.is_empty() {
        return Ok(None);
    }
    Ok(decide(field, &heard_all, today))
}

/// The value of the stretches' readings: the top reading of each, or when that makes no value,
/// the repairs; ranked, with the confidence of the best. `None` when nothing makes a value.
fn decide(field: FieldType, heard: &[Heard], today: NaiveDate) -> Option<SpokenField> {
    let top: Vec<&str> = heard.iter().map(|h| h.readings[0].0.as_str()).collect();
    let heard_text = heard
        .iter()
        .map(|h| h.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let all_sure = heard
        .iter()
        .all(|h| h.readings[0].1 >= SURE_SHARE && h.readings[0].2 >= SURE_RAW);
    let top_score: f32 = heard.iter().map(|h| h.readings[0].1.ln()).sum();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut push = |c: Candidate| {
        if let Some(old) = candidates.iter_mut().find(|o| o.value == c.value) {
            if c.score > old.score {
                *old = c;
            }
        } else {
            candidates.push(c);
        }
    };
    if let Some(v) = value_of(field, &top, today) {
        push(Candidate {
            value: v,
            score: top_score,
            repaired: false,
        });
    }
    // One stretch swapped for its next reading (the n-best per position).
    for (i, h) in heard.iter().enumerate() {
        for (r, share, _) in h.readings.iter().skip(1).take(3) {
            let mut words = top.clone();
            words[i] = r.as_str();
            if let Some(v) = value_of(field, &words, today) {
                push(Candidate {
                    value: v,
                    score: top_score - h.readings[0].1.ln() + share.ln(),
                    repaired: true,
                });
            }
        }
    }
    // A word said twice over (a person repeating themselves, a stretch heard twice): one left
    // out.
    for i in 1..top.len() {
        if top[i] == top[i - 1] {
            let mut words = top.clone();
            words.remove(i);
            if let Some(v) = value_of(field, &words, today) {
                push(Candidate {
                    value: v,
                    score: top_score - 1.0,
                    repaired: true,
                });
            }
        }
    }
    let mut ranked: Vec<(Candidate, bool)> = candidates
        .into_iter()
        .map(|c| {
            let ok = domain_ok(field, &c.value);
            (c, ok)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.score.total_cmp(&a.0.score)));
    let (best, ok) = ranked.first()?;
    let confidence = best.score.exp() * if *ok { 1.0 } else { 0.5 };
    Some(SpokenField {
        field,
        value: Some(best.value.clone()),
        confident: *ok && !best.repaired && all_sure,
        confidence,
        alternatives: ranked[1..]
            .iter()
            .take(4)
            .map(|(c, ok)| Alternative {
                value: c.value.clone(),
                confidence: c.score.exp() * if *ok { 1.0 } else { 0.5 },
            })
            .collect(),
        heard: heard_text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(ms: usize) -> Vec<f32> {
        (0..ms * RATE as usize / 1000)
            .map(|i| 0.3 * (i as f32 * 0.1).sin())
            .collect()
    }
    fn quiet(ms: usize) -> Vec<f32> {
        vec![0.0; ms * RATE as usize / 1000]
    }

    #[test]
    fn speech_is_cut_at_pauses_and_not_inside_words() {
        let mut a = quiet(300);
        a.extend(tone(400));
        a.extend(quiet(40)); // a stop inside a word
        a.extend(tone(200));
        a.extend(quiet(150));
        a.extend(tone(500));
        a.extend(quiet(400));
        let s = stretches(&a);
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(s[0].1 - s[0].0 >= 600 * RATE as usize / 1000);
    }

    #[test]
    fn steady_noise_and_silence_hold_no_words() {
        assert!(stretches(&quiet(1000)).is_empty());
        let noise: Vec<f32> = (0..16000u32)
            .map(|i| ((i.wrapping_mul(2654435761) >> 16) as f32 / 65536.0 - 0.5) * 0.1)
            .collect();
        assert!(stretches(&noise).is_empty());
    }

    #[test]
    fn a_stretch_is_one_or_two_words_of_the_field() {
        let id = stretch_constraint(FieldType::NationalId).unwrap();
        assert_eq!(id.read("สุน").as_deref(), Some("ศูนย์"));
        assert_eq!(id.read("หนึ่ง 5").as_deref(), Some("หนึ่ง 5"));
        assert!(id.read("หนึ่ง สอง สาม").is_none());
        let time = stretch_constraint(FieldType::Time).unwrap();
        assert_eq!(time.read("สิบสี่").as_deref(), Some("สิบ สี่"));
        assert_eq!(time.read("สิบสี่ นาลิกา").as_deref(), Some("สิบ สี่ นาฬิกา"));
        assert!(time.read("สิบ นาฬิกา นาที").is_none());
        assert!(stretch_constraint(FieldType::Age).is_none());
    }

    #[test]
    fn a_number_in_digits_or_words_is_one_reading() {
        let n = |f, r| normalise(f, r);
        assert_eq!(
            n(FieldType::Time, "14 นาฬิกา").as_deref(),
            Some("สิบ สี่ นาฬิกา")
        );
        assert_eq!(
            n(FieldType::Time, "สิบ สี่ นาฬิกา").as_deref(),
            Some("สิบ สี่ นาฬิกา")
        );
        assert_eq!(
            n(FieldType::NationalId, "1 หนึ่ง").as_deref(),
            Some("หนึ่ง หนึ่ง")
        );
        assert_eq!(n(FieldType::NationalId, "05").as_deref(), Some("ศูนย์ ห้า"));
    }

    #[test]
    fn readings_join_into_the_value_and_repeats_are_repaired_but_flagged() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let h = |r: &str| Heard {
            readings: vec![(r.to_string(), 1.0, -0.2)],
            text: r.to_string(),
        };
        let time: Vec<Heard> = ["สิบ สี่", "นาฬิกา", "สาม สิบ ห้า", "นาที"]
            .into_iter()
            .map(h)
            .collect();
        let v = decide(FieldType::Time, &time, today).unwrap();
        assert_eq!(v.value, Some(Value::from("14:35")));
        assert!(v.confident);
        let twice: Vec<Heard> = ["เก้า", "เก้า", "นาฬิกา"].into_iter().map(h).collect();
        let v = decide(FieldType::Time, &twice, today).unwrap();
        assert_eq!(v.value, Some(Value::from("09:00")));
        assert!(!v.confident, "a repaired value is confirmed by the officer");
    }
}
