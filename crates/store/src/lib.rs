//! The station's encrypted store: one SQLCipher database (`<home>/banthuek.db`, WAL mode) and a
//! small sidecar of key slots (`<home>/keyslots.json`, see [`keyslots`]).
//!
//! ```text
//! Store::init(home, admin, password, opts) -> (Session, RecoveryKey)
//! Store::open(home) -> Locked ── unlock(user, password) ──> Session
//! Session: accounts · records and versions · workflow moves · audio · signed PDFs · outbox · audit
//! ```
//!
//! A random 256-bit data key encrypts the database. Every account holds a slot that seals the
//! data key under Argon2id(password); a recovery slot seals it under a key printed once at init.
//! Records are append-only versions; every change commits together with its hash-chained audit
//! entry; a record queued for the central system gets its outbox row in the same transaction.
//! Library code only: the CLI, the desktop app and the sync sender share it.

pub mod accounts;
pub mod audio;
pub mod audit;
pub mod bench;
pub mod classification;
pub mod crypto;
mod db;
pub mod error;
mod files;
pub mod keyslots;
pub mod migrations;
pub mod outbox;
pub mod records;
pub mod report;
pub mod retention;
mod session;
pub mod settings;

pub use accounts::UserInfo;
pub use audit::{AuditEntry, BadEntry, ChainReport};
pub use classification::{RecordClassification, Use};
pub use crypto::KdfParams;
pub use error::{Result, StoreError};
pub use keyslots::LockoutPolicy;
pub use outbox::{OutboxItem, OutboxStatus};
pub use records::{EventInfo, History, RecordSummary, StoredRecord, VersionInfo, VersionSource};
pub use report::{AccessEvent, AccessKind, AccessReport};
pub use retention::{PurgeItem, PurgeReport, PurgeStage, RetentionPolicy};
pub use session::Session;

use banthuek_core::Role;
use keyslots::{KeySlots, PendingFailure, SlotKeys};
use rusqlite::OptionalExtension;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Settings chosen when a store is created or opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreOptions {
    /// Argon2id cost for key slots written from now on (new users, new passwords).
    pub kdf: KdfParams,
    /// Lockout policy, fixed at init and kept in the sidecar.
    pub policy: LockoutPolicy,
}

/// The recovery key, shown once at init. Whoever holds it can reset an administrator's password.
pub struct RecoveryKey(pub String);

/// A store on disk whose database is still locked.
pub struct Locked {
    home: PathBuf,
    opts: StoreOptions,
}

/// Entry points.
pub struct Store;

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Login names: short and plain, so they are safe in file names, logs and audit entries.
pub(crate) fn check_user_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadUserName(name.chars().take(64).collect()))
    }
}

pub(crate) fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(StoreError::WeakPassword);
    }
    Ok(())
}

impl Store {
    /// Creates a new store in `home` with one administrator. Refuses if either file exists.
    pub fn init(
        home: &Path,
        admin: &str,
        password: &str,
        opts: StoreOptions,
    ) -> Result<(Session, RecoveryKey)> {
        Self::init_at_schema(home, admin, password, opts, migrations::LATEST)
    }

    /// As [`Store::init`], but stops the schema at `version`: lets tests build a file as an
    /// older release wrote it and check that opening it migrates.
    #[doc(hidden)]
    pub fn init_at_schema(
        home: &Path,
        admin: &str,
        password: &str,
        opts: StoreOptions,
        version: u32,
    ) -> Result<(Session, RecoveryKey)> {
        check_user_name(admin)?;
        check_password(password)?;
        files::private_home(home)?;
        let db_path = home.join(db::FILE_NAME);
        let slots_path = keyslots::path(home);
        for p in [&db_path, &slots_path] {
            if p.exists() {
                return Err(StoreError::AlreadyExists { path: p.clone() });
            }
        }
        let _lock = keyslots::lock(home)?;
        let store_id = uuid::Uuid::new_v4().to_string();
        let keys = SlotKeys {
            data_key: crypto::random_key(),
            user_key: crypto::random_key(),
        };
        let recovery = crypto::random_key();
        let mut slots = KeySlots::new(store_id.clone(), opts.policy, &recovery, &keys.data_key)?;
        slots.set_account(admin, password, opts.kdf, &keys)?;

        // Build the database under a temporary name and rename it last: `banthuek.db` existing
        // means init finished, so a crash mid-init never leaves a half-made store in place.
        let tmp = home.join(format!("{}.init-tmp", db::FILE_NAME));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
        }
        {
            let mut conn = db::create(&tmp, &keys.data_key, version)?;
            let at = now_rfc3339();
            let tx = conn.transaction()?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('store_id', ?1)",
                [&store_id],
            )?;
            tx.execute(
                "INSERT INTO users (name, role, created_at, created_by) VALUES (?1, 'admin', ?2, ?1)",
                rusqlite::params![admin, at],
            )?;
            audit::append(
                &tx,
                &at,
                admin,
                "store_initialised",
                None,
                &json!({"store_id": store_id, "schema": version}),
            )?;
            audit::append(
                &tx,
                &at,
                admin,
                "user_added",
                None,
                &json!({"user": admin, "role": "admin"}),
            )?;
            tx.commit()?;
            // Closing checkpoints the WAL into the file, so the rename below moves everything.
            conn.close().map_err(|(_, e)| StoreError::Sqlite(e))?;
        }
        keyslots::save(home, &slots)?;
        std::fs::rename(&tmp, &db_path).map_err(StoreError::io(&db_path))?;
        keyslots::sync_dir(home);
        let conn = db::open(&db_path, &keys.data_key, version)?;
        let session = Session::new(conn, home, admin, Role::Admin, keys, opts.kdf);
        Ok((session, RecoveryKey(crypto::format_recovery_key(&recovery))))
    }

    /// Whether `home` holds a store: only whether its database file exists, without
    /// [`Store::open`]'s checks of the header and key slots (the sign-in screen asks often).
    pub fn is_initialised(home: &Path) -> bool {
        home.join(db::FILE_NAME).exists()
    }

    /// Opens the store in `home` without unlocking it. Checks that the files are there and that
    /// the database is not a plain SQLite file; the key check happens at unlock.
    pub fn open(home: &Path) -> Result<Locked> {
        Self::open_with(home, StoreOptions::default())
    }

    pub fn open_with(home: &Path, opts: StoreOptions) -> Result<Locked> {
        let db_path = home.join(db::FILE_NAME);
        let slots_path = keyslots::path(home);
        if !db_path.exists() {
            return Err(StoreError::NotInitialised {
                home: home.to_owned(),
            });
        }
        db::precheck(&db_path)?;
        if !slots_path.exists() {
            return Err(StoreError::BadKeySlots {
                path: slots_path,
                reason: "missing".into(),
            });
        }
        keyslots::load(home)?;
        files::secure_home(home, &db::file_names())?;
        Ok(Locked {
            home: home.to_owned(),
            opts,
        })
    }
}

fn record_failure(slots: &mut KeySlots, user: &str, kind: &str) {
    slots.pending_failures.push(PendingFailure {
        id: uuid::Uuid::new_v4().to_string(),
        at: now_rfc3339(),
        user: user.to_owned(),
        kind: kind.to_owned(),
    });
}

impl Locked {
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Checks the password (Argon2id, by design 0.3–1 s) and opens the database. Wrong passwords
    /// are counted; the limit locks the account for the policy's time. Every refused attempt is
    /// kept in the sidecar and written to the audit chain at the next successful unlock.
    pub fn unlock(&self, user: &str, password: &str) -> Result<Session> {
        let _lock = keyslots::lock(&self.home)?;
        let mut slots = keyslots::load(&self.home)?;
        let now = chrono::Utc::now();
        let policy = slots.policy;
        // An unknown name is answered exactly as a known one with a wrong password: the same
        // message, the same attempts left and lockout (counted under a hash of the name), and
        // the same Argon2id work.
        let known = slots.accounts.contains_key(user);
        let who = if known {
            user.to_owned()
        } else {
            keyslots::unknown_name_tag(user)
        };
        let (_, until) = slots.counters_mut(user, now);
        let locked_until = until
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc));
        if let Some(until) = locked_until.filter(|u| *u > now) {
            record_failure(&mut slots, &who, "refused_while_locked");
            keyslots::save(&self.home, &slots)?;
            return Err(StoreError::AccountLocked {
                user: user.to_owned(),
                seconds_left: (until - now).num_seconds().max(1),
            });
        }
        let keys = if known {
            slots.open_account(user, password)?
        } else {
            slots.derive_for_unknown_name(password, self.opts.kdf)?;
            None
        };
        let Some(keys) = keys else {
            let (failed, until) = slots.counters_mut(user, now);
            if locked_until.is_some() {
                // An expired lock: counting starts afresh.
                *until = None;
                *failed = 0;
            }
            *failed += 1;
            let (err, kind) = if *failed >= policy.max_failed_attempts {
                *failed = 0;
                *until = Some(
                    (now + chrono::Duration::seconds(policy.lockout_secs))
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                );
                let err = StoreError::AccountLocked {
                    user: user.to_owned(),
                    seconds_left: policy.lockout_secs,
                };
                (err, "account_locked")
            } else {
                let err = StoreError::WrongPassword {
                    attempts_left: policy.max_failed_attempts - *failed,
                };
                (
                    err,
                    if known {
                        "wrong_password"
                    } else {
                        "unknown_user"
                    },
                )
            };
            record_failure(&mut slots, &who, kind);
            keyslots::save(&self.home, &slots)?;
            return Err(err);
        };
        let mut conn = db::open(
            &self.home.join(db::FILE_NAME),
            &keys.data_key,
            migrations::LATEST,
        )?;
        let role: Option<String> = conn
            .query_row("SELECT role FROM users WHERE name = ?1", [user], |r| {
                r.get(0)
            })
            .optional()?;
        let role: Role = role
            .ok_or_else(|| StoreError::NoSuchUser(user.to_owned()))?
            .parse()
            .map_err(|e: String| StoreError::ForeignDatabase {
                path: self.home.join(db::FILE_NAME),
                reason: e,
            })?;
        let at = now_rfc3339();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for f in &slots.pending_failures {
            let seen: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM audit WHERE action = 'login_failed' \
                 AND json_extract(detail_json, '$.attempt_id') = ?1)",
                [&f.id],
                |r| r.get(0),
            )?;
            if !seen {
                audit::append(
                    &tx,
                    &at,
                    &f.user,
                    "login_failed",
                    None,
                    &json!({"attempt_id": f.id, "attempted_at": f.at, "reason": f.kind}),
                )?;
            }
        }
        audit::append(
            &tx,
            &at,
            user,
            "login",
            None,
            &json!({"role": role.as_str()}),
        )?;
        tx.commit()?;
        slots.pending_failures.clear();
        if let Some(entry) = slots.accounts.get_mut(user) {
            entry.failed_attempts = 0;
            entry.locked_until = None;
        }
        keyslots::save(&self.home, &slots)?;
        Ok(Session::new(
            conn,
            &self.home,
            user,
            role,
            keys,
            self.opts.kdf,
        ))
    }

    /// Sets a new password for an administrator using the recovery key printed at init (for when
    /// every administrator has forgotten theirs). Secrets sealed under the forgotten password are
    /// unrecoverable by design and are removed.
    pub fn recover(&self, recovery_key: &str, admin: &str, new_password: &str) -> Result<()> {
        check_password(new_password)?;
        let _lock = keyslots::lock(&self.home)?;
        let mut slots = keyslots::load(&self.home)?;
        let recovery =
            crypto::parse_recovery_key(recovery_key).ok_or(StoreError::WrongRecoveryKey)?;
        let data_key = slots.open_recovery(&recovery).ok_or_else(|| {
            record_failure(&mut slots, admin, "wrong_recovery_key");
            StoreError::WrongRecoveryKey
        });
        let data_key = match data_key {
            Ok(k) => k,
            Err(e) => {
                keyslots::save(&self.home, &slots)?;
                return Err(e);
            }
        };
        let mut conn = db::open(
            &self.home.join(db::FILE_NAME),
            &data_key,
            migrations::LATEST,
        )?;
        let role: Option<String> = conn
            .query_row("SELECT role FROM users WHERE name = ?1", [admin], |r| {
                r.get(0)
            })
            .optional()?;
        match role.as_deref() {
            Some("admin") => {}
            Some(other) => {
                return Err(StoreError::NotPermitted {
                    role: other.to_owned(),
                    what: "be recovered with the recovery key (administrators only)".into(),
                    what_th: "กู้คืนด้วยกุญแจกู้คืน (เฉพาะผู้ดูแลระบบ)".into(),
                })
            }
            None => return Err(StoreError::NoSuchUser(admin.to_owned())),
        }
        // A fresh user key: the old one was sealed only under the forgotten password.
        let keys = SlotKeys {
            data_key,
            user_key: crypto::random_key(),
        };
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let revoked = tx.execute("DELETE FROM user_secrets WHERE user = ?1", [admin])?;
        audit::append(
            &tx,
            &now_rfc3339(),
            admin,
            "password_recovered",
            None,
            &json!({"user": admin, "secrets_revoked": revoked}),
        )?;
        slots.set_account(admin, new_password, self.opts.kdf, &keys)?;
        keyslots::save(&self.home, &slots)?;
        tx.commit()?;
        Ok(())
    }
}
