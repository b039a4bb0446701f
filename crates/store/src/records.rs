//! Records as append-only versions, and their workflow.
//!
//! Every save is a new row in `versions` (author, time, reason, source, canonical JSON, its
//! SHA-256); version 1 is the first draft (the machine draft when dictated) and stays forever.
//! Status moves are rows in `record_events`; a record's status is the `to_status` of its latest
//! event, so nothing is ever updated in place. Who may make each move is decided by
//! [`banthuek_core::workflow::transition`].

use crate::classification::Use;
use crate::crypto::sha256_hex;
use crate::error::{Result, StoreError};
use crate::{audit, now_rfc3339, Session};
use banthuek_core::{check_signable, workflow::transition, Action, ArrestRecord, Role, Status};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::str::FromStr;

/// Where a version's content came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionSource {
    /// Filled by speech recognition and extraction: the machine draft.
    Machine,
    /// Typed into an empty form.
    Typed,
    /// A person changed an earlier version.
    Edited,
    /// Loaded from an exchange-format JSON file.
    Imported,
    /// Read from the national ID card (`Session::save_card_version`).
    Card,
}

impl VersionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionSource::Machine => "machine",
            VersionSource::Typed => "typed",
            VersionSource::Edited => "edited",
            VersionSource::Imported => "imported",
            VersionSource::Card => "card",
        }
    }
}

/// One version of a record, with its content.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRecord {
    pub id: String,
    pub status: Status,
    pub version: u32,
    pub author: String,
    pub saved_at: String,
    pub reason: String,
    pub source: String,
    pub sha256: String,
    pub record: ArrestRecord,
}

/// A line of the record list: no personal data, only ids, status and times.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordSummary {
    pub id: String,
    pub status: Status,
    pub version: u32,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    /// Chosen or raised level (metadata, shown to everyone; opening is checked).
    pub classification: banthuek_core::Classification,
    /// An arrestee is under 18.
    pub juvenile: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VersionInfo {
    pub version: u32,
    pub author: String,
    pub saved_at: String,
    pub reason: String,
    pub source: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventInfo {
    pub action: String,
    pub from: Option<Status>,
    pub to: Status,
    pub version: u32,
    pub actor: String,
    pub at: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct History {
    pub id: String,
    pub versions: Vec<VersionInfo>,
    pub events: Vec<EventInfo>,
}

fn parse_status(s: String) -> rusqlite::Result<Status> {
    Status::from_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// (status, latest version) of a record, or `UnknownRecord`.
pub(crate) fn state(conn: &Connection, id: &str) -> Result<(Status, u32)> {
    let row: Option<(String, u32)> = conn
        .query_row(
            "SELECT (SELECT to_status FROM record_events WHERE record_id = ?1 ORDER BY seq DESC LIMIT 1), \
                    (SELECT max(version) FROM versions WHERE record_id = ?1) \
             FROM records WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((status, version)) = row else {
        let purged: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM purged WHERE record_id = ?1 AND stage = 'record')",
            [id],
            |r| r.get(0),
        )?;
        return Err(if purged {
            StoreError::Purged(id.to_owned())
        } else {
            StoreError::UnknownRecord(id.to_owned())
        });
    };
    Ok((parse_status(status)?, version))
}

/// Appends a status change and its audit entry; returns the event's sequence number.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append_event(
    tx: &Transaction<'_>,
    id: &str,
    version: u32,
    action: Action,
    from: Status,
    to: Status,
    actor: &str,
    comment: Option<&str>,
) -> Result<i64> {
    let at = now_rfc3339();
    tx.execute(
        "INSERT INTO record_events (record_id, version, action, from_status, to_status, actor, at, comment) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, version, action.as_str(), from.as_str(), to.as_str(), actor, at, comment],
    )?;
    let seq = tx.last_insert_rowid();
    // The comment stays in the encrypted event row: it may name people, the audit detail may not.
    audit::append(
        tx,
        &at,
        actor,
        "status_changed",
        Some(id),
        &json!({"action": action.as_str(), "from": from.as_str(), "to": to.as_str(), "version": version}),
    )?;
    Ok(seq)
}

fn prepare(id: &str, mut record: ArrestRecord) -> Result<(String, String)> {
    record.record_id = Some(id.to_owned());
    let value = record.to_value();
    banthuek_core::schema::validate(&value)?;
    let json = value.to_string();
    let sha = sha256_hex(json.as_bytes());
    Ok((json, sha))
}

impl Session {
    fn allowed(&self, status: Status, action: Action) -> Result<Status> {
        Ok(transition(status, action, self.role)?)
    }

    /// Creates a record (officers) with `record` as version 1; returns its new id (UUID v4,
    /// also written into the record's `record_id`).
    pub fn create_record(
        &mut self,
        record: ArrestRecord,
        source: VersionSource,
        reason: &str,
    ) -> Result<String> {
        self.allowed(Status::Draft, Action::Edit)?;
        let id = uuid::Uuid::new_v4().to_string();
        let (json, sha) = prepare(&id, record)?;
        let actor = self.user.clone();
        let reason = if reason.trim().is_empty() {
            "created"
        } else {
            reason
        };
        let tx = self.write_tx()?;
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO records (id, created_at, created_by) VALUES (?1, ?2, ?3)",
            params![id, at, actor],
        )?;
        tx.execute(
            "INSERT INTO versions (record_id, version, author, created_at, reason, source, json, sha256) \
             VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, actor, at, reason, source.as_str(), json, sha],
        )?;
        tx.execute(
            "INSERT INTO record_events (record_id, version, action, from_status, to_status, actor, at) \
             VALUES (?1, 1, 'create', NULL, 'draft', ?2, ?3)",
            params![id, actor, at],
        )?;
        audit::append(
            &tx,
            &at,
            &actor,
            "record_created",
            Some(&id),
            &json!({"version": 1, "sha256": sha, "source": source.as_str()}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Saves `record` as the next version of `id`; returns the new version number. Only while
    /// the record is a draft or returned, only by an officer, and always with a reason.
    pub fn save_version(
        &mut self,
        id: &str,
        record: ArrestRecord,
        source: VersionSource,
        reason: &str,
    ) -> Result<u32> {
        self.save(id, None, record, source, reason, None)
    }

    /// Saves `record` as the next version of `id`, made from version `based_on`: refused with
    /// [`StoreError::Stale`] when another save (a dictated value, another window) came after
    /// it, so the caller merges instead of overwriting what it has not seen.
    pub fn save_version_based_on(
        &mut self,
        id: &str,
        based_on: u32,
        record: ArrestRecord,
        source: VersionSource,
        reason: &str,
    ) -> Result<u32> {
        self.save(id, Some(based_on), record, source, reason, None)
    }

    /// Saves `record`, whose arrestee `arrestee` was filled from the national ID card read in
    /// `reader`, as the next version, and writes `idcard_read` to the audit log in the same
    /// transaction. The audit detail names the record, the arrestee's index, the reader and the
    /// version, never a value from the card.
    pub fn save_card_version(
        &mut self,
        id: &str,
        record: ArrestRecord,
        arrestee: usize,
        reader: &str,
    ) -> Result<u32> {
        let detail = json!({"arrestee": arrestee, "reader": reader});
        self.save(
            id,
            None,
            record,
            VersionSource::Card,
            "read from the national ID card / อ่านจากบัตรประชาชน",
            Some(("idcard_read", detail)),
        )
    }

    fn save(
        &mut self,
        id: &str,
        based_on: Option<u32>,
        record: ArrestRecord,
        source: VersionSource,
        reason: &str,
        also: Option<(&str, serde_json::Value)>,
    ) -> Result<u32> {
        if reason.trim().is_empty() {
            return Err(StoreError::ReasonRequired);
        }
        let (json, sha) = prepare(id, record)?;
        let actor = self.user.clone();
        let role = self.role;
        let tx = self.write_tx()?;
        let (status, latest) = state(&tx, id)?;
        transition(status, Action::Edit, role)?;
        // An officer writes only their own records; a colleague's draft is theirs to finish.
        if role == Role::Officer {
            let author: String =
                tx.query_row("SELECT created_by FROM records WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
            if author != actor {
                return Err(StoreError::NotPermitted {
                    role: role.as_str().to_owned(),
                    what: "edit another officer's record".into(),
                    what_th: "แก้ไขบันทึกของเจ้าหน้าที่คนอื่น".into(),
                });
            }
        }
        if let Some(based_on) = based_on.filter(|b| *b != latest) {
            return Err(StoreError::Stale {
                id: id.to_owned(),
                based_on,
                latest,
            });
        }
        let version = latest + 1;
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO versions (record_id, version, author, created_at, reason, source, json, sha256) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, version, actor, at, reason, source.as_str(), json, sha],
        )?;
        audit::append(
            &tx,
            &at,
            &actor,
            "version_saved",
            Some(id),
            &json!({"version": version, "sha256": sha, "source": source.as_str()}),
        )?;
        if let Some((action, mut detail)) = also {
            detail["version"] = json!(version);
            audit::append(&tx, &at, &actor, action, Some(id), &detail)?;
        }
        tx.commit()?;
        Ok(version)
    }

    /// The latest version of a record.
    pub fn record(&self, id: &str) -> Result<StoredRecord> {
        let (_, latest) = state(&self.conn, id)?;
        self.record_version(id, latest)
    }

    /// One version of a record. Its stored hash is checked on the way out.
    pub fn record_version(&self, id: &str, version: u32) -> Result<StoredRecord> {
        let (status, _) = state(&self.conn, id)?;
        self.check_access(id, Use::Open)?;
        let row: Option<(String, String, String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT author, created_at, reason, source, json, sha256 FROM versions WHERE record_id = ?1 AND version = ?2",
                params![id, version],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let (author, saved_at, reason, source, json, sha256) =
            row.ok_or_else(|| StoreError::UnknownRecord(format!("{id} v{version}")))?;
        if sha256_hex(json.as_bytes()) != sha256 {
            return Err(StoreError::Tampered {
                what: format!("record {id} version {version}"),
            });
        }
        let record: ArrestRecord =
            serde_json::from_str(&json).map_err(banthuek_core::record::RecordError::from)?;
        Ok(StoredRecord {
            id: id.to_owned(),
            status,
            version,
            author,
            saved_at,
            reason,
            source,
            sha256,
            record,
        })
    }

    /// The exact canonical JSON of one version, as hashed, signed and synced.
    pub fn record_json(&self, id: &str, version: u32) -> Result<String> {
        state(&self.conn, id)?;
        self.check_access(id, Use::Open)?;
        version_json(&self.conn, id, version)
    }

    /// All records (or those in `status`), newest change first.
    pub fn list_records(&self, status: Option<Status>) -> Result<Vec<RecordSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, e.to_status, (SELECT max(version) FROM versions v WHERE v.record_id = r.id), \
                    r.created_at, r.created_by, \
                    max(e.at, (SELECT max(created_at) FROM versions v WHERE v.record_id = r.id)), \
                    coalesce((SELECT level FROM classifications c WHERE c.record_id = r.id ORDER BY seq DESC LIMIT 1), 'unclassified'), \
                    (SELECT json FROM versions v WHERE v.record_id = r.id ORDER BY version DESC LIMIT 1) \
             FROM records r \
             JOIN record_events e ON e.seq = (SELECT max(seq) FROM record_events x WHERE x.record_id = r.id) \
             WHERE ?1 IS NULL OR e.to_status = ?1 \
             ORDER BY 6 DESC, r.id",
        )?;
        let rows = stmt.query_map([status.map(Status::as_str)], |r| {
            Ok(RecordSummary {
                id: r.get(0)?,
                status: parse_status(r.get(1)?)?,
                version: r.get(2)?,
                created_at: r.get(3)?,
                created_by: r.get(4)?,
                updated_at: r.get(5)?,
                classification: r.get::<_, String>(6)?.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
                juvenile: crate::classification::juvenile_in_json(&r.get::<_, String>(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every version and status move of a record, oldest first.
    pub fn history(&self, id: &str) -> Result<History> {
        state(&self.conn, id)?;
        // Reasons and comments may name people: the same rule as the content.
        self.check_access(id, Use::Open)?;
        let mut stmt = self.conn.prepare(
            "SELECT version, author, created_at, reason, source, sha256 FROM versions WHERE record_id = ?1 ORDER BY version",
        )?;
        let versions = stmt
            .query_map([id], |r| {
                Ok(VersionInfo {
                    version: r.get(0)?,
                    author: r.get(1)?,
                    saved_at: r.get(2)?,
                    reason: r.get(3)?,
                    source: r.get(4)?,
                    sha256: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT action, from_status, to_status, version, actor, at, comment FROM record_events WHERE record_id = ?1 ORDER BY seq",
        )?;
        let events = stmt
            .query_map([id], |r| {
                Ok(EventInfo {
                    action: r.get(0)?,
                    from: r
                        .get::<_, Option<String>>(1)?
                        .map(parse_status)
                        .transpose()?,
                    to: parse_status(r.get(2)?)?,
                    version: r.get(3)?,
                    actor: r.get(4)?,
                    at: r.get(5)?,
                    comment: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(History {
            id: id.to_owned(),
            versions,
            events,
        })
    }

    /// Writes the signing ceremony to the audit chain: who signed (or countersigned) which
    /// version after being shown how many rendered pages and re-entering the password (this
    /// session was opened with it).
    pub fn record_signing_ceremony(
        &mut self,
        id: &str,
        version: u32,
        action: Action,
        pages_seen: u32,
    ) -> Result<()> {
        state(&self.conn, id)?;
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        audit::append(
            &tx,
            &now_rfc3339(),
            &actor,
            "signing_ceremony",
            Some(id),
            &json!({"action": action.as_str(), "version": version, "pages_seen": pages_seen, "password_reentered": true}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Officer: submit the latest version for review. Refused while the signing rules are not
    /// met (the officer signs what is submitted). `signed_pdf`, when given, is the officer's
    /// signed PDF of that version, stored in the same transaction.
    pub fn submit(
        &mut self,
        id: &str,
        comment: Option<&str>,
        signed_pdf: Option<&[u8]>,
    ) -> Result<Status> {
        let current = self.record(id)?;
        transition(current.status, Action::Submit, self.role)?;
        let problems = check_signable(&current.record, chrono::Local::now().naive_local());
        if !problems.is_empty() {
            return Err(StoreError::NotSignable(problems));
        }
        let invalid = banthuek_core::provenance::typed_but_invalid(&current.record);
        if !invalid.is_empty() {
            return Err(StoreError::TypedValuesInvalid(
                invalid.into_iter().map(|(p, _)| p).collect(),
            ));
        }
        let artifact = signed_pdf.map(|pdf| ("signed_pdf", pdf));
        self.move_record(id, Action::Submit, comment, artifact)
    }

    /// Supervisor: send a submitted record back to the officer.
    pub fn return_record(&mut self, id: &str, comment: Option<&str>) -> Result<Status> {
        self.move_record(id, Action::Return, comment, None)
    }

    /// Supervisor: approve a submitted record (the countersignature follows, see
    /// [`Session::countersign`]).
    pub fn approve(&mut self, id: &str, comment: Option<&str>) -> Result<Status> {
        self.move_record(id, Action::Approve, comment, None)
    }

    /// Makes one workflow move on the latest version; returns the new status.
    fn move_record(
        &mut self,
        id: &str,
        action: Action,
        comment: Option<&str>,
        artifact: Option<(&str, &[u8])>,
    ) -> Result<Status> {
        let actor = self.user.clone();
        let role = self.role;
        let tx = self.write_tx()?;
        let (status, version) = state(&tx, id)?;
        let to = transition(status, action, role)?;
        if let Some((kind, bytes)) = artifact {
            insert_artifact(&tx, id, version, kind, bytes, &actor)?;
        }
        append_event(&tx, id, version, action, status, to, &actor, comment)?;
        tx.commit()?;
        Ok(to)
    }

    /// Supervisor: store the countersigned PDF of the approved version, mark the record signed
    /// (final) and queue it for the central system — artifact, both moves and the outbox row in
    /// one transaction, so a final record is never left unqueued.
    pub fn countersign(&mut self, id: &str, countersigned_pdf: &[u8]) -> Result<Status> {
        let actor = self.user.clone();
        let role = self.role;
        let tx = self.write_tx()?;
        let (status, version) = state(&tx, id)?;
        let signed = transition(status, Action::Countersign, role)?;
        insert_artifact(
            &tx,
            id,
            version,
            "countersigned_pdf",
            countersigned_pdf,
            &actor,
        )?;
        append_event(
            &tx,
            id,
            version,
            Action::Countersign,
            status,
            signed,
            &actor,
            None,
        )?;
        let queued = transition(signed, Action::Queue, Role::System)?;
        let seq = append_event(
            &tx,
            id,
            version,
            Action::Queue,
            signed,
            queued,
            "system",
            None,
        )?;
        crate::outbox::enqueue(&tx, id, version, seq)?;
        tx.commit()?;
        Ok(queued)
    }

    /// The latest stored PDF of `kind` (`signed_pdf`, `countersigned_pdf`) for a version,
    /// checked against its SHA-256.
    pub fn artifact(&self, id: &str, version: u32, kind: &str) -> Result<Option<Vec<u8>>> {
        state(&self.conn, id)?;
        self.check_access(id, Use::Open)?;
        artifact(&self.conn, id, version, kind)
    }

    /// Checks every stored version: its JSON parses and matches its SHA-256, and each record's
    /// versions run 1, 2, 3… without a gap. Returns the faults found (empty when sound).
    pub fn verify_versions(&self) -> Result<Vec<String>> {
        let mut faults = Vec::new();
        // Records whose drafts were purged keep only their final version.
        let trimmed: std::collections::HashSet<String> = self
            .conn
            .prepare("SELECT record_id FROM purged WHERE stage = 'drafts'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT record_id, version, json, sha256 FROM versions ORDER BY record_id, version",
        )?;
        let mut rows = stmt.query([])?;
        let mut last: Option<(String, u32)> = None;
        while let Some(r) = rows.next()? {
            let (id, version, json, sha): (String, u32, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let expected = match &last {
                Some((prev, v)) if *prev == id => v + 1,
                _ if trimmed.contains(&id) => version,
                _ => 1,
            };
            if version != expected {
                faults.push(format!("{id} v{version}: expected version {expected}"));
            }
            if sha256_hex(json.as_bytes()) != sha {
                faults.push(format!("{id} v{version}: SHA-256 mismatch"));
            }
            match serde_json::from_str::<serde_json::Value>(&json) {
                Ok(v) if v.get("record_id").and_then(|x| x.as_str()) == Some(id.as_str()) => {}
                Ok(_) => faults.push(format!("{id} v{version}: record_id does not match")),
                Err(e) => faults.push(format!("{id} v{version}: JSON does not parse: {e}")),
            }
            last = Some((id, version));
        }
        let orphans: i64 = self.conn.query_row(
            "SELECT count(*) FROM records r WHERE (NOT EXISTS (SELECT 1 FROM versions v WHERE v.record_id = r.id AND v.version = 1) \
             AND NOT EXISTS (SELECT 1 FROM purged p WHERE p.record_id = r.id AND p.stage = 'drafts')) \
             OR NOT EXISTS (SELECT 1 FROM record_events e WHERE e.record_id = r.id)",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            faults.push(format!(
                "{orphans} records without a first version or status"
            ));
        }
        Ok(faults)
    }
}

/// The stored JSON of one version, without an access check (the sync sender's path).
pub(crate) fn version_json(conn: &Connection, id: &str, version: u32) -> Result<String> {
    let json: Option<String> = conn
        .query_row(
            "SELECT json FROM versions WHERE record_id = ?1 AND version = ?2",
            params![id, version],
            |r| r.get(0),
        )
        .optional()?;
    json.ok_or_else(|| StoreError::UnknownRecord(format!("{id} v{version}")))
}

pub(crate) fn insert_artifact(
    tx: &Transaction<'_>,
    id: &str,
    version: u32,
    kind: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<()> {
    let sha = sha256_hex(bytes);
    let at = now_rfc3339();
    tx.execute(
        "INSERT INTO artifacts (record_id, version, kind, sha256, bytes, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, version, kind, sha, bytes, at, actor],
    )?;
    audit::append(
        tx,
        &at,
        actor,
        "pdf_stored",
        Some(id),
        &json!({"version": version, "kind": kind, "sha256": sha}),
    )?;
    Ok(())
}

pub(crate) fn artifact(
    conn: &Connection,
    id: &str,
    version: u32,
    kind: &str,
) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>, String)> = conn
        .query_row(
            "SELECT bytes, sha256 FROM artifacts WHERE record_id = ?1 AND version = ?2 AND kind = ?3 ORDER BY id DESC LIMIT 1",
            params![id, version, kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((bytes, sha)) if sha256_hex(&bytes) == sha => Ok(Some(bytes)),
        Some(_) => Err(StoreError::Tampered {
            what: format!("{kind} of record {id} version {version}"),
        }),
    }
}
