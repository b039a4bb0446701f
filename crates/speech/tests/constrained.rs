//! Constrained decoding through the worker process with the real base model: the constraint
//! travels in the request, the decoder writes only texts of its language (ending only where a
//! text is complete), and every complete text the beams reached comes back with its scores.

mod common;

use banthuek_speech::constraint::{ConstraintBuilder, Matcher, Slot};
use banthuek_speech::engine::DecodeOptions;

#[test]
fn the_decoder_writes_only_what_the_constraint_allows() {
    if common::skip_real_model() {
        return;
    }
    // A few spoken times, in words, with the model's spelling of นาฬิกา as an alternative.
    let mut b = ConstraintBuilder::new();
    let said = [
        ("สิบสี่", "สามสิบ"),
        ("สิบสี่", "สี่สิบ"),
        ("เก้า", "สิบห้า"),
        ("ยี่สิบสาม", "สี่สิบห้า"),
    ];
    for (h, m) in said {
        b.phrase(&[
            Slot::new(h),
            Slot::with_variants("นาฬิกา", &["นาลิกา"]),
            Slot::new(m),
            Slot::new("นาที"),
        ]);
    }
    let constraint = b.build();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut engine = common::start_engine();
    let opts = DecodeOptions {
        constraint: Some(constraint.clone()),
        ..DecodeOptions::default()
    };
    let mut matcher = Matcher::new(constraint.clone());
    // 23:45 is in the constraint too, but base hears its hour poorly: only the mechanics are
    // checked for it (its text is in the language, its beams come back).
    let cases = [
        ((14, 30), Some(said[0])),
        ((9, 15), Some(said[2])),
        ((23, 45), None),
    ];
    for ((h, m), want) in cases {
        let (audio, _) = common::clock_utterance(h, m);
        let wav = common::write_wav(dir.path(), &format!("{h}-{m}.wav"), &audio);
        let out = engine
            .transcribe(&wav, &opts, &mut |_| {})
            .expect("transcribe");
        let t = &out.transcript;
        println!("{h}:{m} -> {:?} {:?}", t.text, t.hypotheses);
        assert!(
            matcher.accepts(&t.text),
            "{:?} is outside the constraint",
            t.text
        );
        assert!(!t.hypotheses.is_empty(), "the beams' texts come back");
        for hyp in &t.hypotheses {
            assert!(matcher.accepts(&hyp.text), "{:?}", hyp.text);
            assert!(
                hyp.raw_logp <= hyp.logp + 1e-3,
                "the constraint only adds belief"
            );
        }
        let best = constraint.read(&t.hypotheses[0].text).expect("reads");
        if let Some((hw, mw)) = want {
            assert_eq!(best, format!("{hw} นาฬิกา {mw} นาที"));
        }
        assert!(t.no_speech.is_some());
    }
}

#[test]
fn silence_under_a_constraint_gives_no_text() {
    if common::skip_real_model() {
        return;
    }
    let mut b = ConstraintBuilder::new();
    b.phrase(&[Slot::new("สิบสี่"), Slot::new("นาฬิกา")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let wav = common::write_wav(dir.path(), "silence.wav", &vec![0.0; 16_000 * 2]);
    let mut engine = common::start_engine();
    let opts = DecodeOptions {
        constraint: Some(b.build()),
        ..DecodeOptions::default()
    };
    let out = engine
        .transcribe(&wav, &opts, &mut |_| {})
        .expect("transcribe");
    assert_eq!(out.transcript.text, "");
    assert!(out.transcript.hypotheses.is_empty());
}
