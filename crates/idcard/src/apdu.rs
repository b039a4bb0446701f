//! The commands this crate sends to the Thai national ID card (and the card emulator in
//! `tests/support/thai_id_card.py` answers). The card's personal data is one binary file in the
//! applet `A0 00 00 00 54 48 00 01`; each field sits at a fixed offset and is read with a
//! proprietary-class READ BINARY whose data field carries the length to read.
//!
//! | command        | bytes                                   | answer                         |
//! |----------------|-----------------------------------------|--------------------------------|
//! | SELECT applet  | `00 A4 04 00 08 A0 00 00 00 54 48 00 01` | `61 xx` (or `90 00`); else not a Thai ID card |
//! | READ BINARY    | `80 B0 P1 P2 02 00 Le` (P1 P2 = offset)  | `61 Le` (T=0), or data `90 00` |
//! | GET RESPONSE   | `00 C0 00 00 Le` (`00 C0 00 01 Le` when the ATR starts `3B 67`) | data `90 00` |
//!
//! Fields (offset, length; text in TIS-620, padded with spaces):
//! citizen ID 0x0004/13 · Thai name 0x0011/100 (title#first#middle#last) · English name 0x0075/100 ·
//! birth date 0x00D9/8 (YYYYMMDD, Buddhist Era; month/day 00 when unknown) · sex 0x00E1/1
//! ("1" male, "2" female) · issuer 0x00F6/100 (the issuing office, as text) · issue date
//! 0x0167/8 · expiry date 0x016F/8 (99999999: for life) ·
//! photo 0x017B, 20 × 255 bytes (JPEG) · address 0x1579/100
//! (house#หมู่ที่#ตรอก#ซอย#ถนน#ตำบล#อำเภอ#จังหวัด).
//!
//! Public sources read (no code taken): the APDU table of github.com/chakphanu/ThaiNationalIDCard
//! (APDU.md), github.com/tirmizee/ReadThaiIDCard (AbstractThaiCommandAPDU.java) and the pyscard
//! examples derived from them (all give the issuer at 0x00F6/100, read last here and optional);
//! the `3B 67` GET RESPONSE variant is common to the open-source readers for older cards.

/// The Thai ID applet (DF name).
pub const APPLET: [u8; 8] = [0xA0, 0x00, 0x00, 0x00, 0x54, 0x48, 0x00, 0x01];

/// A data field of the card: where it is and what it is called in messages.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub offset: u16,
    pub len: u8,
    pub name: &'static str,
    pub name_th: &'static str,
}

const fn field(offset: u16, len: u8, name: &'static str, name_th: &'static str) -> Field {
    Field {
        offset,
        len,
        name,
        name_th,
    }
}

pub const NATIONAL_ID: Field = field(0x0004, 13, "ID number", "เลขประจำตัวประชาชน");
pub const NAME_TH: Field = field(0x0011, 100, "Thai name", "ชื่อภาษาไทย");
pub const NAME_EN: Field = field(0x0075, 100, "English name", "ชื่อภาษาอังกฤษ");
pub const BIRTH_DATE: Field = field(0x00D9, 8, "birth date", "วันเกิด");
pub const SEX: Field = field(0x00E1, 1, "sex", "เพศ");
pub const ISSUED: Field = field(0x0167, 8, "issue date", "วันออกบัตร");
pub const EXPIRES: Field = field(0x016F, 8, "expiry date", "วันบัตรหมดอายุ");
pub const ADDRESS: Field = field(0x1579, 100, "address", "ที่อยู่");
pub const ISSUER: Field = field(0x00F6, 100, "issuer", "ผู้ออกบัตร");

/// The photo: 20 consecutive chunks of 255 bytes from 0x017B.
pub const PHOTO_OFFSET: u16 = 0x017B;
pub const PHOTO_CHUNK: u8 = 0xFF;
pub const PHOTO_CHUNKS: u16 = 20;
pub const PHOTO: Field = field(PHOTO_OFFSET, PHOTO_CHUNK, "photo", "รูปถ่าย");

pub fn select_applet() -> Vec<u8> {
    let mut apdu = vec![0x00, 0xA4, 0x04, 0x00, APPLET.len() as u8];
    apdu.extend_from_slice(&APPLET);
    apdu
}

pub fn read_binary(offset: u16, len: u8) -> [u8; 7] {
    let [hi, lo] = offset.to_be_bytes();
    [0x80, 0xB0, hi, lo, 0x02, 0x00, len]
}

/// GET RESPONSE for `len` bytes; cards whose ATR starts `3B 67` want P2 = 1.
pub fn get_response(atr: &[u8], len: u8) -> [u8; 5] {
    let p2 = u8::from(atr.starts_with(&[0x3B, 0x67]));
    [0x00, 0xC0, 0x00, p2, len]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_have_the_documented_bytes() {
        assert_eq!(
            select_applet(),
            [0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x00, 0x54, 0x48, 0x00, 0x01]
        );
        assert_eq!(
            read_binary(ADDRESS.offset, ADDRESS.len),
            [0x80, 0xB0, 0x15, 0x79, 0x02, 0x00, 0x64]
        );
        assert_eq!(
            get_response(&[0x3B, 0x67, 0x00], 13),
            [0x00, 0xC0, 0x00, 0x01, 13]
        );
        assert_eq!(
            get_response(&[0x3B, 0x78], 13),
            [0x00, 0xC0, 0x00, 0x00, 13]
        );
        // The photo's last chunk ends right before the address.
        let end = PHOTO_OFFSET + PHOTO_CHUNKS * u16::from(PHOTO_CHUNK);
        assert!(end <= ADDRESS.offset);
    }
}
