//! Verification of a signed record. Beyond checking each CMS signature, it holds the document to
//! the rule pdfsig does not: after the first signature, only signature revisions may follow, and
//! each may add nothing but its signature field, widget and appearance.
//!
//! The CMS is checked strictly, as PAdES (ETSI EN 319 142-1) and RFC 5652 require and as pyHanko
//! does: the signature dictionary is `/Type /Sig` with `/SubFilter /ETSI.CAdES.detached`; the
//! ContentInfo is id-signedData with exactly one SignerInfo; the encapsulated content is detached
//! id-data; the signed attributes hold exactly one content-type (equal to the encapsulated
//! content type), one message-digest and one signing-certificate-v2 naming the signer's
//! certificate, and no signing-time (PAdES puts the claimed time in `/M`); the digest is SHA-256
//! and the signature ECDSA with SHA-256. A test flips every byte of the signature dictionaries
//! and CMS blobs of a signed record and compares every verdict with pyHanko's.

use crate::error::Result;
use crate::pdf::{self, byte_range, dict_get, parse_pdf_date, resolve, text_of};
use crate::pki;
use crate::sign::ID_AA_SIGNING_CERTIFICATE_V2;
use cms::signed_data::SignerIdentifier;
use der::Encode;
use lopdf::{Document, Object, ObjectId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use x509_cert::Certificate;

#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// The signature block signed ("recorder", "supervisor", …).
    pub field: String,
    /// The certificate's common name.
    pub signer: Option<String>,
    /// The claimed signing time (/M), RFC 3339.
    pub signing_time: Option<String>,
    /// Which revision (1-based) the signature closes.
    pub revision: Option<usize>,
    /// The byte range covers the whole document up to the end of that revision.
    pub covers_revision: bool,
    /// The byte range covers the whole file.
    pub covers_whole_file: bool,
    /// The covered bytes hash to the signed message digest.
    pub digest_ok: bool,
    /// The CMS signature verifies with the signer's certificate.
    pub signature_ok: bool,
    /// The certificate was valid at signing time and allows signing.
    pub certificate_ok: bool,
    /// Issued by a trusted CA; `None` when no trust anchor was given.
    pub trusted: Option<bool>,
    pub valid: bool,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub record_id: Option<String>,
    pub version: Option<u32>,
    pub revisions: usize,
    pub signatures: Vec<SignatureReport>,
    /// Nothing but signature revisions follow the first signature.
    pub only_signatures_appended: bool,
    /// The embedded record JSON hashes to the value printed in the footer.
    pub record_matches_footer: bool,
    /// Recorder and supervisor have both signed, validly.
    pub is_final: bool,
    /// Every signature valid, nothing else appended, the record matches its footer.
    pub valid: bool,
    pub problems: Vec<String>,
}

/// Verifies every signature of `bytes`, trusting certificates issued by any of `trust` (when
/// empty, chains are not checked and `trusted` is `None`).
pub fn verify_pdf(bytes: &[u8], trust: &[Certificate]) -> Result<VerifyReport> {
    let doc = pdf::load(bytes)?;
    let ends = pdf::revision_ends(bytes);
    let mut problems = Vec::new();
    let (record_id, version, record_matches_footer) = match pdf::embedded_in(&doc) {
        Ok(e) => {
            let ok = e.hash_matches();
            if !ok {
                problems.push(
                    "embedded record does not match the footer hash / ข้อมูลบันทึกไม่ตรงกับค่าแฮชท้ายหน้า"
                        .to_owned(),
                );
            }
            (e.record.record_id.clone(), Some(e.layout.version), ok)
        }
        Err(e) => {
            problems.push(e.to_string());
            (None, None, false)
        }
    };
    if ends.last() != Some(&bytes.len()) {
        problems.push("data follows the last %%EOF / มีข้อมูลต่อท้ายไฟล์".to_owned());
    }

    let mut signatures = Vec::new();
    for field in pdf::signature_fields(&doc) {
        signatures.push(check_signature(bytes, &ends, &field, trust));
    }
    if signatures.is_empty() {
        problems.push("the document is not signed / เอกสารยังไม่ได้ลงนาม".to_owned());
    }

    // After the first signature, every revision must be closed by a signature and change nothing
    // but what a signature adds.
    let signed_ends: BTreeSet<usize> = signatures
        .iter()
        .filter_map(|s| s.revision.map(|r| ends[r - 1]))
        .collect();
    let mut only_signatures_appended = true;
    if let Some(&first) = signed_ends.iter().next() {
        let mut prev = first;
        for (i, &end) in ends.iter().enumerate().filter(|(_, &e)| e > first) {
            if !signed_ends.contains(&end) {
                only_signatures_appended = false;
                problems.push(format!(
                    "revision {} (bytes {prev}..{end}) was added after signing and is not a signature / มีการแก้ไขเอกสารหลังลงนาม",
                    i + 1
                ));
            } else {
                for p in signature_revision_problems(&bytes[..prev], &bytes[..end]) {
                    only_signatures_appended = false;
                    problems.push(format!("revision {}: {p}", i + 1));
                }
            }
            prev = end;
        }
    }

    let is_valid = |name: &str| signatures.iter().any(|s| s.field == name && s.valid);
    let is_final = is_valid("recorder") && is_valid("supervisor");
    let valid = !signatures.is_empty()
        && signatures.iter().all(|s| s.valid)
        && only_signatures_appended
        && record_matches_footer
        && problems.is_empty();
    Ok(VerifyReport {
        record_id,
        version,
        revisions: ends.len(),
        signatures,
        only_signatures_appended,
        record_matches_footer,
        is_final,
        valid,
        problems,
    })
}

fn check_signature(
    bytes: &[u8],
    ends: &[usize],
    field: &pdf::SigField,
    trust: &[Certificate],
) -> SignatureReport {
    let mut r = SignatureReport {
        field: field.name.clone(),
        signer: None,
        signing_time: None,
        revision: None,
        covers_revision: false,
        covers_whole_file: false,
        digest_ok: false,
        signature_ok: false,
        certificate_ok: false,
        trusted: None,
        valid: false,
        problems: Vec::new(),
    };
    let signing_time = field
        .sig
        .get(b"M")
        .ok()
        .and_then(text_of)
        .and_then(|m| parse_pdf_date(&m));
    r.signing_time = signing_time.map(|t| t.to_rfc3339());

    if let Some(p) = dictionary_problem(&field.sig) {
        r.problems.push(p);
        return r;
    }
    let Some([a, b, c, d]) = byte_range(&field.sig) else {
        r.problems.push("no valid /ByteRange".to_owned());
        return r;
    };
    let end = c.saturating_add(d);
    if a != 0 || b >= c || end > bytes.len() || bytes[b] != b'<' || bytes[c - 1] != b'>' {
        r.problems
            .push("/ByteRange does not frame the /Contents hole".to_owned());
        return r;
    }
    r.revision = ends.iter().position(|&e| e == end).map(|i| i + 1);
    r.covers_revision = r.revision.is_some();
    r.covers_whole_file = end == bytes.len();
    if !r.covers_revision {
        r.problems
            .push("signature does not end at the end of a revision".to_owned());
    }
    let Ok(der_bytes) = hex::decode(&bytes[b + 1..c - 1]) else {
        r.problems.push("/Contents is not hex".to_owned());
        return r;
    };
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..b]);
    hasher.update(&bytes[c..end]);
    let digest = hasher.finalize();

    match check_cms(&der_bytes, &digest) {
        Err(p) => r.problems.push(p),
        Ok(checked) => {
            r.digest_ok = checked.digest_ok;
            r.signature_ok = checked.signature_ok;
            r.signer = pki::common_name(&checked.leaf);
            if !r.digest_ok {
                r.problems.push(
                    "document changed after signing (digest mismatch) / เอกสารถูกแก้ไขหลังลงนาม"
                        .to_owned(),
                );
            }
            if !r.signature_ok {
                r.problems
                    .push("signature value does not verify".to_owned());
            }
            if !checked.signing_cert_attr_ok {
                r.problems
                    .push("signing-certificate-v2 attribute missing or wrong".to_owned());
            }
            let at = signing_time
                .map(std::time::SystemTime::from)
                .unwrap_or_else(std::time::SystemTime::now);
            let in_time = pki::valid_at(&checked.leaf, at);
            let may_sign = pki::may_sign_documents(&checked.leaf);
            if !in_time {
                r.problems
                    .push("certificate not valid at signing time / ใบรับรองหมดอายุ".to_owned());
            }
            if !may_sign {
                r.problems
                    .push("certificate may not sign documents".to_owned());
            }
            r.certificate_ok = in_time && may_sign && checked.signing_cert_attr_ok;
            if !trust.is_empty() {
                let trusted = trust
                    .iter()
                    .any(|ca| *ca == checked.leaf || pki::issued_by(&checked.leaf, ca));
                if !trusted {
                    r.problems.push(
                        "certificate not issued by a trusted CA / ใบรับรองไม่ได้ออกโดยหน่วยงานที่เชื่อถือ"
                            .to_owned(),
                    );
                }
                // A chain cannot be built through a certificate that cannot be read (pyHanko
                // refuses as well), unless it is a trust anchor's copy.
                let unfiled = checked
                    .unfiled
                    .iter()
                    .any(|d| !trust.iter().any(|ca| d.copies(ca)));
                if unfiled {
                    r.problems.push(
                        "a certificate in the signature is damaged / ใบรับรองในลายมือชื่อเสียหาย"
                            .to_owned(),
                    );
                }
                r.trusted = Some(trusted && !unfiled);
            }
        }
    }
    r.valid = r.covers_revision
        && r.digest_ok
        && r.signature_ok
        && r.certificate_ok
        && r.trusted != Some(false);
    r
}

/// What PAdES requires of the signature dictionary itself: `/Type`, when present, is `/Sig`, and
/// `/SubFilter` is `/ETSI.CAdES.detached`.
fn dictionary_problem(sig: &lopdf::Dictionary) -> Option<String> {
    let name = |key: &[u8]| sig.get(key).ok().map(|o| o.as_name().ok());
    if !matches!(name(b"Type"), None | Some(Some(b"Sig"))) {
        return Some("the signature dictionary's /Type is not /Sig".to_owned());
    }
    if name(b"SubFilter") != Some(Some(b"ETSI.CAdES.detached".as_slice())) {
        return Some("/SubFilter is not /ETSI.CAdES.detached (PAdES)".to_owned());
    }
    None
}

/// One DER element: its first tag byte, its contents and the whole encoding. Only the framing
/// (tag and definite length) is read.
struct Tlv<'a> {
    tag: u8,
    contents: &'a [u8],
    whole: &'a [u8],
}

/// Splits `bytes` into its first DER element and the rest; `None` when the framing is broken.
fn tlv(bytes: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, mut rest) = bytes.split_first()?;
    if tag & 0x1f == 0x1f {
        // A tag number of 31 or more follows in base-128 digits, the last with its top bit clear.
        // None appears in a signature, but pyHanko's reader frames them (minimal form only), so a
        // damaged byte that reads as one, in a part no check decodes, frames alike.
        let mut number = 0u64;
        loop {
            let (&digit, after) = rest.split_first()?;
            if number == 0 && digit == 0x80 {
                return None;
            }
            number = number.checked_mul(128)? | u64::from(digit & 0x7f);
            rest = after;
            if digit & 0x80 == 0 {
                break;
            }
        }
        if number < 31 {
            return None;
        }
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        n if n < 0x80 => (n as usize, rest),
        0x81..=0x84 => {
            let k = (first - 0x80) as usize;
            let (len_bytes, rest) = (rest.get(..k)?, rest.get(k..)?);
            (
                len_bytes.iter().fold(0usize, |a, &b| a << 8 | b as usize),
                rest,
            )
        }
        _ => return None,
    };
    let contents = rest.get(..len)?;
    let header = bytes.len() - rest.len();
    Some((
        Tlv {
            tag,
            contents,
            whole: &bytes[..header + len],
        },
        &rest[len..],
    ))
}

fn tlvs(mut bytes: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (t, rest) = tlv(bytes)?;
        out.push(t);
        bytes = rest;
    }
    Some(out)
}

/// The parts of a CMS SignedData the verifier uses. Like pyHanko (whose ASN.1 library decodes
/// a field only when it is used), the parts no check uses (the version, the digest algorithm
/// set, revocation data, certificates other than the signer's) are framed but not decoded, so
/// damage there does not decide the verdict; everything that is used is decoded strictly.
struct SignedParts {
    encap: cms::signed_data::EncapsulatedContentInfo,
    /// The certificates that decode; the signer's must be among them.
    certificates: Vec<Certificate>,
    /// The certificates that are framed but do not decode.
    damaged: Vec<DamagedCertificate>,
    signer_infos: Vec<cms::signed_data::SignerInfo>,
}

/// The SignedData in a /Contents value. The reserved space is zero-padded: read exactly one DER
/// value and ignore the rest. The ContentInfo must say it holds signed data.
fn signed_data(der_bytes: &[u8]) -> std::result::Result<SignedParts, String> {
    use der::Decode as _;
    let (info, _padding) = tlv(der_bytes).ok_or("CMS: broken framing")?;
    // Elements after ContentInfo's two fields are ignored, as pyHanko's reader ignores them:
    // no signature covers them, and a length altered to reach into the zero padding reads the
    // padding as such elements.
    let fields = (info.tag == 0x30)
        .then(|| tlvs(info.contents))
        .flatten()
        .ok_or("CMS: ContentInfo is not a framed SEQUENCE")?;
    let [content_type, content, ..] = fields.as_slice() else {
        return Err("CMS: ContentInfo has no content".to_owned());
    };
    let content_type = der::asn1::ObjectIdentifier::from_der(content_type.whole)
        .map_err(|e| format!("CMS content type: {e}"))?;
    if content_type != const_oid::db::rfc5911::ID_SIGNED_DATA {
        return Err(format!(
            "CMS content type is {content_type}, not signed data"
        ));
    }
    let bad = |what: &str| format!("CMS SignedData: {what}");
    let signed = match tlv(content.contents) {
        Some((signed, [])) if content.tag == 0xA0 && signed.tag == 0x30 => signed,
        _ => return Err(bad("not a SEQUENCE")),
    };
    let fields = tlvs(signed.contents).ok_or_else(|| bad("broken framing"))?;
    // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
    let [version, _digest_algorithms, encap, middle @ .., signers] = fields.as_slice() else {
        return Err(bad("too few fields"));
    };
    if version.tag != 0x02 {
        return Err(bad("version is not an INTEGER"));
    }
    let encap = cms::signed_data::EncapsulatedContentInfo::from_der(encap.whole)
        .map_err(|e| bad(&format!("encapsulated content: {e}")))?;
    let mut certificates = Vec::new();
    let mut damaged = Vec::new();
    for bag in middle.iter().filter(|f| f.tag == 0xA0) {
        for cert in tlvs(bag.contents).ok_or_else(|| bad("broken certificate set"))? {
            let framed = DamagedCertificate::framed(&cert)
                .ok_or_else(|| bad("a certificate is malformed"))?;
            // Framed, but damaged deeper down: it cannot be the signer's.
            match Certificate::from_der(cert.whole) {
                Ok(cert) => certificates.push(cert),
                Err(_) => damaged.push(framed),
            }
        }
    }
    if signers.tag != 0x31 {
        return Err(bad("signerInfos is not a SET"));
    }
    let signer_infos = tlvs(signers.contents)
        .ok_or_else(|| bad("broken signerInfos"))?
        .iter()
        .map(signer_info)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(&format!("signer info: {e}")))?;
    Ok(SignedParts {
        encap,
        certificates,
        damaged,
        signer_infos,
    })
}

/// A certificate of the CMS set that does not decode, as far as pyHanko reads it before trusting
/// the signer: it files every certificate it is given by issuer and serial number, skipping one
/// it already holds (a copy of a trust anchor), and otherwise by subject, public key and key
/// identifier. A damaged certificate it cannot file makes it refuse to trust the signer.
struct DamagedCertificate {
    issuer: Vec<u8>,
    serial: Vec<u8>,
    /// Its subject, public key and extensions decode.
    fileable: bool,
}

impl DamagedCertificate {
    /// `None` unless the certificate is framed as every reader needs to look for the signer's:
    /// a SEQUENCE of TBSCertificate, algorithm, signature and anything after them, the
    /// TBSCertificate's fields framed, its version (when present) tagged `[0]`, its serial
    /// number an INTEGER and its issuer a SEQUENCE.
    fn framed(cert: &Tlv<'_>) -> Option<Self> {
        use der::Decode as _;
        let parts = (cert.tag == 0x30).then(|| tlvs(cert.contents)).flatten()?;
        let [tbs, _, _, ..] = parts.as_slice() else {
            return None;
        };
        let fields = (tbs.tag == 0x30).then(|| tlvs(tbs.contents)).flatten()?;
        // The version is told apart from the serial number by its class and number alone.
        let fields = match fields.first().map(|f| f.tag & !0x20) {
            Some(0x80) => &fields[1..],
            _ => &fields[..],
        };
        let [serial, _, issuer, rest @ ..] = fields else {
            return None;
        };
        if serial.tag != 0x02 || issuer.tag != 0x30 {
            return None;
        }
        let fileable = match rest {
            [_validity, subject, key, optional @ ..] => {
                x509_cert::name::Name::from_der(subject.whole).is_ok()
                    && x509_cert::spki::SubjectPublicKeyInfoOwned::from_der(key.whole).is_ok()
                    && optional
                        .iter()
                        .filter(|f| f.tag == 0xA3)
                        .all(|f| x509_cert::ext::Extensions::from_der(f.contents).is_ok())
            }
            _ => false,
        };
        Some(Self {
            issuer: issuer.whole.to_vec(),
            serial: serial.contents.to_vec(),
            fileable,
        })
    }

    /// Whether pyHanko would take it for `anchor`, which it already holds.
    fn copies(&self, anchor: &Certificate) -> bool {
        use der::Encode as _;
        let tbs = &anchor.tbs_certificate;
        tbs.serial_number.as_bytes() == self.serial
            && tbs
                .issuer
                .to_der()
                .is_ok_and(|issuer| issuer == self.issuer)
    }
}

/// A SignerInfo decoded strictly except its version, which no check uses (pyHanko ignores it
/// too): the element is decoded with the version read as 1.
fn signer_info(t: &Tlv<'_>) -> der::Result<cms::signed_data::SignerInfo> {
    use der::Decode as _;
    let framed = (t.tag == 0x30)
        .then(|| tlvs(t.contents))
        .flatten()
        .filter(|f| !f.is_empty());
    let Some(fields) = framed else {
        return cms::signed_data::SignerInfo::from_der(t.whole);
    };
    let mut contents = vec![0x02, 0x01, 0x01];
    for f in &fields[1..] {
        contents.extend_from_slice(f.whole);
    }
    let mut der = vec![0x30];
    der::Length::try_from(contents.len())?.encode_to_vec(&mut der)?;
    der.extend_from_slice(&contents);
    cms::signed_data::SignerInfo::from_der(&der)
}

/// An X.500 name compared as RFC 5280 (7.1) asks: attribute by attribute, string values with
/// case folded and white space collapsed (as pyHanko does), anything else byte for byte.
fn same_name(a: &x509_cert::name::Name, b: &x509_cert::name::Name) -> bool {
    fn folded(v: &der::Any) -> Option<String> {
        let text = match der::Tagged::tag(v) {
            der::Tag::Utf8String | der::Tag::PrintableString | der::Tag::Ia5String => {
                std::str::from_utf8(v.value()).ok()?
            }
            _ => return None,
        };
        Some(
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        )
    }
    a.0.len() == b.0.len()
        && a.0.iter().zip(b.0.iter()).all(|(x, y)| {
            x.0.len() == y.0.len()
                && x.0.iter().zip(y.0.iter()).all(|(p, q)| {
                    p.oid == q.oid
                        && match (folded(&p.value), folded(&q.value)) {
                            (Some(s), Some(t)) => s == t,
                            _ => p.value == q.value,
                        }
                })
        })
}

fn signer_certificate(
    sd: &SignedParts,
    si: &cms::signed_data::SignerInfo,
) -> std::result::Result<Certificate, String> {
    let SignerIdentifier::IssuerAndSerialNumber(isn) = &si.sid else {
        return Err("CMS signer identified by key id, not supported".to_owned());
    };
    sd.certificates
        .iter()
        .find(|cert| {
            same_name(&cert.tbs_certificate.issuer, &isn.issuer)
                && cert.tbs_certificate.serial_number == isn.serial_number
        })
        .cloned()
        .ok_or_else(|| "signer's certificate is not in the signature".to_owned())
}

/// The certificate that made the signature whose /Contents are `contents`.
pub(crate) fn certificate_of(contents: &[u8]) -> Option<Certificate> {
    let sd = signed_data(contents).ok()?;
    let si = sd.signer_infos.first()?;
    signer_certificate(&sd, si).ok()
}

struct CmsCheck {
    leaf: Certificate,
    /// Damaged certificates of the set that pyHanko could not file (unless it holds them).
    unfiled: Vec<DamagedCertificate>,
    digest_ok: bool,
    signature_ok: bool,
    signing_cert_attr_ok: bool,
}

fn check_cms(der_bytes: &[u8], digest: &[u8]) -> std::result::Result<CmsCheck, String> {
    use const_oid::db::{rfc5911, rfc5912};
    use signature::Verifier;
    let sd = signed_data(der_bytes)?;
    let eci = &sd.encap;
    if eci.econtent_type != rfc5911::ID_DATA {
        return Err(format!(
            "CMS encapsulated content type is {}, not id-data",
            eci.econtent_type
        ));
    }
    if eci.econtent.is_some() {
        return Err("CMS signature is not detached".to_owned());
    }
    let [si] = sd.signer_infos.as_slice() else {
        return Err(format!(
            "CMS has {} signers, PAdES wants one",
            sd.signer_infos.len()
        ));
    };
    let leaf = signer_certificate(&sd, si)?;
    let null_or_absent = |p: &Option<der::Any>| {
        p.as_ref()
            .is_none_or(|a| der::Tagged::tag(a) == der::Tag::Null && a.value().is_empty())
    };
    if si.digest_alg.oid != rfc5912::ID_SHA_256 || !null_or_absent(&si.digest_alg.parameters) {
        return Err("digest algorithm is not SHA-256".to_owned());
    }
    if si.signature_algorithm.oid != rfc5912::ECDSA_WITH_SHA_256
        || si.signature_algorithm.parameters.is_some()
    {
        return Err("signature algorithm is not ECDSA with SHA-256".to_owned());
    }
    let attrs = si.signed_attrs.as_ref().ok_or("no signed attributes")?;
    // Each required attribute exactly once, with exactly one value.
    let single = |oid, name: &str| -> std::result::Result<&der::Any, String> {
        let mut found = attrs.iter().filter(|a| a.oid == oid);
        match (found.next(), found.next()) {
            (Some(a), None) if a.values.len() == 1 => Ok(a.values.iter().next().expect("one")),
            (None, _) => Err(format!("signed attribute {name} is missing")),
            _ => Err(format!("signed attribute {name} is not single")),
        }
    };
    let content_type = single(rfc5911::ID_CONTENT_TYPE, "content-type")?
        .decode_as::<const_oid::ObjectIdentifier>()
        .map_err(|e| format!("content-type attribute: {e}"))?;
    if content_type != eci.econtent_type {
        return Err(format!(
            "the signed content type {content_type} differs from the encapsulated one"
        ));
    }
    single(rfc5911::ID_MESSAGE_DIGEST, "message-digest")?;
    single(ID_AA_SIGNING_CERTIFICATE_V2, "signing-certificate-v2")?;
    if attrs.iter().any(|a| a.oid == rfc5911::ID_SIGNING_TIME) {
        return Err("a signing-time attribute is present; PAdES forbids it".to_owned());
    }
    let attr_value = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| a.values.iter().next())
    };
    let digest_ok = attr_value(const_oid::db::rfc5911::ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
        .map(|os| os.as_bytes() == digest)
        .unwrap_or(false);
    let leaf_hash = Sha256::digest(leaf.to_der().map_err(|e| e.to_string())?);
    let signing_cert_attr_ok = attr_value(ID_AA_SIGNING_CERTIFICATE_V2)
        .and_then(|v| v.to_der().ok())
        .map(|d| d.windows(32).any(|w| w == leaf_hash.as_slice()))
        .unwrap_or(false);
    let signed_attrs_der = attrs.to_der().map_err(|e| e.to_string())?;
    let signature_ok = pki::cert_verifying_key(&leaf)
        .ok()
        .zip(p256::ecdsa::DerSignature::from_bytes(si.signature.as_bytes()).ok())
        .map(|(vk, sig)| vk.verify(&signed_attrs_der, &sig).is_ok())
        .unwrap_or(false);
    Ok(CmsCheck {
        leaf,
        unfiled: sd.damaged.into_iter().filter(|d| !d.fileable).collect(),
        digest_ok,
        signature_ok,
        signing_cert_attr_ok,
    })
}

/// What a signature revision (`new` over `old`) changed beyond a signature field: a difference
/// in any page, the page tree, the catalog (other than /AcroForm), or an annotation that is not a
/// signature widget.
fn signature_revision_problems(old: &[u8], new: &[u8]) -> Vec<String> {
    let (Ok(old), Ok(new)) = (pdf::load(old), pdf::load(new)) else {
        return vec!["revision cannot be read".to_owned()];
    };
    let mut problems = Vec::new();
    let old_pages = old.get_pages();
    if old_pages != new.get_pages() {
        problems.push("pages were added, removed or reordered".to_owned());
        return problems;
    }
    let root = |d: &Document| d.trailer.get(b"Root").and_then(Object::as_reference).ok();
    let Some(root_id) = root(&new) else {
        return vec!["no catalog".to_owned()];
    };
    if root(&old) != Some(root_id) {
        problems.push("the catalog was replaced".to_owned());
    }
    // Indirect containers a signature legitimately rewrites.
    let mut containers: BTreeSet<ObjectId> = BTreeSet::new();
    if let Ok(catalog) = new.get_dictionary(root_id) {
        if let Ok(Object::Reference(id)) = catalog.get(b"AcroForm") {
            containers.insert(*id);
        }
        if let Some(Object::Dictionary(acro)) = dict_get(&new, catalog, b"AcroForm") {
            if let Ok(Object::Reference(id)) = acro.get(b"Fields") {
                containers.insert(*id);
            }
        }
    }
    let page_ids: BTreeSet<ObjectId> = old_pages.values().copied().collect();
    for &page in &page_ids {
        if let Ok(Object::Reference(id)) = new.get_dictionary(page).and_then(|d| d.get(b"Annots")) {
            containers.insert(*id);
        }
    }
    for (id, obj) in &new.objects {
        let Some(before) = old.objects.get(id) else {
            continue;
        };
        if before == obj || containers.contains(id) {
            continue;
        }
        let without = |o: &Object, key: &[u8]| match o {
            Object::Dictionary(d) => {
                let mut d = d.clone();
                d.remove(key);
                Some(d)
            }
            _ => None,
        };
        let same = if *id == root_id {
            without(before, b"AcroForm") == without(obj, b"AcroForm")
        } else if page_ids.contains(id) {
            without(before, b"Annots") == without(obj, b"Annots")
        } else {
            false
        };
        if !same {
            problems.push(format!("object {} {} was changed", id.0, id.1));
        }
    }
    // Every annotation the revision added must be a signature widget.
    for &page in &page_ids {
        let annots = |d: &Document| -> Vec<Object> {
            d.get_dictionary(page)
                .ok()
                .and_then(|p| dict_get(d, p, b"Annots"))
                .and_then(|a| a.as_array().ok().cloned())
                .unwrap_or_default()
        };
        let before = annots(&old);
        for a in annots(&new) {
            if before.contains(&a) {
                continue;
            }
            let is_sig_widget = match resolve(&new, &a) {
                Some(Object::Dictionary(d)) => {
                    d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Widget".as_slice())
                        && d.get(b"FT").and_then(Object::as_name).ok() == Some(b"Sig".as_slice())
                }
                _ => false,
            };
            if !is_sig_widget {
                problems.push("an annotation other than a signature was added".to_owned());
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::tlv;

    #[test]
    fn a_tag_in_high_number_form_frames_as_pyhankos_reader_frames_it() {
        // [APPLICATION 48] (0x7f 0x30), three bytes of contents, then the next element.
        let (element, rest) = tlv(&[0x7f, 0x30, 0x03, 1, 2, 3, 0x05, 0x00]).expect("framed");
        assert_eq!(element.contents, [1, 2, 3]);
        assert_eq!(rest, [0x05, 0x00]);
        // Two digits: tag number 128.
        let (element, _) = tlv(&[0xbf, 0x81, 0x00, 0x01, 9]).expect("framed");
        assert_eq!(element.contents, [9]);
        // Non-minimal forms are refused, as there: a leading zero digit, a number under 31.
        assert!(tlv(&[0xbf, 0x80, 0x40, 0x00]).is_none());
        assert!(tlv(&[0x9f, 0x1e, 0x00]).is_none());
        // Digits that never end.
        assert!(tlv(&[0xff, 0x81, 0x82]).is_none());
    }
}
