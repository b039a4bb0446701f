//! Kill a writer with SIGKILL at random points, 200 times, and find the store sound: SQLite's
//! integrity check passes, the audit chain is whole, no version is half-written, and every
//! queued record has its outbox row. The writer is this test binary re-run with an env var.

mod common;

use banthuek_core::{Role, Status};
use banthuek_store::{Session, Store, VersionSource};
use common::*;
use rand::Rng;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const WRITER_HOME: &str = "BANTHUEK_CRASH_WRITER_HOME";
const KILLS: usize = 200;
const READY: &str = "crash-writer-ready";
/// Kills land anywhere in the first few write cycles after the writer is ready.
const MAX_DELAY_US: u64 = 150_000;

fn unlock(home: &Path, user: &str) -> Session {
    Store::open_with(home, opts())
        .unwrap()
        .unlock(user, PASSWORD)
        .unwrap()
}

/// The writer: does every kind of write in a loop until it is killed. Does nothing in a normal
/// test run.
#[test]
fn crash_writer() {
    let Ok(home) = std::env::var(WRITER_HOME) else {
        return;
    };
    let home = Path::new(&home);
    let mut officer = unlock(home, "somsak");
    let mut boss = unlock(home, "boss");
    // Compile the schema validator before the kills start, so they land in writes.
    let _ = complete_record();
    // libtest has already printed "test crash_writer ... " on this line.
    println!("{READY}");
    let mut rng = rand::thread_rng();
    let audio = vec![0x42u8; 64 * 1024];
    loop {
        let id = officer
            .create_record(complete_record(), VersionSource::Machine, "machine draft")
            .unwrap();
        officer.put_audio(&id, "audio/wav", &audio).unwrap();
        for i in 0..rng.gen_range(1..4) {
            let rec = complete_record()
                .with_field("/circumstances", &format!("แก้ไขครั้งที่ {i}"))
                .unwrap();
            officer
                .save_version(&id, rec, VersionSource::Edited, "fix")
                .unwrap();
        }
        officer.submit(&id, None, Some(b"%PDF signed")).unwrap();
        boss.approve(&id, None).unwrap();
        boss.countersign(&id, b"%PDF countersigned").unwrap();
        let key = format!("{id}:{}", boss.record(&id).unwrap().version);
        boss.outbox_mark_sending(&key).unwrap();
        boss.outbox_mark_synced(&key, "{}").unwrap();
    }
}

fn check_sound(home: &Path) {
    let s = unlock(home, "admin");
    assert_eq!(s.integrity_check().unwrap(), "ok");
    let chain = s.audit_verify().unwrap();
    assert!(chain.is_whole(), "{:?}", chain.first_bad);
    let faults = s.verify_versions().unwrap();
    assert!(faults.is_empty(), "{faults:?}");
    let rows = s.outbox_rows().unwrap();
    for r in s.list_records(None).unwrap() {
        let queued = rows.iter().any(|o| o.record_id == r.id);
        let final_ = matches!(r.status, Status::Queued | Status::Synced);
        assert_eq!(
            queued, final_,
            "record {} is {} with outbox row: {queued}",
            r.id, r.status
        );
        if r.status == Status::Synced {
            assert!(rows
                .iter()
                .any(|o| o.record_id == r.id && o.status == banthuek_store::OutboxStatus::Synced));
        }
    }
}

#[test]
fn a_writer_killed_200_times_leaves_a_sound_store() {
    if std::env::var(WRITER_HOME).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let (mut admin, _) = Store::init(home, "admin", PASSWORD, opts()).unwrap();
    admin
        .add_user("somsak", Role::Officer, PASSWORD, None, None)
        .unwrap();
    admin
        .add_user("boss", Role::Supervisor, PASSWORD, None, None)
        .unwrap();
    drop(admin);

    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::thread_rng();
    for round in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_writer", "--nocapture", "--test-threads=1"])
            .env(WRITER_HOME, home)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut ready = false;
        for line in BufReader::new(stdout).lines() {
            if line.unwrap().contains(READY) {
                ready = true;
                break;
            }
        }
        assert!(
            ready,
            "round {round}: the writer could not open the store after the last kill"
        );
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..MAX_DELAY_US)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        if round % 50 == 49 {
            check_sound(home);
        }
    }
    check_sound(home);
    let s = unlock(home, "admin");
    let records = s.list_records(None).unwrap();
    assert!(
        records.len() > KILLS / 10,
        "the writer made too little progress to test anything: {}",
        records.len()
    );
}
