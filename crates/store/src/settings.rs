//! Station settings kept in the encrypted database's `meta` table (e.g. the sync enrolment,
//! whose credential must not sit in a plain file). Anyone may read them; only an administrator
//! may change them, and every change is audited (the value is not: it may be a secret).

use crate::error::Result;
use crate::{audit, now_rfc3339, Session};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

/// Settings live under their own prefix so they can never overwrite the store's bookkeeping.
fn meta_key(key: &str) -> String {
    format!("setting.{key}")
}

impl Session {
    /// A station setting, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [meta_key(key)],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets a station setting (administrators only).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.require_admin("change station settings", "เปลี่ยนการตั้งค่าสถานี")?;
        let actor = self.user.clone();
        let tx = self.write_tx()?;
        let at = now_rfc3339();
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![meta_key(key), value],
        )?;
        audit::append(
            &tx,
            &at,
            &actor,
            "setting_changed",
            None,
            &json!({"key": key}),
        )?;
        tx.commit()?;
        Ok(())
    }
}
