//! `banthuek extract`: a transcript in, one exchange-format v1 record out.

use anyhow::{Context as _, Result};
use banthuek_extract::{extract, ExtractOptions, Extraction, TimedSegment};
use chrono::NaiveDate;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Read a dictated transcript and print the arrest record it gives
    /// / อ่านข้อความที่บอกเล่าแล้วแสดงบันทึกการจับกุม
    Extract {
        /// Day of writing (YYYY-MM-DD, Common Era), for "เมื่อวานนี้"; default: today.
        #[arg(long)]
        today: Option<NaiveDate>,
        /// Print only the record as JSON (exchange format v1) on standard output.
        #[arg(long)]
        json: bool,
        /// Write the matched charge-catalogue id into each charge's `code`.
        #[arg(long)]
        codes: bool,
        /// Per-segment timing as JSON: [[char_start, char_end, audio_start_ms, audio_end_ms], …].
        #[arg(long)]
        timing: Option<PathBuf>,
        /// Transcript file; "-" or nothing reads standard input.
        file: Option<PathBuf>,
    },
}

pub fn run(_ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    let Command::Extract {
        today,
        json,
        codes,
        timing,
        file,
    } = cmd;
    let transcript = match file.as_deref() {
        Some(p) if p.as_os_str() != "-" => std::fs::read_to_string(p).with_context(|| {
            format!(
                "cannot read the transcript {} / อ่านไฟล์ข้อความไม่ได้",
                p.display()
            )
        })?,
        _ => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read standard input / อ่านข้อมูลจาก stdin ไม่ได้")?;
            s
        }
    };
    let mut opts = ExtractOptions::new(today.unwrap_or_else(|| chrono::Local::now().date_naive()));
    opts.set_charge_codes = codes;
    if let Some(p) = timing {
        let raw = std::fs::read_to_string(&p)
            .with_context(|| format!("cannot read timing {} / อ่านไฟล์เวลาไม่ได้", p.display()))?;
        let rows: Vec<(usize, usize, u64, u64)> =
            serde_json::from_str(&raw).with_context(|| {
                format!(
                    "timing {} is not [[start, end, ms, ms], …] / รูปแบบไฟล์เวลาไม่ถูกต้อง",
                    p.display()
                )
            })?;
        opts.timing = rows.into_iter().map(TimedSegment::from).collect();
    }
    let out = extract(&transcript, &opts);
    let value = out.record.to_value();
    banthuek_core::schema::validate(&value)
        .context("the extracted record does not fit the exchange format / ข้อมูลที่ได้ไม่ตรงรูปแบบ")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print_summary(&out);
    }
    Ok(ExitCode::SUCCESS)
}

fn or_dash(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("-")
}

fn print_summary(out: &Extraction) {
    let r = &out.record;
    let rec = r.recorded.clone().unwrap_or_default();
    println!("บันทึกการจับกุม / Arrest record (draft from dictation)");
    println!(
        "  สถานที่บันทึก / written at: {}  วันที่ / date: {}  เวลา / time: {}",
        or_dash(&rec.place),
        or_dash(&rec.date),
        or_dash(&rec.time)
    );
    println!("ผู้จับกุม / arresting officers: {}", r.officers.len());
    for (i, o) in r.officers.iter().enumerate() {
        println!(
            "  {}. {} {} {}  ตำแหน่ง / position: {}  สังกัด / unit: {}",
            i + 1,
            or_dash(&o.rank),
            or_dash(&o.first_name),
            or_dash(&o.last_name),
            or_dash(&o.position),
            or_dash(&o.unit)
        );
    }
    println!("ผู้ถูกจับ / arrestees: {}", r.arrestees.len());
    for (i, a) in r.arrestees.iter().enumerate() {
        println!(
            "  {}. {}{} {}  อายุ / age: {}  เลขประจำตัวประชาชน / ID: {}  หนังสือเดินทาง / passport: {}  สัญชาติ / nationality: {}",
            i + 1,
            a.title.as_deref().unwrap_or(""),
            or_dash(&a.first_name),
            or_dash(&a.last_name),
            a.age.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
            or_dash(&a.national_id),
            or_dash(&a.passport),
            or_dash(&a.nationality)
        );
        if let Some(addr) = &a.address {
            println!("     ที่อยู่ / address: {addr}");
        }
    }
    let arrest = r.arrest.clone().unwrap_or_default();
    println!(
        "จับกุมเมื่อ / arrested: {} {}  ที่ / at: {}",
        or_dash(&arrest.date),
        or_dash(&arrest.time),
        or_dash(&arrest.place)
    );
    if let Some(w) = &arrest.warrant {
        println!(
            "  ตามหมายจับ / warrant: {} {} ลงวันที่ / dated {}",
            or_dash(&w.court),
            or_dash(&w.number),
            or_dash(&w.date)
        );
    }
    println!("ข้อหา / charges: {}", r.charges.len());
    for (i, c) in r.charges.iter().enumerate() {
        let m = out.charge_matches.iter().find(|m| m.index == i);
        match m {
            Some(m) => println!(
                "  {}. {}  [{}: {} มาตรา / s. {}]",
                i + 1,
                or_dash(&c.text),
                m.code,
                m.law,
                m.section
            ),
            None => println!("  {}. {}", i + 1, or_dash(&c.text)),
        }
    }
    println!("ของกลาง / seized items: {}", r.seized_items.len());
    for (i, s) in r.seized_items.iter().enumerate() {
        println!(
            "  {}. {} {} {}",
            i + 1,
            or_dash(&s.description),
            s.quantity.map(|q| q.0.to_string()).unwrap_or_default(),
            s.unit.as_deref().unwrap_or("")
        );
    }
    if let Some(st) = r.arrestee_statement {
        println!("คำให้การ / statement: {st:?}");
    }
    for s in &out.suggestions {
        println!("ตรวจสอบ / check {}: {} ({})", s.pointer, s.heard, s.reason);
        for p in &s.proposals {
            println!("    เสนอ / proposed: {p}");
        }
    }
    if !out.needs_confirmation.is_empty() {
        println!(
            "ต้องยืนยัน / needs confirmation: {}",
            out.needs_confirmation.join(", ")
        );
    }
}
