//! Thai text conventions: digits, number words, Buddhist-era dates and times, as officers dictate
//! them and as official documents print them.
//!
//! The scanners (`scan_*`) read the longest value at the start of a string and return how many
//! BYTES they consumed, so the extractor can walk a transcript. Speech recognition puts spaces
//! anywhere, so spaces between the parts of one value are tolerated; the byte count always ends
//! right after the last character that belongs to the value, never on trailing spaces.
//! Input is expected in NFC.

pub mod dates;
pub mod digits;
pub mod letters;
pub mod numbers;
pub mod times;

mod text;

pub use digits::Digits;
