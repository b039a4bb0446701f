//! The one error type every command returns: a stable code for the page to branch on, and the
//! message in English and Thai. Library errors already carry both languages as "English / ไทย";
//! they are split here, never re-worded.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AppError.ts")]
pub struct AppError {
    /// e.g. "wrong_password", "account_locked", "not_signable", "locked", "no_microphone".
    pub code: String,
    pub en: String,
    pub th: String,
    /// For a locked account: seconds until the next try is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub retry_after_s: Option<i64>,
}

pub type AppResult<T> = Result<T, AppError>;

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.en, self.th)
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn new(code: &str, en: impl Into<String>, th: impl Into<String>) -> Self {
        AppError {
            code: code.to_owned(),
            en: en.into(),
            th: th.into(),
            retry_after_s: None,
        }
    }

    /// From a library message written as "English / ไทย" (the project's convention).
    pub fn from_message(code: &str, message: &str) -> Self {
        match message.split_once(" / ") {
            Some((en, th)) => AppError::new(code, en.trim(), th.trim()),
            None => AppError::new(code, message, message),
        }
    }

    pub fn locked() -> Self {
        AppError::new(
            "locked",
            "Not logged in, or the screen was locked; log in again",
            "ยังไม่ได้เข้าสู่ระบบ หรือหน้าจอถูกล็อก กรุณาเข้าสู่ระบบใหม่",
        )
    }

    pub fn internal(what: impl std::fmt::Display) -> Self {
        AppError::from_message("internal", &what.to_string())
    }
}

impl From<banthuek_store::StoreError> for AppError {
    fn from(e: banthuek_store::StoreError) -> Self {
        use banthuek_store::StoreError as E;
        let code = match &e {
            E::NotInitialised { .. } => "not_initialised",
            E::WrongPassword { .. } | E::UnknownUser => "wrong_password",
            E::AccountLocked { .. } => "account_locked",
            E::AccountDisabled(_) => "account_disabled",
            E::NotPermitted { .. } => "not_permitted",
            E::Workflow(_) => "workflow",
            E::Record(_) => "invalid_record",
            E::NotSignable(_) | E::TypedValuesInvalid(_) => "not_signable",
            E::Stale { .. } => "save_conflict",
            E::UnknownRecord(_) => "unknown_record",
            E::UnknownAudio(_) => "unknown_audio",
            E::Tampered { .. } => "tampered",
            E::UnknownOutboxEntry(_) => "unknown_outbox_entry",
            E::ReasonRequired => "reason_required",
            E::AccessDenied { .. } => "access_denied",
            E::ClassificationLowered { .. } => "classification_lowered",
            E::ClassificationSealed { .. } => "classification_sealed",
            _ => "store",
        };
        let mut err = AppError::from_message(code, &e.to_string());
        if let E::AccountLocked { seconds_left, .. } = e {
            err.retry_after_s = Some(seconds_left);
        }
        err
    }
}

impl From<banthuek_station::StationError> for AppError {
    fn from(e: banthuek_station::StationError) -> Self {
        match e {
            banthuek_station::StationError::Store(s) => s.into(),
            banthuek_station::StationError::Document(d) => d.into(),
            other => AppError::from_message("signing", &other.to_string()),
        }
    }
}

impl From<banthuek_speech::SpeechError> for AppError {
    fn from(e: banthuek_speech::SpeechError) -> Self {
        let code = match &e {
            banthuek_speech::SpeechError::Device(_) => "microphone",
            _ => "speech",
        };
        AppError::from_message(code, &e.to_string())
    }
}

impl From<banthuek_spoken::SpokenError> for AppError {
    fn from(e: banthuek_spoken::SpokenError) -> Self {
        match e {
            banthuek_spoken::SpokenError::Speech(e) => e.into(),
            other => AppError::from_message("speech", &other.to_string()),
        }
    }
}

impl From<banthuek_core::record::RecordError> for AppError {
    fn from(e: banthuek_core::record::RecordError) -> Self {
        AppError::from_message("invalid_record", &e.to_string())
    }
}

impl From<banthuek_document::DocumentError> for AppError {
    fn from(e: banthuek_document::DocumentError) -> Self {
        AppError::from_message("document", &e.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::new(
            "io",
            format!("file error: {e}"),
            format!("อ่านหรือเขียนไฟล์ไม่ได้: {e}"),
        )
    }
}
