//! Dictation read into a record in a real encrypted store: what free dictation and field
//! dictation change, what they never touch, where each value's audio is, and what a crash
//! leaves for the person who dictated. The finals are given as text (what the speech engine
//! returns); the engine itself is exercised by the app's and the CLI's speech tests.

use banthuek_core::provenance::Flags;
use banthuek_core::record::{ArrestRecord, Provenance, Source, LOW_CONFIDENCE};
use banthuek_core::Role;
use banthuek_dictation::test_support::{save_dictated, tone_wav, wav_ms};
use banthuek_dictation::{
    cut_wav, left_over, merge, recording_mime, recovery_root, resumable, timing_of, value_clip,
    Dictation, DictationError, Final, Heard, Recording, RecoveryMeta,
};
use banthuek_speech::engine::Segment;
use banthuek_spoken::{FieldType, SpokenField};
use banthuek_store::{KdfParams, Session, Store, StoreOptions, VersionSource};
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

const PASSWORD: &str = "correct horse battery";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
}

/// A store with an administrator and two officers; returns the first officer's session.
fn store(home: &Path) -> Session {
    let opts = StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: Default::default(),
    };
    let (mut admin, _) = Store::init(home, "admin", PASSWORD, opts).expect("init");
    for name in ["somsak", "malee"] {
        admin
            .add_user(name, Role::Officer, PASSWORD, None, None)
            .expect("officer");
    }
    drop(admin);
    login(home, "somsak")
}

fn login(home: &Path, user: &str) -> Session {
    Store::open(home)
        .expect("open")
        .unlock(user, PASSWORD)
        .expect("unlock")
}

fn segment(text: &str, start_ms: u64, end_ms: u64) -> Segment {
    Segment {
        start_ms,
        end_ms,
        text: text.to_owned(),
        tokens: Vec::new(),
    }
}

#[test]
fn dictated_values_never_overwrite_what_a_person_typed() {
    let mut draft = ArrestRecord::default()
        .with_field("/arrest/time", "\"09:00\"")
        .expect("field");
    draft
        .provenance
        .insert("/arrest/time".into(), Provenance::typed());
    let text = "ได้จับกุมตัว นายเอกพล มั่นใจ จับกุมเมื่อวันที่ 19 พฤศจิกายน 2569 เวลา 14.30 น. ที่หน้าสวนลุมพินี";
    let heard = banthuek_extract::extract(text, &banthuek_extract::ExtractOptions::new(today()));
    let heard_time = heard.record.arrest.as_ref().and_then(|a| a.time.clone());
    assert_eq!(
        heard_time.as_deref(),
        Some("14:30"),
        "extractor read the time"
    );
    let (merged, filled) = merge(&draft, &heard.record, Some("rec-1"));
    let arrest = merged.arrest.clone().expect("arrest");
    assert_eq!(arrest.time.as_deref(), Some("09:00"), "typed value kept");
    assert!(!filled.contains(&"/arrest/time".to_owned()));
    assert_eq!(arrest.date.as_deref(), Some("2026-11-19"));
    assert!(filled.contains(&"/arrest/date".to_owned()));
    let p = &merged.provenance["/arrest/date"];
    assert_eq!(p.source, Source::Dictated);
    assert_eq!(p.audio(), Some("rec-1"));
    // A later utterance may correct a value that was only heard, not confirmed.
    let (again, filled) = merge(&merged, &heard.record, Some("rec-2"));
    assert!(filled.is_empty(), "same values: nothing to change");
    assert_eq!(again, merged);
    // A confirmed dictated value is the officer's now: a new hearing does not replace it.
    let mut confirmed = merged.clone();
    confirmed
        .provenance
        .get_mut("/arrest/date")
        .expect("date provenance")
        .set_confirmed();
    let other = banthuek_extract::extract(
        "จับกุมเมื่อวันที่ 20 พฤศจิกายน 2569",
        &banthuek_extract::ExtractOptions::new(today()),
    );
    let (kept, filled) = merge(&confirmed, &other.record, Some("rec-3"));
    assert_eq!(
        kept.arrest.and_then(|a| a.date).as_deref(),
        Some("2026-11-19")
    );
    assert!(!filled.contains(&"/arrest/date".to_owned()));
}

#[test]
fn each_segment_keeps_its_span_in_the_transcript_and_the_recording() {
    let text = "เวลา 14.30 น. ที่หน้าสวนลุมพินี";
    let segments = [
        segment(" เวลา 14.30 น.", 1000, 2400),
        segment(" ที่หน้าสวนลุมพินี", 2400, 4000),
    ];
    let timing = timing_of(text, 10, &segments, [1000, 4000]);
    assert_eq!(timing.len(), 2);
    assert_eq!((timing[0].char_start, timing[0].char_end), (10, 23));
    assert_eq!(
        (timing[0].audio_start_ms, timing[0].audio_end_ms),
        (1000, 2400)
    );
    assert_eq!((timing[1].char_start, timing[1].char_end), (24, 41));
    // Words the transcript does not hold: the whole utterance has the whole span.
    let lost = timing_of(text, 0, &[segment("อื่น", 0, 5)], [1000, 4000]);
    assert_eq!(lost.len(), 1);
    assert_eq!((lost[0].char_start, lost[0].char_end), (0, 31));
    assert_eq!((lost[0].audio_start_ms, lost[0].audio_end_ms), (1000, 4000));
}

#[test]
fn free_dictation_is_read_into_the_stored_draft_utterance_by_utterance() {
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    // The officer typed the place before dictating.
    let typed = session
        .record(&id)
        .expect("record")
        .record
        .with_field("/arrest/place", "\"ตลาดวโรรส\"")
        .expect("place");
    let mut typed = typed;
    typed
        .provenance
        .insert("/arrest/place".into(), Provenance::typed());
    session
        .save_version(&id, typed, VersionSource::Typed, "typed")
        .expect("typed saved");

    let mut dictation = Dictation::new(&id, None, Some("rec-1".into()));
    let first = "จับกุมเมื่อวันที่ 19 พฤศจิกายน 2569";
    let filled = dictation
        .hear(
            &mut session,
            Final {
                text: first,
                segments: &[segment(first, 0, 2500)],
                span: Some([0, 2500]),
                audio_lost: false,
            },
            today(),
            "dictation",
        )
        .expect("first utterance");
    assert_eq!(filled, vec!["/arrest/date".to_owned()]);
    let second = "เวลา 14.30 น. ที่หน้าสวนลุมพินี";
    let filled = dictation
        .hear(
            &mut session,
            Final {
                text: second,
                segments: &[
                    segment("เวลา 14.30 น.", 3000, 4200),
                    segment("ที่หน้าสวนลุมพินี", 4200, 5500),
                ],
                span: Some([3000, 5500]),
                audio_lost: false,
            },
            today(),
            "dictation",
        )
        .expect("second utterance");
    assert!(filled.contains(&"/arrest/time".to_owned()), "{filled:?}");
    assert!(
        !filled.contains(&"/arrest/place".to_owned()),
        "the typed place is the officer's: {filled:?}"
    );
    assert_eq!(dictation.heard().transcript(), format!("{first} {second}"));

    let stored = session.record(&id).expect("record");
    let arrest = stored.record.arrest.clone().expect("arrest");
    assert_eq!(arrest.date.as_deref(), Some("2026-11-19"));
    assert_eq!(arrest.time.as_deref(), Some("14:30"));
    assert_eq!(arrest.place.as_deref(), Some("ตลาดวโรรส"));
    let time = &stored.record.provenance["/arrest/time"];
    assert_eq!(time.source, Source::Dictated);
    assert_eq!(time.audio(), Some("rec-1"));
    assert_eq!(time.audio_ms, Some([3000, 4200]), "the time's own segment");
    let history = session.history(&id).expect("history");
    let last = history.versions.last().expect("a version");
    assert_eq!(last.source, VersionSource::Machine.as_str());
    assert_eq!(history.versions.len(), 4, "new, typed, two utterances");

    // Nothing said: nothing saved.
    let filled = dictation
        .hear(
            &mut session,
            Final {
                text: "  ",
                segments: &[],
                span: Some([6000, 6100]),
                audio_lost: false,
            },
            today(),
            "dictation",
        )
        .expect("silence");
    assert!(filled.is_empty());
    assert_eq!(session.history(&id).expect("history").versions.len(), 4);
}

#[test]
fn dictation_into_one_field_fills_that_field_only_or_says_it_was_not_understood() {
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    let mut dictation = Dictation::new(&id, Some("/arrest/time".into()), Some("rec-f".into()));
    let text = "สิบสี่นาฬิกาสามสิบนาที วันที่ 19 พฤศจิกายน 2569";
    let filled = dictation
        .hear(
            &mut session,
            Final {
                text,
                segments: &[],
                span: Some([0, 3000]),
                audio_lost: false,
            },
            today(),
            "dictation",
        )
        .expect("heard");
    assert_eq!(filled, vec!["/arrest/time".to_owned()]);
    let record = session.record(&id).expect("record").record;
    let arrest = record.arrest.clone().expect("arrest");
    assert_eq!(arrest.time.as_deref(), Some("14:30"));
    assert_eq!(arrest.date, None, "only the field dictated into");
    assert_eq!(record.provenance["/arrest/time"].audio(), Some("rec-f"));

    let refused = dictation
        .hear(
            &mut session,
            Final {
                text: "ผู้ต้องหาให้การรับสารภาพ",
                segments: &[],
                span: Some([3000, 5000]),
                audio_lost: false,
            },
            today(),
            "dictation",
        )
        .unwrap_err();
    assert!(
        matches!(&refused, DictationError::NotUnderstood { pointer } if pointer == "/arrest/time"),
        "{refused:?}"
    );
    assert!(!refused.to_string().contains("/arrest"), "{refused}");
}

fn spoken(value: Option<serde_json::Value>, confident: bool, confidence: f32) -> SpokenField {
    SpokenField {
        field: FieldType::Time,
        value,
        confident,
        confidence,
        alternatives: Vec::new(),
        heard: "สิบสี่นาฬิกาสามสิบนาที".into(),
    }
}

#[test]
fn a_typed_fields_spoken_value_is_flagged_unless_sure_and_silence_fills_nothing() {
    let draft = ArrestRecord::default();
    let mut heard = Heard::new(Some("/arrest/time".into()), Some("rec-t".into()));
    let sure = heard
        .read_field(
            &draft,
            "/arrest/time",
            &spoken(Some(json!("14:30")), true, 0.7),
            [500, 2000],
        )
        .expect("sure");
    let p = &sure.record.provenance["/arrest/time"];
    assert_eq!(
        sure.record.arrest.and_then(|a| a.time).as_deref(),
        Some("14:30")
    );
    assert!(p.confidence.expect("confidence") >= LOW_CONFIDENCE);
    assert_eq!(p.audio_ms, Some([500, 2000]));
    assert_eq!(p.audio(), Some("rec-t"));
    assert_eq!(p.transcript_span, Some([0, 22]));

    let unsure = heard
        .read_field(
            &draft,
            "/arrest/time",
            &spoken(Some(json!("14:30")), false, 0.95),
            [2500, 4000],
        )
        .expect("unsure");
    let p = &unsure.record.provenance["/arrest/time"];
    assert!(
        p.confidence.expect("confidence") < LOW_CONFIDENCE,
        "flagged for review"
    );
    assert_eq!(
        p.transcript_span,
        Some([23, 45]),
        "after the first utterance"
    );

    let silence = heard.read_field(&draft, "/arrest/time", &spoken(None, false, 0.0), [0, 0]);
    assert!(matches!(silence, Err(DictationError::NothingHeard)));
}

#[test]
fn a_house_number_said_with_its_moo_fills_both_parts_of_the_address() {
    let draft = ArrestRecord::default();
    let mut heard = Heard::new(None, None);
    let house = "/arrestees/0/address_parts/house_number";
    let said = |value: &str| SpokenField {
        field: FieldType::HouseNumber,
        value: Some(json!(value)),
        confident: false,
        confidence: 0.5,
        alternatives: Vec::new(),
        heard: "บ้านเลขที่ ร้อยยี่สิบสาม ทับ สี่สิบห้า หมู่ ห้า".into(),
    };
    let both = heard
        .read_field(&draft, house, &said("123/45 หมู่ 5"), [0, 1000])
        .expect("house number and moo");
    let doc = both.record.to_value();
    let parts = &doc["arrestees"][0]["address_parts"];
    assert_eq!(parts["house_number"], json!("123/45"));
    assert_eq!(parts["moo"], json!("5"), "a text, as the schema keeps it");
    assert_eq!(both.filled, [house, "/arrestees/0/address_parts/moo"]);
    for pointer in &both.filled {
        assert!(
            both.record.provenance[pointer.as_str()]
                .confidence
                .expect("confidence")
                < LOW_CONFIDENCE,
            "both flagged as the value was"
        );
    }

    let alone = heard
        .read_field(&draft, house, &said("77"), [0, 1000])
        .expect("house number alone");
    let doc = alone.record.to_value();
    assert_eq!(
        doc["arrestees"][0]["address_parts"]["house_number"],
        json!("77"),
        "a number-like house number stays a text"
    );
    assert_eq!(alone.filled, [house]);
}

#[test]
fn a_recording_goes_into_the_store_and_its_folder_goes() {
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    let recording =
        Recording::begin(home.path(), &id, Some("/arrest/time"), "somsak").expect("begun");
    assert!(recording
        .dir()
        .starts_with(recovery_root(home.path()).join(&id)));
    std::fs::write(recording.evidence(), tone_wav(1.5)).expect("recorded");
    assert_eq!(recording.audio_seconds(), 1.5);
    recording.store(&mut session).expect("stored");
    assert!(!recovery_root(home.path()).join(&id).exists());
    let audio = session.list_audio(&id).expect("audio");
    assert_eq!(audio.len(), 1);
    assert_eq!(audio[0].mime, recording_mime(&recording.meta().recording));
    assert_eq!(
        session.audio(&audio[0].id).expect("bytes").1,
        tone_wav(1.5),
        "byte for byte"
    );

    // A header with no samples: nothing was said, nothing kept.
    let silent = Recording::begin(home.path(), &id, None, "somsak").expect("begun");
    std::fs::write(silent.evidence(), tone_wav(0.0)).expect("header only");
    silent.store(&mut session).expect("stored");
    assert_eq!(session.list_audio(&id).expect("audio").len(), 1);
}

fn left(home: &Path, id: &str, recording: &str, user: &str, started_at: &str) -> Recording {
    let r = Recording::write(
        home,
        RecoveryMeta {
            record_id: id.to_owned(),
            recording: recording.to_owned(),
            pointer: None,
            user: user.to_owned(),
            started_at: started_at.to_owned(),
        },
    )
    .expect("left");
    std::fs::write(r.evidence(), tone_wav(1.0)).expect("evidence");
    r
}

#[test]
fn a_left_recording_is_resumable_only_by_the_officer_who_dictated_it_into_their_own_record() {
    let home = tempfile::tempdir().expect("home");
    let mut somsak = store(home.path());
    let own = somsak
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new")
        .expect("record");
    drop(somsak);
    let mut malee = login(home.path(), "malee");
    let hers = malee
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new")
        .expect("record");
    drop(malee);
    let later = left(home.path(), &own, "rec-b", "somsak", "2026-11-25T10:05:00Z");
    left(home.path(), &own, "rec-a", "somsak", "2026-11-25T10:00:00Z");
    left(home.path(), &hers, "rec-c", "malee", "2026-11-25T10:01:00Z");
    // Not a recording of ours: ignored.
    std::fs::create_dir_all(recovery_root(home.path()).join(&own).join("stray")).expect("stray");

    let found = left_over(home.path(), None);
    let names: Vec<&str> = found.iter().map(|r| r.meta().recording.as_str()).collect();
    assert_eq!(names, ["rec-a", "rec-c", "rec-b"], "oldest first");
    let being_recorded = left_over(home.path(), Some(later.dir()));
    assert_eq!(being_recorded.len(), 2);

    let somsak = login(home.path(), "somsak");
    let offered = resumable(&somsak, left_over(home.path(), None));
    let names: Vec<&str> = offered
        .iter()
        .map(|r| r.meta().recording.as_str())
        .collect();
    assert_eq!(names, ["rec-a", "rec-b"], "never another officer's");
    drop(somsak);
    let malee = login(home.path(), "malee");
    let offered = resumable(&malee, left_over(home.path(), None));
    assert_eq!(offered.len(), 1);
    assert_eq!(offered[0].meta().record_id, hers);
}

#[test]
fn a_values_audio_is_cut_from_its_recording_in_the_store_or_still_on_disk() {
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    let mut record = ArrestRecord::default()
        .with_field("/arrest/time", "\"14:30\"")
        .expect("time")
        .with_field("/arrest/date", "\"2026-11-19\"")
        .expect("date");
    for (pointer, recording) in [("/arrest/time", "rec-stored"), ("/arrest/date", "rec-disk")] {
        let mut p = Provenance {
            source: Source::Dictated,
            transcript_span: Some([0, 20]),
            audio_ms: Some([1000, 2000]),
            confidence: Some(0.95),
            extra: Default::default(),
        };
        p.set_audio(recording);
        record.provenance.insert(pointer.into(), p);
    }
    session
        .save_version(&id, record, VersionSource::Machine, "dictation")
        .expect("saved");
    session
        .put_audio(&id, &recording_mime("rec-stored"), &tone_wav(3.0))
        .expect("stored audio");

    let clip = value_clip(&session, home.path(), &id, "/arrest/time").expect("clip");
    assert_eq!(clip.span, [1000, 2000]);
    assert_eq!(
        wav_ms(&clip.wav),
        1500,
        "the span and a quarter second either side"
    );

    // Still recording (or waiting to be resumed): cut from the file on disk.
    let missing = value_clip(&session, home.path(), &id, "/arrest/date").unwrap_err();
    assert!(
        matches!(missing, DictationError::RecordingMissing),
        "{missing:?}"
    );
    left(
        home.path(),
        &id,
        "rec-disk",
        "somsak",
        "2026-11-25T10:00:00Z",
    );
    let clip = value_clip(&session, home.path(), &id, "/arrest/date").expect("clip on disk");
    assert_eq!(
        wav_ms(&clip.wav),
        250,
        "from 750 ms to the end of the one-second recording"
    );

    let not_dictated = value_clip(&session, home.path(), &id, "/arrest/place").unwrap_err();
    assert!(matches!(not_dictated, DictationError::NotDictated { .. }));
    assert_eq!(
        wav_ms(&cut_wav(&tone_wav(1.0), [800, 5000]).expect("cut")),
        450
    );
    assert!(matches!(
        cut_wav(b"not a wav", [0, 10]),
        Err(DictationError::BadAudio(_))
    ));
}

/// `banthuek start` reads a whole transcript into an empty draft the way the app reads each
/// utterance: for every extraction case, what the reading gives is exactly what the extractor
/// read (nothing dropped on the way through the merge).
#[test]
fn a_transcript_read_into_an_empty_draft_keeps_everything_the_extractor_read() {
    let cases = include_str!("../../extract/tests/data/extract-cases.jsonl");
    let mut read = 0;
    for line in cases.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("case");
        let text = case["transcript"].as_str().expect("transcript");
        let today = NaiveDate::parse_from_str(case["today"].as_str().expect("today"), "%Y-%m-%d")
            .expect("today");
        let extracted =
            banthuek_extract::extract(text, &banthuek_extract::ExtractOptions::new(today));
        let change = Heard::new(None, None)
            .read(
                &ArrestRecord::default(),
                Final {
                    text,
                    segments: &[],
                    span: None,
                    audio_lost: false,
                },
                today,
            )
            .expect("read");
        let (got, want) = (
            banthuek_dictation::leaves(&change.record.to_value()),
            banthuek_dictation::leaves(&extracted.record.to_value()),
        );
        let differ: Vec<_> = want
            .iter()
            .filter(|(k, v)| got.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}: {v} ≠ {:?}", got.get(k)))
            .chain(
                got.keys()
                    .filter(|k| !want.contains_key(*k))
                    .map(|k| format!("{k} extra")),
            )
            .collect();
        assert!(differ.is_empty(), "case {}: {differ:?}", case["id"]);
        assert_eq!(change.record, extracted.record, "case {}", case["id"]);
        assert_eq!(change.suggestions.len(), extracted.suggestions.len());
        read += 1;
    }
    assert!(read > 30, "the cases were found");
}

#[test]
fn a_save_made_from_an_older_version_keeps_what_dictation_saved_meanwhile_or_is_refused() {
    use banthuek_dictation::{as_seen, save_edit, EditError, SaveError};
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    let seen = session.record(&id).expect("record");
    let mut page = as_seen(&seen.record);
    page["arrest"] = json!({"place": "ตลาดวโรรส", "time": "14.30"});
    // Dictation saved the date after the page last read the record.
    save_dictated(&mut session, &id, "/arrest/date", "\"2026-11-19\"", 0.95);
    let saved = save_edit(&mut session, &id, &page, seen.version, "typed", today())
        .expect("saved")
        .expect("a new version");
    let now = session.record(&id).expect("record");
    assert_eq!(now.version, saved);
    let arrest = now.record.arrest.clone().expect("arrest");
    assert_eq!(arrest.date.as_deref(), Some("2026-11-19"), "dictation kept");
    assert_eq!(
        arrest.time.as_deref(),
        Some("14:30"),
        "typed 14.30, stored 14:30"
    );
    assert_eq!(arrest.place.as_deref(), Some("ตลาดวโรรส"));
    assert_eq!(now.record.provenance["/arrest/time"].source, Source::Typed);
    assert_eq!(
        now.source,
        VersionSource::Edited.as_str(),
        "holds a dictated value"
    );

    // Nothing changed: nothing saved.
    let same = as_seen(&now.record);
    assert_eq!(
        save_edit(&mut session, &id, &same, now.version, "", today()).expect("unchanged"),
        None
    );

    // The same field changed by both: refused, the dictated value stays.
    save_dictated(&mut session, &id, "/arrest/time", "\"15:00\"", 0.95);
    let mut stale = same.clone();
    stale["arrest"]["time"] = json!("16.00");
    let refused = save_edit(&mut session, &id, &stale, now.version, "typed", today()).unwrap_err();
    assert!(
        matches!(&refused, SaveError::Edit(EditError::Conflict(f)) if f == &["/arrest/time"]),
        "{refused:?}"
    );
    let kept = session.record(&id).expect("record").record;
    assert_eq!(kept.arrest.and_then(|a| a.time).as_deref(), Some("15:00"));
}

#[test]
fn confirming_a_doubtful_dictated_value_keeps_it_dictated_and_clears_the_flag() {
    use banthuek_dictation::{confirm, confirm_all, low_confidence, SaveError};
    let home = tempfile::tempdir().expect("home");
    let mut session = store(home.path());
    let id = session
        .create_record(ArrestRecord::default(), VersionSource::Typed, "new record")
        .expect("record");
    save_dictated(&mut session, &id, "/arrest/time", "\"14:30\"", 0.5);
    save_dictated(&mut session, &id, "/arrest/date", "\"2026-11-19\"", 0.6);
    save_dictated(&mut session, &id, "/arrest/place", "\"ตลาดวโรรส\"", 0.95);
    let record = session.record(&id).expect("record").record;
    let mut flagged = low_confidence(&record);
    flagged.sort();
    assert_eq!(flagged, ["/arrest/date", "/arrest/time"]);

    assert!(confirm(&mut session, &id, "/arrest/time").expect("confirmed"));
    assert!(!confirm(&mut session, &id, "/arrest/time").expect("already"));
    let record = session.record(&id).expect("record").record;
    assert_eq!(low_confidence(&record), ["/arrest/date"]);
    let p = &record.provenance["/arrest/time"];
    assert_eq!(p.source, Source::Dictated);
    assert!(p.is_confirmed());
    assert!(matches!(
        confirm(&mut session, &id, "/circumstances"),
        Err(SaveError::NothingToConfirm { .. })
    ));

    assert!(confirm_all(&mut session, &id).expect("all"));
    assert!(!confirm_all(&mut session, &id).expect("none left"));
    let record = session.record(&id).expect("record").record;
    assert!(low_confidence(&record).is_empty());
}

/// Sound the capture lost may have held a word of a value: every value heard in such an
/// utterance waits for the officer, in free dictation as in dictation into a field; the values
/// of the other utterances keep their confidence.
#[test]
fn values_heard_where_sound_was_lost_are_flagged() {
    // `text` said over `span` (ms) into `draft`, its sound whole or not.
    let hear = |heard: &mut Heard, draft: &ArrestRecord, text: &str, span: [u64; 2], lost| {
        let utterance = Final {
            text,
            segments: &[segment(text, span[0], span[1])],
            span: Some(span),
            audio_lost: lost,
        };
        heard.read(draft, utterance, today()).expect("read").record
    };
    let mut heard = Heard::new(None, None);
    let draft = hear(
        &mut heard,
        &ArrestRecord::default(),
        "จับกุมเมื่อวันที่ 19 พฤศจิกายน 2569",
        [0, 2500],
        false,
    );
    let record = hear(&mut heard, &draft, "เวลา 14.30 น.", [3000, 4200], true);
    let confidence = |pointer: &str| record.provenance[pointer].confidence;
    assert_eq!(
        record.arrest.as_ref().and_then(|a| a.time.as_deref()),
        Some("14:30")
    );
    assert!(confidence("/arrest/time").is_some_and(|c| c < LOW_CONFIDENCE));
    assert!(confidence("/arrest/date").is_none_or(|c| c >= LOW_CONFIDENCE));

    let mut into_place = Heard::new(Some("/arrest/place".into()), None);
    let place = "หน้าสวนลุมพินี";
    let record = hear(
        &mut into_place,
        &ArrestRecord::default(),
        place,
        [0, 1500],
        true,
    );
    assert!(record.provenance["/arrest/place"]
        .confidence
        .is_some_and(|c| c < LOW_CONFIDENCE));
}
