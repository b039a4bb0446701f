//! The arrest record (บันทึกการจับกุม): its exchange format, the rules a record must meet before it
//! is signed, the workflow it moves through, and the Thai text conventions used to read and print it.
//! Knows nothing of storage, speech, PDF or windows.

pub mod classification;
pub mod provenance;
pub mod record;
pub mod rules;
pub mod schema;
pub mod thai;
pub mod workflow;

pub use classification::{Classification, Marking};
pub use record::{ArrestRecord, Provenance, Source, SCHEMA_ID};
pub use rules::{check_input, check_signable, national_id_is_valid, InputProblem, RuleViolation};
pub use workflow::{Action, Role, Status, WorkflowError};
