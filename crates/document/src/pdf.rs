//! Reading back what the renderer and signer wrote: embedded files, revisions, signature fields.

use crate::error::{DocumentError, Result};
use crate::layout::{Layout, LAYOUT_FILE, RECORD_FILE};
use banthuek_core::record::ArrestRecord;
use lopdf::{Dictionary, Document, Object};
use sha2::{Digest, Sha256};

/// Embedded files are small JSON; refuse anything that inflates beyond this.
const MAX_EMBEDDED: usize = 16 * 1024 * 1024;

pub(crate) fn load(bytes: &[u8]) -> Result<Document> {
    Document::load_mem(bytes).map_err(|e| DocumentError::BadPdf(e.to_string()))
}

pub(crate) fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

pub(crate) fn dict_get<'a>(
    doc: &'a Document,
    dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    dict.get(key).ok().and_then(|o| resolve(doc, o))
}

pub(crate) fn text_of(obj: &Object) -> Option<String> {
    let bytes = obj.as_str().ok()?;
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).ok()
    } else {
        Some(bytes.iter().map(|&b| b as char).collect())
    }
}

/// The contents of the embedded file called `name`, if any.
pub fn embedded_file(doc: &Document, name: &str) -> Result<Option<Vec<u8>>> {
    let catalog = doc
        .catalog()
        .map_err(|e| DocumentError::BadPdf(e.to_string()))?;
    let Some(Object::Dictionary(names)) = dict_get(doc, catalog, b"Names") else {
        return Ok(None);
    };
    let Some(Object::Dictionary(tree)) = dict_get(doc, names, b"EmbeddedFiles") else {
        return Ok(None);
    };
    let mut stack = vec![tree];
    while let Some(node) = stack.pop() {
        if let Some(Object::Array(kids)) = dict_get(doc, node, b"Kids") {
            for kid in kids {
                if let Some(Object::Dictionary(d)) = resolve(doc, kid) {
                    stack.push(d);
                }
            }
        }
        let Some(Object::Array(pairs)) = dict_get(doc, node, b"Names") else {
            continue;
        };
        for pair in pairs.chunks_exact(2) {
            if text_of(&pair[0]).as_deref() != Some(name) {
                continue;
            }
            let Some(Object::Dictionary(spec)) = resolve(doc, &pair[1]) else {
                continue;
            };
            let Some(Object::Dictionary(ef)) = dict_get(doc, spec, b"EF") else {
                continue;
            };
            let stream = dict_get(doc, ef, b"F").or_else(|| dict_get(doc, ef, b"UF"));
            let Some(Object::Stream(stream)) = stream else {
                continue;
            };
            let data = if stream.dict.get(b"Filter").is_ok() {
                stream
                    .decompressed_content_with_limit(MAX_EMBEDDED)
                    .map_err(|e| DocumentError::BadEmbeddedRecord(e.to_string()))?
            } else {
                stream.content.clone()
            };
            return Ok(Some(data));
        }
    }
    Ok(None)
}

/// The record and layout embedded in a rendered PDF.
pub struct Embedded {
    pub record: ArrestRecord,
    pub record_json: Vec<u8>,
    pub layout: Layout,
}

impl Embedded {
    /// Whether the record JSON hashes to the value printed in the footer.
    pub fn hash_matches(&self) -> bool {
        hex::encode(Sha256::digest(&self.record_json)) == self.layout.record_sha256
    }
}

pub(crate) fn embedded_in(doc: &Document) -> Result<Embedded> {
    let record_json = embedded_file(doc, RECORD_FILE)?.ok_or(DocumentError::NoEmbeddedRecord)?;
    let layout_json = embedded_file(doc, LAYOUT_FILE)?.ok_or(DocumentError::NoEmbeddedRecord)?;
    let text = std::str::from_utf8(&record_json)
        .map_err(|e| DocumentError::BadEmbeddedRecord(e.to_string()))?;
    let record = ArrestRecord::from_json_str(text)
        .map_err(|e| DocumentError::BadEmbeddedRecord(e.to_string()))?;
    let layout: Layout = serde_json::from_slice(&layout_json)
        .map_err(|e| DocumentError::BadEmbeddedRecord(format!("layout: {e}")))?;
    Ok(Embedded {
        record,
        record_json,
        layout,
    })
}

/// Reads the record and layout embedded in a rendered (or signed) PDF.
pub fn read_embedded(pdf: &[u8]) -> Result<Embedded> {
    embedded_in(&load(pdf)?)
}

/// Byte offsets where each revision ends: just after each `%%EOF` and its end-of-line. The last
/// one is the file length when only whitespace follows the final marker.
pub(crate) fn revision_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut i = 0;
    while let Some(pos) = find(&bytes[i..], b"%%EOF") {
        let mut end = i + pos + 5;
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        ends.push(end);
        i = end;
    }
    if let Some(last) = ends.last_mut() {
        if bytes[*last..].iter().all(u8::is_ascii_whitespace) {
            *last = bytes.len();
        }
    }
    ends
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A signature field (merged with its widget) and its signature dictionary.
pub(crate) struct SigField {
    pub name: String,
    pub sig: Dictionary,
}

/// The signature fields listed in the AcroForm.
pub(crate) fn signature_fields(doc: &Document) -> Vec<SigField> {
    let mut out = Vec::new();
    let Ok(catalog) = doc.catalog() else {
        return out;
    };
    let Some(Object::Dictionary(acro)) = dict_get(doc, catalog, b"AcroForm") else {
        return out;
    };
    let Some(Object::Array(fields)) = dict_get(doc, acro, b"Fields") else {
        return out;
    };
    for f in fields {
        let Ok(id) = f.as_reference() else { continue };
        let Ok(field) = doc.get_dictionary(id) else {
            continue;
        };
        if field.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
            continue;
        }
        let Some(Object::Dictionary(sig)) = dict_get(doc, field, b"V") else {
            continue;
        };
        let name = field.get(b"T").ok().and_then(text_of).unwrap_or_default();
        out.push(SigField {
            name,
            sig: sig.clone(),
        });
    }
    out
}

/// The `[a b c d]` of a signature's /ByteRange.
pub(crate) fn byte_range(sig: &Dictionary) -> Option<[usize; 4]> {
    let arr = sig.get(b"ByteRange").ok()?.as_array().ok()?;
    if arr.len() != 4 {
        return None;
    }
    let mut out = [0usize; 4];
    for (slot, v) in out.iter_mut().zip(arr) {
        *slot = usize::try_from(v.as_i64().ok()?).ok()?;
    }
    Some(out)
}

/// "D:20261125180500Z" for `/M`.
pub(crate) fn pdf_date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("D:%Y%m%d%H%M%SZ").to_string()
}

/// Parses a PDF date such as "D:20261125180500Z" or "D:20261125180500+07'00'".
pub(crate) fn parse_pdf_date(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = s.strip_prefix("D:").unwrap_or(s);
    let digits: String = s.chars().take(14).collect();
    let naive = chrono::NaiveDateTime::parse_from_str(&digits, "%Y%m%d%H%M%S").ok()?;
    let rest = &s[digits.len().min(s.len())..];
    let offset_secs = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let nums: Vec<i64> = rest[1..]
                .split('\'')
                .filter(|p| !p.is_empty())
                .filter_map(|p| p.parse().ok())
                .collect();
            let secs =
                nums.first().copied().unwrap_or(0) * 3600 + nums.get(1).copied().unwrap_or(0) * 60;
            if sign == '-' {
                -secs
            } else {
                secs
            }
        }
        _ => 0,
    };
    Some(naive.and_utc() - chrono::Duration::seconds(offset_secs))
}
