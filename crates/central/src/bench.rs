//! `banthuek-central bench`: simulated stations drain their final records concurrently through 1,
//! 2, 4… receivers on one PostgreSQL (a throwaway cluster on 127.0.0.1, fsync on), and the bench
//! prints, per receiver count, the accepted records per second, the upload time p50/p95 (one
//! upload: from the sender taking the record to its verified receipt), each receiver's peak
//! resident memory, and where the CPU went: seconds used by the receivers, by PostgreSQL (server
//! and backends) and by the senders (this process). On one small machine every part competes for
//! the same cores; the CPU split is what tells how the receivers would scale on bigger ones.
//! `--sqlite` first runs one receiver on the default SQLite storage, for comparison.
//!
//! The stations are simulated as in the scale test: each is an enrolled device with its own
//! sender, and the records are made and signed once by one fixture station.

use crate::pg_cluster::PgCluster;
use banthuek_sync::fixture::{CentralProcess, MemoryQueue, Station, SUPERVISOR};
use banthuek_sync::{Enrolment, OutboxSource as _, Sender, SyncConfig};
use serde::Serialize;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Fixture(#[from] banthuek_sync::fixture::FixtureError),
    #[error(transparent)]
    Sync(#[from] banthuek_sync::SyncError),
    #[error("{0} of the records were refused or not sent / มีบันทึก {0} รายการที่ส่งไม่สำเร็จ")]
    Incomplete(usize),
    #[error("a sender thread failed / เธรดส่งข้อมูลล้มเหลว")]
    SenderPanicked,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScaleRow {
    /// `postgres`, or `sqlite` for the default single receiver (its database in its process).
    pub backend: String,
    pub receivers: usize,
    pub stations: usize,
    pub records: usize,
    pub secs: f64,
    pub records_per_sec: f64,
    pub upload_p50_ms: f64,
    pub upload_p95_ms: f64,
    /// Peak resident memory of each receiver (VmHWM).
    pub receiver_peak_rss_mb: Vec<f64>,
    pub cpu_receivers_secs: f64,
    pub cpu_database_secs: f64,
    pub cpu_senders_secs: f64,
}

/// Clock ticks per second of `/proc/*/stat` times (USER_HZ, 100 on Linux).
const TICKS_PER_SEC: f64 = 100.0;

/// Fields of `/proc/PID/stat` after the command name: [0] is the state, [1] the parent.
fn stat_fields(pid: &str) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &text[text.rfind(')')? + 1..];
    Some(
        rest.split_whitespace()
            .skip(1)
            .map(|f| f.parse().unwrap_or(0))
            .collect(),
    )
}

pub(crate) fn parent_pid(pid: u32) -> Option<u32> {
    stat_fields(&pid.to_string())?
        .first()
        .and_then(|p| u32::try_from(*p).ok())
}

/// CPU seconds used by a process, with its reaped children when `children`.
fn cpu_secs(pid: &str, children: bool) -> f64 {
    // After the state: ppid(0) … utime(10) stime(11) cutime(12) cstime(13).
    stat_fields(pid).map_or(0.0, |f| {
        let own = f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0);
        let reaped = if children {
            f.get(12).copied().unwrap_or(0) + f.get(13).copied().unwrap_or(0)
        } else {
            0
        };
        (own + reaped) as f64 / TICKS_PER_SEC
    })
}

fn peak_rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// PostgreSQL's CPU; SQLite's is the receiver's own.
fn database_cpu(cluster: Option<&PgCluster>) -> f64 {
    let pids = cluster.map(PgCluster::pids).unwrap_or_default();
    pids.iter()
        .enumerate()
        // The postmaster's reaped children count too: backends that ended during the run.
        .map(|(i, pid)| cpu_secs(&pid.to_string(), i == 0))
        .sum()
}

fn receivers_cpu(receivers: &[CentralProcess]) -> f64 {
    receivers
        .iter()
        .filter_map(CentralProcess::pid)
        .map(|pid| cpu_secs(&pid.to_string(), false))
        .sum()
}

/// Nearest-rank percentile of sorted durations, in milliseconds.
fn percentile_ms(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (sorted.len() * p).div_ceil(100).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1000.0
}

/// Runs the bench for each count in `receivers` on PostgreSQL (first one receiver on SQLite, the
/// default, when `with_sqlite`), with `stations` × `records_per_station` records; `central` is
/// the receiver binary.
pub fn bench_scale(
    central: &Path,
    receivers: &[usize],
    with_sqlite: bool,
    stations: usize,
    records_per_station: usize,
) -> Result<Vec<ScaleRow>, BenchError> {
    let dir = std::env::temp_dir().join(format!("banthuek-bench-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut runs: Vec<(bool, usize)> = Vec::new();
    if with_sqlite {
        runs.push((false, 1));
    }
    runs.extend(receivers.iter().map(|&n| (true, n.max(1))));
    let result = run_all(
        central,
        &dir,
        &runs,
        stations.max(1),
        records_per_station.max(1),
    );
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_all(
    central: &Path,
    dir: &Path,
    runs: &[(bool, usize)],
    stations: usize,
    per_station: usize,
) -> Result<Vec<ScaleRow>, BenchError> {
    let station = Station::create(&dir.join("station"))?;
    station.queue_records(stations * per_station)?;
    let items = {
        let mut session = station.session(SUPERVISOR)?;
        session
            .next_batch(stations * per_station)
            .map_err(|e| BenchError::Sync(e.into()))?
    };
    let mut rows = Vec::new();
    for (run, &(postgres, count)) in runs.iter().enumerate() {
        let data = dir.join(format!("central-{run}"));
        let cluster = if postgres {
            Some(PgCluster::start(&[])?)
        } else {
            None
        };
        rows.push(run_one(
            central,
            &data,
            cluster.as_ref(),
            &station.ca_pem,
            &items,
            count,
            stations,
            per_station,
        )?);
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(rows)
}

#[allow(clippy::too_many_arguments)]
fn run_one(
    central: &Path,
    data: &Path,
    cluster: Option<&PgCluster>,
    ca_pem: &str,
    items: &[banthuek_sync::OutboxItem],
    receiver_count: usize,
    stations: usize,
    per_station: usize,
) -> Result<ScaleRow, BenchError> {
    let url = cluster.map(|c| c.url.as_str());
    let receivers = (0..receiver_count)
        .map(|_| CentralProcess::start_on(central, data, url, &[]))
        .collect::<Result<Vec<_>, _>>()?;
    let config = SyncConfig::default();
    let enrolments = (0..stations)
        .map(|i| {
            let receiver = &receivers[i % receivers.len()];
            let code = receiver.enrolment_code(3600)?;
            Ok(banthuek_sync::enrol(
                &receiver.url,
                &code,
                "bench",
                ca_pem,
                Some(&receiver.fingerprint),
                &config,
            )?)
        })
        .collect::<Result<Vec<Enrolment>, BenchError>>()?;

    let cpu_before = (
        receivers_cpu(&receivers),
        database_cpu(cluster),
        cpu_secs("self", false),
    );
    let started = Instant::now();
    let queues = std::thread::scope(|s| {
        let senders: Vec<_> = items
            .chunks(per_station)
            .zip(&enrolments)
            .map(|(chunk, enrolment)| {
                let config = config.clone();
                s.spawn(move || -> Result<MemoryQueue, BenchError> {
                    let mut queue = MemoryQueue::new(chunk.to_vec());
                    Sender::new(enrolment, config)?.drain(&mut queue, &mut |_| {})?;
                    Ok(queue)
                })
            })
            .collect();
        senders
            .into_iter()
            .map(|t| t.join().map_err(|_| BenchError::SenderPanicked)?)
            .collect::<Result<Vec<_>, _>>()
    })?;
    let secs = started.elapsed().as_secs_f64();
    let cpu_after = (
        receivers_cpu(&receivers),
        database_cpu(cluster),
        cpu_secs("self", false),
    );
    let accepted: usize = queues.iter().map(|q| q.receipts.len()).sum();
    if accepted != items.len() {
        return Err(BenchError::Incomplete(items.len() - accepted));
    }
    let mut times: Vec<Duration> = queues.iter().flat_map(|q| q.upload_times.clone()).collect();
    times.sort();
    Ok(ScaleRow {
        backend: if cluster.is_some() {
            "postgres"
        } else {
            "sqlite"
        }
        .into(),
        receivers: receiver_count,
        stations,
        records: accepted,
        secs,
        records_per_sec: accepted as f64 / secs,
        upload_p50_ms: percentile_ms(&times, 50),
        upload_p95_ms: percentile_ms(&times, 95),
        receiver_peak_rss_mb: receivers
            .iter()
            .filter_map(CentralProcess::pid)
            .map(peak_rss_mb)
            .collect(),
        cpu_receivers_secs: cpu_after.0 - cpu_before.0,
        cpu_database_secs: cpu_after.1 - cpu_before.1,
        cpu_senders_secs: cpu_after.2 - cpu_before.2,
    })
}

/// The figures as a table for the log and the README.
pub fn table(rows: &[ScaleRow]) -> String {
    let mut out = String::from(
        "database | receivers | stations | records | records/s | upload p50 ms | upload p95 ms | receiver peak RSS MB | CPU s: receivers / database / senders\n",
    );
    for r in rows {
        let rss: Vec<String> = r
            .receiver_peak_rss_mb
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect();
        out.push_str(&format!(
            "{} | {} | {} | {} | {:.1} | {:.0} | {:.0} | {} | {:.1} / {:.1} / {:.1}\n",
            r.backend,
            r.receivers,
            r.stations,
            r.records,
            r.records_per_sec,
            r.upload_p50_ms,
            r.upload_p95_ms,
            rss.join(", "),
            r.cpu_receivers_secs,
            r.cpu_database_secs,
            r.cpu_senders_secs
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&times, 50), 10.0);
        assert_eq!(percentile_ms(&times, 95), 19.0);
        assert_eq!(percentile_ms(&[], 95), 0.0);
    }

    #[test]
    fn this_process_has_a_parent_and_uses_cpu() {
        let me = std::process::id();
        assert!(parent_pid(me).is_some());
        let spin = Instant::now();
        let mut x = 0u64;
        while spin.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_add(1);
        }
        assert!(x > 0);
        assert!(cpu_secs("self", false) > 0.0);
    }
}
