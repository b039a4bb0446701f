//! The station side of sync: the encrypted store's outbox as an [`OutboxSource`], and where the
//! enrolment is kept (the store's station settings, encrypted with everything else).

use crate::outbox::{OutboxItem, OutboxSource, SourceError};
use crate::sender::Enrolment;
use banthuek_store::Session;

/// The store setting that holds the [`Enrolment`] as JSON.
pub const ENROLMENT_SETTING: &str = "sync.enrolment";

impl OutboxSource for Session {
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError> {
        Ok(self
            .outbox_next(limit)?
            .into_iter()
            .map(|row| OutboxItem {
                record_id: row.record_id,
                version: row.version,
                idempotency_key: row.idempotency_key,
                record_json: row.record_json,
                pdf: row.pdf,
                // The store keeps no per-version audio bundle for sync yet: records go without.
                audio: None,
                attempts: row.attempts,
                classification: Some(row.classification.as_str().to_owned()),
                juvenile: row.juvenile,
            })
            .collect())
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
