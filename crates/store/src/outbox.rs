//! The outbox: final records waiting for the central system, one row per record version.
//!
//! A row is inserted in the same transaction as the Queue move ([`Session::countersign`]), keyed
//! by `record id:version` (the idempotency key the central system accepts once). The sender
//! takes rows oldest first, marks one `sending` before it goes out, and then `synced` (with the
//! receipt, and the record's Synced move, in one transaction), `rejected`, or back to `queued`
//! with the error counted. Rows left `sending` by a sender that died are offered again.

use crate::error::{Result, StoreError};
use crate::records::{append_event, artifact, state};
use crate::{audit, now_rfc3339, Session};
use banthuek_core::{workflow::transition, Action, Role, Status};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Queued,
    Sending,
    Synced,
    Rejected,
}

impl OutboxStatus {
    /// The word stored in the outbox table (and shown by `banthuek sync status`).
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Synced => "synced",
            OutboxStatus::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Option<OutboxStatus> {
        [
            OutboxStatus::Queued,
            OutboxStatus::Sending,
            OutboxStatus::Synced,
            OutboxStatus::Rejected,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }

    /// Still to be sent (queued, or being sent when the program stopped).
    pub fn is_waiting(self) -> bool {
        matches!(self, OutboxStatus::Queued | OutboxStatus::Sending)
    }
}

impl std::fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One row ready to send.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub record_id: String,
    pub version: u32,
    pub idempotency_key: String,
    /// The exchange-format JSON of that version, byte for byte as stored and signed.
    pub record_json: String,
    pub pdf: Vec<u8>,
    pub attempts: u32,
    /// The level the access rules apply (a juvenile record is at least secret), so the central
    /// side handles the record as the station does.
    pub classification: banthuek_core::Classification,
    /// An arrestee is under 18.
    pub juvenile: bool,
}

/// A row as the user sees it in the sync view.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OutboxRow {
    pub idempotency_key: String,
    pub record_id: String,
    pub version: u32,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub receipt: Option<String>,
    pub queued_at: String,
    pub updated_at: String,
}

pub fn idempotency_key(record_id: &str, version: u32) -> String {
    format!("{record_id}:{version}")
}

pub(crate) fn enqueue(tx: &Transaction<'_>, id: &str, version: u32, queued_seq: i64) -> Result<()> {
    let key = idempotency_key(id, version);
    let at = now_rfc3339();
    tx.execute(
        "INSERT INTO outbox (key, record_id, version, queued_seq, status, queued_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
        params![key, id, version, queued_seq, at],
    )?;
    Ok(())
}

impl Session {
    /// Up to `limit` rows to send, oldest first: queued ones, and ones a dead sender left
    /// `sending` (the receiver answers a replay with the same receipt).
    pub fn outbox_next(&self, limit: usize) -> Result<Vec<OutboxItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, record_id, version, attempts FROM outbox WHERE status IN ('queued','sending') \
             ORDER BY queued_seq LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, u32>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (key, record_id, version, attempts) in rows {
            let record_json = crate::records::version_json(&self.conn, &record_id, version)?;
            let pdf = artifact(&self.conn, &record_id, version, "countersigned_pdf")?.ok_or_else(
                || StoreError::NoSignedPdf {
                    record_id: record_id.clone(),
                    version,
                },
            )?;
            let marking = crate::classification::classification(&self.conn, &record_id)?;
            out.push(OutboxItem {
                record_id,
                version,
                idempotency_key: key,
                record_json,
                pdf,
                attempts,
                classification: marking.effective,
                juvenile: marking.juvenile,
            });
        }
        Ok(out)
    }

    /// Every outbox row, oldest first, for the sync view.
    pub fn outbox_rows(&self) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, record_id, version, status, attempts, last_error, receipt, queued_at, updated_at \
             FROM outbox ORDER BY queued_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxRow {
                idempotency_key: r.get(0)?,
                record_id: r.get(1)?,
                version: r.get(2)?,
                status: {
                    let s: String = r.get(3)?;
                    OutboxStatus::parse(&s).ok_or_else(|| {
                        rusqlite::Error::FromSqlConversionFailure(
                            3,
                            rusqlite::types::Type::Text,
                            format!("unknown outbox status {s}").into(),
                        )
                    })?
                },
                attempts: r.get(4)?,
                last_error: r.get(5)?,
                receipt: r.get(6)?,
                queued_at: r.get(7)?,
                updated_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn outbox_update(
        &mut self,
        key: &str,
        from: &[&str],
        to: OutboxStatus,
        error: Option<&str>,
        receipt: Option<&str>,
        count_attempt: bool,
    ) -> Result<()> {
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        let row: Option<(String, u32, String)> = tx
            .query_row(
                "SELECT record_id, version, status FROM outbox WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (record_id, version, status) =
            row.ok_or_else(|| StoreError::UnknownOutboxEntry(key.to_owned()))?;
        if !from.contains(&status.as_str()) {
            // Already moved on (e.g. synced by an earlier run): nothing to do.
            return Ok(());
        }
        let to_str = to.as_str();
        let at = now_rfc3339();
        tx.execute(
            "UPDATE outbox SET status = ?2, attempts = attempts + ?3, last_error = coalesce(?4, last_error), \
             receipt = coalesce(?5, receipt), updated_at = ?6 WHERE key = ?1",
            params![key, to_str, count_attempt as i64, error, receipt, at],
        )?;
        if to == OutboxStatus::Synced {
            let (rs, _) = state(&tx, &record_id)?;
            let next = transition(rs, Action::MarkSynced, Role::System)?;
            append_event(
                &tx,
                &record_id,
                version,
                Action::MarkSynced,
                rs,
                next,
                "system",
                None,
            )?;
        }
        if matches!(to, OutboxStatus::Synced | OutboxStatus::Rejected) {
            audit::append(
                &tx,
                &at,
                &actor,
                &format!("outbox_{to_str}"),
                Some(&record_id),
                &json!({"version": version, "key": key}),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// About to send this row.
    pub fn outbox_mark_sending(&mut self, key: &str) -> Result<()> {
        self.outbox_update(
            key,
            &["queued", "sending"],
            OutboxStatus::Sending,
            None,
            None,
            false,
        )
    }

    /// Accepted by the central system: keep its receipt; the record becomes Synced.
    pub fn outbox_mark_synced(&mut self, key: &str, receipt_json: &str) -> Result<()> {
        self.outbox_update(
            key,
            &["queued", "sending"],
            OutboxStatus::Synced,
            None,
            Some(receipt_json),
            true,
        )
    }

    /// Refused for good: keep the reason for the user.
    pub fn outbox_mark_rejected(&mut self, key: &str, reason: &str) -> Result<()> {
        self.outbox_update(
            key,
            &["queued", "sending"],
            OutboxStatus::Rejected,
            Some(reason),
            None,
            true,
        )
    }

    /// A failed attempt to be retried later.
    pub fn outbox_mark_retry(&mut self, key: &str, error: &str) -> Result<()> {
        self.outbox_update(
            key,
            &["queued", "sending"],
            OutboxStatus::Queued,
            Some(error),
            None,
            true,
        )
    }

    /// Status of one record after syncing, for callers that only hold the key.
    pub fn outbox_record_status(&self, key: &str) -> Result<Status> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT record_id FROM outbox WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        let id = id.ok_or_else(|| StoreError::UnknownOutboxEntry(key.to_owned()))?;
        Ok(state(&self.conn, &id)?.0)
    }
}
