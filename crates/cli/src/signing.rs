//! `banthuek ca export`; the signing itself lives in banthuek-station, shared with the desktop app.

use anyhow::{Context as _, Result};
use banthuek_station::station_ca_pem;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// The station certificate authority / ผู้ออกใบรับรองของสถานี
    #[command(subcommand)]
    Ca(CaCommand),
}

#[derive(clap::Subcommand)]
pub enum CaCommand {
    /// Write the station CA certificate (PEM), for verifiers and the central system.
    Export {
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Ca(CaCommand::Export { output }) => {
            let session = crate::records::session(ctx)?;
            let pem = station_ca_pem(&session)?;
            std::fs::write(&output, pem)
                .with_context(|| format!("writing {} / เขียนไฟล์ไม่ได้", output.display()))?;
            eprintln!(
                "station CA written to {} / บันทึกใบรับรองแล้ว",
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
