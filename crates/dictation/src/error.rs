//! Why a dictated utterance, a recording or a clip could not be used.

use banthuek_core::record::RecordError;
use banthuek_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DictationError {
    /// Dictation into a typed field heard nothing that reads as the field's type.
    #[error("Nothing was heard; the field is unchanged / ไม่ได้ยินเสียงพูด ช่องนี้ไม่ได้เปลี่ยน")]
    NothingHeard,
    /// Dictation into one field heard something that does not read as that field's value.
    #[error(
        "What was said could not be read as this field's value / ไม่สามารถอ่านค่าของช่องนี้จากคำพูดได้"
    )]
    NotUnderstood { pointer: String },
    /// The value was not dictated, so there is no audio behind it.
    #[error("This value was not dictated: there is no audio behind it / ค่านี้ไม่ได้มาจากการพูด จึงไม่มีเสียงให้ฟัง")]
    NotDictated { pointer: String },
    /// The value was dictated, but its recording is neither in the store nor left on disk.
    #[error("The recording behind this value is missing / ไม่พบไฟล์เสียงของค่านี้")]
    RecordingMissing,
    #[error("The recording cannot be read / อ่านไฟล์เสียงไม่ได้")]
    BadAudio(#[source] hound::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("A recording's file could not be read or written / อ่านหรือเขียนไฟล์เสียงไม่ได้")]
    Io(#[from] std::io::Error),
}

impl From<hound::Error> for DictationError {
    fn from(e: hound::Error) -> Self {
        DictationError::BadAudio(e)
    }
}

impl From<banthuek_extract::directed::DirectedError> for DictationError {
    fn from(e: banthuek_extract::directed::DirectedError) -> Self {
        use banthuek_extract::directed::DirectedError as E;
        match e {
            E::NotUnderstood { pointer, .. } => DictationError::NotUnderstood { pointer },
            E::Record(r) => DictationError::Record(r),
        }
    }
}
