//! The segmenter's pauses on real speech: a reading begun at a pause may stand for the utterance
//! only when nothing was said after it. Phrases of the clock voice's words with pauses drawn
//! around the early pause and the cut (shorter than the one, between the two, longer than the
//! other) are segmented; for every utterance, the pause its reading would come from
//! (`Pause::ended`) holds all of its speech, and every pause that speech went on from was
//! announced (`Cut::Resumed`) before the utterance ended; and no word is split between two
//! utterances, not even the soft onset of a word said as the cut falls.

mod common;

use banthuek_speech::audio::RATE;
use banthuek_speech::capture::{Cut, Pause, Segmenter, EARLY_PAUSE_MS, END_SILENCE_MS};
use std::collections::HashMap;
use std::ops::Range;

/// A small deterministic generator (xorshift), so a failure names its seed.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Whether `samples` hold speech: a 30 ms frame louder than -40 dBFS (RMS), the quietest level
/// the segmenter ever takes for speech, whatever its noise floor. The composed pauses are
/// digital silence; quieter sound is a clip's tail of decoder noise (near -80 dBFS) or the soft
/// onset of a word said after a pause almost as long as the cut.
fn speech(samples: &[f32]) -> bool {
    samples.chunks(RATE as usize * 30 / 1000).any(|frame| {
        let power = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
        power.sqrt() > 0.01
    })
}

/// Where each word lies in a phrase: its sound (a run of 30 ms frames above -60 dBFS, louder
/// than the clips' tails of decoder noise) and its speech (from its first to its last frame
/// above -40 dBFS), as sample ranges. A clip may hold more than one word ("9" is two, 1.5 s
/// apart).
fn words_in(
    clips: &[String],
    pauses: &[u32],
    audio: &[f32],
    lengths: &mut HashMap<String, usize>,
) -> Vec<(Range<usize>, Range<usize>)> {
    let ms = |n: u32| (RATE * n / 1000) as usize;
    let frame = ms(30);
    let mut at = ms(300);
    let mut out = Vec::new();
    for (i, clip) in clips.iter().enumerate() {
        if i > 0 {
            at += ms(pauses[i - 1]);
        }
        let length = *lengths.entry(clip.clone()).or_insert_with(|| {
            let alone = common::voice().phrase(std::slice::from_ref(clip), &[]);
            alone.expect("composed").len() - ms(300) - ms(400)
        });
        let mut word: Option<(Range<usize>, Option<Range<usize>>)> = None;
        for f in (at..at + length).step_by(frame) {
            let end = (f + frame).min(at + length);
            let part = &audio[f..end];
            let level = (part.iter().map(|s| s * s).sum::<f32>() / part.len() as f32).sqrt();
            if level > 0.001 {
                let (sound, loud) = word.get_or_insert((f..end, None));
                sound.end = end;
                if level > 0.01 {
                    loud.get_or_insert(f..end).end = end;
                }
            } else if let Some((sound, Some(loud))) = word.take() {
                out.push((sound, loud));
            }
        }
        if let Some((sound, Some(loud))) = word {
            out.push((sound, loud));
        }
        at += length;
    }
    out
}

#[test]
fn a_reading_at_a_pause_stands_only_for_an_utterance_that_ended_there() {
    let voice = common::voice();
    let words: Vec<String> = (0..60)
        .map(|n| n.to_string())
        .chain(["hour".to_owned(), "minute".to_owned()])
        .collect();
    let (mut utterances, mut read_at_pause, mut resumed) = (0, 0, 0);
    let (mut whole, mut too_short) = (0, 0);
    let mut lengths = HashMap::new();
    for seed in 1..=1000u64 {
        let mut draw = Draw(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let clips: Vec<String> = (0..2 + draw.below(5))
            .map(|_| words[draw.below(words.len() as u64) as usize].clone())
            .collect();
        // Around both thresholds: shorter than the early pause, between it and the cut, longer.
        let pauses: Vec<u32> = (1..clips.len())
            .map(|_| match draw.below(3) {
                0 => 50 + draw.below(EARLY_PAUSE_MS - 50),
                1 => EARLY_PAUSE_MS + 60 + draw.below(END_SILENCE_MS - EARLY_PAUSE_MS - 120),
                _ => END_SILENCE_MS + 100 + draw.below(400),
            } as u32)
            .collect();
        let mut audio = voice.phrase(&clips, &pauses).expect("composed");
        audio.extend(std::iter::repeat_n(0.0, RATE as usize));
        let words = words_in(&clips, &pauses, &audio, &mut lengths);

        let mut segmenter = Segmenter::default();
        let mut cuts = Vec::new();
        segmenter.push(&audio, &mut cuts);
        segmenter.flush(&mut cuts);
        for (sound, loud) in &words {
            // The utterances that hold part of the word's speech: one of them holds all of its
            // sound. (Another may hold an edge of it too: an onset the segmenter's frames took
            // for silence ends the utterance before, and begins the next one's preroll.)
            let holding: Vec<Range<usize>> = cuts
                .iter()
                .filter_map(|c| match c {
                    Cut::Finished(u) => {
                        let from = u.start_ms as usize * RATE as usize / 1000;
                        let to = from + u.samples.len() + RATE as usize / 1000;
                        (from < loud.end && loud.start < to).then_some(from..to)
                    }
                    _ => None,
                })
                .collect();
            // A word too short for speech on its own (the clock voice's "สิบ" of 12, alone
            // before a long pause) is the click rule's: it stays out of every utterance.
            if holding.is_empty() {
                too_short += 1;
                continue;
            }
            assert!(
                holding
                    .iter()
                    .any(|u| u.start <= sound.start && sound.end <= u.end),
                "seed {seed}: a word split ({sound:?} in {holding:?}; {clips:?}, {pauses:?})"
            );
            whole += 1;
        }
        let mut last_pause: Option<&Pause> = None;
        let mut went_on = false;
        for cut in &cuts {
            match cut {
                Cut::Paused(p) => {
                    last_pause = Some(p);
                    went_on = false;
                }
                Cut::Resumed(index) => {
                    let pause = last_pause.unwrap_or_else(|| {
                        panic!("seed {seed}: speech went on from no pause ({clips:?}, {pauses:?})")
                    });
                    assert_eq!(
                        *index, pause.index,
                        "seed {seed}: resumed another utterance"
                    );
                    went_on = true;
                    resumed += 1;
                }
                Cut::Finished(u) => {
                    utterances += 1;
                    if let Some(p) = last_pause.filter(|p| p.index == u.index) {
                        let after = &u.samples[p.samples.len().min(u.samples.len())..];
                        assert!(u.samples.starts_with(&p.samples), "seed {seed}");
                        if p.ended(u) {
                            read_at_pause += 1;
                            assert!(!went_on, "seed {seed}: ended after speech went on");
                            assert!(
                                !speech(after),
                                "seed {seed}: speech after the pause it ended at ({clips:?}, {pauses:?})"
                            );
                        } else {
                            assert!(went_on, "seed {seed}: speech went on unannounced");
                            assert!(speech(after), "seed {seed}: nothing after the pause");
                        }
                    }
                    last_pause = None;
                    went_on = false;
                }
                Cut::Started(_) | Cut::Growing(_) => {}
            }
        }
    }
    eprintln!(
        "{utterances} utterances, {read_at_pause} read from the pause they ended at, \
         {resumed} pauses speech went on from, {whole} words whole, {too_short} too short"
    );
    assert!(
        read_at_pause > 0 && resumed > 0,
        "the draws reach both cases"
    );
}
