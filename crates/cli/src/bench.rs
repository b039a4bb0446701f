//! `banthuek bench <area>`: benchmarks that print medians. Each area adds one variant to
//! [`Bench`] and one arm to [`run`].

use anyhow::Result;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Benchmarks; each prints medians.
    #[command(subcommand)]
    Bench(Bench),
}

#[derive(clap::Subcommand)]
pub enum Bench {
    /// Sync: drain 1,000 queued records to a local banthuek-central (target ≥ 50 records/s), sender memory.
    Sync {
        #[arg(long, default_value_t = 1000)]
        records: usize,
        #[arg(long)]
        json: bool,
    },
    /// Encrypted store: save-a-version p50, listing 10,000 records, unlock median (default Argon2id).
    Store {
        #[arg(long, default_value_t = 10_000)]
        records: usize,
        #[arg(long, default_value_t = 200)]
        saves: usize,
        #[arg(long, default_value_t = 5)]
        unlocks: usize,
        #[arg(long)]
        json: bool,
    },
    /// Speech: real-time factor, live latency, worker memory and overhead (targets printed).
    Speech {
        /// Repetitions of the one-minute transcription (median reported).
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// Live-mode utterances for the latency percentiles.
        #[arg(long, default_value_t = 10)]
        utterances: usize,
        #[arg(long, default_value_t = 2)]
        threads: i32,
        #[arg(long)]
        model: Option<String>,
        /// Instead: clock-time accuracy with and without this station vocabulary file as the
        /// initial prompt, and with and without post-correction (lexicon snapping).
        #[arg(long)]
        vocabulary: Option<std::path::PathBuf>,
    },
    /// National ID card: read → filled fields on the card in the reader (target ≤ 1.5 s).
    Idcard {
        #[arg(long, default_value_t = 20)]
        reads: usize,
        #[arg(long)]
        reader: Option<String>,
        /// Read the photo too, as the app does for its dialog.
        #[arg(long)]
        photo: bool,
        #[arg(long)]
        json: bool,
    },
    /// Spoken field values: per field type, with and without the field's constraint, exact
    /// values, silent errors, right values flagged, CER, latency (utterances composed from the
    /// thai-talking-clock voice, drawn from SEED).
    Accuracy {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Utterances per field type (and noise clips).
        #[arg(long, default_value_t = 12)]
        count: usize,
        #[arg(long, default_value_t = 2)]
        threads: i32,
        #[arg(long)]
        model: Option<String>,
        /// Free dictation with the encoder's full 30 s context too (field dictation has it).
        #[arg(long)]
        full_context: bool,
        /// Only these kinds: time, national_id, number, noise, age (repeatable; default: all).
        #[arg(long)]
        only: Vec<String>,
        /// Who says the draw: clock (the recorded speaker) or espeak (eSpeak NG's synthetic
        /// Thai, in phrasings the clock cannot say; needs espeak-ng).
        #[arg(long, default_value = "clock")]
        voice: banthuek_spoken::bench::Voice,
        /// Background noise under every spoken utterance at this signal-to-noise ratio (dB).
        #[arg(long)]
        snr: Option<f32>,
    },
    /// Render and sign a three-page record (targets: p50 ≤ 100 ms, ≤ 200 KB).
    Document {
        #[arg(long, default_value_t = 20)]
        iterations: usize,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Bench(Bench::Sync { records, json }) => crate::sync::bench(records, json),
        Command::Bench(Bench::Store {
            records,
            saves,
            unlocks,
            json,
        }) => crate::records::bench(records, saves, unlocks, json),
        Command::Bench(Bench::Speech {
            runs,
            utterances,
            threads,
            model,
            vocabulary,
        }) => crate::speech::bench(
            _ctx,
            runs,
            utterances,
            threads,
            model.as_deref(),
            vocabulary,
        ),
        Command::Bench(Bench::Idcard {
            reads,
            reader,
            photo,
            json,
        }) => crate::idcard::bench(reads, reader, photo, json),
        Command::Bench(Bench::Accuracy {
            seed,
            count,
            threads,
            model,
            full_context,
            only,
            voice,
            snr,
        }) => crate::speech::bench_accuracy(
            _ctx,
            model.as_deref(),
            banthuek_spoken::bench::AccuracyOptions {
                seed,
                count: count.max(1),
                threads,
                full_context,
                only,
                voice,
                snr_db: snr,
            },
        ),
        Command::Bench(Bench::Document { iterations, json }) => {
            crate::document::bench(iterations, json)
        }
    }
}
