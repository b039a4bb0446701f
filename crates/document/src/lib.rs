//! The arrest record as a document: the standard บันทึกการจับกุม layout rendered to PDF/A-3b with
//! correct Thai shaping and line breaking, the record JSON embedded; the station's small PKI;
//! PAdES signing as incremental updates and a verifier that rejects anything appended after the
//! first signature that is not itself a signature.

pub mod error;
pub mod fonts;
pub mod layout;
pub mod linebreak;
pub mod render;
pub mod thai;

pub use error::{DocumentError, Result};
pub use layout::{BlockRole, Layout, SignatureBlock};
pub use render::{render, render_with_fonts, RenderOptions, Rendered};
pub use thai::Digits;
pub mod bench;
pub mod pdf;
pub mod pki;
pub mod sign;
pub mod verify;

pub use pdf::{read_embedded, Embedded};
pub use pki::{CertRole, Credential, SigningIdentity};
pub use sign::{sign_pdf, sign_pdf_with, SignRequest};
pub use verify::{verify_pdf, SignatureReport, VerifyReport};
