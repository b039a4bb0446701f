//! `banthuek render | sign | verify`: the record as a signed PDF.

use anyhow::{Context as _, Result};
use banthuek_core::record::ArrestRecord;
use banthuek_document::{pki, Digits, RenderOptions, SigningIdentity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Render a record (exchange-format JSON) as the PDF/A-3b arrest record.
    Render {
        /// The record JSON.
        record: PathBuf,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Digits for numbers, dates and times: thai or arabic.
        #[arg(long, default_value = "thai")]
        digits: Digits,
        /// Version of the record, printed in the footer.
        #[arg(long, default_value_t = 1)]
        version: u32,
        /// Directory with Laksaman.ttf and Laksaman-Bold.ttf (default: the bundled fonts).
        #[arg(long, env = "BANTHUEK_FONT_DIR")]
        font_dir: Option<PathBuf>,
    },
    /// Sign a rendered record (PAdES, incremental update): the recorder's block first, then the
    /// supervisor's.
    Sign {
        input: PathBuf,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Private key (PEM, P-256), for signing without the store.
        #[arg(long, requires = "cert")]
        key: Option<PathBuf>,
        /// Signer's certificate, optionally followed by its CA (PEM).
        #[arg(long, requires = "key")]
        cert: Option<PathBuf>,
        /// The issuing CA certificate, when not in --cert.
        #[arg(long)]
        ca: Option<PathBuf>,
        /// Signature block: recorder, supervisor, officer-N (default: the next one due).
        #[arg(long)]
        block: Option<String>,
    },
    /// Verify every signature and that nothing but signatures was appended after the first.
    /// Only with --trust can the document be VALID (exit 0): without it anyone's certificate
    /// would do, so an intact document is reported as unverified (exit 3).
    Verify {
        file: PathBuf,
        /// Trusted CA certificate(s), PEM: the station CA (`banthuek ca export`).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Render {
            record,
            output,
            digits,
            version,
            font_dir,
        } => {
            let bytes = crate::records::read_json_arg(&record)?;
            let text = banthuek_core::rules::record_text(&bytes)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("reading {}", record.display()))?;
            let record = ArrestRecord::from_json_str(text)?;
            crate::records::refuse_bad_input(&record)?;
            let opts = RenderOptions {
                digits,
                version,
                font_dir,
                created: None,
                marking: None,
                recorder_name: None,
            };
            let rendered = banthuek_document::render(&record, &opts)?;
            write_atomically(&output, &rendered.pdf)?;
            eprintln!(
                "wrote {} ({} pages, {} bytes) / บันทึกไฟล์แล้ว",
                output.display(),
                rendered.layout.pages,
                rendered.pdf.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Sign {
            input,
            output,
            key,
            cert,
            ca,
            block,
        } => {
            let identity = match (key, cert) {
                (Some(key), Some(cert)) => identity_from_files(&key, &cert, ca.as_deref())?,
                // Without key files: the acting user's key from the encrypted store.
                _ => banthuek_station::identity(&crate::records::session(ctx)?)?,
            };
            let pdf =
                std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
            let signed = banthuek_document::sign_pdf(&pdf, &identity, block.as_deref())?;
            write_atomically(&output, &signed)?;
            eprintln!("signed {} / ลงนามแล้ว", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file, trust, json } => {
            let trust = match trust {
                Some(p) => pki::certs_from_pem_or_der(
                    &std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?,
                )?,
                None => Vec::new(),
            };
            let pdf =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let report = banthuek_document::verify_pdf(&pdf, &trust)?;
            let verdict = Verdict::of(&report, !trust.is_empty());
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_report(&report, verdict);
            }
            Ok(match verdict {
                Verdict::Valid => ExitCode::SUCCESS,
                Verdict::Invalid => ExitCode::from(1),
                Verdict::Unverified => ExitCode::from(3),
            })
        }
    }
}

/// `banthuek bench document`.
pub fn bench(iterations: usize, json: bool) -> Result<ExitCode> {
    let r = banthuek_document::bench::bench_document(iterations)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "document: {} pages, {} runs · render p50 {:.1} ms · sign p50 {:.1} ms · \
             render+sign p50 {:.1} ms (target ≤ 100) · PDF {:.1} KB, signed {:.1} KB (target ≤ 200)",
            r.pages,
            r.iterations,
            r.render_p50_ms,
            r.sign_p50_ms,
            r.render_and_sign_p50_ms,
            r.rendered_bytes as f64 / 1024.0,
            r.signed_bytes as f64 / 1024.0
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    /// Intact, and every signer's certificate comes from a trusted CA.
    Valid,
    Invalid,
    /// Intact, but no trust anchor was given: any self-made CA would pass.
    Unverified,
}

impl Verdict {
    fn of(report: &banthuek_document::VerifyReport, trust_given: bool) -> Verdict {
        match (report.valid, trust_given) {
            (false, _) => Verdict::Invalid,
            (true, true) => Verdict::Valid,
            (true, false) => Verdict::Unverified,
        }
    }
}

fn print_report(report: &banthuek_document::VerifyReport, verdict: Verdict) {
    for s in &report.signatures {
        println!(
            "signature '{}': signer {} · time {} · covers the document up to its revision: {} · {}",
            s.field,
            s.signer.as_deref().unwrap_or("?"),
            s.signing_time.as_deref().unwrap_or("?"),
            if s.covers_revision { "yes" } else { "NO" },
            match (s.valid, s.trusted) {
                (false, _) => "INVALID / ไม่ถูกต้อง",
                (true, Some(true)) => "VALID / ถูกต้อง",
                (true, _) => "intact, signer not verified / ไม่ถูกแก้ไข แต่ยังไม่ได้ตรวจผู้ลงนาม",
            }
        );
        for p in &s.problems {
            println!("  - {p}");
        }
    }
    for p in &report.problems {
        println!("problem: {p}");
    }

    println!(
        "record {} version {} · record matches footer hash: {} · final (recorder + supervisor): {}",
        report.record_id.as_deref().unwrap_or("-"),
        report
            .version
            .map(|v| v.to_string())
            .unwrap_or_else(|| "-".to_owned()),
        report.record_matches_footer,
        report.is_final
    );
    println!(
        "{}",
        match verdict {
            Verdict::Valid => "VALID / เอกสารถูกต้อง",
            Verdict::Invalid => "INVALID / เอกสารไม่ถูกต้อง",
            Verdict::Unverified => {
                "NOT VERIFIED: the document is intact, but without --trust STATION-CA.pem the \
                 signers' certificates were not checked, and anyone can make such a PDF / \
                 ยังไม่ได้ตรวจสอบ: เอกสารไม่ถูกแก้ไข แต่ไม่ได้ระบุ --trust จึงยังไม่ได้ตรวจว่าใบรับรองออกโดยสถานีใด"
            }
        }
    );
}

/// Writes to a temporary file beside `path` and renames it, so a failure leaves nothing behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out.pdf".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// A signing identity from PEM files: the key, the certificate (optionally followed by its CA),
/// and the CA when given separately.
fn identity_from_files(key: &Path, cert: &Path, ca: Option<&Path>) -> Result<SigningIdentity> {
    let key_pem =
        std::fs::read_to_string(key).with_context(|| format!("reading {}", key.display()))?;
    let key = pki::key_from_pem(&key_pem)?;
    let mut chain = pki::certs_from_pem_or_der(
        &std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?,
    )?;
    if let Some(ca) = ca {
        chain.extend(pki::certs_from_pem_or_der(
            &std::fs::read(ca).with_context(|| format!("reading {}", ca.display()))?,
        )?);
    }
    Ok(SigningIdentity::new(key, chain)?)
}
