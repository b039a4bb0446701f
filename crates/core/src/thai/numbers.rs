//! Numbers as officers dictate them: digits ("35"), Thai digits ("๓๕"), grouped digits
//! ("2,500"), number words ("สามสิบห้า", "ยี่สิบเอ็ด", "หนึ่งล้านสองแสน") and digit-by-digit
//! readings ("สองห้าหกเก้า" for the year 2569, "หนึ่ง หนึ่ง ศูนย์" for an ID).
//!
//! Known limits: colloquial abbreviations that shift the place ("พันห้า" meaning 1,500) read as
//! the standard reading (1,005), because the standard reading of 1,005 is exactly "หนึ่งพันห้า";
//! proper names built from number words ("ร้อยเอ็ด" the province) read as numbers; decimals
//! ("1.5 ล้าน") are not numbers here.

use super::digits::digit_value;
use super::text::{continues_syllable, is_space, skip_spaces, whole};

/// How a digit word may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An ordinary digit word (หนึ่ง, สอง, ...).
    Plain,
    /// เอ็ด: 1 in the units place after a higher place only.
    Et,
    /// ยี่: 2 before สิบ only.
    Yi,
    /// นึง: colloquial 1 ("ร้อยนึง" = a hundred).
    Nueng,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Digit(u64, Kind),
    /// A run of Arabic or Thai digits, possibly grouped with commas.
    Literal {
        value: u64,
        digits: usize,
    },
    /// สิบ..แสน as the power of ten.
    Place(u32),
    Million,
}

const WORDS: &[(&str, Tok)] = &[
    ("ศูนย์", Tok::Digit(0, Kind::Plain)),
    ("หนึ่ง", Tok::Digit(1, Kind::Plain)),
    ("นึง", Tok::Digit(1, Kind::Nueng)),
    ("เอ็ด", Tok::Digit(1, Kind::Et)),
    ("สอง", Tok::Digit(2, Kind::Plain)),
    ("ยี่", Tok::Digit(2, Kind::Yi)),
    ("สาม", Tok::Digit(3, Kind::Plain)),
    ("สี่", Tok::Digit(4, Kind::Plain)),
    ("ห้า", Tok::Digit(5, Kind::Plain)),
    ("หก", Tok::Digit(6, Kind::Plain)),
    ("เจ็ด", Tok::Digit(7, Kind::Plain)),
    ("แปด", Tok::Digit(8, Kind::Plain)),
    ("เก้า", Tok::Digit(9, Kind::Plain)),
    ("สิบ", Tok::Place(1)),
    ("ร้อย", Tok::Place(2)),
    ("พัน", Tok::Place(3)),
    ("หมื่น", Tok::Place(4)),
    ("แสน", Tok::Place(5)),
    ("ล้าน", Tok::Million),
];

/// Words that begin with a number word but are not numbers.
const NOT_NUMBERS: &[&str] = &[
    "ห้าม",
    "เก้าอี้",
    "หกล้ม",
    "สี่แยก",
    "สามแยก",
    "สามล้อ",
    "สองแถว",
    "ศูนย์กลาง",
    "ศูนย์การค้า",
    "ศูนย์ราชการ",
    "ศูนย์บริการ",
    "ศูนย์วิทยุ",
    "ล้านนา",
    "แสนสาหัส",
    "แสนดี",
];

/// What may follow สิบ/ร้อย/พัน in a rank or a word, so that the place word is not a number:
/// สิบตำรวจโท, ร้อยตำรวจเอก, ร้อยเวร, พันโท, พันธุ์, พันธ์ (but "สิบ ธันวาคม" is the tenth).
const NOT_AFTER_PLACE: &[&str] = &["ตำรวจ", "ตรี", "โท", "เอก", "เวร", "ธุ", "ธ์", "ทหาร", "จ่า"];

/// Scanning stops after this many tokens: no real number is longer, and it bounds the work on
/// long digit-word runs.
const MAX_TOKENS: usize = 40;

/// The words for the digits 0–9.
pub const DIGIT_WORDS: [&str; 10] = [
    "ศูนย์",
    "หนึ่ง",
    "สอง",
    "สาม",
    "สี่",
    "ห้า",
    "หก",
    "เจ็ด",
    "แปด",
    "เก้า",
];
const PLACE_WORDS: [&str; 6] = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"];

/// The words for the places of a number, tens to millions.
pub const PLACE_VALUE_WORDS: [&str; 6] = ["สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน"];

/// Every digit and place word: what a scan for a run of spoken number words starts from (callers
/// add the forms their context allows, such as เอ็ด or ยี่). No word is a prefix or a suffix of
/// another, so the order does not matter.
pub fn number_words() -> impl Iterator<Item = &'static str> {
    DIGIT_WORDS.into_iter().chain(PLACE_VALUE_WORDS)
}

/// A run of Thai/Arabic digits at `pos`, with comma grouping ("2,500"): value, digit count, end.
pub(crate) fn scan_literal(s: &str, pos: usize) -> Option<(u64, usize, usize)> {
    let run = |from: usize| -> (u64, usize, usize, bool) {
        // (value of the run, digits, end, overflowed)
        let mut value: u64 = 0;
        let mut count = 0;
        let mut end = from;
        let mut overflow = false;
        for (i, c) in s[from..].char_indices() {
            let Some(d) = digit_value(c) else { break };
            match value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d)))
            {
                Some(v) => value = v,
                None => overflow = true,
            }
            count += 1;
            end = from + i + c.len_utf8();
        }
        (value, count, end, overflow)
    };
    let (mut value, mut count, mut end, overflow) = run(pos);
    if count == 0 || overflow {
        return None;
    }
    // Commas group thousands only when each group has exactly three digits.
    if count <= 3 {
        while s[end..].starts_with(',') {
            let (group, n, group_end, _) = run(end + 1);
            if n != 3 {
                break;
            }
            value = value.checked_mul(1000)?.checked_add(group)?;
            count += 3;
            end = group_end;
        }
    }
    Some((value, count, end))
}

fn next_token(s: &str, pos: usize) -> Option<(Tok, usize)> {
    if let Some((value, digits, end)) = scan_literal(s, pos) {
        return Some((Tok::Literal { value, digits }, end));
    }
    let rest = &s[pos..];
    // "ห้าม" (forbid) is not five, but in "ห้ามีนาคม" the ม begins the next word (มี).
    let not_number = NOT_NUMBERS.iter().any(|w| {
        rest.starts_with(w)
            && !rest[w.len()..]
                .chars()
                .next()
                .is_some_and(continues_syllable)
    });
    if not_number {
        return None;
    }
    let (word, tok) = WORDS
        .iter()
        .filter(|(w, _)| rest.starts_with(w))
        .max_by_key(|(w, _)| w.len())?;
    let end = pos + word.len();
    // "สี" is not "สี่", "สาม" in "สามารถ" is not three.
    if s[end..].chars().next().is_some_and(continues_syllable) {
        return None;
    }
    Some((*tok, end))
}

/// Tokens from the start of `s`, spaces between them skipped, each with its end offset.
fn tokenize(s: &str) -> Vec<(Tok, usize)> {
    let mut toks = Vec::new();
    let mut pos = 0;
    while toks.len() < MAX_TOKENS {
        let start = if toks.is_empty() {
            0
        } else {
            skip_spaces(s, pos)
        };
        match next_token(s, start) {
            Some((tok, end)) => {
                toks.push((tok, end));
                pos = end;
            }
            None => break,
        }
    }
    toks
}

fn pow10(p: u32) -> u64 {
    10u64.pow(p)
}

/// One group below a million ("สองแสนห้าหมื่น", "ยี่สิบเอ็ด", "250"). `after_higher`: a ล้าน group
/// came before, so เอ็ด may stand alone as the units digit ("ล้านเอ็ด").
fn parse_group(g: &[Tok], first: bool, after_higher: bool) -> Option<u64> {
    match g {
        [Tok::Literal { value, digits }] if *digits > 1 => {
            return (first || *value < 1_000_000).then_some(*value);
        }
        // Colloquial "ร้อยนึง", "พันนึง": one hundred, one thousand.
        [Tok::Place(p), Tok::Digit(1, Kind::Nueng)] if *p >= 2 => return Some(pow10(*p)),
        _ => {}
    }
    let mut value = 0u64;
    let mut last_place = 6;
    let mut any_place = false;
    let mut i = 0;
    while i < g.len() {
        let (d, kind) = match g[i] {
            Tok::Digit(d, kind) => (d, kind),
            Tok::Literal { value, digits: 1 } => (value, Kind::Plain),
            Tok::Place(p) => {
                if p >= last_place {
                    return None;
                }
                value += pow10(p);
                last_place = p;
                any_place = true;
                i += 1;
                continue;
            }
            _ => return None,
        };
        match g.get(i + 1) {
            Some(Tok::Place(p)) => {
                let ok = match kind {
                    Kind::Et => false,
                    Kind::Yi => *p == 1,
                    Kind::Plain | Kind::Nueng => d > 0,
                };
                if !ok || *p >= last_place {
                    return None;
                }
                value += d * pow10(*p);
                last_place = *p;
                any_place = true;
                i += 2;
            }
            None => {
                let ok = match kind {
                    Kind::Yi => false,
                    Kind::Et => any_place || after_higher,
                    Kind::Plain | Kind::Nueng => d > 0,
                };
                if !ok {
                    return None;
                }
                value += d;
                i += 1;
            }
            Some(_) => return None,
        }
    }
    (value > 0).then_some(value)
}

/// The value of exactly these tokens, if they form one number.
fn parse_tokens(toks: &[Tok]) -> Option<u64> {
    match toks {
        [] => return None,
        [Tok::Literal { value, .. }] => return Some(*value),
        [Tok::Digit(0, Kind::Plain)] => return Some(0),
        _ => {}
    }
    // Digit by digit: "สองห้าหกเก้า".
    if toks.len() >= 2
        && toks
            .iter()
            .all(|t| matches!(t, Tok::Digit(_, Kind::Plain | Kind::Nueng)))
    {
        return toks.iter().try_fold(0u64, |acc, t| match t {
            Tok::Digit(d, _) => acc.checked_mul(10)?.checked_add(*d),
            _ => None,
        });
    }
    // Groups separated by ล้าน: "สองล้านสามแสน" = 2 × 10⁶ + 300 000, "หนึ่งล้านล้าน" = 10¹².
    let groups: Vec<&[Tok]> = toks.split(|t| *t == Tok::Million).collect();
    let mut total = 0u64;
    for (i, g) in groups.iter().enumerate() {
        let v = if g.is_empty() {
            match (i, groups.len()) {
                (0, 1) => return None,
                (0, _) => 1, // "ล้าน" alone is one million
                _ => 0,
            }
        } else {
            parse_group(g, i == 0, i > 0)?
        };
        total = total.checked_mul(1_000_000)?.checked_add(v)?;
    }
    Some(total)
}

/// The whole string (trimmed, spaces inside tolerated) as one number: "35", "๓๕", "2,500",
/// "สามสิบห้า", "หนึ่งล้านสองแสน", "สองห้าหกเก้า" (2569), "หนึ่ง หนึ่ง ศูนย์" (110).
pub fn parse_number(s: &str) -> Option<u64> {
    whole(s, scan_number)
}

/// The longest number at the very start of `s`, with the bytes it spans. A following word is
/// not eaten ("สองทุ่ม" gives 2 and the length of "สอง"), and rank words built on place words
/// (ร้อยตำรวจเอก, พันโท, สิบตำรวจตรี) are not numbers.
pub fn scan_number(s: &str) -> Option<(u64, usize)> {
    let toks = tokenize(s);
    let kinds: Vec<Tok> = toks.iter().map(|(t, _)| *t).collect();
    (1..=toks.len()).rev().find_map(|k| {
        let value = parse_tokens(&kinds[..k])?;
        let (last, end) = toks[k - 1];
        if matches!(last, Tok::Place(_)) {
            let rest = &s[skip_spaces(s, end)..];
            if NOT_AFTER_PLACE.iter().any(|w| rest.starts_with(w)) {
                return None;
            }
        }
        Some((value, end))
    })
}

/// Digits read one at a time, for national IDs, phone numbers and plates: "3 1006 01234 56 5",
/// "หนึ่ง หนึ่ง ศูนย์ สาม", "ศูนย์ แปด โท ...", Thai digits, dashes (written, or read as "ขีด"). Each word is one digit (no
/// place values); anything else in the string gives None.
pub fn parse_digit_sequence(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if is_space(c) || c == '-' {
            rest = &rest[c.len_utf8()..];
        } else if let Some(after) = rest.strip_prefix("ขีด") {
            // The dash read out: "หนึ่ง ขีด หนึ่งศูนย์สามเจ็ด ขีด …".
            rest = after;
        } else if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d as u8));
            rest = &rest[c.len_utf8()..];
        } else {
            // "โท" is how 2 is read out in phone numbers, so it is not heard as "สาม".
            let (word, d) = DIGIT_WORDS
                .iter()
                .enumerate()
                .map(|(d, w)| (*w, d))
                .chain([("โท", 2)])
                .find(|(w, _)| rest.starts_with(w))?;
            out.push(char::from(b'0' + d as u8));
            rest = &rest[word.len()..];
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Words for one group below a million; `higher`: a higher group exists, so a units 1 reads เอ็ด.
fn group_words(g: u64, higher: bool, out: &mut String) {
    for p in (1..=5u32).rev() {
        let d = (g / pow10(p) % 10) as usize;
        match (p, d) {
            (_, 0) => {}
            (1, 1) => out.push_str("สิบ"),
            (1, 2) => out.push_str("ยี่สิบ"),
            _ => {
                out.push_str(DIGIT_WORDS[d]);
                out.push_str(PLACE_WORDS[p as usize]);
            }
        }
    }
    match g % 10 {
        0 => {}
        1 if g > 10 || higher => out.push_str("เอ็ด"),
        d => out.push_str(DIGIT_WORDS[d as usize]),
    }
}

/// The standard Thai reading of `n`: 21 → "ยี่สิบเอ็ด", 101 → "หนึ่งร้อยเอ็ด", 2569 →
/// "สองพันห้าร้อยหกสิบเก้า", 1 000 000 → "หนึ่งล้าน", 0 → "ศูนย์".
pub fn to_words(n: u64) -> String {
    if n == 0 {
        return DIGIT_WORDS[0].to_string();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1_000_000);
        rest /= 1_000_000;
    }
    let mut out = String::new();
    for (i, g) in groups.iter().enumerate().rev() {
        group_words(*g, i + 1 < groups.len(), &mut out);
        if i > 0 {
            out.push_str("ล้าน");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_grouping_needs_three_digit_groups() {
        assert_eq!(scan_literal("2,500", 0), Some((2500, 4, 5)));
        assert_eq!(scan_literal("12,5", 0), Some((12, 2, 2)));
        assert_eq!(scan_literal("1234,567", 0), Some((1234, 4, 4)));
        assert_eq!(scan_literal("x", 0), None);
        assert_eq!(scan_literal("99999999999999999999999", 0), None);
    }
}
