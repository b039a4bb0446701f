//! Thai input conventions: what an officer types into a field, read into the exchange format's
//! form (ISO dates in the Common Era, 24-hour `HH:MM` times, numbers). The stored form stays the
//! exchange format; text that cannot be read is left as it is, for the caller to keep as typed.

use banthuek_core::thai::dates::parse_date;
use banthuek_core::thai::digits::to_arabic;
use banthuek_core::thai::times::parse_time;
use chrono::NaiveDate;
use serde_json::Value;

/// What kind of value a field of the exchange format holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    Time,
    /// A moment: `YYYY-MM-DDTHH:MM` (the custody notifications).
    DateTime,
    Integer,
    Number,
    NationalId,
    Text,
}

impl FieldKind {
    /// The kind of the field at a JSON pointer into the record.
    pub fn of(pointer: &str) -> FieldKind {
        let mut tokens = pointer.rsplit('/');
        let last = tokens.next().unwrap_or("");
        match last {
            "date" | "birth_date" => FieldKind::Date,
            // The national ID card's dates: /arrestees/N/id_card/issued, …/expires.
            "issued" | "expires" if tokens.next() == Some("id_card") => FieldKind::Date,
            "time" => FieldKind::Time,
            "prosecutor_notified_at" | "district_chief_notified_at" => FieldKind::DateTime,
            "age" => FieldKind::Integer,
            "quantity" => FieldKind::Number,
            "national_id" => FieldKind::NationalId,
            _ => FieldKind::Text,
        }
    }
}

/// `YYYY-MM-DD`; a year from 2400 is taken as Buddhist Era.
fn iso_date(s: &str) -> Option<NaiveDate> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let mut year: i32 = y.parse().ok()?;
    if year >= 2400 {
        year -= 543;
    }
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

/// A date and a time of day as officers write them ("4/12/2569 14.30", "4 ธ.ค. 69 เวลา 14.30
/// น.", "2026-12-04T14:30"): the date first, the time after the last space that leaves both
/// readable.
fn date_time(s: &str, today: NaiveDate) -> Option<chrono::NaiveDateTime> {
    let iso = s.replacen(' ', "T", 1);
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&iso, "%Y-%m-%dT%H:%M") {
        return iso_date(&iso[..10]).map(|d| d.and_time(t.time()));
    }
    let read_date = |d: &str| iso_date(d).or_else(|| parse_date(d, today));
    s.char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| (s[..i].trim(), s[i..].trim()))
        .find_map(|(d, t)| {
            let t = t.strip_prefix("เวลา").map(str::trim).unwrap_or(t);
            let d = d.strip_suffix("เวลา").map(str::trim).unwrap_or(d);
            Some(read_date(d)?.and_time(parse_time(t)?))
        })
}

/// Reads typed text in the field's kind into the exchange format's value; `None` when it cannot
/// be read as that kind (the caller keeps it as typed). `today` is the day of writing (a date
/// typed without a year takes its year).
pub fn normalise(kind: FieldKind, text: &str, today: NaiveDate) -> Option<Value> {
    let plain = to_arabic(text.trim());
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    match kind {
        FieldKind::Date => iso_date(&plain)
            .or_else(|| parse_date(&plain, today))
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
        FieldKind::Time => parse_time(&plain).map(|t| Value::String(t.format("%H:%M").to_string())),
        FieldKind::DateTime => {
            date_time(&plain, today).map(|t| Value::String(t.format("%Y-%m-%dT%H:%M").to_string()))
        }
        FieldKind::Integer => plain
            .replace(',', "")
            .parse::<u64>()
            .ok()
            .map(|n| Value::Number(n.into())),
        FieldKind::Number => plain
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(|n| match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Number((f as i64).into()),
                _ => Value::Number(n),
            }),
        FieldKind::NationalId => {
            let digits: String = plain.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            (digits.len() == 13 && digits.chars().all(|c| c.is_ascii_digit()))
                .then_some(Value::String(digits))
        }
        FieldKind::Text => Some(Value::String(text.trim().to_owned())),
    }
}

/// What a field of this kind expects, as a sentence (English, Thai) for a value that does not
/// fit it.
pub fn expected(kind: FieldKind) -> (&'static str, &'static str) {
    match kind {
        FieldKind::Date => (
            "Not a date: write it as 4/12/2569, 4 ธ.ค. 69 or 4 ธันวาคม 2569",
            "ไม่ใช่วันที่ที่ถูกต้อง ให้เขียนเช่น 4/12/2569, 4 ธ.ค. 69 หรือ 4 ธันวาคม 2569",
        ),
        FieldKind::Time => (
            "Not a time of day: write it as 14.30 or 14:30 (hours 00–23, minutes 00–59)",
            "ไม่ใช่เวลาที่ถูกต้อง ให้เขียนเช่น 14.30 หรือ 14:30 (ชั่วโมง 00–23 นาที 00–59)",
        ),
        FieldKind::DateTime => (
            "Not a date and time: write it as 4/12/2569 14.30",
            "ไม่ใช่วันที่และเวลาที่ถูกต้อง ให้เขียนเช่น 4/12/2569 14.30",
        ),
        FieldKind::Integer => (
            "Not a whole number: write digits, e.g. 35",
            "ไม่ใช่จำนวนเต็ม ให้เขียนเป็นตัวเลข เช่น 35",
        ),
        FieldKind::Number => (
            "Not a number: write digits, e.g. 2 or 0.5",
            "ไม่ใช่ตัวเลข ให้เขียนเป็นตัวเลข เช่น 2 หรือ 0.5",
        ),
        FieldKind::NationalId => (
            "A national ID has 13 digits",
            "เลขประจำตัวประชาชนต้องมี 13 หลัก",
        ),
        FieldKind::Text => ("This value does not fit the field", "ค่านี้ไม่ตรงกับรูปแบบของช่อง"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn s(v: Option<Value>) -> Option<String> {
        v.map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
    }

    #[test]
    fn dates_are_read_as_officers_write_them_and_stored_as_iso() {
        for typed in [
            "4/12/2569",
            "4 ธ.ค. 69",
            "4 ธันวาคม 2569",
            "๔/๑๒/๒๕๖๙",
            "๔ ธ.ค. ๒๕๖๙",
            "2026-12-04",
            "2569-12-04",
            " 4/12/2569 ",
        ] {
            assert_eq!(
                s(normalise(FieldKind::Date, typed, today())).as_deref(),
                Some("2026-12-04"),
                "{typed}"
            );
        }
        for bad in ["31/4/2569", "4/13/2569", "พรุ่งนี้บ่าย", "12345"] {
            assert_eq!(normalise(FieldKind::Date, bad, today()), None, "{bad}");
        }
    }

    #[test]
    fn times_are_read_with_dots_colons_and_thai_digits() {
        for typed in [
            "14.30",
            "14:30",
            "๑๔.๓๐",
            "๑๔:๓๐",
            "14.30 น.",
            "บ่ายสองโมงครึ่ง",
        ] {
            assert_eq!(
                s(normalise(FieldKind::Time, typed, today())).as_deref(),
                Some("14:30"),
                "{typed}"
            );
        }
        for bad in ["25:99", "14.75", "abc"] {
            assert_eq!(normalise(FieldKind::Time, bad, today()), None, "{bad}");
        }
    }

    #[test]
    fn custody_moments_follow_the_same_conventions() {
        for typed in [
            "4/12/2569 14.30",
            "๔/๑๒/๒๕๖๙ ๑๔.๓๐",
            "4 ธ.ค. 69 14:30",
            "4 ธันวาคม 2569 เวลา 14.30 น.",
            "2026-12-04T14:30",
            "2026-12-04 14:30",
        ] {
            assert_eq!(
                s(normalise(FieldKind::DateTime, typed, today())).as_deref(),
                Some("2026-12-04T14:30"),
                "{typed}"
            );
        }
        for bad in ["4/12/2569", "14.30", "4/12/2569 25.99", "31/4/2569 14.30"] {
            assert_eq!(normalise(FieldKind::DateTime, bad, today()), None, "{bad}");
        }
        assert_eq!(
            FieldKind::of("/custody/prosecutor_notified_at"),
            FieldKind::DateTime
        );
    }

    #[test]
    fn numbers_take_thai_digits() {
        assert_eq!(
            normalise(FieldKind::Integer, "๓๕", today()),
            Some(Value::from(35))
        );
        assert_eq!(normalise(FieldKind::Integer, "สามสิบห้าปี", today()), None);
        assert_eq!(
            normalise(FieldKind::Number, "0.5", today()),
            Some(Value::from(0.5))
        );
        assert_eq!(
            normalise(FieldKind::NationalId, "1-1017-00230-70-1", today()),
            Some(Value::from("1101700230701"))
        );
    }

    #[test]
    fn kinds_come_from_the_pointer() {
        assert_eq!(FieldKind::of("/arrest/date"), FieldKind::Date);
        assert_eq!(FieldKind::of("/arrest/warrant/date"), FieldKind::Date);
        assert_eq!(FieldKind::of("/recorded/time"), FieldKind::Time);
        assert_eq!(FieldKind::of("/arrestees/0/age"), FieldKind::Integer);
        assert_eq!(FieldKind::of("/seized_items/1/quantity"), FieldKind::Number);
        assert_eq!(FieldKind::of("/circumstances"), FieldKind::Text);
        assert_eq!(FieldKind::of("/arrestees/0/birth_date"), FieldKind::Date);
        assert_eq!(
            FieldKind::of("/arrestees/0/id_card/issued"),
            FieldKind::Date
        );
        assert_eq!(
            FieldKind::of("/arrestees/0/id_card/expires"),
            FieldKind::Date
        );
        assert_eq!(
            FieldKind::of("/arrestees/0/address_parts/house_number"),
            FieldKind::Text
        );
    }
}
