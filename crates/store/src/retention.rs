//! Retention: once the central system has acknowledged a record (its outbox row is `synced` with
//! a signed receipt), the laptop keeps only what the station's policy says.
//!
//! - `retention.drafts_days` = M: M days after the acknowledgement, the dictation audio, every
//!   earlier version (the drafts) and every PDF but the countersigned one of the final version go.
//! - `retention.signed_days` = N: N days after it, the rest goes too (final version, signed PDF,
//!   receipt, workflow events, classification): only a tombstone with counts stays, and the audit
//!   log, which is never touched, so its chain stays whole.
//!
//! Unset means "keep": nothing is ever purged by default, and a record the central system has not
//! acknowledged is never purged. Deletion is irreversible: `secure_delete` overwrites the freed
//! content, and a VACUUM afterwards rewrites the file without the freed pages.

use crate::error::{Result, StoreError};
use crate::{audit, now_rfc3339, Session};
use banthuek_core::Classification;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::json;

pub const DRAFTS_DAYS: &str = "retention.drafts_days";
pub const SIGNED_DAYS: &str = "retention.signed_days";
/// "on" lets the sync sender attach dictation audio (never for top-secret or juvenile records).
pub const SYNC_AUDIO: &str = "sync.audio";

/// The station's retention and transfer policy.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RetentionPolicy {
    /// Days after acknowledgement before audio and drafts are purged; `None`: kept.
    pub drafts_days: Option<u32>,
    /// Days after acknowledgement the final version, its signed PDF and receipt are kept;
    /// `None`: kept.
    pub signed_days: Option<u32>,
    /// Whether dictation audio may be sent to the central system (off unless set).
    pub sync_audio: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PurgeStage {
    /// Audio, drafts and superseded PDFs; the final version and its signed PDF stay.
    Drafts,
    /// Everything of the record on this laptop.
    Record,
}

impl PurgeStage {
    fn as_str(self) -> &'static str {
        match self {
            PurgeStage::Drafts => "drafts",
            PurgeStage::Record => "record",
        }
    }
}

/// One record that goes (or would go), with counts only: no personal data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PurgeItem {
    pub record_id: String,
    pub stage: PurgeStage,
    pub acknowledged_at: String,
    /// The version that stays after a drafts purge.
    pub kept_version: Option<u32>,
    pub versions: u32,
    pub audio: u32,
    pub artifacts: u32,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PurgeReport {
    pub dry_run: bool,
    pub at: String,
    pub policy: RetentionPolicy,
    pub items: Vec<PurgeItem>,
    /// Size of the database file (with its WAL) before and after; after is `None` on a dry run.
    pub file_bytes_before: u64,
    pub file_bytes_after: Option<u64>,
    /// The audit chain checked after the purge.
    pub audit_chain_whole: bool,
}

fn parse_days(key: &str, value: &str) -> Result<Option<u32>> {
    let v = value.trim();
    if v.is_empty() || v == "keep" || v == "never" {
        return Ok(None);
    }
    v.parse::<u32>()
        .map(Some)
        .map_err(|_| StoreError::BadPolicy {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: "a whole number of days, or 'keep'".into(),
        })
}

fn parse_bool(key: &str, value: &str) -> Result<bool> {
    match value.trim() {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" | "" => Ok(false),
        _ => Err(StoreError::BadPolicy {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: "on or off".into(),
        }),
    }
}

fn file_bytes(session: &Session) -> u64 {
    let db = session.home.join(crate::db::FILE_NAME);
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", db.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// Acknowledged records: (id, final version, acknowledged at).
fn acknowledged(conn: &Connection) -> Result<Vec<(String, u32, String)>> {
    let mut stmt = conn.prepare(
        "SELECT record_id, max(version), max(updated_at) FROM outbox \
         WHERE status = 'synced' AND receipt IS NOT NULL GROUP BY record_id ORDER BY min(queued_seq)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// What a stage removes from one record: (versions, audio, artifacts, bytes).
fn measure(
    conn: &Connection,
    id: &str,
    stage: PurgeStage,
    kept: u32,
) -> Result<(u32, u32, u32, u64)> {
    let all = stage == PurgeStage::Record;
    let (versions, vbytes): (u32, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(length(json)), 0) FROM versions WHERE record_id = ?1 AND (?2 OR version <> ?3)",
        params![id, all, kept],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (audio, abytes): (u32, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM audio WHERE record_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (artifacts, fbytes): (u32, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM artifacts WHERE record_id = ?1 \
         AND (?2 OR NOT (version = ?3 AND kind = 'countersigned_pdf'))",
        params![id, all, kept],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((
        versions,
        audio,
        artifacts,
        (vbytes + abytes + fbytes) as u64,
    ))
}

impl Session {
    /// The station's retention policy from its settings.
    pub fn retention_policy(&self) -> Result<RetentionPolicy> {
        Ok(RetentionPolicy {
            drafts_days: match self.setting(DRAFTS_DAYS)? {
                Some(v) => parse_days(DRAFTS_DAYS, &v)?,
                None => None,
            },
            signed_days: match self.setting(SIGNED_DAYS)? {
                Some(v) => parse_days(SIGNED_DAYS, &v)?,
                None => None,
            },
            sync_audio: match self.setting(SYNC_AUDIO)? {
                Some(v) => parse_bool(SYNC_AUDIO, &v)?,
                None => false,
            },
        })
    }

    /// Sets one policy value (administrators; audited): `retention.drafts_days`,
    /// `retention.signed_days` (days, or `keep`) or `sync.audio` (on/off).
    pub fn set_policy(&mut self, key: &str, value: &str) -> Result<()> {
        match key {
            DRAFTS_DAYS | SIGNED_DAYS => {
                parse_days(key, value)?;
            }
            SYNC_AUDIO => {
                parse_bool(key, value)?;
            }
            _ => {
                return Err(StoreError::BadPolicy {
                    key: key.to_owned(),
                    value: value.to_owned(),
                    reason: format!("known keys: {DRAFTS_DAYS}, {SIGNED_DAYS}, {SYNC_AUDIO}"),
                })
            }
        }
        self.set_setting(key, value.trim())
    }

    /// Whether the sync sender may attach this record's dictation audio: only when the policy
    /// allows it, and never for a top-secret or juvenile record.
    pub fn may_sync_audio(&self, id: &str) -> Result<bool> {
        let c = self.classification(id)?;
        Ok(self.retention_policy()?.sync_audio
            && !c.juvenile
            && c.effective < Classification::TopSecret)
    }

    /// Applies the retention policy as of `now` (administrators). With `dry_run` nothing changes
    /// and nothing is written to the audit log; the report lists what would go.
    pub fn purge(&mut self, now: DateTime<Utc>, dry_run: bool) -> Result<PurgeReport> {
        self.require_admin("purge records", "ลบข้อมูลตามนโยบายการเก็บรักษา")?;
        let policy = self.retention_policy()?;
        let before = file_bytes(self);
        let mut items = Vec::new();
        for (id, kept, acked) in acknowledged(&self.conn)? {
            let Ok(acked_at) = DateTime::parse_from_rfc3339(&acked) else {
                continue;
            };
            let age_days = (now - acked_at.with_timezone(&Utc)).num_days();
            let due = |d: Option<u32>| d.is_some_and(|d| age_days >= i64::from(d));
            let stage = if due(policy.signed_days) {
                PurgeStage::Record
            } else if due(policy.drafts_days) {
                PurgeStage::Drafts
            } else {
                continue;
            };
            let (versions, audio, artifacts, bytes) = measure(&self.conn, &id, stage, kept)?;
            if versions + audio + artifacts == 0 {
                continue;
            }
            items.push(PurgeItem {
                record_id: id,
                stage,
                acknowledged_at: acked,
                kept_version: (stage == PurgeStage::Drafts).then_some(kept),
                versions,
                audio,
                artifacts,
                bytes,
            });
        }
        let at = now_rfc3339();
        if dry_run || items.is_empty() {
            return Ok(PurgeReport {
                dry_run,
                at,
                policy,
                items,
                file_bytes_before: before,
                file_bytes_after: if dry_run { None } else { Some(before) },
                audit_chain_whole: self.audit_verify()?.is_whole(),
            });
        }
        // Overwrite freed content with zeros as it is deleted (per connection).
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        for item in &items {
            self.purge_one(item, &at)?;
        }
        // VACUUM rewrites the file without the freed pages; the checkpoint empties the WAL, which
        // otherwise still holds the deleted pages' last images.
        self.conn.execute_batch("VACUUM;")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        tracing::info!(records = items.len(), "retention purge done");
        Ok(PurgeReport {
            dry_run,
            at,
            policy,
            items,
            file_bytes_before: before,
            file_bytes_after: Some(file_bytes(self)),
            audit_chain_whole: self.audit_verify()?.is_whole(),
        })
    }

    fn purge_one(&mut self, item: &PurgeItem, at: &str) -> Result<()> {
        let actor = self.user.clone();
        let id = item.record_id.as_str();
        let all = item.stage == PurgeStage::Record;
        let kept = item.kept_version.unwrap_or(0);
        let tx = self.write_tx()?;
        tx.execute("INSERT INTO purge_gate (record_id) VALUES (?1)", [id])?;
        tx.execute(
            "DELETE FROM artifacts WHERE record_id = ?1 AND (?2 OR NOT (version = ?3 AND kind = 'countersigned_pdf'))",
            params![id, all, kept],
        )?;
        tx.execute("DELETE FROM audio WHERE record_id = ?1", [id])?;
        if all {
            for table in ["outbox", "classifications", "record_events"] {
                tx.execute(&format!("DELETE FROM {table} WHERE record_id = ?1"), [id])?;
            }
        }
        tx.execute(
            "DELETE FROM versions WHERE record_id = ?1 AND (?2 OR version <> ?3)",
            params![id, all, kept],
        )?;
        if all {
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
        }
        tx.execute(
            "INSERT INTO purged (record_id, stage, kept_version, acknowledged_at, at, by, versions_removed, \
             audio_removed, artifacts_removed, bytes_removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                item.stage.as_str(),
                item.kept_version,
                item.acknowledged_at,
                at,
                actor,
                item.versions,
                item.audio,
                item.artifacts,
                item.bytes as i64
            ],
        )?;
        audit::append(
            &tx,
            at,
            &actor,
            "record_purged",
            Some(id),
            &json!({
                "stage": item.stage.as_str(),
                "kept_version": item.kept_version,
                "acknowledged_at": item.acknowledged_at,
                "versions": item.versions,
                "audio": item.audio,
                "artifacts": item.artifacts,
                "bytes": item.bytes,
            }),
        )?;
        tx.execute("DELETE FROM purge_gate WHERE record_id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}
