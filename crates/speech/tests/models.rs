//! Installing models: import checks, and downloads against a real HTTP server on 127.0.0.1 that
//! can cut a transfer short, ignore Range requests, or serve the wrong bytes.

mod common;

use banthuek_speech::models::{self, ModelStore};
use banthuek_speech::SpeechError;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A fake whisper model file: a valid header (multilingual or not) followed by filler.
fn fake_model(n_vocab: i32, len: usize) -> Vec<u8> {
    let mut b = Vec::new();
    // magic, n_vocab, audio ctx/state/head/layer, text ctx/state/head/layer, n_mels, ftype
    for v in [0x6767_6d6c, n_vocab, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    let mut x: u32 = 12345;
    while b.len() < len {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        b.push((x >> 16) as u8);
    }
    b
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[derive(Clone, Copy)]
enum Behaviour {
    /// Honour Range; cut the first full transfer off after this many bytes.
    CutFirstAfter(usize),
    /// Ignore Range and always send the whole file with 200.
    NoRange,
}

/// Serves `body` at /m/ggml-test.bin until the test ends; counts requests.
fn serve(body: Vec<u8>, behaviour: Behaviour) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/m/ggml-test.bin",
        listener.local_addr().expect("addr")
    );
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let n = c.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut range_from = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range_from = v.trim().trim_end_matches('-').parse::<usize>().ok();
                }
            }
            let from = match behaviour {
                Behaviour::NoRange => 0,
                Behaviour::CutFirstAfter(_) => range_from.unwrap_or(0),
            };
            let part = &body[from.min(body.len())..];
            let head = if from > 0 {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {}-{}/{}\r\nConnection: close\r\n\r\n",
                    part.len(),
                    from,
                    body.len() - 1,
                    body.len()
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    part.len()
                )
            };
            let _ = stream.write_all(head.as_bytes());
            let send = match behaviour {
                Behaviour::CutFirstAfter(k) if n == 0 => &part[..k.min(part.len())],
                _ => part,
            };
            let _ = stream.write_all(send);
            let _ = stream.flush();
            // Drain and drop: a cut transfer ends with the connection closing early.
            let _ = stream.shutdown(std::net::Shutdown::Both);
            let mut sink = Vec::new();
            let _ = reader.read_to_end(&mut sink);
        }
    });
    (url, count)
}

#[test]
fn interrupted_download_resumes_and_installs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::open(dir.path()).expect("store");
    let body = fake_model(51865, 300_000);
    let (url, count) = serve(body.clone(), Behaviour::CutFirstAfter(100_000));
    let first = store.download(&url, &sha(&body), &mut |_, _| {});
    assert!(
        matches!(first, Err(SpeechError::Download { ref reason, .. }) if reason.contains("interrupted")),
        "{first:?}"
    );
    assert!(
        !dir.path().join("ggml-test.bin").exists(),
        "a partial file must not look installed"
    );
    let path = store
        .download(&url, &sha(&body), &mut |_, _| {})
        .expect("resumed download");
    assert_eq!(std::fs::read(&path).expect("read"), body);
    assert_eq!(count.load(Ordering::SeqCst), 2);
    assert!(store
        .list()
        .expect("list")
        .iter()
        .any(|m| m.file == "ggml-test.bin"));
    store.remove("ggml-test.bin").expect("remove");
    assert!(!path.exists());
}

#[test]
fn server_without_range_restarts_from_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::open(dir.path()).expect("store");
    let body = fake_model(51865, 200_000);
    // A stale partial file from an earlier attempt (here: wrong bytes).
    std::fs::write(dir.path().join(".ggml-test.bin.partial"), vec![7u8; 50_000]).expect("partial");
    let (url, _) = serve(body.clone(), Behaviour::NoRange);
    let path = store
        .download(&url, &sha(&body), &mut |_, _| {})
        .expect("download");
    assert_eq!(std::fs::read(&path).expect("read"), body);
}

#[test]
fn wrong_checksum_is_refused_and_nothing_installed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::open(dir.path()).expect("store");
    let body = fake_model(51865, 100_000);
    let (url, _) = serve(body, Behaviour::NoRange);
    let wrong = "0".repeat(64);
    let err = store
        .download(&url, &wrong, &mut |_, _| {})
        .expect_err("must refuse");
    assert!(matches!(err, SpeechError::Checksum { .. }), "{err:?}");
    assert!(err.to_string().contains("SHA-256"));
    assert!(store.list().expect("list").is_empty());
    assert!(!dir.path().join(".ggml-test.bin.partial").exists());
}

#[test]
fn import_checks_header_and_checksum() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = tempfile::tempdir().expect("tempdir");
    let store = ModelStore::open(dir.path()).expect("store");
    let text = src.path().join("notes.bin");
    std::fs::write(&text, "this is not a model at all, just text").expect("write");
    assert!(matches!(
        store.import(&text, None),
        Err(SpeechError::BadModel { .. })
    ));
    let good = src.path().join("ggml-station.bin");
    let body = fake_model(51865, 10_000);
    std::fs::write(&good, &body).expect("write");
    assert!(matches!(
        store.import(&good, Some(&"1".repeat(64))),
        Err(SpeechError::Checksum { .. })
    ));
    let installed = store.import(&good, Some(&sha(&body))).expect("import");
    assert_eq!(std::fs::read(installed).expect("read"), body);
    // A file that claims to be the default model but is not: the manifest's checksum catches it.
    let imposter = src.path().join("ggml-base-q8_0.bin");
    std::fs::write(&imposter, &body).expect("write");
    assert!(matches!(
        store.import(&imposter, None),
        Err(SpeechError::Checksum { .. })
    ));
}

#[test]
fn english_only_model_is_refused_for_thai() {
    let dir = tempfile::tempdir().expect("tempdir");
    let en = dir.path().join("ggml-tiny.en.bin");
    std::fs::write(&en, fake_model(51864, 4096)).expect("write");
    let err = models::check_whisper_for_thai(&en).expect_err("must refuse");
    assert!(
        matches!(err, SpeechError::EnglishOnlyModel { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("ภาษาไทย"));
}

#[test]
fn manifest_lists_default_and_production_models() {
    let m = models::Manifest::builtin().expect("manifest");
    for kind in [models::ModelKind::Whisper, models::ModelKind::Vad] {
        let d = m.default_of(kind).expect("a default of each kind");
        let sha = d.sha256.as_deref().expect("default models have a checksum");
        assert!(
            sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{sha}"
        );
    }
    for name in [
        "small-q8_0",
        "medium-q8_0",
        "large-v3-q8_0",
        "large-v3-turbo-q8_0",
    ] {
        assert!(
            m.by_name(name).is_some(),
            "{name} missing from the manifest"
        );
    }
    assert!(
        m.models
            .iter()
            .filter(|e| e.notes.contains("Thai fine-tune"))
            .count()
            >= 2
    );
}

#[test]
fn the_default_model_has_the_manifest_checksum() {
    if common::skip_real_model() {
        return;
    }
    let m = models::Manifest::builtin().expect("manifest");
    for name in ["base-q8_0", "silero-vad"] {
        let e = m.by_name(name).expect("entry");
        let path = common::models_dir().join(&e.file);
        assert!(
            path.is_file(),
            "{} missing: run scripts/get-models.sh",
            path.display()
        );
        assert_eq!(
            Some(models::sha256_file(&path).expect("sha")),
            e.sha256,
            "{name}"
        );
        assert_eq!(
            std::fs::metadata(&path).expect("meta").len(),
            e.size,
            "{name}"
        );
    }
}
