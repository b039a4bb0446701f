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
        Command::Bench(Bench::Document { iterations, json }) => {
            crate::document::bench(iterations, json)
        }
    }
}
