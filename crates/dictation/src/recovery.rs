//! Recordings on disk until they are in the store, and what a crash leaves behind.
//!
//! A dictation records into `<home>/recovery/<record id>/<recording>/`: `evidence.wav`, written
//! as the audio arrives, and `meta.json` ([`RecoveryMeta`]). When the dictation ends, the
//! recording goes into the store (MIME [`recording_mime`], so each value's audio can be found by
//! the recording's name in its provenance) and the folder is removed. If the program dies first,
//! the folder stays: [`left_over`] finds it and [`resumable`] says whether the person logged in
//! may resume it.

use crate::error::DictationError;
use banthuek_core::Action;
use banthuek_store::Session;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Samples per second of the evidence recording (the speech crate's rate, 16-bit mono).
pub const RATE: u64 = 16_000;
/// A WAV header with no samples.
const WAV_HEADER: u64 = 44;
const MIME_PREFIX: &str = "audio/wav; recording=";

/// The MIME type a recording is stored under: the WAV type, naming the recording.
pub fn recording_mime(recording: &str) -> String {
    format!("{MIME_PREFIX}{recording}")
}

/// Where recordings wait until they are in the store.
pub fn recovery_root(home: &Path) -> PathBuf {
    home.join("recovery")
}

/// What is written beside a recording so it can be resumed after a crash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryMeta {
    pub record_id: String,
    pub recording: String,
    /// The field dictated into; none for the whole record.
    pub pointer: Option<String>,
    /// Who dictated: only they are offered the recording after a crash.
    pub user: String,
    pub started_at: String,
}

/// One recording's folder.
#[derive(Debug, Clone)]
pub struct Recording {
    dir: PathBuf,
    meta: RecoveryMeta,
}

impl Recording {
    /// Creates the folder of a new recording of `user`'s dictation into record `record_id`
    /// (one field when `pointer` is given), named by the time and a random suffix.
    pub fn begin(
        home: &Path,
        record_id: &str,
        pointer: Option<&str>,
        user: &str,
    ) -> Result<Recording, DictationError> {
        let now = chrono::Utc::now();
        let name = format!(
            "{}-{}",
            now.format("%Y%m%dT%H%M%S%.3fZ"),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let meta = RecoveryMeta {
            record_id: record_id.to_owned(),
            recording: name,
            pointer: pointer.map(str::to_owned),
            user: user.to_owned(),
            started_at: now.to_rfc3339(),
        };
        Recording::write(home, meta)
    }

    /// Creates a recording's folder with the given description (a test, or [`Recording::begin`]).
    pub fn write(home: &Path, meta: RecoveryMeta) -> Result<Recording, DictationError> {
        let dir = recovery_root(home)
            .join(&meta.record_id)
            .join(&meta.recording);
        std::fs::create_dir_all(&dir)?;
        let json = serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?;
        std::fs::write(dir.join("meta.json"), json)?;
        Ok(Recording { dir, meta })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn meta(&self) -> &RecoveryMeta {
        &self.meta
    }

    /// The recording itself, as it is being written.
    pub fn evidence(&self) -> PathBuf {
        evidence_in(&self.dir)
    }

    /// How long the recording on disk is, in seconds (one decimal).
    pub fn audio_seconds(&self) -> f64 {
        let bytes = std::fs::metadata(self.evidence())
            .map(|m| m.len().saturating_sub(WAV_HEADER))
            .unwrap_or(0);
        (bytes as f64 / (RATE as f64 * 2.0) * 10.0).round() / 10.0
    }

    /// Puts the recording into the store with its record (the folder stays until
    /// [`Recording::remove`]). A recording with no samples — nothing was said — is not kept.
    pub fn put_into(&self, session: &mut Session) -> Result<(), DictationError> {
        let evidence = self.evidence();
        if !evidence.is_file() {
            return Ok(());
        }
        let bytes = std::fs::read(&evidence)?;
        if bytes.len() as u64 > WAV_HEADER {
            session.put_audio(
                &self.meta.record_id,
                &recording_mime(&self.meta.recording),
                &bytes,
            )?;
        }
        Ok(())
    }

    /// Removes the folder (and the record's folder once it is empty).
    pub fn remove(&self) -> Result<(), DictationError> {
        std::fs::remove_dir_all(&self.dir)?;
        if let Some(parent) = self.dir.parent() {
            // Only removes the record's folder once it is empty.
            let _ = std::fs::remove_dir(parent);
        }
        Ok(())
    }

    /// The end of a dictation: the recording into the store, then its folder removed. When it
    /// cannot be stored, the folder stays, to be offered for resuming.
    pub fn store(&self, session: &mut Session) -> Result<(), DictationError> {
        self.put_into(session)?;
        self.remove()
    }

    /// A dictation that could not start: its folder goes, nothing was recorded.
    pub fn abandon(&self) {
        if let Err(e) = self.remove() {
            tracing::warn!("the folder of a dictation that did not start stays: {e}");
        }
    }
}

fn evidence_in(dir: &Path) -> PathBuf {
    dir.join("evidence.wav")
}

/// The recording `recording` of record `record_id` while it is still on disk (being recorded,
/// or left by a crash).
pub fn evidence_on_disk(home: &Path, record_id: &str, recording: &str) -> PathBuf {
    evidence_in(&recovery_root(home).join(record_id).join(recording))
}

/// Every recording left on disk under `home` (except the one at `except`, being recorded now),
/// oldest first. Folders without a readable `meta.json` are not recordings of ours.
pub fn left_over(home: &Path, except: Option<&Path>) -> Vec<Recording> {
    let mut out = Vec::new();
    let Ok(records) = std::fs::read_dir(recovery_root(home)) else {
        return out;
    };
    for r in records.flatten() {
        let Ok(recs) = std::fs::read_dir(r.path()) else {
            continue;
        };
        for d in recs.flatten() {
            let dir = d.path();
            if Some(dir.as_path()) == except {
                continue;
            }
            let meta = std::fs::read(dir.join("meta.json"))
                .ok()
                .and_then(|b| serde_json::from_slice::<RecoveryMeta>(&b).ok());
            if let Some(meta) = meta {
                out.push(Recording { dir, meta });
            }
        }
    }
    out.sort_by(|a, b| a.meta.started_at.cmp(&b.meta.started_at));
    out
}

/// The recordings of `found` that the person logged in may resume: their own, into a record
/// they created and may still edit. Another user's recording is never offered.
pub fn resumable(session: &Session, found: Vec<Recording>) -> Vec<Recording> {
    let mut out = Vec::new();
    for rec in found {
        let meta = &rec.meta;
        if meta.user != session.user() || !session.may_open(&meta.record_id).unwrap_or(false) {
            continue;
        }
        let Ok(stored) = session.record(&meta.record_id) else {
            continue;
        };
        let created_by = session.created_by(&meta.record_id).ok();
        if may_edit(session, stored.status) && created_by.as_deref() == Some(session.user()) {
            out.push(rec);
        }
    }
    out
}

/// Whether the person logged in may still edit a record in `status` (so dictate into it).
pub fn may_edit(session: &Session, status: banthuek_core::Status) -> bool {
    banthuek_core::workflow::transition(status, Action::Edit, session.role()).is_ok()
}
