//! The audit log: append-only and hash-chained. Each entry's hash covers its own fields and the
//! previous entry's hash, so changing, removing or reordering any entry breaks every hash after
//! it, and [`verify`] names the first entry that no longer fits. `detail` holds ids, versions,
//! hashes and status names only, never personal data (PDPA).

use crate::error::Result;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_id: Option<String>,
    pub detail: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ChainReport {
    pub entries: i64,
    /// The first entry that fails, and why; `None` when the chain is whole.
    pub first_bad: Option<BadEntry>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BadEntry {
    pub seq: i64,
    pub reason: String,
}

impl ChainReport {
    pub fn is_whole(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// The entry hash: SHA-256 over a JSON array of the fields (unambiguous framing, no separators to
/// confuse) followed by the previous hash.
fn entry_hash(
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    record_id: Option<&str>,
    detail_json: &str,
    prev_hash: &str,
) -> String {
    let framed = serde_json::json!([seq, at, actor, action, record_id, detail_json, prev_hash]);
    hex::encode(Sha256::digest(framed.to_string().as_bytes()))
}

/// Appends one entry. Call inside the transaction that makes the change it records, so the
/// change and its audit entry commit together or not at all.
pub fn append(
    conn: &Connection,
    at: &str,
    actor: &str,
    action: &str,
    record_id: Option<&str>,
    detail: &Value,
) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let detail_json = detail.to_string();
    let hash = entry_hash(seq, at, actor, action, record_id, &detail_json, &prev);
    conn.execute(
        "INSERT INTO audit (seq, at, actor, action, record_id, detail_json, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, actor, action, record_id, detail_json, prev, hash],
    )?;
    Ok(seq)
}

/// The newest entry's sequence and hash (the chain's head); `None` while the log is empty. Sync
/// sends it with every upload, so the receiver's signed receipt anchors the chain up to it.
pub fn head(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The stored hash of entry `seq`, if the entry exists.
pub fn hash_at(conn: &Connection, seq: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
        .optional()?)
}

/// Walks the whole chain in order and reports the first entry whose sequence, link or hash is wrong.
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, record_id, detail_json, prev_hash, hash FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_owned();
    let mut count = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let actor: String = r.get(2)?;
        let action: String = r.get(3)?;
        let record_id: Option<String> = r.get(4)?;
        let detail_json: String = r.get(5)?;
        let prev_hash: String = r.get(6)?;
        let hash: String = r.get(7)?;
        count += 1;
        let bad = |reason: &str| ChainReport {
            entries: count,
            first_bad: Some(BadEntry {
                seq,
                reason: reason.to_owned(),
            }),
        };
        if seq != expected_seq {
            return Ok(bad(&format!(
                "expected entry {expected_seq}: an entry is missing / รายการหายไป"
            )));
        }
        if prev_hash != prev {
            return Ok(bad(
                "does not link to the previous entry / ไม่เชื่อมกับรายการก่อนหน้า",
            ));
        }
        let computed = entry_hash(
            seq,
            &at,
            &actor,
            &action,
            record_id.as_deref(),
            &detail_json,
            &prev_hash,
        );
        if computed != hash {
            return Ok(bad(
                "content changed after it was written / เนื้อหาถูกแก้ไขหลังบันทึก",
            ));
        }
        prev = hash;
        expected_seq += 1;
    }
    Ok(ChainReport {
        entries: count,
        first_bad: None,
    })
}

/// Entries, oldest first, optionally only those about one record.
pub fn entries(conn: &Connection, record_id: Option<&str>) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, action, record_id, detail_json, prev_hash, hash FROM audit \
         WHERE ?1 IS NULL OR record_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([record_id], |r| {
        let detail_json: String = r.get(5)?;
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            record_id: r.get(4)?,
            detail: serde_json::from_str(&detail_json).unwrap_or(Value::String(detail_json)),
            prev_hash: r.get(6)?,
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
