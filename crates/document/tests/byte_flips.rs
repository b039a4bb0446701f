//! Our verifier agrees with pyHanko on every single-byte alteration of the signature
//! dictionaries and the CMS blobs of a small signed record (issue 15).
//!
//! Two documents: the record signed by the recorder (one signature), and the same record
//! countersigned by the supervisor (the supervisor's signature, the last revision, is altered;
//! the recorder's lies inside it and is covered by its digest). In each, every byte of the
//! signature dictionary outside the /Contents string, and every byte of the DER CMS inside it,
//! is altered once by flipping one bit (bit `offset % 8`, so that tags, lengths, OID arcs and
//! values all get low and high bits flipped), and every length byte of every DER element is
//! altered once more in each of its other bits (a length may grow into the zero padding or shrink
//! onto its neighbour, whatever offset the random keys' signature sizes give it). Our verdict (`verify_pdf` with the station CA as
//! trust anchor: valid, every signature trusted) must equal pyHanko's (intact, valid, trusted,
//! allowed by its modification analysis, the last covering the whole file) for every copy.
//! pyHanko's library runs once over all copies (tests/pyhanko_verdicts.py).

mod common;

use banthuek_document::pki::{cert_to_pem, create_station_ca, issue_user_cert, CertRole};
use banthuek_document::{render, sign_pdf, verify_pdf, RenderOptions, SigningIdentity};
use common::*;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// One altered copy: (offset, new byte) pairs.
type Patch = Vec<(usize, u8)>;

struct Case {
    name: &'static str,
    pdf: Vec<u8>,
    signatures: usize,
    patches: Vec<Patch>,
    /// What each patch altered, for the failure message.
    labels: Vec<String>,
}

fn flip(byte: u8, offset: usize) -> u8 {
    byte ^ (1 << (offset % 8))
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn rfind(hay: &[u8], needle: &[u8], before: usize) -> Option<usize> {
    hay[..before]
        .windows(needle.len())
        .rposition(|w| w == needle)
}

/// The last signature of `pdf`: the byte offsets of its dictionary and of its /Contents string.
fn last_signature(pdf: &[u8]) -> (usize, usize, usize, usize) {
    let contents = rfind(pdf, b"/Contents<", pdf.len()).expect("a /Contents") + b"/Contents".len();
    let hex_end = find(pdf, b">", contents).expect("end of /Contents") + 1;
    let dict_start = rfind(pdf, b"<</Type/Sig", contents).expect("a signature dictionary");
    let dict_end = find(pdf, b"endobj", hex_end).expect("endobj");
    (dict_start, contents, hex_end, dict_end)
}

/// Length of the DER value at the start of `der` (tag, length, content).
fn der_len(der: &[u8]) -> usize {
    match der[1] {
        n if n < 0x80 => 2 + n as usize,
        0x81 => 3 + der[2] as usize,
        0x82 => 4 + ((der[2] as usize) << 8 | der[3] as usize),
        0x83 => 5 + ((der[2] as usize) << 16 | (der[3] as usize) << 8 | der[4] as usize),
        other => panic!("unexpected DER length form {other:#x}"),
    }
}

/// The offsets in `der` of the length bytes of every element, the elements inside constructed
/// ones included.
fn length_bytes(der: &[u8], base: usize, out: &mut Vec<usize>) {
    let mut at = 0;
    while at + 1 < der.len() {
        let header = match der[at + 1] {
            n if n < 0x80 => 2,
            n => 2 + (n - 0x80) as usize,
        };
        let end = at + der_len(&der[at..]);
        out.extend(base + at + 1..base + at + header);
        if der[at] & 0x20 != 0 {
            length_bytes(&der[at + header..end], base + at + header, out);
        }
        at = end;
    }
}

fn case(name: &'static str, pdf: Vec<u8>, signatures: usize) -> Case {
    let (dict_start, contents, hex_end, dict_end) = last_signature(&pdf);
    let mut patches = Vec::new();
    let mut labels = Vec::new();
    for offset in (dict_start..contents).chain(hex_end..dict_end) {
        patches.push(vec![(offset, flip(pdf[offset], offset))]);
        labels.push(format!(
            "dictionary byte {} ({:?})",
            offset - dict_start,
            pdf[offset] as char
        ));
    }
    let hex = &pdf[contents + 1..hex_end - 1];
    let der = hex::decode(hex).expect("hex /Contents");
    let len = der_len(&der);
    let cms_patch = |i: usize, altered: u8| -> Patch {
        let altered = format!("{altered:02X}");
        let at = contents + 1 + 2 * i;
        // Only the hex digits that change are written (the signer writes upper case).
        altered
            .bytes()
            .enumerate()
            .filter(|(k, b)| pdf[at + k] != *b)
            .map(|(k, b)| (at + k, b))
            .collect()
    };
    for (i, &byte) in der[..len].iter().enumerate() {
        patches.push(cms_patch(i, flip(byte, i)));
        labels.push(format!("CMS byte {i} of {len} ({byte:#04x})"));
    }
    // Where a length byte falls decides which of its bits the pass above flips, and that moves
    // with the lengths of the random keys' signatures: every bit of every length is flipped too,
    // so that a length grown into the zero padding or shrunk onto a neighbour is tried each run.
    let mut lengths = Vec::new();
    length_bytes(&der[..len], 0, &mut lengths);
    for i in lengths {
        for bit in (0..8).filter(|bit| *bit != i % 8) {
            patches.push(cms_patch(i, der[i] ^ (1 << bit)));
            labels.push(format!(
                "CMS length byte {i} of {len} ({:#04x}), bit {bit}",
                der[i]
            ));
        }
    }
    Case {
        name,
        pdf,
        signatures,
        patches,
        labels,
    }
}

fn apply(pdf: &[u8], patch: &Patch) -> Vec<u8> {
    let mut out = pdf.to_vec();
    for &(at, b) in patch {
        out[at] = b;
    }
    out
}

fn ours(pdf: &[u8], ca: &x509_cert::Certificate, signatures: usize) -> (bool, String) {
    match verify_pdf(pdf, std::slice::from_ref(ca)) {
        Err(e) => (false, e.to_string()),
        Ok(r) => {
            let ok = r.valid
                && r.signatures.len() == signatures
                && r.signatures.iter().all(|s| s.trusted == Some(true));
            let mut why = r.problems.clone();
            for s in &r.signatures {
                why.extend(s.problems.iter().map(|p| format!("{}: {p}", s.field)));
            }
            (ok, why.join("; "))
        }
    }
}

/// The Python of pyHanko's virtual environment: BANTHUEK_PYTHON, or beside BANTHUEK_PYHANKO.
fn python() -> Option<PathBuf> {
    let pyhanko = pyhanko()?;
    let python = std::env::var_os("BANTHUEK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| pyhanko.with_file_name("python"));
    assert!(python.is_file(), "no Python at {}", python.display());
    Some(python)
}

#[test]
fn every_byte_flip_of_the_signatures_gets_pyhankos_verdict() {
    let Some(python) = python() else {
        return;
    };
    let ca = create_station_ca("สถานีตำรวจภูธรทดสอบ").expect("ca");
    let identity = |name: &str, role| {
        let user = issue_user_cert(&ca, name, role).expect("user cert");
        SigningIdentity::new(user.key.clone(), vec![user.cert.clone(), ca.cert.clone()])
            .expect("identity")
    };
    let officer = identity("ร.ต.อ. ทดสอบ ลงนาม", CertRole::Officer);
    let supervisor = identity("พ.ต.ท. ตรวจ ลงนาม", CertRole::Supervisor);
    let (_, record) = dev_records().remove(0);
    let pdf = render(&signable(record), &RenderOptions::default())
        .expect("render")
        .pdf;
    let once = sign_pdf(&pdf, &officer, None).expect("recorder signs");
    let twice = sign_pdf(&once, &supervisor, None).expect("supervisor countersigns");
    let cases = [case("recorder", once, 1), case("countersigned", twice, 2)];

    let dir = tempfile::tempdir().expect("temp dir");
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, cert_to_pem(&ca.cert).expect("pem")).expect("write ca");
    let mut job_cases = Vec::new();
    for c in &cases {
        let path = dir.path().join(format!("{}.pdf", c.name));
        std::fs::write(&path, &c.pdf).expect("write pdf");
        // The unaltered document first: both must call it valid.
        let mut patches = vec![Vec::new()];
        patches.extend(c.patches.iter().cloned());
        job_cases.push(serde_json::json!({
            "pdf": path, "signatures": c.signatures, "patches": patches,
        }));
    }
    let job = serde_json::json!({"ca": ca_path, "cases": job_cases});
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pyhanko_verdicts.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start pyHanko");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(job.to_string().as_bytes())
            .expect("send the job");
    }
    // Our verdicts while pyHanko works.
    let ours: Vec<Vec<(bool, String)>> = cases
        .iter()
        .map(|c| {
            std::iter::once(ours(&c.pdf, &ca.cert, c.signatures))
                .chain(
                    c.patches
                        .iter()
                        .map(|p| ours(&apply(&c.pdf, p), &ca.cert, c.signatures)),
                )
                .collect()
        })
        .collect();
    let out = child.wait_with_output().expect("pyHanko's verdicts");
    assert!(out.status.success(), "pyhanko_verdicts.py failed");
    let theirs: Vec<Vec<(bool, String)>> =
        serde_json::from_slice(&out.stdout).expect("verdicts parse");

    let mut disagreements = Vec::new();
    for (c, (ours, theirs)) in cases.iter().zip(ours.iter().zip(&theirs)) {
        assert_eq!(ours.len(), theirs.len());
        assert!(
            ours[0].0,
            "{}: we refuse the unaltered file: {}",
            c.name, ours[0].1
        );
        assert!(
            theirs[0].0,
            "{}: pyHanko refuses the unaltered file: {}",
            c.name, theirs[0].1
        );
        let valid_both = ours
            .iter()
            .zip(theirs)
            .skip(1)
            .filter(|(o, t)| o.0 && t.0)
            .count();
        eprintln!(
            "{}: {} altered copies, {} still valid for both (bytes no signature covers)",
            c.name,
            c.patches.len(),
            valid_both
        );
        for (i, (o, t)) in ours.iter().zip(theirs).enumerate().skip(1) {
            if o.0 != t.0 {
                disagreements.push(format!(
                    "{} {}: ours {} ({}), pyHanko {} ({})",
                    c.name,
                    c.labels[i - 1],
                    o.0,
                    o.1,
                    t.0,
                    t.1
                ));
            }
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements with pyHanko:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The outside testers' case: the encapsulated content type of the supervisor's CMS changed
/// from id-data (…F70D010701) to …F70D010706. The signed content-type attribute still says
/// id-data, so the signature must be refused.
#[test]
fn a_changed_encapsulated_content_type_is_refused() {
    let ca = create_station_ca("สถานีตำรวจภูธรทดสอบ").expect("ca");
    let identity = |name: &str, role| {
        let user = issue_user_cert(&ca, name, role).expect("user cert");
        SigningIdentity::new(user.key.clone(), vec![user.cert.clone(), ca.cert.clone()])
            .expect("identity")
    };
    let (_, record) = dev_records().remove(0);
    let pdf = render(&signable(record), &RenderOptions::default())
        .expect("render")
        .pdf;
    let once = sign_pdf(&pdf, &identity("ร.ต.อ. ก ข", CertRole::Officer), None).expect("sign");
    let twice = sign_pdf(&once, &identity("พ.ต.ท. ค ง", CertRole::Supervisor), None).expect("sign");
    assert!(ours(&twice, &ca.cert, 2).0);
    let (_, contents, _, _) = last_signature(&twice);
    // id-data, hex, as it first appears in the CMS: the encapsulated content type.
    let at = find(&twice, b"2A864886F70D010701", contents).expect("id-data") + 17;
    let mut altered = twice.clone();
    altered[at] = b'6';
    let (valid, why) = ours(&altered, &ca.cert, 2);
    assert!(!valid);
    assert!(why.contains("encapsulated content type"), "{why}");
}
