//! The one error type every command returns: a stable code for the page to branch on, and the
//! message in English and Thai, written for the person at the window. The store's and the
//! workflow's refusals are mapped here to sentences of their own (no file paths, record ids,
//! JSON pointers or status codes); other libraries' "English / ไทย" messages are split.

use banthuek_core::workflow::{Action, Role, Status, WorkflowError};
use serde::Serialize;
use ts_rs::TS;

/// What kind of refusal or failure an [`AppError`] is: the page branches on it (and its
/// TypeScript type lists every one, so a code the page tests for that no longer exists fails
/// the page's build).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ErrorCode.ts")]
pub enum ErrorCode {
    AccessDenied,
    AccountDisabled,
    AccountLocked,
    AlreadyRecording,
    BadAudio,
    BadCheckDigit,
    BadClassification,
    BadKdf,
    BadSetting,
    BadStatus,
    BadUserName,
    Cancelled,
    CardReadStale,
    CardRemoved,
    ClassificationLowered,
    ClassificationSealed,
    CommentRequired,
    Document,
    Internal,
    InvalidRecord,
    Io,
    Locked,
    Microphone,
    NoAudio,
    NoCard,
    NoModel,
    NoReader,
    NoService,
    NoSuchArrestee,
    NoSuchField,
    NotEnrolled,
    NotInitialised,
    NotPermitted,
    NotSignable,
    NotThaiIdCard,
    NotUnderstood,
    NothingHeard,
    NothingToResume,
    Offline,
    PasswordRequired,
    Reader,
    ReasonRequired,
    Record,
    Rejected,
    SaveConflict,
    Signing,
    Speech,
    StationRequired,
    Store,
    Sync,
    Tampered,
    UnknownAudio,
    UnknownOutboxEntry,
    UnknownReader,
    UnknownRecord,
    UnreadableField,
    UserExists,
    WeakPassword,
    Workflow,
    WrongPassword,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AppError.ts")]
pub struct AppError {
    pub code: ErrorCode,
    pub en: String,
    pub th: String,
    /// For a locked account: seconds until the next try is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_s: Option<i64>,
    /// The fields (JSON pointers) the refusal concerns; the page names them by their labels,
    /// so pointers never appear in the sentences.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub fields: Option<Vec<String>>,
}

pub type AppResult<T> = Result<T, AppError>;

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.en, self.th)
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn new(code: ErrorCode, en: impl Into<String>, th: impl Into<String>) -> Self {
        AppError {
            code,
            en: en.into(),
            th: th.into(),
            retry_after_s: None,
            fields: None,
        }
    }

    /// The same refusal, concerning these fields.
    pub fn about(mut self, fields: Vec<String>) -> Self {
        self.fields = Some(fields);
        self
    }

    /// From a library message written as "English / ไทย" (the project's convention).
    pub fn from_message(code: ErrorCode, message: &str) -> Self {
        match message.split_once(" / ") {
            Some((en, th)) => AppError::new(code, en.trim(), th.trim()),
            None => AppError::new(code, message, message),
        }
    }

    pub fn locked() -> Self {
        AppError::new(
            ErrorCode::Locked,
            "Not logged in, or the screen was locked; log in again",
            "ยังไม่ได้เข้าสู่ระบบ หรือหน้าจอถูกล็อก กรุณาเข้าสู่ระบบใหม่",
        )
    }

    /// Something the person cannot act on (a task that ended, a value that did not serialise):
    /// the details go to the log, the window says what to do.
    pub fn internal(what: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {what}");
        AppError::new(
            ErrorCode::Internal,
            "Something went wrong inside the app; try again, and tell the station administrator if it repeats",
            "เกิดข้อผิดพลาดภายในโปรแกรม กรุณาลองใหม่ หากยังเกิดซ้ำกรุณาแจ้งผู้ดูแลระบบ",
        )
    }
}

/// A record status as people call it (the same words as the page's status chips).
fn status_words(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Draft => ("a draft", "ร่าง"),
        Status::Submitted => ("submitted for review", "ส่งตรวจแล้ว"),
        Status::Returned => ("returned for changes", "ส่งกลับให้แก้ไข"),
        Status::Approved => ("approved", "อนุมัติแล้ว"),
        Status::Signed => ("signed", "ลงนามครบแล้ว"),
        Status::Queued => ("waiting to sync", "รอส่งระบบกลาง"),
        Status::Synced => ("synced", "ส่งระบบกลางแล้ว"),
    }
}

fn action_words(a: Action) -> (&'static str, &'static str) {
    match a {
        Action::Edit => ("edited", "แก้ไข"),
        Action::Submit => ("submitted", "ส่งตรวจ"),
        Action::Return => ("returned", "ส่งกลับให้แก้ไข"),
        Action::Approve => ("approved", "อนุมัติ"),
        Action::Countersign => ("countersigned", "ลงนามรับรอง"),
        Action::Queue => ("queued for sync", "นำเข้าคิวส่งระบบกลาง"),
        Action::MarkSynced => ("marked as synced", "บันทึกว่าส่งระบบกลางแล้ว"),
    }
}

fn role_words(r: Role) -> (&'static str, &'static str) {
    match r {
        Role::Officer => ("an officer", "เจ้าหน้าที่ผู้จับกุม"),
        Role::Supervisor => ("a supervisor", "ผู้บังคับบัญชา"),
        Role::Admin => ("an administrator", "ผู้ดูแลระบบ"),
        Role::System => ("the app", "ระบบ"),
    }
}

impl From<WorkflowError> for AppError {
    fn from(e: WorkflowError) -> Self {
        match e {
            WorkflowError::NotAllowed { role, action } => {
                let (role_en, role_th) = role_words(role);
                let (act_en, act_th) = action_words(action);
                AppError::new(
                    ErrorCode::NotPermitted,
                    format!("Records cannot be {act_en} by {role_en}"),
                    format!("{role_th}ไม่มีสิทธิ์{act_th}บันทึก"),
                )
            }
            WorkflowError::WrongStatus { action, status } => {
                let (act_en, act_th) = action_words(action);
                let (st_en, st_th) = status_words(status);
                AppError::new(
                    ErrorCode::Workflow,
                    format!("This record is {st_en}; it can no longer be {act_en}"),
                    format!("บันทึกนี้อยู่ในสถานะ{st_th} จึง{act_th}ไม่ได้แล้ว"),
                )
            }
        }
    }
}

/// How many fields, in words that agree with the number.
fn fields_en(n: usize) -> String {
    if n == 1 {
        "1 field".to_owned()
    } else {
        format!("{n} fields")
    }
}

impl From<banthuek_store::StoreError> for AppError {
    /// Every store refusal as a sentence written for the person at the window: no file paths,
    /// record ids, JSON pointers or database messages (those go to the log).
    fn from(e: banthuek_store::StoreError) -> Self {
        use banthuek_store::StoreError as E;
        match e {
            E::NotInitialised { .. } => AppError::new(
                ErrorCode::NotInitialised,
                "This laptop has no station set up yet",
                "เครื่องนี้ยังไม่ได้ตั้งค่าสถานี",
            ),
            E::WrongPassword { attempts_left } => AppError::new(
                ErrorCode::WrongPassword,
                format!(
                    "Wrong user name or password ({} left before the account is locked)",
                    if attempts_left == 1 {
                        "1 try".to_owned()
                    } else {
                        format!("{attempts_left} tries")
                    }
                ),
                format!(
                    "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (เหลืออีก {attempts_left} ครั้งก่อนบัญชีถูกล็อก)"
                ),
            ),
            E::AccountLocked { seconds_left, .. } => {
                let mut err = AppError::new(
                    ErrorCode::AccountLocked,
                    format!(
                        "This account is locked after too many wrong passwords; try again in {seconds_left} s"
                    ),
                    format!(
                        "บัญชีนี้ถูกล็อกเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ในอีก {seconds_left} วินาที"
                    ),
                );
                err.retry_after_s = Some(seconds_left);
                err
            }
            E::AccountDisabled(_) => AppError::new(
                ErrorCode::AccountDisabled,
                "This account is disabled",
                "บัญชีนี้ถูกระงับ",
            ),
            E::NotPermitted { .. } => AppError::new(
                ErrorCode::NotPermitted,
                "Your role may not do this",
                "บทบาทของคุณไม่มีสิทธิ์ทำรายการนี้",
            ),
            E::Workflow(w) => w.into(),
            E::Record(r) => r.into(),
            E::NotSignable(v) => {
                let fields = v.iter().map(|r| r.field().to_owned()).collect();
                AppError::new(
                ErrorCode::NotSignable,
                format!(
                    "The record cannot be submitted yet: {} still need attention (see the checklist)",
                    fields_en(v.len())
                ),
                format!(
                    "ยังส่งบันทึกไม่ได้ มีอีก {} ช่องที่ต้องแก้ไข (ดูรายการตรวจสอบ)",
                    v.len()
                ),
                )
                .about(fields)
            }
            E::TypedValuesInvalid(v) => AppError::new(
                ErrorCode::NotSignable,
                format!(
                    "The record cannot be signed while {} hold text that does not fit (marked in red)",
                    fields_en(v.len())
                ),
                format!(
                    "ยังลงนามไม่ได้ เพราะมี {} ช่องที่กรอกไม่ตรงรูปแบบ (ทำเครื่องหมายสีแดงไว้)",
                    v.len()
                ),
            )
            .about(v),
            E::Stale { .. } => AppError::new(
                ErrorCode::SaveConflict,
                "This record was changed meanwhile; your change was not saved over it",
                "บันทึกนี้ถูกแก้ไขไปแล้วระหว่างนั้น จึงไม่ได้บันทึกทับ",
            ),
            E::UnknownRecord(_) | E::Purged(_) => AppError::new(
                ErrorCode::UnknownRecord,
                "This record is not on this laptop",
                "ไม่พบบันทึกนี้ในเครื่อง",
            ),
            E::UnknownAudio(_) => AppError::new(
                ErrorCode::UnknownAudio,
                "This recording is not on this laptop",
                "ไม่พบไฟล์เสียงนี้ในเครื่อง",
            ),
            E::Tampered { .. } => AppError::new(
                ErrorCode::Tampered,
                "Stored data failed its integrity check; tell the station administrator",
                "ข้อมูลที่เก็บไว้ไม่ผ่านการตรวจความถูกต้อง กรุณาแจ้งผู้ดูแลระบบ",
            ),
            E::UnknownOutboxEntry(_) | E::NoSignedPdf { .. } => AppError::new(
                ErrorCode::UnknownOutboxEntry,
                "This record is not waiting to sync",
                "บันทึกนี้ไม่ได้อยู่ในคิวรอส่ง",
            ),
            E::ReasonRequired => AppError::new(
                ErrorCode::ReasonRequired,
                "Give a reason for this change",
                "กรุณาระบุเหตุผลของการแก้ไข",
            ),
            E::AccessDenied { level, .. } => AppError::new(
                ErrorCode::AccessDenied,
                format!(
                    "You may not open this record: it is classified {}",
                    level.label_en()
                ),
                format!(
                    "คุณไม่มีสิทธิ์เปิดบันทึกนี้ เพราะมีชั้นความลับ{}",
                    level.label_th()
                ),
            ),
            E::ClassificationLowered { .. } => AppError::new(
                ErrorCode::ClassificationLowered,
                "A classification may be raised but never lowered",
                "ชั้นความลับปรับขึ้นได้แต่ลดลงไม่ได้",
            ),
            E::ClassificationSealed { .. } => AppError::new(
                ErrorCode::ClassificationSealed,
                "The classification is printed in the signed document and can no longer change",
                "ชั้นความลับพิมพ์อยู่ในเอกสารที่ลงนามแล้ว เปลี่ยนไม่ได้",
            ),
            E::WeakPassword => AppError::new(
                ErrorCode::WeakPassword,
                "The password must have at least 8 characters",
                "รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร",
            ),
            E::UserExists(_) => AppError::new(
                ErrorCode::UserExists,
                "This user name is taken",
                "มีผู้ใช้ชื่อนี้อยู่แล้ว",
            ),
            E::BadUserName(_) => AppError::new(
                ErrorCode::BadUserName,
                "Use 1–64 letters, digits, '.', '_' or '-' for the user name",
                "ชื่อผู้ใช้ต้องเป็นตัวอักษรภาษาอังกฤษ ตัวเลข '.' '_' หรือ '-' ยาว 1–64 ตัว",
            ),
            other => {
                tracing::warn!("store error shown as a generic one: {other}");
                AppError::new(
                    ErrorCode::Store,
                    "The station's database could not be read or written; tell the station administrator",
                    "อ่านหรือเขียนฐานข้อมูลของสถานีไม่ได้ กรุณาแจ้งผู้ดูแลระบบ",
                )
            }
        }
    }
}

impl From<banthuek_station::StationError> for AppError {
    fn from(e: banthuek_station::StationError) -> Self {
        match e {
            banthuek_station::StationError::Store(s) => s.into(),
            banthuek_station::StationError::Document(d) => d.into(),
            other => AppError::from_message(ErrorCode::Signing, &other.to_string()),
        }
    }
}

impl From<banthuek_speech::SpeechError> for AppError {
    fn from(e: banthuek_speech::SpeechError) -> Self {
        let code = match &e {
            banthuek_speech::SpeechError::Device(_) => ErrorCode::Microphone,
            _ => ErrorCode::Speech,
        };
        AppError::from_message(code, &e.to_string())
    }
}

impl From<banthuek_spoken::SpokenError> for AppError {
    fn from(e: banthuek_spoken::SpokenError) -> Self {
        match e {
            banthuek_spoken::SpokenError::Speech(e) => e.into(),
            other => AppError::from_message(ErrorCode::Speech, &other.to_string()),
        }
    }
}

impl From<banthuek_dictation::DictationError> for AppError {
    fn from(e: banthuek_dictation::DictationError) -> Self {
        use banthuek_dictation::DictationError as E;
        let message = e.to_string();
        match e {
            E::Store(s) => s.into(),
            E::Record(r) => r.into(),
            E::NothingHeard => AppError::from_message(ErrorCode::NothingHeard, &message),
            E::NotUnderstood { pointer } => {
                AppError::from_message(ErrorCode::NotUnderstood, &message).about(vec![pointer])
            }
            E::NotDictated { pointer } => {
                AppError::from_message(ErrorCode::NoAudio, &message).about(vec![pointer])
            }
            E::RecordingMissing => AppError::from_message(ErrorCode::NoAudio, &message),
            E::BadAudio(cause) => {
                tracing::warn!("recording unreadable: {cause}");
                AppError::from_message(ErrorCode::BadAudio, &message)
            }
            E::Io(cause) => {
                tracing::warn!("recording file: {cause}");
                AppError::from_message(ErrorCode::Io, &message)
            }
        }
    }
}

impl From<banthuek_dictation::SaveError> for AppError {
    fn from(e: banthuek_dictation::SaveError) -> Self {
        use banthuek_dictation::{EditError, SaveError as E};
        match e {
            // The page names the fields by their labels; the typing stays in its field.
            E::Edit(EditError::Conflict(fields)) => AppError::new(
                ErrorCode::SaveConflict,
                "A field you typed in got a dictated value meanwhile: what you typed is still in the field; check it and save again",
                "ช่องที่คุณพิมพ์เพิ่งได้ค่าใหม่จากการพูดระหว่างที่คุณพิมพ์ ค่าที่คุณพิมพ์ยังอยู่ในช่อง ตรวจแล้วบันทึกอีกครั้ง",
            )
            .about(fields),
            E::Edit(EditError::Record(r)) | E::Record(r) => r.into(),
            E::Store(s) => s.into(),
            E::NothingToConfirm { pointer } => AppError::new(
                ErrorCode::NoSuchField,
                "This field has no machine value to confirm",
                "ช่องนี้ไม่มีค่าที่ต้องยืนยัน",
            )
            .about(vec![pointer]),
        }
    }
}

impl From<banthuek_core::record::RecordError> for AppError {
    /// The schema's own message names a JSON pointer; the person sees which kind of problem it
    /// is, the log keeps the pointer.
    fn from(e: banthuek_core::record::RecordError) -> Self {
        tracing::warn!("record refused: {e}");
        AppError::new(
            ErrorCode::InvalidRecord,
            "A value does not fit the record's form",
            "มีข้อมูลที่ไม่ตรงรูปแบบของบันทึก",
        )
    }
}

impl From<banthuek_document::DocumentError> for AppError {
    fn from(e: banthuek_document::DocumentError) -> Self {
        AppError::from_message(ErrorCode::Document, &e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        tracing::warn!("file error: {e}");
        AppError::new(
            ErrorCode::Io,
            "A file could not be read or written",
            "อ่านหรือเขียนไฟล์ไม่ได้",
        )
    }
}

/// Runs a command's work `f` off the async runtime; a task that panicked is an internal error.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(AppError::internal)?
}
