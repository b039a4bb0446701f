//! `banthuek idcard readers | read`, and the card half of `record edit ID --arrestee N
//! --from-card`: the national ID card from the command line, over `banthuek_idcard`.

use anyhow::{Context as _, Result};
use banthuek_core::ArrestRecord;
use banthuek_idcard::{fill_arrestee, read_card, readers, CardRead, ReadOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(clap::Subcommand)]
pub enum Command {
    /// The Thai national ID card (บัตรประจำตัวประชาชน) in a PC/SC reader.
    #[command(subcommand)]
    Idcard(IdcardCommand),
}

#[derive(clap::Subcommand)]
pub enum IdcardCommand {
    /// List the card readers (slots) and whether each holds a card.
    Readers {
        #[arg(long)]
        json: bool,
    },
    /// Read the card and print its fields as the record's arrestee object (the age counted
    /// today; `record edit --from-card` counts it at the arrest date).
    Read {
        #[arg(long)]
        json: bool,
        /// Only this reader; else the first that holds a card.
        #[arg(long)]
        reader: Option<String>,
        /// Also read the photo and write it (JPEG) to this file; it is never stored.
        #[arg(long)]
        photo: Option<PathBuf>,
        /// Seconds to wait for a card to be inserted.
        #[arg(long, default_value_t = 10)]
        wait: u64,
    },
}

pub fn run(cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Idcard(IdcardCommand::Readers { json }) => {
            let list = readers()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for r in list {
                    let card = if r.card_present {
                        "card / มีบัตร"
                    } else {
                        "empty / ไม่มีบัตร"
                    };
                    println!("{}\t{card}", r.name);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Idcard(IdcardCommand::Read {
            json,
            reader,
            photo,
            wait,
        }) => {
            let read = read_card(&ReadOptions {
                reader,
                wait: Duration::from_secs(wait),
                photo: photo.is_some(),
            })?;
            if let (Some(path), Some(bytes)) = (&photo, &read.photo) {
                std::fs::write(path, bytes)
                    .with_context(|| format!("writing {} / เขียนไฟล์ไม่ได้", path.display()))?;
            }
            print_warnings(&read);
            let filled = fill_arrestee(&ArrestRecord::default(), 0, &read)?;
            let arrestee = filled.record.to_value()["arrestees"][0].clone();
            if json {
                println!("{}", serde_json::to_string_pretty(&arrestee)?);
            } else {
                println!("reader / เครื่องอ่าน: {}", read.reader);
                if !read.card.issuer.is_empty() {
                    println!("issuer / ผู้ออกบัตร: {}", read.card.issuer);
                }
                if let Some(fields) = arrestee.as_object() {
                    for (k, v) in fields {
                        println!("{k}: {v}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_warnings(read: &CardRead) {
    for w in &read.warnings {
        eprintln!("warning / คำเตือน: {w}");
    }
}

/// `record edit ID --arrestee N --from-card`: reads the card, fills arrestee N (age at the arrest
/// date) and saves a new version with provenance `card`; the read is audited. A failed read
/// saves nothing.
pub fn fill_record(
    ctx: &crate::Context,
    id: &str,
    arrestee: usize,
    reader: Option<String>,
    wait: u64,
) -> Result<ExitCode> {
    let mut session = crate::records::session(ctx)?;
    let current = session.record(id)?;
    let read = read_card(&ReadOptions {
        reader,
        wait: Duration::from_secs(wait),
        photo: false,
    })?;
    print_warnings(&read);
    let filled = fill_arrestee(&current.record, arrestee, &read)?;
    let version = session.save_card_version(id, filled.record, arrestee, &read.reader)?;
    println!("{id} version {version}");
    println!(
        "arrestee {arrestee}: {} fields from the card in {} · age counted on {}{}",
        filled.report.fields.len(),
        read.reader,
        filled.report.age_on,
        if filled.report.juvenile {
            " · juvenile / เด็กหรือเยาวชน"
        } else {
            ""
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// `banthuek bench idcard`: the card in the reader read and filled into a record `reads` times
/// (with the photo when `photo`, as the app's dialog reads it); prints the median and p90 of
/// read → filled fields (target ≤ 1.5 s).
pub fn bench(reads: usize, reader: Option<String>, photo: bool, json: bool) -> Result<ExitCode> {
    let reads = reads.max(1);
    let record = ArrestRecord::default().with_field("/arrest/date", "2026-11-24")?;
    let options = ReadOptions {
        reader,
        wait: Duration::from_secs(5),
        photo,
    };
    let mut ms = Vec::with_capacity(reads);
    let mut slot = String::new();
    for _ in 0..reads {
        let t = Instant::now();
        let read = read_card(&options)?;
        let filled = fill_arrestee(&record, 0, &read)?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(filled);
        slot = read.reader;
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    let (p50, p90) = (at(0.5), at(0.9));
    if json {
        println!(
            "{}",
            serde_json::json!({"reads": reads, "reader": slot, "photo": photo,
                "read_to_filled_p50_ms": p50, "read_to_filled_p90_ms": p90, "target_ms": 1500})
        );
    } else {
        println!(
            "idcard: read → filled fields{} p50 {p50:.0} ms, p90 {p90:.0} ms ({reads} reads in {slot}; target ≤ 1500 ms)",
            if photo { " with the photo" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}
