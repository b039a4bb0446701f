//! Classification of records and the access rules it drives, enforced here so that the CLI and
//! the desktop app cannot differ.
//!
//! - Unclassified records open for every account of the station.
//! - Secret and top-secret records (and every juvenile record, which counts as at least secret)
//!   open only for the officer who created them, supervisors and administrators.
//! - Export (JSON, PDF) of a top-secret record is for supervisors and administrators only: the
//!   officer may still read it on screen but not carry it off the laptop.
//!
//! The officer who created a record chooses its level while it is editable; a supervisor or an
//! administrator may raise it until it is countersigned, never lower it, and the officer may not
//! go below what they raised it to. Refusals are typed errors and are written to the audit log.

use crate::error::{Result, StoreError};
use crate::records::state;
use crate::{audit, now_rfc3339, Session};
use banthuek_core::classification::{is_juvenile, Classification, Marking};
use banthuek_core::record::Arrestee;
use banthuek_core::{Role, Status};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A record's classification as the app shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RecordClassification {
    pub record_id: String,
    /// Chosen or raised level.
    pub level: Classification,
    /// An arrestee is under 18 (computed from the latest version).
    pub juvenile: bool,
    /// The level the access rules apply (a juvenile record is at least secret).
    pub effective: Classification,
    /// The marking printed at the top and bottom of every page.
    pub printed: String,
    /// Who set the level last, and when; `None` while it is the default.
    pub set_by: Option<String>,
    pub set_at: Option<String>,
    /// The lowest level the officer may still choose (what a supervisor raised it to).
    pub floor: Classification,
}

impl RecordClassification {
    pub fn marking(&self) -> Marking {
        Marking {
            level: self.level,
            juvenile: self.juvenile,
        }
    }
}

/// What a reader wants to do with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Open,
    Export,
}

impl Use {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Use::Open => ("open", "เปิด"),
            Use::Export => ("export", "ส่งออก"),
        }
    }
}

/// Only the arrestees of a stored version, read without the rest of the record.
#[derive(Deserialize)]
struct ArresteesOnly {
    #[serde(default)]
    arrestees: Vec<Arrestee>,
}

pub(crate) fn juvenile_in_json(json: &str) -> bool {
    serde_json::from_str::<ArresteesOnly>(json)
        .map(|a| {
            is_juvenile(&banthuek_core::ArrestRecord {
                arrestees: a.arrestees,
                ..Default::default()
            })
        })
        // A version that does not parse is reported by `verify_versions`; treat it as juvenile
        // so the stricter rule applies meanwhile.
        .unwrap_or(true)
}

fn parse_level(s: String) -> rusqlite::Result<Classification> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })
}

/// Who set a level, and when.
type SetBy = Option<(String, String)>;

/// The latest level of a record with who set it, and the highest level a non-officer set.
pub(crate) fn level(
    conn: &Connection,
    id: &str,
) -> Result<(Classification, SetBy, Classification)> {
    let latest: Option<(String, String, String)> = conn
        .query_row(
            "SELECT level, set_by, set_at FROM classifications WHERE record_id = ?1 ORDER BY seq DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let mut floor = Classification::Unclassified;
    let mut stmt = conn.prepare(
        "SELECT level FROM classifications WHERE record_id = ?1 AND set_by_role <> 'officer'",
    )?;
    for l in stmt.query_map([id], |r| parse_level(r.get(0)?))? {
        floor = floor.max(l?);
    }
    match latest {
        None => Ok((Classification::Unclassified, None, floor)),
        Some((l, by, at)) => Ok((parse_level(l)?, Some((by, at)), floor)),
    }
}

fn latest_json(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn.query_row(
        "SELECT json FROM versions WHERE record_id = ?1 ORDER BY version DESC LIMIT 1",
        [id],
        |r| r.get(0),
    )?)
}

fn created_by(conn: &Connection, id: &str) -> Result<String> {
    Ok(
        conn.query_row("SELECT created_by FROM records WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}

pub(crate) fn classification(conn: &Connection, id: &str) -> Result<RecordClassification> {
    state(conn, id)?;
    let (level, set, floor) = level(conn, id)?;
    let juvenile = juvenile_in_json(&latest_json(conn, id)?);
    let marking = Marking { level, juvenile };
    let (set_by, set_at) = set.unzip();
    Ok(RecordClassification {
        record_id: id.to_owned(),
        level,
        juvenile,
        effective: marking.effective(),
        printed: marking.printed(),
        set_by,
        set_at,
        floor,
    })
}

/// The rule itself: may `user` in `role` make this use of a record of `level` created by `author`?
pub fn permitted(role: Role, user: &str, author: &str, level: Classification, use_: Use) -> bool {
    match role {
        Role::Supervisor | Role::Admin | Role::System => true,
        Role::Officer => match level {
            Classification::Unclassified => true,
            Classification::Secret => user == author,
            Classification::TopSecret => user == author && use_ == Use::Open,
        },
    }
}

impl Session {
    /// A record's classification (metadata only: anyone may see it, e.g. in the record list).
    pub fn classification(&self, id: &str) -> Result<RecordClassification> {
        classification(&self.conn, id)
    }

    /// Who created record `id` (metadata, like the classification).
    pub fn created_by(&self, id: &str) -> Result<String> {
        state(&self.conn, id)?;
        created_by(&self.conn, id)
    }

    /// Checks that the acting user may make `use_` of record `id`; a refusal is audited and
    /// returned as [`StoreError::AccessDenied`].
    pub(crate) fn check_access(&self, id: &str, use_: Use) -> Result<()> {
        let c = classification(&self.conn, id)?;
        let author = created_by(&self.conn, id)?;
        if permitted(self.role, &self.user, &author, c.effective, use_) {
            return Ok(());
        }
        let (what, what_th) = use_.words();
        // A read-only caller still records the refusal: its own short transaction.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        audit::append(
            &tx,
            &now_rfc3339(),
            &self.user,
            "access_denied",
            Some(id),
            &json!({"use": what, "classification": c.effective.as_str(), "juvenile": c.juvenile}),
        )?;
        tx.commit()?;
        Err(StoreError::AccessDenied {
            user: self.user.clone(),
            record_id: id.to_owned(),
            what,
            what_th,
            level: c.effective,
        })
    }

    /// Whether the acting user may open record `id` (no audit entry; for greying out a list).
    pub fn may_open(&self, id: &str) -> Result<bool> {
        let c = classification(&self.conn, id)?;
        let author = created_by(&self.conn, id)?;
        Ok(permitted(
            self.role,
            &self.user,
            &author,
            c.effective,
            Use::Open,
        ))
    }

    /// The latest version, opened by a person: checked against the classification and written
    /// to the audit log as `record_opened` (what the access report shows).
    pub fn open_record(&self, id: &str) -> Result<crate::StoredRecord> {
        let rec = self.record(id)?;
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        audit::append(
            &tx,
            &now_rfc3339(),
            &self.user,
            "record_opened",
            Some(id),
            &json!({"version": rec.version}),
        )?;
        tx.commit()?;
        Ok(rec)
    }

    /// Before a record leaves the store as a file (`kind`: "json", "pdf"): checks the export
    /// rule and writes `record_exported` to the audit log.
    pub fn authorize_export(&mut self, id: &str, kind: &str) -> Result<()> {
        self.check_access(id, Use::Export)?;
        let (_, version) = state(&self.conn, id)?;
        let level = classification(&self.conn, id)?.effective;
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        audit::append(
            &tx,
            &now_rfc3339(),
            &actor,
            "record_exported",
            Some(id),
            &json!({"kind": kind, "version": version, "classification": level.as_str()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a record's classification. The officer who created it chooses while it is a draft
    /// (or returned), not below what a supervisor raised it to; a supervisor or administrator
    /// may raise it until it is countersigned and never lower it.
    pub fn set_classification(&mut self, id: &str, to: Classification) -> Result<()> {
        let user = self.user.clone();
        let role = self.role;
        let tx = self.write_tx()?;
        let (status, version) = state(&tx, id)?;
        let (current, _, floor) = level(&tx, id)?;
        let author = created_by(&tx, id)?;
        let lowered = |from: Classification| StoreError::ClassificationLowered {
            record_id: id.to_owned(),
            from,
            to,
        };
        match role {
            Role::Officer => {
                if author != user {
                    return Err(StoreError::NotPermitted {
                        role: role.to_string(),
                        what: "classify another officer's record".into(),
                        what_th: "กำหนดชั้นความลับของบันทึกของเจ้าหน้าที่คนอื่น".into(),
                    });
                }
                if !status.is_editable() {
                    return Err(banthuek_core::WorkflowError::WrongStatus {
                        action: banthuek_core::Action::Edit,
                        status,
                    }
                    .into());
                }
                if to < floor {
                    return Err(lowered(floor));
                }
            }
            Role::Supervisor | Role::Admin => {
                if matches!(status, Status::Signed | Status::Queued | Status::Synced) {
                    return Err(StoreError::ClassificationSealed {
                        record_id: id.to_owned(),
                        status: status.to_string(),
                    });
                }
                if to < current {
                    return Err(lowered(current));
                }
            }
            Role::System => {
                return Err(StoreError::NotPermitted {
                    role: role.to_string(),
                    what: "classify records".into(),
                    what_th: "กำหนดชั้นความลับ".into(),
                })
            }
        }
        if to == current {
            return Ok(());
        }
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO classifications (record_id, level, set_by, set_by_role, set_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, to.as_str(), user, role.as_str(), at],
        )?;
        audit::append(
            &tx,
            &at,
            &user,
            "classification_changed",
            Some(id),
            &json!({"from": current.as_str(), "to": to.as_str(), "version": version}),
        )?;
        tx.commit()?;
        Ok(())
    }
}
