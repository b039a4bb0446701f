//! What the sender needs from the station's outbox. The encrypted store implements it; the sender
//! knows nothing of SQL, so the same loop drives the app's background sync and `banthuek sync`.

/// Errors of the outbox's own storage, passed through untouched.
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// One final record version waiting to be sent.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub record_id: String,
    pub version: u32,
    /// record id + version; see [`crate::protocol::idempotency_key`].
    pub idempotency_key: String,
    /// The exchange-format record, exactly as embedded in the signed PDF.
    pub record_json: String,
    /// The signed PDF of this record version.
    pub pdf: Vec<u8>,
    /// Audio of the dictation, when the station's policy sends it.
    pub audio: Option<Audio>,
    /// Attempts made by earlier runs.
    pub attempts: u32,
    /// The record's classification code (unclassified, secret, top_secret), sent so the central
    /// side handles it at the same level; `None` where the source keeps none.
    pub classification: Option<String>,
    /// An arrestee is under 18.
    pub juvenile: bool,
    /// The station's audit-chain head when the item was read, sent for the receipt to sign.
    pub audit_anchor: Option<crate::protocol::AuditAnchor>,
}

#[derive(Debug, Clone)]
pub struct Audio {
    pub mime: String,
    pub data: Vec<u8>,
}

/// The station's queue of final records, in the order they became final.
pub trait OutboxSource {
    /// Up to `limit` rows still to send, oldest first: queued ones and ones left `sending` by a
    /// run that died, which are sent again (the receiver answers a replay with the same receipt).
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError>;
    /// About to send this row (so an interrupted send is visible).
    fn mark_sending(&mut self, key: &str) -> Result<(), SourceError>;
    /// Accepted: store the signed receipt with the record and take the row off the queue.
    fn mark_synced(&mut self, key: &str, receipt_json: &str) -> Result<(), SourceError>;
    /// Refused for good (4xx): keep the receiver's reason for the user; the rest of the queue goes on.
    fn mark_rejected(&mut self, key: &str, reason: &str) -> Result<(), SourceError>;
    /// A failed attempt that will be retried: count it and keep the error.
    fn mark_retry(&mut self, key: &str, error: &str) -> Result<(), SourceError>;
}
