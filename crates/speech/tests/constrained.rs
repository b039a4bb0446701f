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

#[test]
fn texts_are_scored_by_teacher_forcing_through_the_worker() {
    if common::skip_real_model() {
        return;
    }
    let mut b = ConstraintBuilder::new();
    b.phrase(&[
        Slot::new("สิบสี่"),
        Slot::new("นาฬิกา"),
        Slot::new("สามสิบ"),
        Slot::new("นาที"),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (audio, _) = common::clock_utterance(14, 30);
    let wav = common::write_wav(dir.path(), "14-30.wav", &audio);
    let mut engine = common::start_engine();
    // What was said, in digits and in words; a wrong time; the right one cut short.
    let texts = [
        "14 นาฬิกา 30 นาที",
        "สิบสี่ นาฬิกา สามสิบ นาที",
        "9 นาฬิกา 15 นาที",
        "เก้า นาฬิกา สิบห้า นาที",
        "14 นาฬิกา",
    ];
    let opts = DecodeOptions {
        constraint: Some(b.build()),
        full_context: true,
        score_texts: texts.iter().map(|t| t.to_string()).collect(),
        ..DecodeOptions::default()
    };
    let decoded = engine
        .transcribe(&wav, &opts, &mut |_| {})
        .expect("transcribe")
        .transcript;
    let scores = &decoded.scores;
    println!("{scores:#?}");
    assert_eq!(
        scores.len(),
        texts.len(),
        "one score per text, through the worker"
    );
    let score = |t: &str| {
        scores
            .iter()
            .find(|s| s.text == t)
            .map(|s| s.logp)
            .expect("scored")
    };
    for s in scores {
        assert!(s.logp.is_finite() && s.logp < 0.0, "{s:?}");
        assert!(s.tokens > 0);
    }
    let right = score(texts[0]).max(score(texts[1]));
    let wrong = score(texts[2]).max(score(texts[3]));
    assert!(right > wrong + 1.0, "right {right} against wrong {wrong}");
    assert!(
        right > score(texts[4]),
        "what was said beats it cut short (the end of text counts)"
    );
    // Scored again on the encoding the request left: the same scores, without decoding.
    let again = engine
        .transcribe(
            &wav,
            &DecodeOptions {
                reuse_encoding: true,
                ..opts.clone()
            },
            &mut |_| {},
        )
        .expect("rescore")
        .transcript;
    assert!(again.hypotheses.is_empty(), "nothing was decoded again");
    for (a, b) in again.scores.iter().zip(scores) {
        assert_eq!(a.text, b.text);
        assert!((a.logp - b.logp).abs() < 1e-3, "{a:?} against {b:?}");
    }
}

#[test]
fn free_dictation_is_read_off_the_encoding_a_constrained_decode_left() {
    if common::skip_real_model() {
        return;
    }
    let mut b = ConstraintBuilder::new();
    b.phrase(&[Slot::new("สิบสี่"), Slot::new("นาฬิกา")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (audio, _) = common::clock_utterance(14, 30);
    let spoken = common::write_wav(dir.path(), "14-30.wav", &audio);
    let mut engine = common::start_engine();
    let constrained = DecodeOptions {
        constraint: Some(b.build()),
        vad: false,
        ..DecodeOptions::default()
    };
    let free = DecodeOptions {
        constraint: None,
        reuse_encoding: true,
        ..constrained.clone()
    };
    let decoded = engine
        .transcribe(&spoken, &constrained, &mut |_| {})
        .expect("constrained")
        .transcript;
    assert_eq!(decoded.text, "สิบสี่ นาฬิกา", "the constraint's one text");
    let heard = engine
        .transcribe(&spoken, &free, &mut |_| {})
        .expect("free reading")
        .transcript;
    println!("heard {:?}", heard.text);
    // The constraint's text is not what the reading says: the minutes (and นาที) were said too.
    assert!(heard.text.contains("นาที"), "{:?}", heard.text);
    assert!(heard.hypotheses.is_empty(), "no constrained decode again");
    assert!(
        !common::foreign_script(&heard.text),
        "Thai script only in Thai dictation: {:?}",
        heard.text
    );
    assert_eq!(heard.segments.len(), 1);
}

#[test]
fn a_constraint_is_searched_on_the_encoding_by_the_models_own_belief() {
    if common::skip_real_model() {
        return;
    }
    // "27" said. On this clip whisper's constrained beams wrote "ศูนย์": once "ศ" is taken, the
    // constraint leaves only "ูนย์", which then costs nothing under it.
    let mut b = ConstraintBuilder::new();
    for text in [
        "ศูนย์",
        "เจ็ด",
        "เก้า",
        "สิบเจ็ด",
        "ยี่สิบเจ็ด",
        "เก้าสิบเจ็ด",
        "เก้าพันเก้าร้อยเก้าสิบเก้า",
    ] {
        b.phrase(&[Slot::new(text)]);
    }
    let constraint = b.build();
    let dir = tempfile::tempdir().expect("tempdir");
    let audio = common::voice()
        .phrase(&["27".to_string()], &[])
        .expect("clip");
    let wav = common::write_wav(dir.path(), "27.wav", &audio);
    let mut engine = common::start_engine();
    let constrained = DecodeOptions {
        constraint: Some(constraint.clone()),
        full_context: true,
        vad: false,
        ..DecodeOptions::default()
    };
    let decoded = engine
        .transcribe(&wav, &constrained, &mut |_| {})
        .expect("constrained")
        .transcript;
    let searched = engine
        .transcribe(
            &wav,
            &DecodeOptions {
                reuse_encoding: true,
                ..constrained.clone()
            },
            &mut |_| {},
        )
        .expect("search")
        .transcript;
    println!(
        "beams {:?}\nsearch {:?}",
        decoded.hypotheses, searched.hypotheses
    );
    let per_token = |h: &banthuek_speech::engine::Hypothesis| h.logp / (h.tokens as f32 + 1.0);
    let mut matcher = Matcher::new(constraint);
    assert!(!searched.hypotheses.is_empty());
    for h in &searched.hypotheses {
        assert!(
            matcher.accepts(&h.text),
            "{:?} is outside the constraint",
            h.text
        );
        assert!(h.logp.is_finite() && h.logp < 0.0 && h.tokens > 0, "{h:?}");
        assert_eq!(h.logp, h.raw_logp, "the search's score is the model's own");
    }
    assert!(
        searched
            .hypotheses
            .windows(2)
            .all(|w| per_token(&w[0]) >= per_token(&w[1])),
        "best per token first"
    );
    assert_eq!(
        searched.text, searched.hypotheses[0].text,
        "the best text is the transcript's"
    );
    assert!(searched.scores.is_empty());
    // By the model's own measure the search's best is believed more than the beams' first.
    let beams_first = decoded
        .hypotheses
        .first()
        .expect("the beams reached a text");
    assert!(
        per_token(&searched.hypotheses[0])
            >= beams_first.raw_logp / (beams_first.tokens as f32 + 1.0),
        "{:?} against {beams_first:?}",
        searched.hypotheses[0]
    );
}
