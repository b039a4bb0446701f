//! The receiver's check of a signed PDF, in one function so another verifier (e.g. a national
//! PKI's) can be swapped in through [`crate::server::Config::verify_pdf`].

use banthuek_document::pki;

/// Checks that `pdf` is a final record (recorder's signature and supervisor's countersignature,
/// nothing changed after signing) signed with certificates of the station CA in `station_ca_pem`,
/// and that it embeds exactly `record_json` as `record_id` version `version`. The error is the
/// reason given to the station.
pub type PdfVerifier = fn(
    pdf: &[u8],
    station_ca_pem: &str,
    record_json: &str,
    record_id: &str,
    version: u32,
) -> Result<(), String>;

/// The default verifier: banthuek-document's PAdES verification.
pub fn verify_signed_pdf(
    pdf: &[u8],
    station_ca_pem: &str,
    record_json: &str,
    record_id: &str,
    version: u32,
) -> Result<(), String> {
    let trust = pki::certs_from_pem_or_der(station_ca_pem.as_bytes())
        .map_err(|e| format!("the station CA enrolled for this device is unusable: {e}"))?;
    let report = banthuek_document::verify_pdf(pdf, &trust).map_err(|e| e.to_string())?;
    if !report.valid {
        let mut problems = report.problems.clone();
        for s in report.signatures.iter().filter(|s| !s.valid) {
            problems.push(format!(
                "signature '{}': {}",
                s.field,
                s.problems.join("; ")
            ));
        }
        return Err(format!(
            "the PDF's signatures are not valid: {}",
            problems.join("; ")
        ));
    }
    if report.signatures.iter().any(|s| s.trusted != Some(true)) {
        return Err("a signature is not from this station's CA".to_owned());
    }
    if !report.is_final {
        return Err("the PDF lacks the recorder's or the supervisor's signature".to_owned());
    }
    if report.record_id.as_deref() != Some(record_id) || report.version != Some(version) {
        return Err(format!(
            "the PDF is of another record or version ({:?} v{:?})",
            report.record_id, report.version
        ));
    }
    let embedded = banthuek_document::read_embedded(pdf).map_err(|e| e.to_string())?;
    if embedded.record_json != record_json.as_bytes() {
        return Err("the record sent differs from the record in the signed PDF".to_owned());
    }
    Ok(())
}
