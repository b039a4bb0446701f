//! Writes the noisy evaluation set: every clean case rewritten the way a small speech model prints
//! it (see `tests/noise/mod.rs`), `VARIANTS` times with different seeds, same expected record.
//!
//! `cargo run -p banthuek-extract --example noisy_cases -- tests/data/extract-cases.jsonl 3 \
//!    > tests/data/extract-noisy.jsonl`
use std::io::Write;

#[path = "../tests/noise/mod.rs"]
mod noise;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: noisy_cases CASES.jsonl [VARIANTS]")?;
    let variants: u64 = args.next().map(|v| v.parse()).transpose()?.unwrap_or(3);
    let cases = std::fs::read_to_string(&path)?;
    let mut out = std::io::stdout().lock();
    for (k, line) in cases.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let case: serde_json::Value = serde_json::from_str(line)?;
        let transcript = case["transcript"]
            .as_str()
            .ok_or("case without transcript")?;
        for v in 0..variants {
            let seed = (k as u64) << 8 | v;
            let mut noisy = case.clone();
            noisy["id"] = format!("{}-noisy-{v}", case["id"].as_str().unwrap_or("case")).into();
            noisy["transcript"] = noise::noisy(transcript, &case["expected"], seed).into();
            writeln!(out, "{}", serde_json::to_string(&noisy)?)?;
        }
    }
    Ok(())
}
