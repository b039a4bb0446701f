//! `banthuek bench sync`: time to drain a queue of final records over loopback, and the sender's
//! memory while it drains (it must stay flat: one record in memory at a time).

use crate::fixture::{CentralProcess, Station, SUPERVISOR};
use crate::{Sender, SyncConfig, SyncEvent};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize)]
pub struct SyncBench {
    pub records: usize,
    pub setup_secs: f64,
    pub drain_secs: f64,
    pub records_per_sec: f64,
    pub rss_start_mb: f64,
    pub rss_peak_mb: f64,
    /// Resident memory after each quarter of the queue was sent.
    pub rss_by_quarter_mb: Vec<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("banthuek-central not found next to this program; build it or set BANTHUEK_CENTRAL")]
    NoCentral,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Fixture(#[from] crate::fixture::FixtureError),
    #[error(transparent)]
    Sync(#[from] crate::SyncError),
    #[error("{0} records were not synced")]
    Incomplete(usize),
}

/// `BANTHUEK_CENTRAL`, else `banthuek-central` in the directory of the running program.
pub fn central_binary() -> Result<PathBuf, BenchError> {
    if let Some(path) = std::env::var_os("BANTHUEK_CENTRAL") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let candidate = exe
        .parent()
        .map(|dir| dir.join("banthuek-central"))
        .ok_or(BenchError::NoCentral)?;
    if candidate.is_file() {
        Ok(candidate)
    } else {
        Err(BenchError::NoCentral)
    }
}

/// Resident set size of this process in bytes (Linux), 0 where unknown.
pub fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Queues `records` final records in a fresh station, starts `central` on loopback, enrols, and
/// times the drain while sampling this process's memory every 20 ms.
pub fn bench_sync(central: &Path, records: usize) -> Result<SyncBench, BenchError> {
    let dir = std::env::temp_dir().join(format!("banthuek-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let result = run(central, &dir, records.max(1));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(central_bin: &Path, dir: &Path, records: usize) -> Result<SyncBench, BenchError> {
    let setup = Instant::now();
    let (ca_pem, home) = {
        let station = Station::create(&dir.join("station"))?;
        station.queue_records(records)?;
        (station.ca_pem.clone(), station.home.clone())
    };
    let central = CentralProcess::start(central_bin, &dir.join("central"), &[])?;
    let code = central.enrolment_code(3600)?;
    let enrolment = crate::enrol(
        &central.url,
        &code,
        "bench",
        &ca_pem,
        Some(&central.fingerprint),
        &SyncConfig::default(),
    )?;
    let station = crate::fixture::open_session(&home, SUPERVISOR)?;
    let setup_secs = setup.elapsed().as_secs_f64();

    let mut session = station;
    let mut sender = Sender::new(&enrolment, SyncConfig::default())?;
    let peak = Arc::new(AtomicU64::new(rss_bytes()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let rss_start = rss_bytes();
    let mut by_quarter = Vec::new();
    let mut synced = 0usize;
    let started = Instant::now();
    let report = sender.drain(&mut session, &mut |event| {
        if let SyncEvent::Synced { .. } = event {
            synced += 1;
            // Crossed a quarter of the queue.
            if synced * 4 / records > (synced - 1) * 4 / records {
                by_quarter.push(mb(rss_bytes()));
            }
        }
    })?;
    let drain_secs = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    if report.synced != records {
        return Err(BenchError::Incomplete(records - report.synced));
    }
    Ok(SyncBench {
        records,
        setup_secs,
        drain_secs,
        records_per_sec: records as f64 / drain_secs,
        rss_start_mb: mb(rss_start),
        rss_peak_mb: mb(peak.load(Ordering::Relaxed).max(rss_start)),
        rss_by_quarter_mb: by_quarter,
    })
}
