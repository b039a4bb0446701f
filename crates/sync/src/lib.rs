//! Sync with the central system: the wire protocol (shared with the reference receiver in
//! `crates/central`) and the station's outbox sender.
//!
//! The receiver lives in its own crate so that station software, which only sends, does not carry
//! a web server; both sides share [`protocol`] so they cannot drift apart.

pub mod bench;
pub mod fixture;
pub mod outbox;
pub mod protocol;
pub mod sender;
pub mod station;
pub mod tls;

pub use outbox::{Audio, OutboxItem, OutboxSource, SourceError};
pub use protocol::{idempotency_key, Receipt, SignedReceipt};
pub use sender::{
    enrol, DrainReport, Enrolment, Rejection, Sender, SyncConfig, SyncError, SyncEvent,
};
