//! The access report: who opened, changed, signed, exported or synced which record and when,
//! read from the hash-chained audit log (whose chain is checked with it, so a report from a
//! tampered log says so). For administrators.

use crate::error::Result;
use crate::Session;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    Opened,
    Changed,
    Signed,
    Exported,
    Synced,
    /// A refused attempt to open or export.
    Denied,
    Purged,
    /// Logins, accounts, settings.
    Account,
}

impl AccessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKind::Opened => "opened",
            AccessKind::Changed => "changed",
            AccessKind::Signed => "signed",
            AccessKind::Exported => "exported",
            AccessKind::Synced => "synced",
            AccessKind::Denied => "denied",
            AccessKind::Purged => "purged",
            AccessKind::Account => "account",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            AccessKind::Opened => "เปิดดู",
            AccessKind::Changed => "แก้ไข",
            AccessKind::Signed => "ลงนาม",
            AccessKind::Exported => "ส่งออก",
            AccessKind::Synced => "ส่งระบบกลาง",
            AccessKind::Denied => "ถูกปฏิเสธ",
            AccessKind::Purged => "ลบตามนโยบาย",
            AccessKind::Account => "บัญชีผู้ใช้",
        }
    }

    /// The kind of an audit action (`detail` tells a signature from another status move).
    pub fn of(action: &str, detail: &Value) -> AccessKind {
        match action {
            "record_opened" => AccessKind::Opened,
            "record_exported" | "statistics_exported" => AccessKind::Exported,
            "access_denied" => AccessKind::Denied,
            "record_purged" => AccessKind::Purged,
            "outbox_synced" | "outbox_rejected" => AccessKind::Synced,
            "pdf_stored" => AccessKind::Signed,
            "status_changed" => match detail.get("action").and_then(Value::as_str) {
                Some("submit" | "countersign") => AccessKind::Signed,
                Some("mark_synced") => AccessKind::Synced,
                _ => AccessKind::Changed,
            },
            "record_created"
            | "version_saved"
            | "audio_stored"
            | "classification_changed"
            | "idcard_read" => AccessKind::Changed,
            _ => AccessKind::Account,
        }
    }
}

/// One line of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccessEvent {
    pub seq: i64,
    pub at: String,
    pub user: String,
    pub kind: AccessKind,
    pub action: String,
    pub record_id: Option<String>,
    pub detail: Value,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AccessReport {
    pub user: Option<String>,
    pub record_id: Option<String>,
    /// The audit chain is whole (else the report cannot be trusted past `first_bad`).
    pub chain: crate::ChainReport,
    pub events: Vec<AccessEvent>,
}

impl Session {
    /// The access report, optionally only one user's acts or one record's (administrators).
    pub fn access_report(
        &self,
        user: Option<&str>,
        record_id: Option<&str>,
    ) -> Result<AccessReport> {
        self.require_admin("read the access report", "ดูรายงานการเข้าถึงข้อมูล")?;
        let chain = self.audit_verify()?;
        let events = self
            .audit_entries(record_id)?
            .into_iter()
            .filter(|e| user.is_none_or(|u| e.actor == u))
            .map(|e| AccessEvent {
                kind: AccessKind::of(&e.action, &e.detail),
                seq: e.seq,
                at: e.at,
                user: e.actor,
                action: e.action,
                record_id: e.record_id,
                detail: e.detail,
            })
            .collect();
        Ok(AccessReport {
            user: user.map(str::to_owned),
            record_id: record_id.map(str::to_owned),
            chain,
            events,
        })
    }

    /// Writes `statistics_exported` to the audit log (the export itself holds no personal data;
    /// that it was made, by whom and for which period, is on record).
    pub fn audit_statistics_export(&mut self, from: &str, to: &str, records: usize) -> Result<()> {
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        crate::audit::append(
            &tx,
            &crate::now_rfc3339(),
            &actor,
            "statistics_exported",
            None,
            &serde_json::json!({"from": from, "to": to, "records": records}),
        )?;
        tx.commit()?;
        Ok(())
    }
}

const PSEUDONYM_KEY: &str = "governance.pseudonym_key";

impl Session {
    /// The station's secret for pseudonymising arrestees in statistics (HMAC key, 32 bytes),
    /// made on first use. Kept in the encrypted database outside the readable settings, and
    /// given only to supervisors and administrators, who are the ones exporting statistics.
    pub fn pseudonym_key(&mut self) -> Result<zeroize::Zeroizing<[u8; 32]>> {
        if !matches!(
            self.role,
            banthuek_core::Role::Supervisor | banthuek_core::Role::Admin
        ) {
            return Err(crate::StoreError::NotPermitted {
                role: self.role.to_string(),
                what: "export statistics".into(),
                what_th: "ส่งออกข้อมูลสถิติ".into(),
            });
        }
        let tx = self.write_tx()?;
        let stored: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
            "SELECT value FROM meta WHERE key = ?1",
            [PSEUDONYM_KEY],
            |r| r.get(0),
        ))?;
        let mut key = zeroize::Zeroizing::new([0u8; 32]);
        match stored
            .and_then(|h| hex::decode(h).ok())
            .filter(|b| b.len() == 32)
        {
            Some(bytes) => key.copy_from_slice(&bytes),
            None => {
                key.copy_from_slice(crate::crypto::random_key().as_ref());
                tx.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    rusqlite::params![PSEUDONYM_KEY, hex::encode(key.as_ref())],
                )?;
                tx.commit()?;
            }
        }
        Ok(key)
    }

    /// The station's id (a UUID made at init), used as the station column of statistics.
    pub fn store_id(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| {
                r.get(0)
            })?)
    }
}
