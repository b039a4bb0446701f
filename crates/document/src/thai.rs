//! How numbers, dates and times print on an official Thai document: Buddhist Era years, full month
//! names, times as "14.30 น.", in Thai or Arabic digits by setting.

use chrono::{NaiveDate, NaiveTime};

pub use banthuek_core::thai::Digits;

/// Rewrites every ASCII digit of `text` in the chosen digits; other characters are kept.
pub fn digits(text: &str, digits: Digits) -> String {
    match digits {
        Digits::Arabic => text.to_owned(),
        Digits::Thai => text
            .chars()
            .map(|c| match c.to_digit(10) {
                // U+0E50 is THAI DIGIT ZERO; the ten digits are contiguous.
                Some(d) if c.is_ascii_digit() => char::from_u32(0x0E50 + d).unwrap_or(c),
                _ => c,
            })
            .collect(),
    }
}

/// "24 พฤศจิกายน 2569" (Buddhist Era = CE + 543) for a CE date.
pub fn date_be(date: NaiveDate, d: Digits) -> String {
    banthuek_core::thai::dates::format_date(date, d)
}

/// "14.30 น."
pub fn time_th(time: NaiveTime, d: Digits) -> String {
    banthuek_core::thai::times::format_time(time, d)
}

/// An ISO date from the record printed in the Buddhist Era, or the text as given when it does not
/// parse (the record is printed as it is; the signing rules catch bad dates).
pub fn iso_date_be(iso: &str, d: Digits) -> String {
    match NaiveDate::parse_from_str(iso, "%Y-%m-%d") {
        Ok(date) => date_be(date, d),
        Err(_) => digits(iso, d),
    }
}

/// A record time "HH:MM" printed as "HH.MM น.", or as given when it does not parse.
pub fn hhmm_th(hhmm: &str, d: Digits) -> String {
    match NaiveTime::parse_from_str(hhmm, "%H:%M") {
        Ok(t) => time_th(t, d),
        Err(_) => digits(hhmm, d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buddhist_era_date_in_thai_digits() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(date_be(date, Digits::Thai), "๒๔ พฤศจิกายน ๒๕๖๙");
        assert_eq!(date_be(date, Digits::Arabic), "24 พฤศจิกายน 2569");
    }

    #[test]
    fn times_print_with_a_dot_and_nor() {
        assert_eq!(hhmm_th("14:30", Digits::Thai), "๑๔.๓๐ น.");
        assert_eq!(hhmm_th("09:05", Digits::Arabic), "09.05 น.");
        assert_eq!(hhmm_th("bad", Digits::Arabic), "bad");
    }
}
