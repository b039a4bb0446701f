//! Reads a transcript on standard input and prints the extracted record, without the full CLI:
//! `cargo run -p banthuek-extract --example extract_json -- 2026-11-24 < transcript.txt`.
use std::io::Read;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let today = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    if std::env::var_os("SEGMENTS").is_some() {
        let n = banthuek_extract::normalise::normalise(&s);
        for seg in banthuek_extract::sections::segment(&n.text, today) {
            eprintln!(
                "{:?} [{}] {}",
                seg.section,
                &n.text[seg.start..seg.body],
                &n.text[seg.body..seg.end]
            );
        }
    }
    let out = banthuek_extract::extract(&s, &banthuek_extract::ExtractOptions::new(today));
    println!("{}", serde_json::to_string(&out.record.to_value())?);
    Ok(())
}
