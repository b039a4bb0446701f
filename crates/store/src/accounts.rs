//! Accounts (officer / supervisor / admin), passwords, and per-user sealed secrets such as an
//! officer's private signing key.
//!
//! Login names and roles live in the encrypted database (the role there is what counts, so
//! editing the sidecar cannot raise anyone's rights); the sidecar holds only each account's key
//! slot and lockout counter. Each account has its own random user key, sealed in its slot beside
//! the data key: secrets sealed under it open only with that user's password, not with an
//! administrator's.

use crate::crypto::{self, Key};
use crate::error::{Result, StoreError};
use crate::keyslots::{self, SlotKeys};
use crate::{audit, check_password, check_user_name, now_rfc3339, Session};
use banthuek_core::Role;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub full_name: Option<String>,
    pub rank: Option<String>,
    pub created_at: String,
    /// RFC 3339, while the account is locked after wrong passwords.
    pub locked_until: Option<String>,
    pub failed_attempts: u32,
}

fn user_exists(conn: &rusqlite::Connection, name: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )?)
}

fn secret_aad(user: &str, name: &str) -> Vec<u8> {
    format!("banthuek user secret v1|{user}|{name}").into_bytes()
}

impl Session {
    /// Creates an account (administrators only).
    pub fn add_user(
        &mut self,
        name: &str,
        role: Role,
        password: &str,
        full_name: Option<&str>,
        rank: Option<&str>,
    ) -> Result<()> {
        self.add_user_with_secrets(name, role, password, full_name, rank, &[])
    }

    /// Creates an account and seals `secrets` (name, bytes) under the new account's own key, in
    /// the same transaction: how an administrator hands a new officer the signing key issued for
    /// them, which from then on only that officer's password opens.
    pub fn add_user_with_secrets(
        &mut self,
        name: &str,
        role: Role,
        password: &str,
        full_name: Option<&str>,
        rank: Option<&str>,
        secrets: &[(&str, &[u8])],
    ) -> Result<()> {
        self.require_admin("add users", "เพิ่มผู้ใช้")?;
        check_user_name(name)?;
        check_password(password)?;
        if role == Role::System {
            return Err(StoreError::NotPermitted {
                role: self.role.to_string(),
                what: "create a 'system' account".into(),
                what_th: "สร้างบัญชี system".into(),
            });
        }
        let home = self.home.clone();
        let kdf = self.kdf;
        let keys = SlotKeys {
            data_key: self.data_key.clone(),
            user_key: crypto::random_key(),
        };
        let actor = self.user.clone();
        let _lock = keyslots::lock(&home)?;
        let tx = self.write_tx()?;
        let exists = user_exists(&tx, name)?;
        if exists {
            return Err(StoreError::UserExists(name.to_owned()));
        }
        let at = now_rfc3339();
        tx.execute(
            "INSERT INTO users (name, role, full_name, rank, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![name, role.as_str(), full_name, rank, at, actor],
        )?;
        audit::append(
            &tx,
            &at,
            &actor,
            "user_added",
            None,
            &json!({"user": name, "role": role.as_str()}),
        )?;
        for (secret_name, secret) in secrets {
            let (nonce, sealed) =
                crypto::seal(&keys.user_key, secret, &secret_aad(name, secret_name))?;
            tx.execute(
                "INSERT INTO user_secrets (user, name, nonce, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, secret_name, &nonce[..], sealed, at],
            )?;
        }
        // The slot is written before the commit: a crash in between leaves a slot without an
        // account (harmless, replaced by the next attempt), never an account without a slot.
        let mut slots = keyslots::load(&home)?;
        slots.set_account(name, password, kdf, &keys)?;
        keyslots::save(&home, &slots)?;
        tx.commit()?;
        tracing::info!(role = role.as_str(), "account added");
        Ok(())
    }

    pub fn list_users(&self) -> Result<Vec<UserInfo>> {
        let slots = keyslots::load(&self.home)?;
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, full_name, rank, created_at FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, full_name, rank, created_at) = row?;
            let slot = slots.accounts.get(&name);
            out.push(UserInfo {
                role: role.parse().map_err(|e: String| StoreError::Crypto(e))?,
                full_name,
                rank,
                created_at,
                locked_until: slot.and_then(|s| s.locked_until.clone()),
                failed_attempts: slot.map(|s| s.failed_attempts).unwrap_or(0),
                name,
            });
        }
        Ok(out)
    }

    /// Sets a new password. Anyone may change their own; an administrator may reset anyone's.
    /// A reset by someone else gives the account a fresh user key, so secrets sealed under the
    /// old password (a private signing key) are removed rather than handed to the administrator.
    pub fn change_password(&mut self, name: &str, new_password: &str) -> Result<()> {
        check_password(new_password)?;
        let own = name == self.user;
        if !own {
            self.require_admin("change another user's password", "เปลี่ยนรหัสผ่านของผู้อื่น")?;
        }
        let home = self.home.clone();
        let kdf = self.kdf;
        let keys = SlotKeys {
            data_key: self.data_key.clone(),
            user_key: if own {
                self.user_key.clone()
            } else {
                crypto::random_key()
            },
        };
        let actor = self.user.clone();
        let _lock = keyslots::lock(&home)?;
        let tx = self.write_tx()?;
        let exists = user_exists(&tx, name)?;
        if !exists {
            return Err(StoreError::NoSuchUser(name.to_owned()));
        }
        let revoked = if own {
            0
        } else {
            tx.execute("DELETE FROM user_secrets WHERE user = ?1", [name])?
        };
        let action = if own {
            "password_changed"
        } else {
            "password_reset"
        };
        audit::append(
            &tx,
            &now_rfc3339(),
            &actor,
            action,
            None,
            &json!({"user": name, "secrets_revoked": revoked}),
        )?;
        let mut slots = keyslots::load(&home)?;
        slots.set_account(name, new_password, kdf, &keys)?;
        keyslots::save(&home, &slots)?;
        tx.commit()?;
        Ok(())
    }

    /// Seals `secret` under the acting user's key and stores it as `name` (replacing any
    /// previous value of that name).
    pub fn put_user_secret(&mut self, name: &str, secret: &[u8]) -> Result<()> {
        let user = self.user.clone();
        let (nonce, sealed) = crypto::seal(&self.user_key, secret, &secret_aad(&user, name))?;
        let tx = self.write_tx()?;
        let at = now_rfc3339();
        tx.execute(
            "INSERT OR REPLACE INTO user_secrets (user, name, nonce, sealed, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user, name, &nonce[..], sealed, at],
        )?;
        audit::append(
            &tx,
            &at,
            &user,
            "user_secret_stored",
            None,
            &json!({"name": name}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The acting user's secret `name`, if stored.
    pub fn get_user_secret(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let row: Option<(Vec<u8>, Vec<u8>)> = self
            .conn
            .query_row(
                "SELECT nonce, sealed FROM user_secrets WHERE user = ?1 AND name = ?2",
                params![self.user, name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((nonce, sealed)) = row else {
            return Ok(None);
        };
        let key: &Key = &self.user_key;
        crypto::open(key, &nonce, &sealed, &secret_aad(&self.user, name))
            .map(Some)
            .ok_or_else(|| StoreError::Tampered {
                what: format!("user secret '{name}'"),
            })
    }
}
