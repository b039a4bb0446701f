//! Partial results: while an utterance is still being spoken, the worker (when idle) transcribes
//! what has been said so far; a final utterance goes first and cancels a partial in progress.
//! Fed directly (no microphone), so nothing here depends on how fast the processor is.

mod common;

use banthuek_speech::capture::{Growing, Utterance};
use banthuek_speech::live::{spawn_transcriber, LiveEvent};
use std::sync::mpsc;
use std::time::Instant;

#[test]
fn the_utterance_in_progress_gets_a_partial_then_its_final() {
    if common::skip_real_model() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (whole, reference) = common::voice()
        .times(&[(14, 30), (20, 37)])
        .expect("compose");
    let (events_tx, events) = mpsc::channel();
    let (feed, transcriber) = spawn_transcriber(
        common::start_engine(),
        dir.path().to_path_buf(),
        Default::default(),
        true,
        events_tx,
    )
    .expect("transcriber");
    // The first time has been said: the idle worker gives a partial result.
    let (first, first_ref) = common::clock_utterance(14, 30);
    feed.growing(Growing {
        index: 1,
        start_ms: 2_000,
        samples: first,
    });
    let partial = loop {
        match events.recv().expect("event") {
            LiveEvent::Partial {
                index,
                start_ms,
                text,
            } => {
                assert_eq!((index, start_ms), (1, 2_000));
                break text;
            }
            LiveEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    };
    println!("partial: {partial}");
    assert!(common::cer(&first_ref, &partial) < 0.5, "{partial}");
    // Then the whole utterance is final.
    let duration_ms = whole.len() as u64 / 16;
    feed.utterance(Utterance {
        index: 1,
        start_ms: 2_000,
        end_ms: 2_000 + duration_ms,
        samples: whole,
        speech_heard_at: Instant::now(),
        cut_at: Instant::now(),
        audio_lost: false,
    });
    drop(feed);
    let mut finals = Vec::new();
    for ev in events {
        match ev {
            LiveEvent::Final(u) => finals.push(u),
            LiveEvent::Partial { .. } => panic!("a partial after the utterance was final"),
            LiveEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    }
    let kept = transcriber.join().expect("transcriber");
    assert_eq!(finals.len(), 1);
    assert_eq!(kept.len(), 1);
    let u = &finals[0];
    println!("final: {}", u.transcript.text);
    assert!(common::cer(&reference, &u.transcript.text) < 0.4);
    // Segment times are positions in the whole recording.
    for s in &u.transcript.segments {
        assert!(
            s.start_ms >= 2_000 && s.end_ms <= 2_000 + duration_ms + 500,
            "{s:?}"
        );
    }
}

#[test]
fn a_final_cancels_the_partial_being_decoded_and_comes_first() {
    if common::skip_real_model() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (events_tx, events) = mpsc::channel();
    let (feed, transcriber) = spawn_transcriber(
        common::start_engine(),
        dir.path().to_path_buf(),
        Default::default(),
        true,
        events_tx,
    )
    .expect("transcriber");
    let (long, _) = common::voice()
        .times(&[(9, 15), (23, 45), (16, 24), (1, 9)])
        .expect("compose");
    let (short, reference) = common::clock_utterance(20, 37);
    // A long utterance in progress starts a partial; a different, final utterance arrives at
    // once and must not wait for it.
    feed.growing(Growing {
        index: 2,
        start_ms: 0,
        samples: long,
    });
    feed.utterance(Utterance {
        index: 1,
        start_ms: 0,
        end_ms: short.len() as u64 / 16,
        samples: short,
        speech_heard_at: Instant::now(),
        cut_at: Instant::now(),
        audio_lost: false,
    });
    drop(feed);
    // Whether or not the partial had started, it cannot come before the final: started, it is
    // cancelled; not started, it waits its turn.
    let mut order = Vec::new();
    let mut finals = Vec::new();
    for ev in events {
        match ev {
            LiveEvent::Final(u) => {
                order.push("final");
                finals.push(u)
            }
            LiveEvent::Partial { index, .. } => {
                assert_eq!(index, 2);
                order.push("partial");
            }
            LiveEvent::Failed { error, .. } => panic!("{error}"),
            _ => {}
        }
    }
    transcriber.join().expect("transcriber");
    println!("order: {order:?}");
    assert_eq!(order.first(), Some(&"final"));
    assert_eq!(finals.len(), 1);
    assert!(common::cer(&reference, &finals[0].transcript.text) < 0.4);
}
