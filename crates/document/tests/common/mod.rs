//! Shared helpers: test records from the extraction dev set, poppler and pyHanko wrappers.
#![allow(dead_code)]

use banthuek_core::record::ArrestRecord;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `target/test-artifacts/document/<name>`, created.
pub fn artifacts() -> PathBuf {
    let dir = workspace().join("target/test-artifacts/document");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    dir
}

/// The expected records of `shared/eval/extract-dev.jsonl`, each with a record id, parsed as the
/// exchange format.
pub fn dev_records() -> Vec<(String, ArrestRecord)> {
    let shared = std::env::var_os("BANTHUEK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let path = shared.join("eval/extract-dev.jsonl");
    assert!(
        path.is_file(),
        "{} not found (set BANTHUEK_SHARED)",
        path.display()
    );
    let text = std::fs::read_to_string(&path).expect("read dev set");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("dev line");
            let id = v["id"].as_str().expect("id").to_owned();
            let mut expected = v["expected"].clone();
            expected["schema"] = serde_json::Value::String(banthuek_core::SCHEMA_ID.to_owned());
            expected["record_id"] = serde_json::Value::String(format!("TEST-{id}"));
            let record = ArrestRecord::from_value(expected).expect("dev record parses");
            (id, record)
        })
        .collect()
}

/// A record that may be signed today: the dev set's dates moved to yesterday.
pub fn signable(mut record: ArrestRecord) -> ArrestRecord {
    let yesterday = (chrono::Local::now().date_naive() - chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();
    if let Some(r) = record.recorded.as_mut() {
        r.date = Some(yesterday.clone());
    }
    if let Some(a) = record.arrest.as_mut() {
        a.date = Some(yesterday);
    }
    record
}

pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (install poppler-utils / pyHanko)"));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

pub fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    cmd.arg(pdf).arg("-");
    let (ok, text) = run(&mut cmd);
    assert!(ok, "pdftotext failed: {text}");
    text
}

/// Text with all whitespace removed: line breaks fall between words that had no space.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// pyHanko's command, or `None` when BANTHUEK_SKIP_PYHANKO is set. Found via BANTHUEK_PYHANKO or
/// /opt/banthuek-venv/bin/pyhanko; missing otherwise is a test failure, not a silent skip.
pub fn pyhanko() -> Option<PathBuf> {
    if std::env::var_os("BANTHUEK_SKIP_PYHANKO").is_some() {
        eprintln!("BANTHUEK_SKIP_PYHANKO set: skipping pyHanko checks");
        return None;
    }
    let path = std::env::var_os("BANTHUEK_PYHANKO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/opt/banthuek-venv/bin/pyhanko"));
    assert!(
        path.is_file(),
        "pyHanko not found at {} (set BANTHUEK_PYHANKO, or BANTHUEK_SKIP_PYHANKO to skip)",
        path.display()
    );
    Some(path)
}
