//! `banthuek`: a thin shell over the library crates. Each area keeps its subcommands in its own
//! module with a clap `Command` enum flattened into the top level here.

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod bench;
mod context;
mod document;
mod extract;
mod governance;
mod idcard;
mod records;
mod signing;
mod speech;
mod start;
mod sync;

pub use context::Context;

#[derive(Parser)]
#[command(
    name = "banthuek",
    version,
    about = "Thai arrest records by dictation / บันทึกการจับกุมด้วยเสียง"
)]
struct Cli {
    /// Data directory (default: the platform data dir).
    #[arg(long, global = true, env = "BANTHUEK_HOME")]
    home: Option<PathBuf>,
    /// The acting user.
    #[arg(long, global = true, env = "BANTHUEK_USER")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Records(records::Command),
    #[command(flatten)]
    Bench(bench::Command),
    #[command(flatten)]
    Document(document::Command),
    #[command(flatten)]
    Extract(extract::Command),
    #[command(flatten)]
    Speech(speech::Command),
    #[command(flatten)]
    Sync(sync::Command),
    #[command(flatten)]
    Signing(signing::Command),
    #[command(flatten)]
    Start(start::Command),
    #[command(flatten)]
    Governance(governance::Command),
    #[command(flatten)]
    Idcard(idcard::Command),
}

/// `banthuek … | head -1`: once the reader has closed the pipe, the command stops quietly with
/// success, as other Unix tools do. Rust ignores SIGPIPE (the speech worker's supervisor relies
/// on that to notice a worker that died), so the next `println!` panics with EPIPE; this hook
/// turns exactly that panic into a quiet exit and leaves every other panic to the default hook.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload_as_str().unwrap_or("");
        let broken_pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let epipe = std::io::Error::from_raw_os_error(EPIPE);
        if message.starts_with("failed printing to stdout")
            && (message.ends_with(&epipe.to_string())
                || message.ends_with(&broken_pipe.to_string()))
        {
            std::process::exit(0);
        }
        default(info);
    }));
}

/// EPIPE on Linux and the BSDs.
const EPIPE: i32 = 32;

// `banthuek engine` and the benchmarks run whisper in this process.
banthuek_speech::pin_blas_threads!();

fn main() -> ExitCode {
    quiet_on_closed_stdout();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BANTHUEK_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let ctx = Context::new(cli.home, cli.user);
    match run(&ctx, cli.command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(ctx: &Context, command: Command) -> Result<ExitCode> {
    match command {
        Command::Records(cmd) => records::run(ctx, cmd),
        Command::Bench(cmd) => bench::run(ctx, cmd),
        Command::Document(cmd) => document::run(ctx, cmd),
        Command::Extract(cmd) => extract::run(ctx, cmd),
        Command::Speech(cmd) => speech::run(ctx, cmd),
        Command::Sync(cmd) => sync::run(ctx, cmd),
        Command::Signing(cmd) => signing::run(ctx, cmd),
        Command::Start(cmd) => start::run(ctx, cmd),
        Command::Governance(cmd) => governance::run(ctx, cmd),
        Command::Idcard(cmd) => idcard::run(cmd),
    }
}
