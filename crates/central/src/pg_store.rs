//! [`PgStore`]: the receiver's storage in PostgreSQL, for deployments where several receivers
//! serve one database (`banthuek-central serve --database postgres://…`).
//!
//! Everything that must happen once happens in the database, not under a lock in one process:
//! an upload is `INSERT … ON CONFLICT DO NOTHING` on the idempotency key followed by a read of
//! the row that won, in one transaction, so two receivers racing on one key store one row and
//! answer with the same receipt; an enrolment code is consumed by one conditional `UPDATE …
//! RETURNING`, so it enrols one device however many receivers see it at once.
//!
//! The PDF and the audio are kept in the record's row (`bytea`), not in a content-addressed
//! directory: the row and its documents are then committed by one transaction (a crash leaves no
//! file without a row nor a row without its file), every receiver reads them without a shared
//! file system, and the database's backup covers them. A signed record PDF is some tens of
//! kilobytes; PostgreSQL stores such values out of line (TOAST) without slowing the row reads.
//! Measured (docs/sync-api.md): a row with a 150 KB PDF commits in about the time of a row
//! without, while a file beside it would add a second fsync'd write.
//!
//! The schema is versioned: `schema_migrations` holds the versions applied, and [`MIGRATIONS`]
//! are applied in order under an advisory lock, so receivers started together migrate once.

use crate::storage::{
    anchor_refusal, AnchorOutcome, CentralStore, Device, Existing, Insert, NewRecord, Stats,
    StorageError,
};
use chrono::{DateTime, Utc};
use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;
use std::time::Duration;

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The schema, one entry per version; a version once released is never edited, only followed.
pub const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE enrolment_codes (
        code_hash TEXT PRIMARY KEY,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        credential_ttl_secs BIGINT NOT NULL,
        used_at TIMESTAMPTZ,
        device_id TEXT
    );
    CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        station_ca_pem TEXT NOT NULL,
        enrolled_at TIMESTAMPTZ NOT NULL,
        credential_expires_at TIMESTAMPTZ NOT NULL,
        revoked BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE TABLE records (
        idempotency_key TEXT PRIMARY KEY,
        record_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        device_id TEXT NOT NULL REFERENCES devices(device_id),
        received_at TIMESTAMPTZ NOT NULL,
        record_json TEXT NOT NULL,
        pdf BYTEA NOT NULL,
        audio_mime TEXT,
        audio BYTEA,
        record_sha256 TEXT NOT NULL,
        pdf_sha256 TEXT NOT NULL,
        receipt TEXT NOT NULL,
        classification TEXT,
        juvenile BOOLEAN NOT NULL DEFAULT FALSE,
        UNIQUE (record_id, version),
        CHECK ((audio IS NULL) = (audio_mime IS NULL))
    );
    CREATE INDEX records_received_at ON records (received_at);",
    ),
    (
        2,
        "ALTER TABLE devices ADD COLUMN audit_seq BIGINT;
         ALTER TABLE devices ADD COLUMN audit_hash TEXT;",
    ),
];

const REQUEST_WAIT: Duration = Duration::from_secs(10);

/// An arbitrary constant: the advisory lock that serialises migrations across receivers.
const MIGRATION_LOCK: i64 = 0x6261_6e74_6875_656b;

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        StorageError::Postgres(e.to_string())
    }
}

impl From<r2d2::Error> for StorageError {
    fn from(e: r2d2::Error) -> Self {
        StorageError::Postgres(e.to_string())
    }
}

/// A pool of connections to one PostgreSQL database.
pub struct PgStore {
    pool: Pool,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host:port/db`), waiting up to `connect_timeout` for
    /// the database, and brings its schema to the newest version.
    pub fn open(
        url: &str,
        pool_size: u32,
        connect_timeout: Duration,
    ) -> Result<Self, StorageError> {
        let config: postgres::Config = url.parse()?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(0))
            // How long a request waits for a connection (the database restarting, say) before
            // it fails with 500 and the station retries.
            .connection_timeout(REQUEST_WAIT)
            // A connection broken by a database restart is found and replaced on checkout.
            .test_on_check_out(true)
            .build(manager)?;
        let store = PgStore { pool };
        let mut conn = store.pool.get_timeout(connect_timeout)?;
        migrate(&mut conn)?;
        drop(conn);
        Ok(store)
    }

    fn conn(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StorageError> {
        Ok(self.pool.get()?)
    }
}

/// Brings the schema to the newest of [`MIGRATIONS`], once however many receivers start at once.
fn migrate(conn: &mut postgres::Client) -> Result<(), StorageError> {
    let mut tx = conn.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )",
    )?;
    let applied: Option<i32> = tx
        .query_one("SELECT max(version) FROM schema_migrations", &[])?
        .get(0);
    for (version, sql) in MIGRATIONS {
        if applied.is_some_and(|a| a >= *version) {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )?;
        tracing::info!(version, "central: database migrated");
    }
    tx.commit()?;
    Ok(())
}

impl PgStore {
    /// The newest schema version applied.
    pub fn schema_version(&self) -> Result<i32, StorageError> {
        Ok(self
            .conn()?
            .query_one("SELECT max(version) FROM schema_migrations", &[])?
            .get::<_, Option<i32>>(0)
            .unwrap_or(0))
    }
}

fn existing_in(
    client: &mut impl postgres::GenericClient,
    key: &str,
) -> Result<Option<Existing>, StorageError> {
    Ok(client
        .query_opt(
            "SELECT device_id, record_sha256, pdf_sha256, receipt, classification, juvenile
             FROM records WHERE idempotency_key = $1",
            &[&key],
        )?
        .map(|row| Existing {
            device_id: row.get(0),
            record_sha256: row.get(1),
            pdf_sha256: row.get(2),
            receipt_json: row.get(3),
            classification: row.get(4),
            juvenile: row.get(5),
        }))
}

impl CentralStore for PgStore {
    fn add_enrolment_code(
        &self,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        credential_ttl_secs: i64,
    ) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO enrolment_codes (code_hash, created_at, expires_at, credential_ttl_secs)
             VALUES ($1, now(), $2, $3)",
            &[&code_hash, &expires_at, &credential_ttl_secs],
        )?;
        Ok(())
    }

    fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        now: DateTime<Utc>,
        device: &Device,
    ) -> Result<Option<i64>, StorageError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // One statement decides: of receivers racing on one code, one gets the row back.
        let Some(row) = tx.query_opt(
            "UPDATE enrolment_codes SET used_at = $2, device_id = $3
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING credential_ttl_secs",
            &[&code_hash, &now, &device.device_id],
        )?
        else {
            return Ok(None);
        };
        tx.execute(
            "INSERT INTO devices (device_id, name, station_ca_pem, enrolled_at,
                                  credential_expires_at, revoked)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &device.device_id,
                &device.name,
                &device.station_ca_pem,
                &device.enrolled_at,
                &device.credential_expires_at,
                &device.revoked,
            ],
        )?;
        tx.commit()?;
        Ok(Some(row.get(0)))
    }

    fn set_credential_expiry(
        &self,
        device_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StorageError> {
        self.conn()?.execute(
            "UPDATE devices SET credential_expires_at = $2 WHERE device_id = $1",
            &[&device_id, &expires_at],
        )?;
        Ok(())
    }

    fn device(&self, device_id: &str) -> Result<Option<Device>, StorageError> {
        Ok(self
            .conn()?
            .query_opt(
                "SELECT device_id, name, station_ca_pem, enrolled_at, credential_expires_at,
                        revoked
                 FROM devices WHERE device_id = $1",
                &[&device_id],
            )?
            .map(|row| Device {
                device_id: row.get(0),
                name: row.get(1),
                station_ca_pem: row.get(2),
                enrolled_at: row.get(3),
                credential_expires_at: row.get(4),
                revoked: row.get(5),
            }))
    }

    fn revoke_device(&self, device_id: &str) -> Result<bool, StorageError> {
        let changed = self.conn()?.execute(
            "UPDATE devices SET revoked = TRUE WHERE device_id = $1",
            &[&device_id],
        )?;
        Ok(changed == 1)
    }

    fn advance_audit_anchor(
        &self,
        device_id: &str,
        sequence: i64,
        hash: &str,
    ) -> Result<AnchorOutcome, StorageError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Receivers racing for one device: the row lock orders them; the later sequence wins.
        let changed = tx.execute(
            "UPDATE devices SET audit_seq = $2, audit_hash = $3
             WHERE device_id = $1 AND (audit_seq IS NULL OR audit_seq < $2)",
            &[&device_id, &sequence, &hash],
        )?;
        let outcome = if changed == 1 {
            AnchorOutcome::Accepted
        } else {
            let held = tx
                .query_opt(
                    "SELECT audit_seq, audit_hash FROM devices
                     WHERE device_id = $1 AND audit_seq IS NOT NULL",
                    &[&device_id],
                )?
                .map(|row| (row.get::<_, i64>(0), row.get::<_, String>(1)));
            anchor_refusal(held, sequence, hash)
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn existing(&self, idempotency_key: &str) -> Result<Option<Existing>, StorageError> {
        existing_in(&mut *self.conn()?, idempotency_key)
    }

    fn insert_record(&self, r: &NewRecord<'_>) -> Result<Insert, StorageError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let version = i32::try_from(r.version).unwrap_or(i32::MAX);
        // A racing insert of the same key waits here for the other to commit, then does nothing.
        let inserted = tx.execute(
            "INSERT INTO records (idempotency_key, record_id, version, device_id, received_at,
                                  record_json, pdf, audio_mime, audio, record_sha256, pdf_sha256,
                                  receipt, classification, juvenile)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT DO NOTHING",
            &[
                &r.idempotency_key,
                &r.record_id,
                &version,
                &r.device_id,
                &r.received_at,
                &r.record_json,
                &r.pdf,
                &r.audio.map(|a| a.0),
                &r.audio.map(|a| a.1),
                &r.record_sha256,
                &r.pdf_sha256,
                &r.receipt_json,
                &r.classification,
                &r.juvenile,
            ],
        )?;
        let outcome = if inserted == 1 {
            Insert::Inserted
        } else {
            // Read committed: this statement sees the row the other transaction committed.
            match existing_in(&mut tx, r.idempotency_key)? {
                Some(existing) => Insert::Existing(existing),
                // The key is free but (record_id, version) is taken under another key: a
                // conflict, reported as one (nothing in it matches what was sent).
                None => Insert::Existing(Existing::matching_nothing()),
            }
        };
        tx.commit()?;
        Ok(outcome)
    }

    fn stats(&self) -> Result<Stats, StorageError> {
        let mut conn = self.conn()?;
        let devices: i64 = conn.query_one("SELECT count(*) FROM devices", &[])?.get(0);
        let row = conn.query_one("SELECT count(*), max(received_at) FROM records", &[])?;
        let records: i64 = row.get(0);
        Ok(Stats {
            devices: devices.max(0) as u64,
            records: records.max(0) as u64,
            last_received_at: row.get(1),
        })
    }
}
