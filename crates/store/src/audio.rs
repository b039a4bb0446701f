//! Dictation audio behind a record, stored whole with its SHA-256 so the supervisor (and later a
//! court) can play exactly what was said. Append-only.

use crate::crypto::sha256_hex;
use crate::error::{Result, StoreError};
use crate::records::state;
use crate::{audit, now_rfc3339, Session};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AudioInfo {
    pub id: String,
    pub record_id: String,
    pub mime: String,
    pub sha256: String,
    pub size: u64,
    pub created_at: String,
    pub created_by: String,
}

impl Session {
    /// Stores audio for a record; returns its id.
    pub fn put_audio(&mut self, record_id: &str, mime: &str, bytes: &[u8]) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let sha = sha256_hex(bytes);
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        state(&tx, record_id)?;
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO audio (id, record_id, mime, sha256, bytes, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, record_id, mime, sha, bytes, at, actor],
        )?;
        audit::append(
            &tx,
            &at,
            &actor,
            "audio_stored",
            Some(record_id),
            &json!({"audio_id": id, "sha256": sha, "bytes": bytes.len()}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The audio's type and bytes, checked against its SHA-256.
    pub fn audio(&self, id: &str) -> Result<(String, Vec<u8>)> {
        let row: Option<(String, String, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT mime, sha256, bytes FROM audio WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (mime, sha, bytes) = row.ok_or_else(|| StoreError::UnknownAudio(id.to_owned()))?;
        let record_id: String =
            self.conn
                .query_row("SELECT record_id FROM audio WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        self.check_access(&record_id, crate::classification::Use::Open)?;
        if sha256_hex(&bytes) != sha {
            return Err(StoreError::Tampered {
                what: format!("audio {id}"),
            });
        }
        Ok((mime, bytes))
    }

    /// The audio stored for a record, oldest first.
    pub fn list_audio(&self, record_id: &str) -> Result<Vec<AudioInfo>> {
        state(&self.conn, record_id)?;
        self.check_access(record_id, crate::classification::Use::Open)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, record_id, mime, sha256, length(bytes), created_at, created_by FROM audio \
             WHERE record_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([record_id], |r| {
            Ok(AudioInfo {
                id: r.get(0)?,
                record_id: r.get(1)?,
                mime: r.get(2)?,
                sha256: r.get(3)?,
                size: r.get(4)?,
                created_at: r.get(5)?,
                created_by: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
