//! Thai digits (๐–๙) and Arabic digits (0–9). Police templates often print Thai digits; dictation
//! and typing produce either.

use serde::{Deserialize, Serialize};

/// Which digits a document prints numbers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Digits {
    /// ๐๑๒๓๔๕๖๗๘๙, the default of police templates.
    #[default]
    Thai,
    /// 0123456789.
    Arabic,
}

const THAI_ZERO: u32 = 0x0E50;

/// The value of one Thai or Arabic digit.
pub(crate) fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0E50}'..='\u{0E59}' => Some(c as u32 - THAI_ZERO),
        _ => None,
    }
}

impl std::str::FromStr for Digits {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "thai" => Ok(Digits::Thai),
            "arabic" => Ok(Digits::Arabic),
            other => Err(format!("digits must be 'thai' or 'arabic', not '{other}'")),
        }
    }
}

/// ๐–๙ become 0–9; everything else is unchanged.
pub fn to_arabic(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0E50}'..='\u{0E59}' => char::from(b'0' + (c as u32 - THAI_ZERO) as u8),
            _ => c,
        })
        .collect()
}

/// 0–9 become ๐–๙; everything else is unchanged.
pub fn to_thai(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(THAI_ZERO + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `s` with its digits in the requested style.
pub fn render(s: &str, digits: Digits) -> String {
    match digits {
        Digits::Thai => to_thai(s),
        Digits::Arabic => to_arabic(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways_and_leaves_text_alone() {
        assert_eq!(to_thai("เวลา 14.30 น."), "เวลา ๑๔.๓๐ น.");
        assert_eq!(to_arabic("๒๔ พ.ย. ๒๕๖๙"), "24 พ.ย. 2569");
        assert_eq!(render("0123456789", Digits::Thai), "๐๑๒๓๔๕๖๗๘๙");
        assert_eq!(render("๐๑๒๓๔๕๖๗๘๙", Digits::Arabic), "0123456789");
        assert_eq!(digit_value('๗'), Some(7));
        assert_eq!(digit_value('a'), None);
    }

    #[test]
    fn digits_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&Digits::Thai).ok().as_deref(),
            Some("\"thai\"")
        );
        assert_eq!(
            serde_json::from_str::<Digits>("\"arabic\"").ok(),
            Some(Digits::Arabic)
        );
    }
}
