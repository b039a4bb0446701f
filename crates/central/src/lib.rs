//! `banthuek-central`: the reference central receiver for Banthuek stations (issue 7).
//!
//! A separate crate from `banthuek-sync` so that station software, which only sends, does not
//! link a web server; both use `banthuek_sync::protocol`, so they cannot drift apart. It enrols
//! laptops with one-time codes, opens sessions for enrolled devices, accepts each final record
//! version exactly once after checking the exchange-format schema and the PAdES signatures
//! against the device's station CA, answers every replay with the same signed receipt, and shows
//! counts on a status page. Storage is behind [`storage::CentralStore`] (SQLite by default,
//! PostgreSQL for several receivers: [`pg_store::PgStore`]).

pub mod bench;
pub mod identity;
pub mod pg_cluster;
pub mod pg_store;
pub mod server;
pub mod session;
pub mod storage;
pub mod verify;
