//! The arrestee's identity from the Thai national ID card (บัตรประจำตัวประชาชน) over PC/SC
//! (pcsc-lite on Linux, WinSCard on Windows): list readers, wait for a card, select the Thai ID
//! applet, read and decode its fields ([`apdu`] lists the commands and their public sources), and
//! put them into a record's arrestee with provenance `card`.
//!
//! The app and the CLI call the same two functions: [`read_card`] (blocking; run it off the UI
//! thread) and then [`fill_arrestee`]; the caller saves the filled record with
//! `Session::save_card_version`, which audits the read without personal data. Nothing here
//! logs or stores a value from the card; the photo is returned only when asked for.

mod address;
pub mod apdu;
mod card;
mod error;
mod fill;
mod reader;
mod tis620;

pub use card::{BirthDate, CardData, CardName, RawCard};
pub use error::{CardWarning, IdCardError};
pub use fill::{changed_since, fill_arrestee, AgeOn, FillReport, Filled};
pub use reader::{read_card, readers, CardRead, ReadOptions, ReaderInfo};
