//! The sync manager: the outbox as the user sees it, and one run of the sync crate's sender in
//! a background thread on demand. The sender talks to the store through [`SessionOutbox`], which
//! takes the session lock only for each outbox step, never across a network call, so the page
//! stays responsive while records upload.

use crate::contract::Events;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::records::record_subject;
use crate::session::{lock, SessionManager};
use crate::views::{SyncRowView, SyncView};
use banthuek_store::OutboxStatus;
use banthuek_sync::station::{load_enrolment, renewed_if_due, save_enrolment};
use banthuek_sync::{OutboxItem, OutboxSource, Sender, SourceError, SyncConfig, SyncError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct SyncManager {
    session: Arc<SessionManager>,
    events: Events,
    running: AtomicBool,
    /// None until an attempt has been made.
    online: Mutex<Option<bool>>,
    last_error: Mutex<Option<AppError>>,
    last_attempt_at: Mutex<Option<String>>,
}

/// The store's outbox, reached through the app's session lock one step at a time.
struct SessionOutbox(Arc<SessionManager>);

impl SessionOutbox {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut banthuek_store::Session) -> Result<T, SourceError>,
    ) -> Result<T, SourceError> {
        self.0.with_session_quiet(f)
    }
}

impl OutboxSource for SessionOutbox {
    fn next_batch(&mut self, limit: usize) -> Result<Vec<OutboxItem>, SourceError> {
        self.with(|s| s.next_batch(limit))
    }
    fn mark_sending(&mut self, key: &str) -> Result<(), SourceError> {
        self.with(|s| s.mark_sending(key))
    }
    fn mark_synced(&mut self, key: &str, receipt_json: &str) -> Result<(), SourceError> {
        self.with(|s| s.mark_synced(key, receipt_json))
    }
    fn mark_rejected(&mut self, key: &str, reason: &str) -> Result<(), SourceError> {
        self.with(|s| s.mark_rejected(key, reason))
    }
    fn mark_retry(&mut self, key: &str, error: &str) -> Result<(), SourceError> {
        self.with(|s| s.mark_retry(key, error))
    }
}

impl SyncManager {
    pub fn new(session: Arc<SessionManager>, events: Events) -> SyncManager {
        SyncManager {
            session,
            events,
            running: AtomicBool::new(false),
            online: Mutex::new(None),
            last_error: Mutex::new(None),
            last_attempt_at: Mutex::new(None),
        }
    }

    pub fn sync_status(&self) -> AppResult<SyncView> {
        let (enrolled, rows) = self.session.with_session(|s| {
            // Rows still waiting are named by their records. A synced row keeps its reference
            // alone: this view is rebuilt after every record a run sends, and reading every record
            // ever queued each time would grow with the station's history.
            let rows = s
                .outbox_rows()?
                .into_iter()
                .map(|r| {
                    let subject = if r.status == OutboxStatus::Synced {
                        Default::default()
                    } else {
                        record_subject(s, &r.record_id)?
                    };
                    Ok((subject, r))
                })
                .collect::<AppResult<Vec<_>>>()?;
            Ok((load_enrolment(s).is_ok(), rows))
        })?;
        Ok(SyncView {
            online: lock(&self.online).unwrap_or(false),
            enrolled,
            running: self.running.load(Ordering::SeqCst),
            last_error: lock(&self.last_error).clone(),
            last_attempt_at: lock(&self.last_attempt_at).clone(),
            rows: rows
                .into_iter()
                .map(|((arrestees, arrest_date), r)| SyncRowView {
                    reason: r.last_error.filter(|_| r.status != OutboxStatus::Synced),
                    key: r.idempotency_key,
                    record_id: r.record_id,
                    arrestees,
                    arrest_date,
                    version: r.version,
                    state: r.status.into(),
                    attempts: r.attempts,
                    updated_at: r.updated_at,
                })
                .collect(),
        })
    }

    fn sync_updated(&self) {
        match self.sync_status() {
            Ok(v) => self.events.emit(&v),
            Err(e) => tracing::debug!("sync-updated not sent: {e}"),
        }
    }

    /// Sends what is queued now, in a background thread; "sync-updated" events report progress.
    /// Returns at once (false when a run is already going).
    pub fn sync_now(self: &Arc<Self>) -> AppResult<bool> {
        let enrolment = self.session.with_session(|s| {
            load_enrolment(s).map_err(|e| {
                tracing::info!("sync refused: {e}");
                not_enrolled()
            })
        })?;
        if self.running.swap(true, Ordering::SeqCst) {
            return Ok(false);
        }
        let config = SyncConfig {
            // The panel's run reports an unreachable central system instead of waiting for it.
            max_attempts: Some(3),
            backoff_cap: Duration::from_secs(10),
            ..SyncConfig::default()
        };
        let mut sender = match Sender::new(&enrolment, config.clone()) {
            Ok(s) => s,
            Err(e) => {
                self.running.store(false, Ordering::SeqCst);
                return Err(sync_failed(&e));
            }
        };
        let app = self.clone();
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                app.sync_updated();
                // A credential near its expiry is renewed first, without a new enrolment code
                // (the network call outside the session's lock). A failed renewal does not stop
                // the run: the old credential works until it expires.
                match renewed_if_due(&enrolment, &config, chrono::Utc::now()) {
                    Ok(Some(renewed)) => {
                        let kept = app.session.with_session_quiet(|s| {
                            save_enrolment(s, &renewed).map_err(|e| Box::new(e) as SourceError)
                        });
                        match (kept, Sender::new(&renewed, config.clone())) {
                            (Ok(()), Ok(renewed_sender)) => sender = renewed_sender,
                            (Err(e), _) => tracing::warn!("renewed credential not kept: {e}"),
                            (_, Err(e)) => tracing::warn!("renewed credential not usable: {e}"),
                        }
                    }
                    Ok(None) => {}
                    Err(e) => tracing::info!("credential not renewed: {e}"),
                }
                let mut source = SessionOutbox(app.session.clone());
                let result = sender.drain(&mut source, &mut |_| app.sync_updated());
                let (online, error) = match result {
                    Ok(_) => (true, None),
                    Err(e @ SyncError::Unreachable { .. }) => {
                        tracing::info!("central system unreachable: {e}");
                        (false, Some(offline()))
                    }
                    Err(e) => (true, Some(sync_failed(&e))),
                };
                *lock(&app.online) = Some(online);
                *lock(&app.last_error) = error;
                *lock(&app.last_attempt_at) = Some(chrono::Utc::now().to_rfc3339());
                app.running.store(false, Ordering::SeqCst);
                app.sync_updated();
            })
            .map_err(AppError::internal)?;
        Ok(true)
    }

    /// Sends one waiting row again now. A row the central system rejected is not sent again
    /// unchanged (it would be refused the same way): the reason says what to fix.
    pub fn retry(self: &Arc<Self>, key: &str) -> AppResult<bool> {
        let rows = self.session.with_session(|s| Ok(s.outbox_rows()?))?;
        let row = rows
            .into_iter()
            .find(|r| r.idempotency_key == key)
            .ok_or_else(|| {
                AppError::from(banthuek_store::StoreError::UnknownOutboxEntry(
                    key.to_owned(),
                ))
            })?;
        match row.status.as_str() {
            "queued" | "sending" => self.sync_now(),
            "synced" => Ok(false),
            _ => Err(AppError::new(
                ErrorCode::Rejected,
                format!(
                    "The central system refused this record: {}. It is not sent again unchanged",
                    row.last_error.as_deref().unwrap_or("no reason given")
                ),
                format!(
                    "ระบบกลางปฏิเสธบันทึกนี้: {} จะไม่ส่งซ้ำโดยไม่แก้ไข",
                    row.last_error.as_deref().unwrap_or("ไม่ระบุเหตุผล")
                ),
            )),
        }
    }
}

fn not_enrolled() -> AppError {
    AppError::new(
        ErrorCode::NotEnrolled,
        "This laptop is not enrolled with the central system yet; ask the station administrator",
        "เครื่องนี้ยังไม่ได้ลงทะเบียนกับระบบกลาง กรุณาแจ้งผู้ดูแลระบบ",
    )
}

fn offline() -> AppError {
    AppError::new(
        ErrorCode::Offline,
        "The central system cannot be reached; the records stay queued and are sent later",
        "ติดต่อระบบกลางไม่ได้ บันทึกยังรออยู่ในคิวและจะส่งภายหลัง",
    )
}

/// A failed run, whatever the cause: the cause goes to the log (it may name hosts and files).
fn sync_failed(e: &dyn std::fmt::Display) -> AppError {
    tracing::warn!("sync failed: {e}");
    AppError::new(
        ErrorCode::Sync,
        "Sending to the central system failed; the records stay queued. Tell the station administrator if it repeats",
        "ส่งข้อมูลไปยังระบบกลางไม่สำเร็จ บันทึกยังรออยู่ในคิว หากยังเกิดซ้ำกรุณาแจ้งผู้ดูแลระบบ",
    )
}
