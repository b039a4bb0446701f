//! The national ID card in the app ("อ่านบัตรประชาชน" on each arrestee): the page asks for a
//! read, the card is waited for and read off the UI thread, the officer sees what will be filled
//! (and the photo, to compare with the person in front of them), and on confirmation the
//! arrestee is filled through `banthuek_idcard::fill_arrestee` and saved with
//! `Session::save_card_version` (a new version with provenance `card`, and an audit entry
//! without personal data).
//!
//! Between the read and the confirmation the values wait here, in memory only, for the user
//! who read them. The photo is never kept: it goes to the page once, inside the preview, and the
//! page drops it when its dialog closes.

use crate::error::{blocking, AppError, AppResult, ErrorCode};
use crate::records;
use crate::session::{lock, SessionManager};
use crate::views::RecordView;
use banthuek_idcard::{
    changed_since, fill_arrestee, read_card, AgeOn, CardRead, CardWarning, IdCardError, ReadOptions,
};
use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::State;
use ts_rs::TS;

/// How long the dialog waits for a card to be inserted before saying there is none.
pub const WAIT_FOR_CARD: Duration = Duration::from_secs(60);
/// The card is waited for in slices this long, so that a cancel is seen at once.
const WAIT_SLICE: Duration = Duration::from_millis(300);

/// The read waiting for the officer's confirmation, and the number of the latest attempt.
#[derive(Default)]
pub struct CardReading {
    /// Bumped by every read and every cancel: a read whose number is no longer the latest stops.
    attempt: AtomicU64,
    pending: Mutex<Option<Pending>>,
}

/// A complete read, its photo already taken out.
struct Pending {
    token: u64,
    user: String,
    record_id: String,
    arrestee: usize,
    read: CardRead,
}

/// What the officer checks before the card's values go into the record.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "CardPreview.ts")]
pub struct CardPreview {
    /// Hand it back to `idcard_fill` to save exactly this read.
    #[ts(type = "number")]
    pub token: u64,
    /// The reader (slot) the card was read in.
    pub reader: String,
    /// The office that issued the card, as the card writes it (empty when it does not); shown,
    /// not saved (the exchange format has no place for it).
    pub issuer: String,
    /// The arrestee (0-based) the values are for.
    #[ts(type = "number")]
    pub arrestee: usize,
    /// The arrestee as it will be saved (exchange format: title, first_name, name_en,
    /// birth_date, address_parts, id_card…), the age counted on `age_on`.
    #[ts(type = "Record<string, unknown>")]
    pub values: Value,
    /// The JSON pointers the card will set.
    pub fields: Vec<String>,
    pub age_on: String,
    /// Why that day: the record's arrest date, else its recorded date, else the day of reading.
    #[ts(type = "\"arrest_date\" | \"recorded_date\" | \"read_date\"")]
    pub age_on_source: AgeOn,
    pub juvenile: bool,
    /// Usable values the officer should know about (an expired card…).
    pub warnings: Vec<CardNote>,
    /// The card's photo as a `data:image/jpeg` URL, to compare with the person; never stored.
    #[ts(optional)]
    pub photo: Option<String>,
}

/// A warning about a card read, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export_to = "CardNote.ts")]
pub struct CardNote {
    /// The warning's kind.
    #[ts(type = "\"expired\" | \"birth_date_incomplete\" | \"place_not_in_registry\"")]
    pub code: String,
    pub en: String,
    pub th: String,
}

impl From<&CardWarning> for CardNote {
    fn from(w: &CardWarning) -> Self {
        let code = serde_json::to_value(w)
            .ok()
            .and_then(|v| v.get("warning").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default();
        let text = w.to_string();
        let (en, th) = text.split_once(" / ").unwrap_or((&text, &text));
        CardNote {
            code,
            en: en.trim().to_owned(),
            th: th.trim().to_owned(),
        }
    }
}

impl From<IdCardError> for AppError {
    fn from(e: IdCardError) -> Self {
        use IdCardError as E;
        let code = match &e {
            E::NoService => ErrorCode::NoService,
            E::NoReader => ErrorCode::NoReader,
            E::UnknownReader(_) => ErrorCode::UnknownReader,
            E::NoCard => ErrorCode::NoCard,
            E::CardRemoved => ErrorCode::CardRemoved,
            E::NotThaiIdCard => ErrorCode::NotThaiIdCard,
            E::UnreadableField { .. } => ErrorCode::UnreadableField,
            E::BadCheckDigit => ErrorCode::BadCheckDigit,
            E::NoSuchArrestee { .. } => ErrorCode::NoSuchArrestee,
            E::Reader(_) => ErrorCode::Reader,
            E::Record(_) => ErrorCode::Record,
        };
        AppError::from_message(code, &e.to_string())
    }
}

fn cancelled() -> AppError {
    AppError::new(
        ErrorCode::Cancelled,
        "Reading the card was cancelled",
        "ยกเลิกการอ่านบัตรแล้ว",
    )
}

fn stale() -> AppError {
    AppError::new(
        ErrorCode::CardReadStale,
        "That card read is no longer open; read the card again",
        "ผลการอ่านบัตรนี้ไม่อยู่แล้ว กรุณาอ่านบัตรอีกครั้ง",
    )
}

fn changed_conflict(fields: &[String]) -> AppError {
    // The fields travel beside the sentences; the page names them by their labels.
    AppError::new(
        ErrorCode::SaveConflict,
        "These fields changed meanwhile (another save): the card's values were not saved; check them and read the card again",
        "ช่องเหล่านี้มีการเปลี่ยนค่าระหว่างนั้น (การบันทึกอื่น) จึงยังไม่ได้บันทึกค่าจากบัตร ตรวจช่องแล้วอ่านบัตรอีกครั้ง",
    )
    .about(fields.to_vec())
}

fn current_user(app: &SessionManager) -> AppResult<String> {
    app.logged_in().map(|s| s.user).ok_or_else(AppError::locked)
}

impl CardReading {
    fn latest(&self) -> u64 {
        self.attempt.load(Ordering::SeqCst)
    }

    /// Stops a read that is waiting for a card and forgets a read not yet confirmed.
    pub fn cancel(&self) {
        self.attempt.fetch_add(1, Ordering::SeqCst);
        *lock(&self.pending) = None;
    }

    /// Waits for a card (up to [`WAIT_FOR_CARD`], or until cancelled), reads it with its photo,
    /// and returns what arrestee `arrestee` of record `id` would hold. Blocking: run it off the
    /// UI thread. Nothing is saved.
    pub fn read(&self, app: &SessionManager, id: &str, arrestee: usize) -> AppResult<CardPreview> {
        let token = self.attempt.fetch_add(1, Ordering::SeqCst) + 1;
        *lock(&self.pending) = None;
        let user = current_user(app)?;
        // The record must exist and this user must be able to read it before anyone waits.
        app.with_session(|s| Ok(s.record(id).map(|_| ())?))?;
        let started = Instant::now();
        let mut read = loop {
            let attempt = read_card(&ReadOptions {
                reader: None,
                wait: WAIT_SLICE,
                photo: true,
            });
            if self.latest() != token {
                return Err(cancelled());
            }
            match attempt {
                Ok(read) => break read,
                Err(IdCardError::NoCard) if started.elapsed() < WAIT_FOR_CARD => continue,
                Err(e) => {
                    tracing::info!(code = e.code(), "ID card not read");
                    return Err(e.into());
                }
            }
        };
        let photo = read.photo.take().filter(|p| !p.is_empty()).map(|p| {
            format!(
                "data:image/jpeg;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(p)
            )
        });
        let filled = app.with_session(|s| {
            let current = s.record(id)?;
            Ok(fill_arrestee(&current.record, arrestee, &read)?)
        })?;
        let values = filled.record.to_value()["arrestees"][arrestee].clone();
        let report = filled.report;
        let preview = CardPreview {
            token,
            reader: read.reader.clone(),
            issuer: read.card.issuer.clone(),
            arrestee,
            values,
            fields: report.fields,
            age_on: report.age_on.to_string(),
            age_on_source: report.age_on_source,
            juvenile: report.juvenile,
            warnings: read.warnings.iter().map(CardNote::from).collect(),
            photo,
        };
        let mut pending = lock(&self.pending);
        if self.latest() != token {
            return Err(cancelled());
        }
        tracing::info!(
            record = id,
            arrestee,
            reader = %read.reader,
            warnings = read.warnings.len(),
            "ID card read; waiting for the officer to confirm"
        );
        *pending = Some(Pending {
            token,
            user,
            record_id: id.to_owned(),
            arrestee,
            read,
        });
        Ok(preview)
    }

    /// The officer confirmed read `token` on the page showing version `based_on`: fills the
    /// arrestee into the record as it now is and saves a new version with provenance `card`; the
    /// read is audited. A field the card would set that another save (dictation) changed since
    /// `based_on` is refused, not overwritten — the merge rule of the page's own saves.
    pub fn fill(
        &self,
        app: &SessionManager,
        id: &str,
        token: u64,
        based_on: u32,
    ) -> AppResult<RecordView> {
        let user = current_user(app)?;
        let pending = {
            let mut slot = lock(&self.pending);
            match slot.take() {
                Some(p) if p.token == token && p.record_id == id && p.user == user => p,
                other => {
                    *slot = other;
                    return Err(stale());
                }
            }
        };
        let view = app.with_session(|s| {
            let current = s.record(id)?;
            let filled = fill_arrestee(&current.record, pending.arrestee, &pending.read)?;
            if based_on != current.version {
                let base = s.record_version(id, based_on)?.record;
                let changed = changed_since(&base, &current.record, &filled.report);
                if !changed.is_empty() {
                    return Err(changed_conflict(&changed));
                }
            }
            s.save_card_version(id, filled.record, pending.arrestee, &pending.read.reader)?;
            records::get_record(s, id)
        })?;
        tracing::info!(
            record = id,
            arrestee = pending.arrestee,
            version = view.version,
            "arrestee filled from the ID card"
        );
        Ok(view)
    }
}

type SessionMgr<'a> = State<'a, Arc<SessionManager>>;
type ReadingState<'a> = State<'a, Arc<CardReading>>;

/// Waits for the ID card and reads it for arrestee `arrestee` of record `id` (nothing saved).
#[tauri::command]
pub async fn idcard_read(
    state: SessionMgr<'_>,
    reading: ReadingState<'_>,
    id: String,
    arrestee: usize,
) -> AppResult<CardPreview> {
    let (app, reading) = (state.inner().clone(), reading.inner().clone());
    blocking(move || reading.read(&app, &id, arrestee)).await
}

/// Saves the confirmed read `token` into record `id`, the page showing version `based_on`.
#[tauri::command]
pub async fn idcard_fill(
    state: SessionMgr<'_>,
    reading: ReadingState<'_>,
    id: String,
    token: u64,
    based_on: u32,
) -> AppResult<RecordView> {
    let (app, reading) = (state.inner().clone(), reading.inner().clone());
    blocking(move || reading.fill(&app, &id, token, based_on)).await
}

/// The dialog closed without saving: stop waiting and forget the read.
#[tauri::command]
pub async fn idcard_cancel(reading: ReadingState<'_>) -> AppResult<()> {
    reading.cancel();
    Ok(())
}
