//! The station side of sync: the encrypted store's outbox as an [`OutboxSource`], and where the
//! enrolment is kept (the store's station settings, encrypted with everything else).

use crate::outbox::{Audio, OutboxItem, OutboxSource, SourceError};
use crate::protocol::{AuditAnchor, SignedReceipt};
use crate::sender::{Enrolment, Sender, SyncConfig};
use banthuek_store::Session;
use chrono::{DateTime, Utc};

/// The dictation audio sent with a record: the record's newest recording, only where the station
/// policy allows audio to leave and the record may send it (`Session::may_sync_audio`: never a
/// top-secret or juvenile record). The store keeps audio per record, so every version of a record
/// carries its newest recording.
fn evidence_audio(session: &Session, record_id: &str) -> Result<Option<Audio>, SourceError> {
    if !session.may_sync_audio(record_id)? {
        return Ok(None);
    }
    let Some(newest) = session
        .list_audio(record_id)?
        .into_iter()
        .max_by(|a, b| a.created_at.cmp(&b.created_at))
    else {
        return Ok(None);
    };
    let (mime, data) = session.audio(&newest.id)?;
    Ok(Some(Audio { mime, data }))
}

/// The store setting that holds the [`Enrolment`] as JSON.
pub const ENROLMENT_SETTING: &str = "sync.enrolment";

impl OutboxSource for Session {
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError> {
        let audit_anchor = self
            .audit_head()?
            .map(|(sequence, hash)| AuditAnchor { sequence, hash });
        let mut items = Vec::new();
        for row in self.outbox_next(limit)? {
            let audio = evidence_audio(self, &row.record_id)?;
            items.push(OutboxItem {
                record_id: row.record_id,
                version: row.version,
                idempotency_key: row.idempotency_key,
                record_json: row.record_json,
                pdf: row.pdf,
                audio,
                attempts: row.attempts,
                classification: Some(row.classification.as_str().to_owned()),
                juvenile: row.juvenile,
                audit_anchor: audit_anchor.clone(),
            });
        }
        Ok(items)
    }

    fn mark_sending(&mut self, key: &str) -> Result<(), SourceError> {
        Ok(self.outbox_mark_sending(key)?)
    }

    fn mark_synced(&mut self, key: &str, receipt_json: &str) -> Result<(), SourceError> {
        Ok(self.outbox_mark_synced(key, receipt_json)?)
    }

    fn mark_rejected(&mut self, key: &str, reason: &str) -> Result<(), SourceError> {
        Ok(self.outbox_mark_rejected(key, reason)?)
    }

    fn mark_retry(&mut self, key: &str, error: &str) -> Result<(), SourceError> {
        Ok(self.outbox_mark_retry(key, error)?)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EnrolmentError {
    #[error("this station is not enrolled with a central system; run `banthuek sync enrol` / เครื่องนี้ยังไม่ได้ลงทะเบียนกับระบบกลาง")]
    NotEnrolled,
    #[error("the stored enrolment is damaged: {0} / ข้อมูลการลงทะเบียนเสียหาย: {0}")]
    Damaged(String),
    #[error(transparent)]
    Store(#[from] banthuek_store::StoreError),
}

pub fn load_enrolment(session: &Session) -> Result<Enrolment, EnrolmentError> {
    let text = session
        .setting(ENROLMENT_SETTING)?
        .ok_or(EnrolmentError::NotEnrolled)?;
    serde_json::from_str(&text).map_err(|e| EnrolmentError::Damaged(e.to_string()))
}

pub fn save_enrolment(session: &mut Session, enrolment: &Enrolment) -> Result<(), EnrolmentError> {
    let text =
        serde_json::to_string(enrolment).map_err(|e| EnrolmentError::Damaged(e.to_string()))?;
    session.set_setting(ENROLMENT_SETTING, &text)?;
    Ok(())
}

/// Renew the credential when less than this remains (30 days), or less than a third of its
/// lifetime for shorter-lived credentials.
pub const RENEW_BEFORE_SECS: i64 = 30 * 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum RenewError {
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error(transparent)]
    Sync(#[from] crate::SyncError),
    #[error("the stored credential is unreadable: {0} / อ่านใบรับรองของเครื่องที่เก็บไว้ไม่ได้: {0}")]
    Credential(String),
}

/// Whether the enrolment's credential is due for renewal at `now`.
pub fn renewal_due(enrolment: &Enrolment, now: DateTime<Utc>) -> Result<bool, RenewError> {
    let key = crate::protocol::public_key_from_pem(&enrolment.receipt_key_pem)
        .map_err(|e| RenewError::Credential(e.to_string()))?;
    let claims = crate::protocol::verify_credential(&enrolment.credential, &key)
        .map_err(|e| RenewError::Credential(e.to_string()))?;
    let lifetime = claims.expires_at - claims.issued_at;
    let margin = chrono::Duration::seconds(RENEW_BEFORE_SECS).min(lifetime / 3);
    Ok(enrolment.credential_expires_at - now < margin)
}

/// Renews `enrolment`'s credential when [`renewal_due`], without touching the store, so that a
/// caller holding its session's lock need not hold it over the network; returns the renewed
/// enrolment to keep, or `None` when nothing was due. A revoked device's renewal is refused by
/// the receiver (an `Auth` error).
pub fn renewed_if_due(
    enrolment: &Enrolment,
    config: &SyncConfig,
    now: DateTime<Utc>,
) -> Result<Option<Enrolment>, RenewError> {
    if !renewal_due(enrolment, now)? {
        return Ok(None);
    }
    let renewed = Sender::new(enrolment, config.clone())?.renew_credential()?;
    tracing::info!("sync: device credential renewed");
    Ok(Some(Enrolment {
        credential: renewed.credential,
        credential_expires_at: renewed.credential_expires_at,
        ..enrolment.clone()
    }))
}

/// [`renewed_if_due`] for the stored enrolment, keeping the renewed one in the store; returns the
/// new expiry, or `None` when nothing was due. On a refusal the stored credential stays as it was.
pub fn renew_enrolment_if_due(
    session: &mut Session,
    config: &SyncConfig,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, RenewError> {
    let enrolment = load_enrolment(session)?;
    let Some(renewed) = renewed_if_due(&enrolment, config, now)? else {
        return Ok(None);
    };
    save_enrolment(session, &renewed)?;
    Ok(Some(renewed.credential_expires_at))
}

/// What the newest receipt's audit anchor says of the local audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnchorCheck {
    /// No synced record carries an anchor yet: nothing to check against.
    NoAnchor,
    /// The chain still holds the anchored entry, with the anchored hash.
    Holds(AuditAnchor),
    /// The anchored entry is gone: the newest audit entries were deleted (the chain ends at
    /// `head`, 0 when empty).
    Truncated { anchor: AuditAnchor, head: i64 },
    /// The anchored entry differs from what the receiver signed: the chain was rewritten.
    Rewritten(AuditAnchor),
}

#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    #[error(transparent)]
    Store(#[from] banthuek_store::StoreError),
    #[error("a stored receipt is not the receiver's: {0} / ใบตอบรับที่เก็บไว้ไม่ใช่ของระบบกลาง: {0}")]
    BadReceipt(String),
}

/// Checks the local audit chain against the anchor of the newest receipt (the highest anchored
/// sequence among the synced records, each receipt's signature checked with the enrolment's key).
pub fn check_audit_anchor(session: &Session) -> Result<AnchorCheck, AnchorError> {
    let enrolment = match load_enrolment(session) {
        Ok(e) => e,
        Err(EnrolmentError::NotEnrolled) => return Ok(AnchorCheck::NoAnchor),
        Err(e) => return Err(e.into()),
    };
    let key = crate::protocol::public_key_from_pem(&enrolment.receipt_key_pem)
        .map_err(|e| AnchorError::BadReceipt(e.to_string()))?;
    let mut newest: Option<AuditAnchor> = None;
    for row in session.outbox_rows()? {
        let Some(text) = row
            .receipt
            .filter(|_| row.status == banthuek_store::OutboxStatus::Synced)
        else {
            continue;
        };
        let signed: SignedReceipt =
            serde_json::from_str(&text).map_err(|e| AnchorError::BadReceipt(e.to_string()))?;
        let receipt = signed
            .verify(&key)
            .map_err(|e| AnchorError::BadReceipt(e.to_string()))?;
        if let Some(anchor) = receipt.audit_anchor {
            if newest.as_ref().is_none_or(|n| anchor.sequence > n.sequence) {
                newest = Some(anchor);
            }
        }
    }
    let Some(anchor) = newest else {
        return Ok(AnchorCheck::NoAnchor);
    };
    Ok(match session.audit_hash_at(anchor.sequence)? {
        Some(hash) if hash == anchor.hash => AnchorCheck::Holds(anchor),
        Some(_) => AnchorCheck::Rewritten(anchor),
        None => AnchorCheck::Truncated {
            head: session.audit_head()?.map_or(0, |(seq, _)| seq),
            anchor,
        },
    })
}
