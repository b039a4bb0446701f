//! The sidecar `keyslots.json`: everything needed *before* the database can be opened.
//!
//! SQLCipher needs the data key to read even the schema, so the wrapped data key, the Argon2id
//! parameters, the lockout counters and the failed attempts not yet audited live here, in plain
//! JSON beside the database. It holds no personal data: only login names and sealed keys. Each
//! account slot seals `data key ‖ user key` under Argon2id(password); the recovery slot seals the
//! data key under the printed recovery key. The associated data binds every slot to this store
//! and account, so a slot copied to another name or store does not open.
//!
//! The file is replaced atomically (temp file, fsync, rename, fsync of the directory) under an
//! exclusive lock, so a crash leaves either the old or the new file. Someone able to write this
//! file could reset lockout counters; lockout slows guessing at the keyboard, while the
//! Argon2id cost is what protects a copied disk.

use crate::crypto::{self, KdfParams, Key};
use crate::error::{Result, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub const FILE_NAME: &str = "keyslots.json";
pub(crate) const LOCK_NAME: &str = "keyslots.lock";
const FORMAT: u32 = 1;

/// How many wrong passwords lock an account, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    pub max_failed_attempts: u32,
    pub lockout_secs: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failed_attempts: 5,
            lockout_secs: 300,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slot {
    pub kdf: KdfParams,
    pub salt: String,
    pub nonce: String,
    pub sealed: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSlot {
    pub slot: Slot,
    #[serde(default)]
    pub failed_attempts: u32,
    /// RFC 3339; absent when not locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}

/// A refused login, kept here until the next successful unlock writes it to the audit chain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingFailure {
    /// Unique, so that moving it into the audit log twice (after a crash) is detected.
    pub id: String,
    pub at: String,
    pub user: String,
    /// `wrong_password`, `unknown_user`, `account_locked` (this attempt locked it) or
    /// `refused_while_locked`.
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeySlots {
    pub format: u32,
    pub store_id: String,
    pub policy: LockoutPolicy,
    pub accounts: BTreeMap<String, AccountSlot>,
    pub recovery: Slot,
    #[serde(default)]
    pub pending_failures: Vec<PendingFailure>,
    /// Lockout counters for login names that are no account, keyed by [`unknown_name_tag`], so
    /// that an unknown name is counted and locked exactly like an account and the answers at
    /// login cannot tell which names exist.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown_names: BTreeMap<String, Attempts>,
}

/// The lockout counters of a login name that is no account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attempts {
    pub failed_attempts: u32,
    /// RFC 3339; absent when not locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}

/// At most this many unknown names are counted; past it, those not locked now are forgotten.
const MAX_UNKNOWN_NAMES: usize = 1000;

/// How a login name that is no account is kept: a hash, since the name might be a password
/// typed into the wrong box.
pub fn unknown_name_tag(name: &str) -> String {
    format!("unknown:{}", &crypto::sha256_hex(name.as_bytes())[..12])
}

fn aad(store_id: &str, account: Option<&str>) -> Vec<u8> {
    match account {
        Some(name) => format!("banthuek slot v1|{store_id}|account|{name}").into_bytes(),
        None => format!("banthuek slot v1|{store_id}|recovery").into_bytes(),
    }
}

/// The keys an account slot opens.
pub struct SlotKeys {
    pub data_key: Key,
    pub user_key: Key,
}

impl Slot {
    fn seal_with(
        kek: &[u8; 32],
        kdf: KdfParams,
        salt: &[u8],
        plain: &[u8],
        aad: &[u8],
    ) -> Result<Slot> {
        let (nonce, sealed) = crypto::seal(kek, plain, aad)?;
        Ok(Slot {
            kdf,
            salt: hex::encode(salt),
            nonce: hex::encode(nonce),
            sealed: hex::encode(sealed),
        })
    }

    fn open_with(&self, kek: &[u8; 32], aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let nonce = hex::decode(&self.nonce).ok()?;
        let sealed = hex::decode(&self.sealed).ok()?;
        crypto::open(kek, &nonce, &sealed, aad)
    }
}

impl KeySlots {
    pub fn new(
        store_id: String,
        policy: LockoutPolicy,
        recovery: &[u8; 32],
        data_key: &[u8; 32],
    ) -> Result<Self> {
        let kek = crypto::recovery_kek(recovery);
        let slot = Slot::seal_with(
            &kek,
            KdfParams::INSECURE_FOR_TESTS,
            &[],
            data_key,
            &aad(&store_id, None),
        )?;
        Ok(KeySlots {
            format: FORMAT,
            store_id,
            policy,
            accounts: BTreeMap::new(),
            recovery: slot,
            pending_failures: Vec::new(),
            unknown_names: BTreeMap::new(),
        })
    }

    /// The lockout counters of a login name: the account's own, or for a name that is no
    /// account those kept under [`unknown_name_tag`] (created on first use).
    pub fn counters_mut(
        &mut self,
        name: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (&mut u32, &mut Option<String>) {
        if self.accounts.contains_key(name) {
            if let Some(acc) = self.accounts.get_mut(name) {
                return (&mut acc.failed_attempts, &mut acc.locked_until);
            }
        }
        let tag = unknown_name_tag(name);
        if !self.unknown_names.contains_key(&tag) && self.unknown_names.len() >= MAX_UNKNOWN_NAMES {
            self.unknown_names.retain(|_, a| {
                a.locked_until
                    .as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .is_some_and(|t| t > now)
            });
        }
        let entry = self.unknown_names.entry(tag).or_default();
        (&mut entry.failed_attempts, &mut entry.locked_until)
    }

    /// Runs the key derivation an account's slot would, for a name that is no account, so that
    /// a wrong name costs the same time as a wrong password.
    pub fn derive_for_unknown_name(&self, password: &str, fallback: KdfParams) -> Result<()> {
        let kdf = self
            .accounts
            .values()
            .next()
            .map(|a| a.slot.kdf)
            .unwrap_or(fallback);
        let kek = kdf.derive(password, &[0u8; 16])?;
        // Opening fails, as it does for a wrong password; the result is not used.
        let _ = self
            .recovery
            .open_with(&kek, &aad(&self.store_id, Some("")));
        Ok(())
    }

    /// Seals `data_key ‖ user_key` for `name` under a key derived from `password`.
    pub fn set_account(
        &mut self,
        name: &str,
        password: &str,
        kdf: KdfParams,
        keys: &SlotKeys,
    ) -> Result<()> {
        let salt = crypto::random_bytes::<16>();
        let kek = kdf.derive(password, &salt)?;
        let mut plain = Zeroizing::new(Vec::with_capacity(64));
        plain.extend_from_slice(keys.data_key.as_ref());
        plain.extend_from_slice(keys.user_key.as_ref());
        let slot = Slot::seal_with(&kek, kdf, &salt, &plain, &aad(&self.store_id, Some(name)))?;
        self.accounts.insert(
            name.to_owned(),
            AccountSlot {
                slot,
                failed_attempts: 0,
                locked_until: None,
            },
        );
        Ok(())
    }

    /// Runs Argon2id and opens the account's slot; `None` when the password is wrong.
    pub fn open_account(&self, name: &str, password: &str) -> Result<Option<SlotKeys>> {
        let Some(acc) = self.accounts.get(name) else {
            return Ok(None);
        };
        let salt = hex::decode(&acc.slot.salt).map_err(|e| StoreError::Crypto(e.to_string()))?;
        let kek = acc.slot.kdf.derive(password, &salt)?;
        Ok(acc
            .slot
            .open_with(&kek, &aad(&self.store_id, Some(name)))
            .and_then(|plain| split_keys(&plain)))
    }

    pub fn open_recovery(&self, recovery: &[u8; 32]) -> Option<Key> {
        let kek = crypto::recovery_kek(recovery);
        let plain = self.recovery.open_with(&kek, &aad(&self.store_id, None))?;
        let arr: [u8; 32] = plain.as_slice().try_into().ok()?;
        Some(Zeroizing::new(arr))
    }
}

fn split_keys(plain: &[u8]) -> Option<SlotKeys> {
    if plain.len() != 64 {
        return None;
    }
    let mut data_key = Zeroizing::new([0u8; 32]);
    let mut user_key = Zeroizing::new([0u8; 32]);
    data_key.copy_from_slice(&plain[..32]);
    user_key.copy_from_slice(&plain[32..]);
    Some(SlotKeys { data_key, user_key })
}

/// Exclusive lock on the sidecar for one read-modify-write; released on drop.
pub struct SlotLock {
    _file: File,
}

/// `File::lock` is newer than the workspace's declared minimum Rust; the toolchain in use has
/// it, and a portable lock avoids a dependency.
#[allow(clippy::incompatible_msrv)]
pub fn lock(home: &Path) -> Result<SlotLock> {
    let path = home.join(LOCK_NAME);
    let file = crate::files::private_options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(StoreError::io(&path))?;
    file.lock().map_err(StoreError::io(&path))?;
    Ok(SlotLock { _file: file })
}

pub fn path(home: &Path) -> PathBuf {
    home.join(FILE_NAME)
}

pub fn load(home: &Path) -> Result<KeySlots> {
    let path = path(home);
    let text = fs::read_to_string(&path).map_err(StoreError::io(&path))?;
    let slots: KeySlots = serde_json::from_str(&text).map_err(|e| StoreError::BadKeySlots {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    if slots.format != FORMAT {
        return Err(StoreError::BadKeySlots {
            path,
            reason: format!("unknown format {}", slots.format),
        });
    }
    Ok(slots)
}

/// Replaces the sidecar atomically. The caller holds [`lock`].
pub fn save(home: &Path, slots: &KeySlots) -> Result<()> {
    let path = path(home);
    let tmp = home.join(format!("{FILE_NAME}.tmp"));
    let text = serde_json::to_vec_pretty(slots).map_err(|e| StoreError::Crypto(e.to_string()))?;
    // A stale temporary file would keep its old mode through the truncation below.
    let _ = fs::remove_file(&tmp);
    {
        let mut f = crate::files::private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(StoreError::io(&tmp))?;
        f.write_all(&text).map_err(StoreError::io(&tmp))?;
        f.sync_all().map_err(StoreError::io(&tmp))?;
    }
    fs::rename(&tmp, &path).map_err(StoreError::io(&path))?;
    sync_dir(home);
    Ok(())
}

/// Makes a rename durable. Directories cannot be opened for syncing on every platform, so a
/// failure here is not an error.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
