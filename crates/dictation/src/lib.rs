//! The session's rules for turning what a person types (and, next, what they dictate) into
//! record changes, shared by the desktop app and the command line:
//!
//! - [`input`]: Thai input conventions — dates as officers write them (`4/12/2569`,
//!   `4 ธ.ค. 69`, `4 ธันวาคม 2569`), times as `14.30`, `14:30`, `๑๔.๓๐`, Thai digits anywhere —
//!   read into the exchange format's form, and the sentence that says what a field expects.
//! - [`edit`]: a person's edit of a record, made from one version and merged onto the latest:
//!   values that do not fit their field are kept as typed (never dropped, never blocking the
//!   save), changes that raced another save are merged, and the same field changed by both is a
//!   conflict, never a silent overwrite.

pub mod edit;
pub mod input;

pub use edit::{apply_edit, as_seen, leaves, Edit, EditError};
pub use input::{expected, normalise, FieldKind};
