//! Faults on both sides, with real processes on 127.0.0.1:
//! - 500 final records synced while `banthuek-central` answers 500 to 20 % of requests, delays
//!   10 % past the client's timeout, cuts 5 % of connections mid-body, and is SIGKILLed and
//!   restarted 5 times;
//! - the sender (a child process running the same code as `banthuek sync --once`) SIGKILLed at
//!   random moments 50 times.
//!
//! Either way every record must be accepted exactly once (one row per key on the receiver, one
//! synced row per key on the station, the same receipt on both sides), the outbox empty and every
//! receipt stored. This file has its own `main` because it starts and kills processes, including
//! copies of itself as the sender.

mod common;

use banthuek_sync::fixture::{open_session, ADMIN, SUPERVISOR};
use banthuek_sync::station::{load_enrolment, save_enrolment};
use banthuek_sync::{Sender, SyncEvent};
use common::*;
use rand::Rng as _;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHILD: &str = "--sender-child";
const RECORDS_UNDER_RECEIVER_FAULTS: usize = 500;
const RECORDS_UNDER_SENDER_KILLS: usize = 150;
const SENDER_KILLS: usize = 50;
const RECEIVER_RESTARTS: usize = 5;
/// Every scenario must end well within this; a hang fails instead of blocking CI.
const DEADLINE: Duration = Duration::from_secs(900);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD) {
        return sender_child(Path::new(&args[1]));
    }
    let tests: [(&str, fn()); 2] = [
        ("receiver_faults_and_restarts_500_records", receiver_faults),
        ("sender_killed_50_times", sender_killed),
    ];
    if args.iter().any(|a| a == "--list") {
        for (name, _) in tests {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let mut failed = 0;
    for (name, test) in tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        println!("test {name} ...");
        let started = Instant::now();
        let ok = std::panic::catch_unwind(test).is_ok();
        println!(
            "test {name} ... {} ({:.1} s)",
            if ok { "ok" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        failed += usize::from(!ok);
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn receiver_faults() {
    let mut s = setup(
        RECORDS_UNDER_RECEIVER_FAULTS,
        &[
            "--chaos-5xx",
            "0.2",
            "--chaos-delay",
            "0.1",
            "--chaos-delay-ms",
            "1500",
            "--chaos-drop",
            "0.05",
        ],
    );
    let config = banthuek_sync::SyncConfig {
        // The injected delay (1.5 s) is past this.
        request_timeout: Duration::from_secs(1),
        ..test_config()
    };
    let synced = Arc::new(AtomicUsize::new(0));
    let retries = Arc::new(AtomicUsize::new(0));
    let mut session = session(&s.station);
    let mut sender = Sender::new(&s.enrolment, config).expect("sender");
    let stop = sender.stop_flag();
    let worker = {
        let (synced, retries) = (synced.clone(), retries.clone());
        std::thread::spawn(move || {
            let report = sender.drain(&mut session, &mut |e| match e {
                SyncEvent::Synced { .. } => {
                    synced.fetch_add(1, Ordering::Relaxed);
                }
                SyncEvent::Retrying { .. } => {
                    retries.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            });
            (report, session)
        })
    };
    let started = Instant::now();
    for restart in 1..=RECEIVER_RESTARTS {
        let at = restart * RECORDS_UNDER_RECEIVER_FAULTS / (RECEIVER_RESTARTS + 1);
        while synced.load(Ordering::Relaxed) < at && started.elapsed() < DEADLINE {
            std::thread::sleep(Duration::from_millis(20));
        }
        s.central.kill();
        std::thread::sleep(Duration::from_millis(300));
        s.central.restart().expect("restart banthuek-central");
    }
    while !worker.is_finished() && started.elapsed() < DEADLINE {
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    let (report, session) = worker.join().expect("sender thread");
    let report = report.expect("drain completes");
    println!(
        "  {} records in {:.1} s, {} retries, receiver restarted {RECEIVER_RESTARTS} times",
        report.synced,
        started.elapsed().as_secs_f64(),
        retries.load(Ordering::Relaxed)
    );
    assert_eq!(report.synced, RECORDS_UNDER_RECEIVER_FAULTS);
    assert_eq!(
        synced.load(Ordering::Relaxed),
        RECORDS_UNDER_RECEIVER_FAULTS
    );
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(report.retries > 0, "faults were injected");
    assert_all_synced_once(
        s.dir.path(),
        &session,
        &s.enrolment,
        RECORDS_UNDER_RECEIVER_FAULTS,
    );
}

fn sender_killed() {
    let s = setup(RECORDS_UNDER_SENDER_KILLS, &[]);
    // The child finds its enrolment in the store, as `banthuek sync` does.
    let mut admin = s.station.session(ADMIN).expect("admin");
    save_enrolment(&mut admin, &s.enrolment).expect("save enrolment");
    drop(admin);
    let exe = std::env::current_exe().expect("own path");
    let home = s.station.home.clone();
    let spawn = || {
        Command::new(&exe)
            .arg(CHILD)
            .arg(&home)
            .spawn()
            .expect("start sender")
    };
    let mut rng = rand::thread_rng();
    for _ in 0..SENDER_KILLS {
        let mut child = spawn();
        std::thread::sleep(Duration::from_millis(rng.gen_range(10..300)));
        child.kill().expect("SIGKILL the sender");
        child.wait().expect("reap");
    }
    let session = session(&s.station);
    let before = session
        .outbox_rows()
        .expect("rows")
        .iter()
        .filter(|r| r.status == banthuek_store::OutboxStatus::Synced)
        .count();
    println!(
        "  {before} of {RECORDS_UNDER_SENDER_KILLS} synced across {SENDER_KILLS} killed senders"
    );
    let mut last = spawn();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = last.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = last.kill();
            panic!("the last sender did not finish");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the last sender drained the queue");
    assert_all_synced_once(
        s.dir.path(),
        &session,
        &s.enrolment,
        RECORDS_UNDER_SENDER_KILLS,
    );
}

/// The sender process: what `banthuek sync --once` runs, with the tests' short waits.
fn sender_child(home: &Path) -> ExitCode {
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let mut session = open_session(home, SUPERVISOR)?;
        let enrolment = load_enrolment(&session)?;
        Sender::new(&enrolment, test_config())?.drain(&mut session, &mut |_| {})?;
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sender: {e}");
            ExitCode::FAILURE
        }
    }
}
