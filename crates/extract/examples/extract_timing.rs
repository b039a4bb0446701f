//! How long extraction takes on a long transcript: the project's cases joined to at least 100 KB,
//! extracted `RUNS` times; prints the median and the spread (no target is asserted here).
//!
//! `cargo run --release -p banthuek-extract --example extract_timing [-- RUNS]`
use std::time::{Duration, Instant};

const CASES: &str = include_str!("../tests/data/extract-cases.jsonl");
const NOISY: &str = include_str!("../tests/data/extract-noisy.jsonl");

fn transcript_of_size(lines: &str, bytes: usize) -> Result<String, serde_json::Error> {
    let mut big = String::with_capacity(bytes + 4096);
    let transcripts: Vec<String> = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .map(|v| v["transcript"].as_str().unwrap_or_default().to_owned())
        })
        .collect::<Result<_, _>>()?;
    while big.len() < bytes && !transcripts.is_empty() {
        for t in &transcripts {
            big.push_str(t);
            big.push(' ');
            if big.len() >= bytes {
                break;
            }
        }
    }
    Ok(big)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(7);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("bad date")?;
    let opts = banthuek_extract::ExtractOptions::new(today);
    for (name, lines) in [("clean", CASES), ("noisy", NOISY)] {
        let big = transcript_of_size(lines, 100 * 1024)?;
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        let mut filled = 0;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            let out = banthuek_extract::extract(&big, &opts);
            times.push(start.elapsed());
            filled = out.record.provenance.len();
        }
        times.sort();
        println!(
            "extract {name} {} KB: median {:.1} ms, min {:.1} ms, max {:.1} ms over {} runs ({filled} values filled)",
            big.len() / 1024,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3,
            times.len()
        );
    }
    Ok(())
}
