//! TIS-620, the Thai single-byte encoding the card stores its text in: bytes 0x00–0x7F are ASCII,
//! 0xA1–0xDA and 0xDF–0xFB are the Thai block U+0E01–U+0E3A and U+0E3F–U+0E5B (byte + 0x0D60).
//! Every other byte is not a character.

/// Decodes TIS-620; `None` when a byte is outside the encoding.
pub fn decode(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .map(|&b| match b {
            0x00..=0x7F => Some(char::from(b)),
            0xA1..=0xDA | 0xDF..=0xFB => char::from_u32(u32::from(b) + 0x0D60),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::decode;

    /// TIS-620 bytes of a string in the Thai block (the inverse of `decode`, for the tests).
    fn encode(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| match c as u32 {
                u @ 0..=0x7F => u as u8,
                u => (u - 0x0D60) as u8,
            })
            .collect()
    }

    #[test]
    fn thai_with_tone_marks_and_rare_letters_decodes() {
        for s in ["น้ำฝน", "ฤทธิ์", "ฦๅษี", "นาย#สมชาย##ใจดี", "๑๒๓", "ฯลฯ ฿"]
        {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
    }

    #[test]
    fn bytes_outside_the_encoding_are_refused() {
        for b in [0x80u8, 0xA0, 0xDB, 0xDE, 0xFC, 0xFF] {
            assert_eq!(decode(&[0x41, b]), None, "byte {b:#04x}");
        }
    }
}
