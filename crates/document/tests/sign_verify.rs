//! Signing and verification against independent verifiers: poppler's pdfsig and pyHanko accept
//! both signatures; a flipped byte and an appended non-signature update are rejected by the
//! library's verifier and by pyHanko; bad keys, certificates and records are refused with typed
//! errors before anything is produced.

mod common;

use banthuek_document::pki::{
    self, cert_to_pem, create_station_ca, issue_user_cert, issue_user_cert_valid, CertRole,
};
use banthuek_document::{
    render, sign_pdf, verify_pdf, Credential, DocumentError, RenderOptions, SigningIdentity,
};
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

struct Station {
    ca: Credential,
    officer: SigningIdentity,
    supervisor: SigningIdentity,
    ca_pem: PathBuf,
}

fn identity(user: &Credential, ca: &Credential) -> SigningIdentity {
    SigningIdentity::new(user.key.clone(), vec![user.cert.clone(), ca.cert.clone()])
        .expect("identity")
}

fn station(name: &str) -> Station {
    let ca = create_station_ca("สถานีตำรวจภูธรเมืองเชียงใหม่").expect("ca");
    let officer = issue_user_cert(&ca, "ร.ต.อ. สมศักดิ์ รักชาติ", CertRole::Officer).expect("officer");
    let supervisor =
        issue_user_cert(&ca, "พ.ต.ท. อนุชา แก้วมณี", CertRole::Supervisor).expect("supervisor");
    let ca_pem = artifacts().join(format!("{name}-ca.pem"));
    std::fs::write(&ca_pem, cert_to_pem(&ca.cert).expect("pem")).expect("write ca");
    Station {
        officer: identity(&officer, &ca),
        supervisor: identity(&supervisor, &ca),
        ca,
        ca_pem,
    }
}

fn rendered_record() -> Vec<u8> {
    let (_, record) = dev_records().remove(0);
    render(&signable(record), &RenderOptions::default())
        .expect("render")
        .pdf
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = artifacts().join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn pdfsig(path: &Path) -> String {
    let (_, out) = run(Command::new("pdfsig").arg(path));
    out
}

fn pyhanko_validate(ca: &Path, path: &Path) -> Option<(bool, String)> {
    let bin = pyhanko()?;
    Some(run(Command::new(bin)
        .args(["sign", "validate", "--trust-replace", "--trust"])
        .arg(ca)
        .arg(path)))
}

/// Signed by the recorder, then countersigned by the supervisor.
fn signed_twice(st: &Station) -> (Vec<u8>, Vec<u8>) {
    let pdf = rendered_record();
    let once = sign_pdf(&pdf, &st.officer, None).expect("officer signs");
    let twice = sign_pdf(&once, &st.supervisor, None).expect("supervisor countersigns");
    (once, twice)
}

#[test]
fn both_signatures_verify_in_the_library_pdfsig_and_pyhanko() {
    let st = station("good");
    let (once, twice) = signed_twice(&st);
    assert!(
        twice.starts_with(&once),
        "countersignature is an incremental update"
    );
    let path = write("signed-twice.pdf", &twice);

    let report = verify_pdf(&twice, std::slice::from_ref(&st.ca.cert)).expect("verify");
    assert!(report.valid, "{report:#?}");
    assert!(report.is_final);
    assert_eq!(report.signatures.len(), 2);
    let names: Vec<_> = report.signatures.iter().map(|s| s.field.as_str()).collect();
    assert!(names.contains(&"recorder") && names.contains(&"supervisor"));
    for s in &report.signatures {
        assert!(
            s.valid && s.covers_revision && s.trusted == Some(true),
            "{s:#?}"
        );
    }
    assert_eq!(
        report
            .signatures
            .iter()
            .filter(|s| s.covers_whole_file)
            .count(),
        1
    );
    // After the first signature only: not final.
    let first = verify_pdf(&once, std::slice::from_ref(&st.ca.cert)).expect("verify");
    assert!(first.valid && !first.is_final, "{first:#?}");

    let sig = pdfsig(&path);
    assert_eq!(sig.matches("Signature is Valid").count(), 2, "{sig}");
    assert!(sig.contains("Total document signed"), "{sig}");
    assert!(sig.contains("ETSI.CAdES.detached"), "{sig}");

    if let Some((ok, out)) = pyhanko_validate(&st.ca_pem, &path) {
        assert!(ok, "pyHanko rejected a good file:\n{out}");
        assert_eq!(out.matches(":INTACT:TRUSTED").count(), 2, "{out}");
    }

    // Page images of the signed record, with both appearances.
    let out = artifacts().join("signed-page");
    let (ok, msg) = run(Command::new("pdftoppm")
        .args(["-png", "-r", "100", "-singlefile", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&out));
    assert!(ok, "{msg}");
}

#[test]
fn a_flipped_byte_is_rejected() {
    let st = station("flip");
    let (_, twice) = signed_twice(&st);
    // A byte inside the first revision's page content, covered by both signatures.
    let mut bad = twice.clone();
    let at = bad.len() / 4;
    bad[at] ^= 0x01;
    let report = verify_pdf(&bad, std::slice::from_ref(&st.ca.cert));
    match report {
        Ok(r) => {
            assert!(!r.valid, "{r:#?}");
            assert!(r.signatures.iter().all(|s| !s.digest_ok));
        }
        Err(e) => panic!("a damaged file should still be reported, got {e}"),
    }
    let path = write("signed-flipped.pdf", &bad);
    if let Some((ok, out)) = pyhanko_validate(&st.ca_pem, &path) {
        assert!(!ok, "pyHanko accepted a flipped byte:\n{out}");
        assert!(out.contains(":INVALID"), "{out}");
    }
}

/// Appends an incremental update that changes the catalog's language: a change that is not a
/// signature, made after signing.
fn append_non_signature_update(pdf: &[u8]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).expect("load");
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(lopdf::Object::as_reference)
        .expect("root");
    let mut catalog = doc.get_dictionary(root).expect("catalog").clone();
    catalog.set("Lang", lopdf::Object::string_literal("en"));
    let sx = pdf
        .windows(9)
        .rposition(|w| w == b"startxref")
        .expect("startxref");
    let prev: usize = String::from_utf8_lossy(&pdf[sx + 9..])
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .expect("prev");
    let mut out = pdf.to_vec();
    let offset = out.len();
    out.extend_from_slice(format!("{} {} obj\n", root.0, root.1).as_bytes());
    lopdf::Writer::write_object(&mut out, &lopdf::Object::Dictionary(catalog)).expect("write");
    out.extend_from_slice(b"\nendobj\n");
    let xref = out.len();
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(lopdf::Object::as_i64)
        .expect("size");
    let id = doc.trailer.get(b"ID").expect("id").clone();
    let mut trailer = lopdf::Dictionary::new();
    trailer.set("Size", size);
    trailer.set("Root", lopdf::Object::Reference(root));
    trailer.set("Prev", prev as i64);
    trailer.set("ID", id);
    out.extend_from_slice(
        format!(
            "xref\n{} 1\n{offset:010} {:05} n \ntrailer\n",
            root.0, root.1
        )
        .as_bytes(),
    );
    lopdf::Writer::write_object(&mut out, &lopdf::Object::Dictionary(trailer)).expect("write");
    out.extend_from_slice(format!("\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn an_appended_non_signature_update_is_rejected() {
    let st = station("append");
    let (_, twice) = signed_twice(&st);
    let bad = append_non_signature_update(&twice);
    let path = write("signed-appended.pdf", &bad);
    let report = verify_pdf(&bad, std::slice::from_ref(&st.ca.cert)).expect("verify");
    assert!(!report.valid, "{report:#?}");
    assert!(!report.only_signatures_appended);
    // Each signature on its own is still intact: the rejection is about what came after.
    assert!(report
        .signatures
        .iter()
        .all(|s| s.digest_ok && s.signature_ok));
    // pdfsig still calls both valid; that is why the app has its own verifier.
    let sig = pdfsig(&path);
    assert!(sig.contains("Not total document signed"), "{sig}");
    if let Some((ok, out)) = pyhanko_validate(&st.ca_pem, &path) {
        assert!(!ok, "pyHanko accepted an appended update:\n{out}");
        assert!(out.contains("ILLEGAL_MODIFICATIONS"), "{out}");
    }
    // Also after only the first signature.
    let (once, _) = signed_twice(&st);
    let report = verify_pdf(&append_non_signature_update(&once), &[]).expect("verify");
    assert!(!report.valid && !report.only_signatures_appended);
}

#[test]
fn a_certificate_from_another_station_is_not_trusted() {
    let st = station("foreign-a");
    let other = station("foreign-b");
    let pdf = rendered_record();
    let signed = sign_pdf(&pdf, &other.officer, None).expect("sign");
    let report = verify_pdf(&signed, std::slice::from_ref(&st.ca.cert)).expect("verify");
    assert!(!report.valid);
    assert_eq!(report.signatures[0].trusted, Some(false));
    let path = write("signed-foreign.pdf", &signed);
    if let Some((ok, out)) = pyhanko_validate(&st.ca_pem, &path) {
        assert!(!ok, "pyHanko trusted a foreign certificate:\n{out}");
        assert!(out.contains(":UNTRUSTED"), "{out}");
    }
}

#[test]
fn bad_keys_certificates_and_records_are_refused() {
    let st = station("refuse");
    let pdf = rendered_record();

    // Wrong key (what a wrong password yields once the store decrypts): key ≠ certificate.
    let wrong = SigningIdentity {
        key: st.supervisor.key.clone(),
        ..st.officer.clone()
    };
    assert!(matches!(
        sign_pdf(&pdf, &wrong, None),
        Err(DocumentError::KeyMismatch)
    ));

    // Expired certificate.
    let now = SystemTime::now();
    let expired = issue_user_cert_valid(
        &st.ca,
        "ส.ต.อ. หมดอายุ",
        CertRole::Officer,
        now - Duration::from_secs(4 * 365 * 86400),
        now - Duration::from_secs(86400),
    )
    .expect("expired cert");
    assert!(matches!(
        sign_pdf(&pdf, &identity(&expired, &st.ca), None),
        Err(DocumentError::CertificateExpired(_))
    ));

    // A certificate that claims this station's CA but was issued by another.
    let other = station("refuse-other");
    let foreign = SigningIdentity::new(
        other.officer.key.clone(),
        vec![other.officer.chain[0].clone(), st.ca.cert.clone()],
    )
    .expect("identity");
    assert!(matches!(
        sign_pdf(&pdf, &foreign, None),
        Err(DocumentError::ForeignCertificate)
    ));

    // The CA's own key may not sign records.
    let ca_as_signer =
        SigningIdentity::new(st.ca.key.clone(), vec![st.ca.cert.clone()]).expect("id");
    assert!(matches!(
        sign_pdf(&pdf, &ca_as_signer, None),
        Err(DocumentError::NotASigningCertificate)
    ));

    // A record that fails the signing rules: bad national ID and a missing last name.
    let (_, mut record) = dev_records().remove(0);
    record = signable(record);
    record.arrestees[0].national_id = Some("1103700456784".to_owned());
    record.arrestees[0].last_name = None;
    let unsignable = render(&record, &RenderOptions::default())
        .expect("render")
        .pdf;
    match sign_pdf(&unsignable, &st.officer, None) {
        Err(DocumentError::NotSignable(why)) => {
            assert!(why.contains("/arrestees/0/national_id"), "{why}");
            assert!(why.contains("/arrestees/0/last_name"), "{why}");
        }
        other => panic!("expected NotSignable, got {:?}", other.map(|v| v.len())),
    }

    // Issue 15: quantities of -5 and 1e20 (which printed as 9223372036854775807) and an age of
    // 0 rendered elsewhere are not signed, naming the fields.
    let (_, mut record) = dev_records().remove(0);
    record = signable(record);
    let item: banthuek_core::record::SeizedItem = serde_json::from_value(
        serde_json::json!({"description": "ยาบ้า", "quantity": 1, "unit": "เม็ด"}),
    )
    .expect("an item");
    record.seized_items = vec![item.clone(), item];
    record.seized_items[0].quantity = Some(banthuek_core::record::Quantity(-5.0));
    record.seized_items[1].quantity = Some(banthuek_core::record::Quantity(1e20));
    record.arrestees[0].age = Some(0);
    let out_of_range = render(&record, &RenderOptions::default())
        .expect("render")
        .pdf;
    match sign_pdf(&out_of_range, &st.officer, None) {
        Err(DocumentError::NotSignable(why)) => {
            for field in [
                "/seized_items/0/quantity",
                "/seized_items/1/quantity",
                "/arrestees/0/age",
            ] {
                assert!(why.contains(field), "{field}: {why}");
            }
        }
        other => panic!("expected NotSignable, got {:?}", other.map(|v| v.len())),
    }

    // Order: the supervisor cannot countersign first; a block cannot be signed twice.
    assert!(matches!(
        sign_pdf(&pdf, &st.supervisor, Some("supervisor")),
        Err(DocumentError::CountersignBeforeSign)
    ));
    let once = sign_pdf(&pdf, &st.officer, None).expect("sign");
    assert!(matches!(
        sign_pdf(&once, &st.officer, Some("recorder")),
        Err(DocumentError::AlreadySigned(_))
    ));
    assert!(matches!(
        sign_pdf(&once, &st.officer, Some("supervisor")),
        Err(DocumentError::SameSigner)
    ));
    assert!(matches!(
        sign_pdf(&once, &st.officer, Some("arrestee-0")),
        Err(DocumentError::NoSuchBlock(_))
    ));
    // A PDF that is not a Banthuek record.
    assert!(sign_pdf(b"%PDF-1.7\nnot really", &st.officer, None).is_err());
    let _ = pki::common_name(&st.ca.cert);
}
