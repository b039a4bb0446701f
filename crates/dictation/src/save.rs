//! A person's save and confirmations against the store: the rules the app's record screen and
//! any other shell apply before a person's change becomes a version.
//!
//! A save is made from the version the person last saw; what another save (dictation) changed
//! since is merged in ([`crate::edit::apply_edit`]), the same field changed by both is refused
//! and nothing is written, and the version is saved only if the latest is still the one merged
//! onto (the store's check), so a dictated value is never silently overwritten. Confirming a
//! low-confidence dictated value keeps it dictated and marks it confirmed, so dictation no
//! longer changes it.

use crate::edit::{apply_edit, EditError};
use banthuek_core::provenance::Flags;
use banthuek_core::record::{ArrestRecord, RecordError, Source, LOW_CONFIDENCE};
use banthuek_store::{Session, StoreError, VersionSource};
use chrono::NaiveDate;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The same field was changed by the person and by another save since the version the
    /// person saw.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// Confirming a field that holds no machine value.
    #[error("This field has no machine value to confirm / ช่องนี้ไม่มีค่าที่ต้องยืนยัน")]
    NothingToConfirm { pointer: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// Values heard with a confidence below the review threshold that no one has confirmed yet.
pub fn low_confidence(record: &ArrestRecord) -> Vec<String> {
    record
        .provenance
        .iter()
        .filter(|(_, p)| p.confidence.is_some_and(|c| c < LOW_CONFIDENCE) && !p.is_confirmed())
        .map(|(k, _)| k.clone())
        .collect()
}

/// Saves the person's edit of record `id` as they see it (`seen`, the page's record), made from
/// version `based_on`. Every value the person changed gets `typed` provenance (or `edited`, when
/// it had come from a machine); a value that does not fit its field is kept as typed; what
/// another save changed meanwhile is merged in. Returns the new version, or `None` when the
/// person changed nothing.
pub fn save_edit(
    session: &mut Session,
    id: &str,
    seen: &Value,
    based_on: u32,
    reason: &str,
    today: NaiveDate,
) -> Result<Option<u32>, SaveError> {
    let current = session.record(id)?;
    let base = if based_on == current.version {
        current.record.clone()
    } else {
        session.record_version(id, based_on)?.record
    };
    let Some(edit) = apply_edit(&base, &current.record, seen, today)? else {
        return Ok(None);
    };
    let next = edit.record;
    let source = if next
        .provenance
        .values()
        .any(|p| p.source != Source::Typed && p.source != Source::Default)
    {
        VersionSource::Edited
    } else {
        VersionSource::Typed
    };
    let reason = if reason.trim().is_empty() {
        "edited"
    } else {
        reason
    };
    let version = session.save_version_based_on(id, current.version, next, source, reason)?;
    Ok(Some(version))
}

/// The person confirms the dictated value at `pointer` as heard: it stays dictated, marked
/// confirmed. Returns whether a version was saved (not when it already was confirmed).
pub fn confirm(session: &mut Session, id: &str, pointer: &str) -> Result<bool, SaveError> {
    let mut record = session.record(id)?.record;
    let Some(p) = record.provenance.get_mut(pointer) else {
        return Err(SaveError::NothingToConfirm {
            pointer: pointer.to_owned(),
        });
    };
    if p.is_confirmed() {
        return Ok(false);
    }
    p.set_confirmed();
    session.save_version(
        id,
        record,
        VersionSource::Edited,
        &format!("confirmed {pointer}"),
    )?;
    Ok(true)
}

/// Confirms every low-confidence value at once (the person has read them all). Returns whether
/// a version was saved.
pub fn confirm_all(session: &mut Session, id: &str) -> Result<bool, SaveError> {
    let mut record = session.record(id)?.record;
    let pending = low_confidence(&record);
    if pending.is_empty() {
        return Ok(false);
    }
    for pointer in &pending {
        if let Some(p) = record.provenance.get_mut(pointer) {
            p.set_confirmed();
        }
    }
    session.save_version(
        id,
        record,
        VersionSource::Edited,
        "confirmed all flagged values",
    )?;
    Ok(true)
}
