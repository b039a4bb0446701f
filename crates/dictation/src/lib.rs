//! The session's rules for turning what a person types and what they dictate into record
//! changes, shared by the desktop app and the command line:
//!
//! - [`input`]: Thai input conventions — dates as officers write them (`4/12/2569`,
//!   `4 ธ.ค. 69`, `4 ธันวาคม 2569`), times as `14.30`, `14:30`, `๑๔.๓๐`, Thai digits anywhere —
//!   read into the exchange format's form, and the sentence that says what a field expects.
//! - [`edit`]: a person's edit of a record, made from one version and merged onto the latest:
//!   values that do not fit their field are kept as typed (never dropped, never blocking the
//!   save), changes that raced another save are merged, and the same field changed by both is a
//!   conflict, never a silent overwrite.
//! - [`heard`]: what dictation heard, read into the record — free dictation extracted and merged
//!   without touching what a person typed or confirmed, dictation into one field, a typed
//!   field's spoken value with its confidence; each utterance's timing and recording kept in the
//!   value's provenance, and (`Dictation`) each change saved at once as a machine version.
//! - [`recovery`]: recordings on disk until they are in the store, and what a crash leaves
//!   behind for the person who dictated to resume.
//! - [`clip`]: the audio behind a dictated value, cut from its recording.
//! - [`save`]: a person's save made from the version they saw (merged, or refused when it
//!   raced a dictated value into the same field) and their confirmations of dictated values.
//!
//! Nothing here knows of a window or a terminal: the app emits events and the CLI prints from
//! what these functions return.

pub mod clip;
pub mod edit;
pub mod error;
pub mod heard;
pub mod input;
pub mod recovery;
pub mod save;
#[cfg(feature = "test-support")]
pub mod test_support;

pub use clip::{audio_span_of, cut_wav, value_clip, Clip};
pub use edit::{apply_edit, as_seen, leaves, Edit, EditError};
pub use error::DictationError;
pub use heard::{field_type_of, merge, timing_of, Change, Dictation, Final, Heard};
pub use input::{expected, normalise, FieldKind};
pub use recovery::{left_over, recording_mime, recovery_root, resumable, Recording, RecoveryMeta};
pub use save::{confirm, confirm_all, low_confidence, save_edit, SaveError};
