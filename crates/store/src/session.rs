//! An unlocked store: the open database, the data key and the acting user.

use crate::crypto::{KdfParams, Key};
use crate::error::{Result, StoreError};
use crate::keyslots::SlotKeys;
use banthuek_core::Role;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub struct Session {
    pub(crate) conn: Connection,
    pub(crate) home: PathBuf,
    pub(crate) user: String,
    pub(crate) role: Role,
    pub(crate) data_key: Key,
    pub(crate) user_key: Key,
    pub(crate) kdf: KdfParams,
}

impl Session {
    pub(crate) fn new(
        conn: Connection,
        home: &Path,
        user: &str,
        role: Role,
        keys: SlotKeys,
        kdf: KdfParams,
    ) -> Session {
        Session {
            conn,
            home: home.to_owned(),
            user: user.to_owned(),
            role,
            data_key: keys.data_key,
            user_key: keys.user_key,
            kdf,
        }
    }

    /// The acting user's login name.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Argon2id cost for key slots this session writes (new users, new passwords).
    pub fn set_kdf(&mut self, kdf: KdfParams) {
        self.kdf = kdf;
    }

    pub(crate) fn require_admin(&self, what: &str, what_th: &str) -> Result<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(StoreError::NotPermitted {
                role: self.role.to_string(),
                what: what.to_owned(),
                what_th: what_th.to_owned(),
            })
        }
    }

    pub(crate) fn write_tx(&mut self) -> Result<rusqlite::Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }

    /// `PRAGMA integrity_check` of the whole file: "ok" when sound.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.join("\n"))
    }

    /// The hash chain of the audit log.
    pub fn audit_verify(&self) -> Result<crate::ChainReport> {
        crate::audit::verify(&self.conn)
    }

    /// The audit chain's head: the newest entry's sequence and hash.
    pub fn audit_head(&self) -> Result<Option<(i64, String)>> {
        crate::audit::head(&self.conn)
    }

    /// The stored hash of audit entry `seq`, if it exists.
    pub fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        crate::audit::hash_at(&self.conn, seq)
    }

    /// Audit entries, oldest first; only those about `record_id` when given.
    pub fn audit_entries(&self, record_id: Option<&str>) -> Result<Vec<crate::AuditEntry>> {
        crate::audit::entries(&self.conn, record_id)
    }

    /// May this session install or remove speech models? Administrators only: a model decides
    /// what every dictation is turned into.
    pub fn require_model_admin(&self) -> Result<()> {
        self.require_admin("install or remove speech models", "ติดตั้งหรือลบโมเดลเสียง")
    }

    /// Administrators only: writes a speech-model change to the audit log, `model_imported` or
    /// `model_removed`, with the model's name and file and the size and SHA-256 measured on the
    /// file itself.
    pub fn audit_model_change(
        &mut self,
        imported: bool,
        name: &str,
        file: &str,
        bytes: u64,
        sha256: &str,
    ) -> Result<()> {
        self.require_model_admin()?;
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        crate::audit::append(
            &tx,
            &crate::now_rfc3339(),
            &actor,
            if imported {
                "model_imported"
            } else {
                "model_removed"
            },
            None,
            &serde_json::json!({"model": name, "file": file, "bytes": bytes, "sha256": sha256}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The raw connection, for tests that must corrupt the file on purpose (only with the
    /// `test-support` feature, which only test builds enable).
    #[cfg(feature = "test-support")]
    pub fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }
}
