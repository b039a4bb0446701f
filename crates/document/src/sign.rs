//! PAdES baseline-B signing as an incremental update: a /Sig field merged with a visible widget in
//! the signature block the renderer laid out, a /ByteRange covering everything but the reserved
//! /Contents, and a detached CMS SignedData (ECDSA P-256, SHA-256, signing-certificate-v2).

use crate::error::{DocumentError, Result};
use crate::fonts::{text_width, FontSet};
use crate::layout::{BlockRole, SignatureBlock, NAME_BASELINE_ABOVE_RECT_BOTTOM, NAME_SIZE};
use crate::pdf::{self, dict_get, pdf_date, resolve};
use crate::pki::{self, SigningIdentity};
use crate::thai::{date_be, time_th};
use banthuek_core::rules::check_signable;
use chrono::{DateTime, FixedOffset, Utc};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::signed_data::{EncapsulatedContentInfo, SignerIdentifier};
use const_oid::db::rfc5911::ID_DATA;
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::SetOfVec;
use der::{Any, Decode, Encode};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use x509_cert::attr::Attribute;

/// Hex digits reserved for the CMS blob (4 KiB of DER: a P-256 signature with a two-certificate
/// chain needs about 1.5 KiB).
const CONTENTS_HEX_LEN: usize = 8192;
/// id-aa-signingCertificateV2 (RFC 5035), required by PAdES.
pub(crate) const ID_AA_SIGNING_CERTIFICATE_V2: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
/// Thai time for the appearance: the station's clock is in Asia/Bangkok (UTC+7, no DST).
const THAI_OFFSET_SECS: i32 = 7 * 3600;

/// What to sign and when.
pub struct SignRequest<'a> {
    /// Block id from the layout ("recorder", "supervisor", "officer-N"); `None`: the recorder's
    /// block when nothing is signed yet, else the supervisor's.
    pub block: Option<&'a str>,
    /// Signing time; `None`: now.
    pub now: Option<DateTime<Utc>>,
}

/// Signs `pdf` in `block` (see [`SignRequest::block`]) with fonts from the default directory.
pub fn sign_pdf(pdf: &[u8], signer: &SigningIdentity, block: Option<&str>) -> Result<Vec<u8>> {
    let fonts = FontSet::load(&FontSet::default_dir())?;
    sign_pdf_with(pdf, signer, &SignRequest { block, now: None }, &fonts)
}

/// Signs `pdf` as asked. Checks, before anything is produced: the record embedded in the PDF
/// passes the signing rules and matches its footer hash; the key matches the certificate, which
/// is valid now, allows signing and was issued by the CA in the chain; the block exists, is not
/// signed yet, and the supervisor countersigns only after the recorder.
pub fn sign_pdf_with(
    pdf: &[u8],
    signer: &SigningIdentity,
    req: &SignRequest<'_>,
    fonts: &FontSet,
) -> Result<Vec<u8>> {
    let now = req.now.unwrap_or_else(Utc::now);
    let doc = pdf::load(pdf)?;
    let embedded = pdf::embedded_in(&doc)?;
    if !embedded.hash_matches() {
        return Err(DocumentError::BadEmbeddedRecord(
            "record does not match the hash printed in the footer".to_owned(),
        ));
    }
    let local_now = now.with_timezone(&thai_offset()).naive_local();
    // The signing rules, and the input limits every entry point applies (numbers in range, no
    // control or direction characters, sizes): a record rendered elsewhere is held to them too.
    let mut list: Vec<String> = check_signable(&embedded.record, local_now)
        .iter()
        .map(ToString::to_string)
        .collect();
    list.extend(
        banthuek_core::check_input(&embedded.record)
            .iter()
            .map(ToString::to_string),
    );
    if !list.is_empty() {
        return Err(DocumentError::NotSignable(list.join("; ")));
    }
    check_identity(signer, now)?;

    let fields = pdf::signature_fields(&doc);
    let signed: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    let block_id = match req.block {
        Some(b) => b.to_owned(),
        None if signed.iter().any(|s| s == "recorder") => "supervisor".to_owned(),
        None => "recorder".to_owned(),
    };
    let block = embedded
        .layout
        .block(&block_id)
        .filter(|b| b.role != BlockRole::Arrestee)
        .ok_or_else(|| DocumentError::NoSuchBlock(block_id.clone()))?
        .clone();
    if signed.contains(&block.id) {
        return Err(DocumentError::AlreadySigned(block.id));
    }
    if block.role == BlockRole::Supervisor {
        let recorder = fields
            .iter()
            .find(|f| f.name == "recorder")
            .ok_or(DocumentError::CountersignBeforeSign)?;
        // Four eyes: the countersignature must come from someone other than the recorder.
        let recorder_cert = recorder
            .sig
            .get(b"Contents")
            .ok()
            .and_then(|c| c.as_str().ok())
            .and_then(crate::verify::certificate_of);
        let own_key = signer.key.verifying_key();
        if recorder_cert
            .map(|c| pki::cert_verifying_key(&c).ok().as_ref() == Some(own_key))
            .unwrap_or(false)
        {
            return Err(DocumentError::SameSigner);
        }
    }

    let appearance = appearance_pdf(signer, &block, now, embedded.layout.digits, fonts)?;
    let update = incremental_update(pdf, &doc, &block, &appearance, signer, now)?;
    let out = fill_signature(update, signer)?;
    tracing::info!(block = %block.id, bytes = out.len(), "signed");
    Ok(out)
}

fn thai_offset() -> FixedOffset {
    #[allow(clippy::expect_used)]
    FixedOffset::east_opt(THAI_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

fn check_identity(signer: &SigningIdentity, now: DateTime<Utc>) -> Result<()> {
    let leaf = signer.leaf()?;
    if !pki::key_matches_cert(&signer.key, leaf) {
        return Err(DocumentError::KeyMismatch);
    }
    let at = std::time::SystemTime::from(now);
    if !pki::valid_at(leaf, at) {
        let v = &leaf.tbs_certificate.validity;
        return Err(DocumentError::CertificateExpired(format!(
            "{} – {}",
            v.not_before, v.not_after
        )));
    }
    if !pki::may_sign_documents(leaf) {
        return Err(DocumentError::NotASigningCertificate);
    }
    // The chain must lead from the leaf to its issuer; a certificate from another CA is refused
    // here rather than producing a signature no one at the station can verify.
    if let Some(ca) = signer.chain.get(1) {
        if !pki::issued_by(leaf, ca) {
            return Err(DocumentError::ForeignCertificate);
        }
        if !pki::valid_at(ca, at) {
            return Err(DocumentError::CertificateExpired("station CA".to_owned()));
        }
    }
    Ok(())
}

/// The visible signature, drawn by krilla (so Thai is shaped correctly) as a one-page PDF the
/// size of the block's rectangle; its page becomes the widget's appearance stream.
fn appearance_pdf(
    signer: &SigningIdentity,
    block: &SignatureBlock,
    now: DateTime<Utc>,
    digits: crate::thai::Digits,
    fonts: &FontSet,
) -> Result<Vec<u8>> {
    let [x0, y0, x1, y1] = block.rect;
    let (w, h) = (x1 - x0, y1 - y0);
    let local = now.with_timezone(&thai_offset());
    let lines = [
        (signer.display_name.clone(), 12.0_f32, &fonts.bold),
        ("ลงชื่ออิเล็กทรอนิกส์".to_owned(), 9.0, &fonts.regular),
        (
            format!(
                "{} {}",
                date_be(local.date_naive(), digits),
                time_th(local.time(), digits)
            ),
            9.0,
            &fonts.regular,
        ),
    ];
    let settings = krilla::page::PageSettings::from_wh(w, h)
        .ok_or_else(|| DocumentError::Render("signature block size".to_owned()))?;
    let mut doc = krilla::Document::new_with(krilla::SerializeSettings {
        no_device_cs: true,
        ..Default::default()
    });
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    // The lines above the signing line keep within it, centred on it.
    let line_w = block.line.map(|[a, b]| b - a).unwrap_or(w).min(w);
    let mut baseline = 0.0;
    for (text, size, font) in &lines {
        let face = font.face()?;
        let natural = text_width(&face, text, *size);
        let size = if natural > line_w - 2.0 {
            size * (line_w - 2.0) / natural
        } else {
            *size
        };
        baseline += size * 1.2;
        let x = ((w - text_width(&face, text, size)) / 2.0).max(1.0);
        surface.draw_text(
            krilla::geom::Point::from_xy(x, baseline),
            font.krilla.clone(),
            size,
            text,
            false,
            krilla::text::TextDirection::Auto,
        );
    }
    if block.name_in_signature {
        // The name line the page left blank: "( rank name )", as under every other line.
        let name = format!("( {} )", crate::thai::digits(&signer.display_name, digits));
        let face = fonts.regular.face()?;
        let natural = text_width(&face, &name, NAME_SIZE);
        let size = if natural > w - 2.0 {
            NAME_SIZE * (w - 2.0) / natural
        } else {
            NAME_SIZE
        };
        let x = ((w - text_width(&face, &name, size)) / 2.0).max(1.0);
        surface.draw_text(
            krilla::geom::Point::from_xy(x, h - NAME_BASELINE_ABOVE_RECT_BOTTOM),
            fonts.regular.krilla.clone(),
            size,
            &name,
            false,
            krilla::text::TextDirection::Auto,
        );
    }
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| DocumentError::Render(format!("signature appearance: {e:?}")))
}

/// Copies objects reachable from `obj` in `src` into the update, renumbered from `next`.
struct Importer<'a> {
    src: &'a Document,
    map: BTreeMap<ObjectId, ObjectId>,
    next: u32,
    objects: Vec<(ObjectId, Object)>,
}

impl Importer<'_> {
    fn import(&mut self, obj: &Object) -> Result<Object> {
        Ok(match obj {
            Object::Reference(id) => {
                if let Some(new) = self.map.get(id) {
                    return Ok(Object::Reference(*new));
                }
                let new = (self.next, 0);
                self.next += 1;
                self.map.insert(*id, new);
                let target = self
                    .src
                    .get_object(*id)
                    .map_err(|e| DocumentError::Render(format!("appearance: {e}")))?
                    .clone();
                let imported = self.import(&target)?;
                self.objects.push((new, imported));
                Object::Reference(new)
            }
            Object::Dictionary(d) => Object::Dictionary(self.import_dict(d)?),
            Object::Array(a) => Object::Array(
                a.iter()
                    .map(|o| self.import(o))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Object::Stream(s) => {
                let mut dict = self.import_dict(&s.dict)?;
                dict.set("Length", Object::Integer(s.content.len() as i64));
                Object::Stream(Stream::new(dict, s.content.clone()).with_compression(false))
            }
            other => other.clone(),
        })
    }

    fn import_dict(&mut self, d: &Dictionary) -> Result<Dictionary> {
        let mut out = Dictionary::new();
        for (k, v) in d.iter() {
            out.set(k.clone(), self.import(v)?);
        }
        Ok(out)
    }
}

fn serialise(o: &Object) -> Result<Vec<u8>> {
    let mut v = Vec::new();
    lopdf::Writer::write_object(&mut v, o).map_err(|e| DocumentError::Render(e.to_string()))?;
    Ok(v)
}

fn utf16_string(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        bytes.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// Offset of the last `startxref`'s value.
fn last_startxref(bytes: &[u8]) -> Result<usize> {
    let pos = bytes
        .windows(9)
        .rposition(|w| w == b"startxref")
        .ok_or_else(|| DocumentError::BadPdf("no startxref".to_owned()))?;
    String::from_utf8_lossy(&bytes[pos + 9..])
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| DocumentError::BadPdf("bad startxref".to_owned()))
}

/// Where the placeholders of the signature dictionary sit in the output.
struct Placeholders {
    byte_range: usize,
    contents_start: usize,
    contents_end: usize,
}

struct Update {
    bytes: Vec<u8>,
    at: Placeholders,
}

fn incremental_update(
    orig: &[u8],
    doc: &Document,
    block: &SignatureBlock,
    appearance: &[u8],
    signer: &SigningIdentity,
    now: DateTime<Utc>,
) -> Result<Update> {
    let bad = |what: &str| DocumentError::BadPdf(what.to_owned());
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| bad("no /Root"))?;
    let page_id = *doc
        .get_pages()
        .get(&(block.page as u32 + 1))
        .ok_or_else(|| bad("signature block page missing"))?;
    let trailer_size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .unwrap_or(0)
        .max(0) as u32;
    let mut next = trailer_size.max(doc.max_id + 1);
    let sig_id = (next, 0);
    let widget_id = (next + 1, 0);
    let form_id = (next + 2, 0);
    next += 3;

    // The appearance: the single page of the krilla PDF as a form XObject.
    let mini = pdf::load(appearance)?;
    let mini_page = *mini
        .get_pages()
        .get(&1)
        .ok_or_else(|| bad("appearance page"))?;
    let mini_dict = mini
        .get_dictionary(mini_page)
        .map_err(|e| DocumentError::Render(e.to_string()))?;
    let content = mini
        .get_page_content_with_limit(mini_page, 1 << 20)
        .map_err(|e| DocumentError::Render(e.to_string()))?;
    let mut importer = Importer {
        src: &mini,
        map: BTreeMap::new(),
        next,
        objects: Vec::new(),
    };
    let resources = match mini_dict.get(b"Resources") {
        Ok(r) => importer.import(r)?,
        Err(_) => Object::Dictionary(Dictionary::new()),
    };
    let [x0, y0, x1, y1] = block.rect;
    let mut form_dict = Dictionary::new();
    form_dict.set("Type", Object::Name(b"XObject".to_vec()));
    form_dict.set("Subtype", Object::Name(b"Form".to_vec()));
    form_dict.set(
        "BBox",
        Object::Array(vec![
            Object::Real(0.0),
            Object::Real(0.0),
            Object::Real(x1 - x0),
            Object::Real(y1 - y0),
        ]),
    );
    form_dict.set("Resources", resources);
    let mut form = Stream::new(form_dict, content);
    form.compress()
        .map_err(|e| DocumentError::Render(e.to_string()))?;
    let mut objects = importer.objects;
    objects.push((form_id, Object::Stream(form)));

    // The field, merged with its widget. /F 4 = Print, as PDF/A requires.
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", Object::string_literal(block.id.as_str()));
    widget.set("TU", utf16_string(&block.label));
    widget.set("V", Object::Reference(sig_id));
    widget.set(
        "Rect",
        Object::Array(vec![
            Object::Real(x0),
            Object::Real(y0),
            Object::Real(x1),
            Object::Real(y1),
        ]),
    );
    widget.set("F", Object::Integer(4));
    widget.set("P", Object::Reference(page_id));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference(form_id));
    widget.set("AP", Object::Dictionary(ap));
    objects.push((widget_id, Object::Dictionary(widget)));

    // Catalog / AcroForm: add the field.
    let mut catalog = doc
        .get_dictionary(root_id)
        .map_err(|_| bad("catalog"))?
        .clone();
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(acro_id)) => {
            let mut acro = doc
                .get_dictionary(*acro_id)
                .map_err(|_| bad("AcroForm"))?
                .clone();
            add_field(doc, &mut acro, widget_id, &mut objects)?;
            objects.push((*acro_id, Object::Dictionary(acro)));
        }
        Ok(Object::Dictionary(acro)) => {
            let mut acro = acro.clone();
            add_field(doc, &mut acro, widget_id, &mut objects)?;
            catalog.set("AcroForm", Object::Dictionary(acro));
            objects.push((root_id, Object::Dictionary(catalog)));
        }
        _ => {
            let mut acro = Dictionary::new();
            acro.set("Fields", Object::Array(vec![Object::Reference(widget_id)]));
            acro.set("SigFlags", Object::Integer(3));
            catalog.set("AcroForm", Object::Dictionary(acro));
            objects.push((root_id, Object::Dictionary(catalog)));
        }
    }

    // Page: add the widget to /Annots.
    let mut page = doc
        .get_dictionary(page_id)
        .map_err(|_| bad("page"))?
        .clone();
    match page.get(b"Annots") {
        Ok(Object::Reference(annots_id)) => {
            let mut annots = match resolve(doc, &Object::Reference(*annots_id)) {
                Some(Object::Array(a)) => a.clone(),
                _ => return Err(bad("/Annots")),
            };
            annots.push(Object::Reference(widget_id));
            objects.push((*annots_id, Object::Array(annots)));
        }
        Ok(Object::Array(a)) => {
            let mut annots = a.clone();
            annots.push(Object::Reference(widget_id));
            page.set("Annots", Object::Array(annots));
            objects.push((page_id, Object::Dictionary(page)));
        }
        _ => {
            page.set("Annots", Object::Array(vec![Object::Reference(widget_id)]));
            objects.push((page_id, Object::Dictionary(page)));
        }
    }

    let mut out = orig.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut xref: Vec<(ObjectId, usize)> = Vec::new();

    // The signature dictionary, with room for /ByteRange and /Contents filled in later.
    xref.push((sig_id, out.len()));
    out.extend_from_slice(
        format!(
            "{} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange[",
            sig_id.0
        )
        .as_bytes(),
    );
    let byte_range = out.len();
    out.extend_from_slice(&[b' '; 60]);
    out.extend_from_slice(b"]/Contents");
    let contents_start = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', CONTENTS_HEX_LEN));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b"/M");
    out.extend(serialise(&Object::string_literal(pdf_date(now)))?);
    out.extend_from_slice(b"/Name");
    out.extend(serialise(&utf16_string(&signer.display_name))?);
    out.extend_from_slice(b"/Reason");
    out.extend(serialise(&utf16_string(&format!(
        "{} รับรองบันทึกการจับกุม",
        block.label
    )))?);
    out.extend_from_slice(b">>\nendobj\n");

    for (id, obj) in &objects {
        xref.push((*id, out.len()));
        out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        out.extend(serialise(obj)?);
        out.extend_from_slice(b"\nendobj\n");
    }
    let size = xref
        .iter()
        .map(|(id, _)| id.0 + 1)
        .max()
        .unwrap_or(0)
        .max(next);
    let xref_offset = out.len();
    out.extend_from_slice(b"xref\n");
    xref.sort();
    for ((num, gen_), off) in &xref {
        out.extend_from_slice(format!("{num} 1\n{off:010} {gen_:05} n \n").as_bytes());
    }
    let mut trailer = Dictionary::new();
    trailer.set("Size", Object::Integer(size as i64));
    trailer.set("Root", Object::Reference(root_id));
    trailer.set("Prev", Object::Integer(last_startxref(orig)? as i64));
    for key in [b"ID".as_slice(), b"Info".as_slice()] {
        if let Ok(v) = doc.trailer.get(key) {
            trailer.set(key.to_vec(), v.clone());
        }
    }
    out.extend_from_slice(b"trailer\n");
    out.extend(serialise(&Object::Dictionary(trailer))?);
    out.extend_from_slice(format!("\nstartxref\n{xref_offset}\n%%EOF\n").as_bytes());
    Ok(Update {
        bytes: out,
        at: Placeholders {
            byte_range,
            contents_start,
            contents_end,
        },
    })
}

fn add_field(
    doc: &Document,
    acro: &mut Dictionary,
    widget: ObjectId,
    objects: &mut Vec<(ObjectId, Object)>,
) -> Result<()> {
    match acro.get(b"Fields") {
        Ok(Object::Reference(id)) => {
            let mut fields = match dict_get(doc, acro, b"Fields") {
                Some(Object::Array(a)) => a.clone(),
                _ => return Err(DocumentError::BadPdf("/Fields".to_owned())),
            };
            fields.push(Object::Reference(widget));
            objects.push((*id, Object::Array(fields)));
        }
        Ok(Object::Array(a)) => {
            let mut fields = a.clone();
            fields.push(Object::Reference(widget));
            acro.set("Fields", Object::Array(fields));
        }
        _ => acro.set("Fields", Object::Array(vec![Object::Reference(widget)])),
    }
    acro.set("SigFlags", Object::Integer(3));
    Ok(())
}

/// Writes /ByteRange, hashes the covered bytes, signs and writes /Contents.
fn fill_signature(update: Update, signer: &SigningIdentity) -> Result<Vec<u8>> {
    let Update { bytes: mut out, at } = update;
    let range = format!(
        "0 {} {} {}",
        at.contents_start,
        at.contents_end,
        out.len() - at.contents_end
    );
    out[at.byte_range..at.byte_range + range.len()].copy_from_slice(range.as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(&out[..at.contents_start]);
    hasher.update(&out[at.contents_end..]);
    let digest = hasher.finalize();
    let cms = build_cms(&digest, signer)?;
    let hex = hex::encode_upper(&cms);
    if hex.len() > CONTENTS_HEX_LEN {
        return Err(DocumentError::SignatureTooLarge);
    }
    out[at.contents_start + 1..at.contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn crypto(e: impl std::fmt::Display) -> DocumentError {
    DocumentError::Crypto(e.to_string())
}

/// Detached CMS SignedData over `digest` with the PAdES-required signing-certificate-v2.
fn build_cms(digest: &[u8], signer: &SigningIdentity) -> Result<Vec<u8>> {
    let leaf = signer.leaf()?;
    let eci = EncapsulatedContentInfo {
        econtent_type: ID_DATA,
        econtent: None,
    };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: leaf.tbs_certificate.issuer.clone(),
        serial_number: leaf.tbs_certificate.serial_number.clone(),
    });
    let digest_alg = spki::AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: None,
    };
    let mut sib = SignerInfoBuilder::new(&signer.key, sid, digest_alg.clone(), &eci, Some(digest))
        .map_err(crypto)?;
    sib.add_signed_attribute(signing_certificate_v2(leaf)?)
        .map_err(crypto)?;
    let mut sdb = SignedDataBuilder::new(&eci);
    sdb.add_digest_algorithm(digest_alg).map_err(crypto)?;
    for cert in &signer.chain {
        sdb.add_certificate(CertificateChoices::Certificate(cert.clone()))
            .map_err(crypto)?;
    }
    sdb.add_signer_info::<_, p256::ecdsa::DerSignature>(sib)
        .map_err(crypto)?;
    sdb.build().map_err(crypto)?.to_der().map_err(crypto)
}

/// SigningCertificateV2 ::= SEQ { certs SEQ OF ESSCertIDv2 { certHash OCTET STRING } } with the
/// default hash SHA-256 (so the algorithm is omitted).
fn signing_certificate_v2(leaf: &x509_cert::Certificate) -> Result<Attribute> {
    let hash = Sha256::digest(leaf.to_der().map_err(crypto)?);
    let mut v = vec![0x30, 0x26, 0x30, 0x24, 0x30, 0x22, 0x04, 0x20];
    v.extend_from_slice(&hash);
    Ok(Attribute {
        oid: ID_AA_SIGNING_CERTIFICATE_V2,
        values: SetOfVec::try_from(vec![Any::from_der(&v).map_err(crypto)?]).map_err(crypto)?,
    })
}
