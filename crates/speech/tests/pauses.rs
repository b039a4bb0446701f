//! The segmenter's pauses on real speech: a reading begun at a pause may stand for the utterance
//! only when nothing was said after it. Phrases of the clock voice's words with pauses drawn
//! around the early pause and the cut (shorter than the one, between the two, longer than the
//! other) are segmented; for every utterance, the pause its reading would come from
//! (`Pause::ended`) holds all of its speech, and every pause that speech went on from was
//! announced (`Cut::Resumed`) before the utterance ended.

mod common;

use banthuek_speech::audio::RATE;
use banthuek_speech::capture::{Cut, Pause, Segmenter, EARLY_PAUSE_MS, END_SILENCE_MS};

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
/// onset of a word said after a pause almost as long as the cut, which the cut can split.
fn speech(samples: &[f32]) -> bool {
    samples.chunks(RATE as usize * 30 / 1000).any(|frame| {
        let power = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
        power.sqrt() > 0.01
    })
}

#[test]
fn a_reading_at_a_pause_stands_only_for_an_utterance_that_ended_there() {
    let voice = common::voice();
    let words: Vec<String> = (0..60)
        .map(|n| n.to_string())
        .chain(["hour".to_owned(), "minute".to_owned()])
        .collect();
    let (mut utterances, mut read_at_pause, mut resumed) = (0, 0, 0);
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

        let mut segmenter = Segmenter::default();
        let mut cuts = Vec::new();
        segmenter.push(&audio, &mut cuts);
        segmenter.flush(&mut cuts);
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
        "{utterances} utterances, {read_at_pause} read from the pause they ended at, {resumed} pauses speech went on from"
    );
    assert!(
        read_at_pause > 0 && resumed > 0,
        "the draws reach both cases"
    );
}
