//! Rewrites a clean dictation the way a small Thai speech model prints it, keeping what it says:
//! ranks said in full, IDs and phone numbers read digit by digit (as words or spaced digits),
//! ages, house numbers, หมู่, days, years, quantities and times said in words, นาลิกา / นาทิ / สี
//! for นาฬิกา / นาที / สี่, a period after some numbers ("14. นาลิกา"), spaces dropped between
//! words and given name glued to family name. The expected record of the clean case stays the
//! expected record of the noisy one.
//!
//! Shared by the property test (`tests/extract.rs`) and the noisy-set writer
//! (`examples/noisy_cases.rs`), so that both apply the same noise.

#![allow(dead_code)]

use banthuek_core::thai::digits::to_arabic;
use banthuek_core::thai::numbers::{to_words, DIGIT_WORDS};
use serde_json::Value;

const RANKS: &str = include_str!("../../../../assets/lexicons/ranks.tsv");

/// A small deterministic generator (SplitMix64): the same seed gives the same noise.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// How much of each noise class one rewrite applies (each a probability per occurrence).
#[derive(Debug, Clone, Copy)]
pub struct Noise {
    pub full_ranks: f64,
    pub numbers_in_words: f64,
    pub misspell: f64,
    pub periods: f64,
    pub drop_spaces: f64,
    pub glue_names: f64,
}

impl Noise {
    /// Noise classes switched on and off by the seed, at the strength seen in real transcripts.
    pub fn from_rng(rng: &mut Rng) -> Noise {
        let mut level = |on: f64, p: f64| if rng.chance(on) { p } else { 0.0 };
        Noise {
            full_ranks: level(0.7, 0.9),
            numbers_in_words: level(0.8, 0.7),
            misspell: level(0.7, 0.6),
            periods: level(0.5, 0.5),
            drop_spaces: level(0.6, 0.25),
            glue_names: level(0.5, 0.6),
        }
    }
}

const MONTH_WORDS: &[&str] = &[
    "มกรา",
    "กุมภา",
    "มีนา",
    "เมษา",
    "พฤษภา",
    "มิถุนา",
    "กรกฎา",
    "สิงหา",
    "กันยา",
    "ตุลา",
    "พฤศจิกา",
    "ธันวา",
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Words after which a number is counted: seized-item classifiers and measures.
const COUNTED: &[&str] = &[
    "เม็ด",
    "เครื่อง",
    "ถุง",
    "ห่อ",
    "กรัม",
    "กระบอก",
    "นัด",
    "คัน",
    "ใบ",
    "ซอง",
    "หลอด",
    "ชิ้น",
    "บาท",
    "อัน",
    "เล่ม",
    "ขวด",
    "แผง",
    "มัด",
    "ม้วน",
    "ลัง",
];

fn is_thai(c: char) -> bool {
    ('\u{0E01}'..='\u{0E4E}').contains(&c)
}

fn number_words(n: u64) -> String {
    to_words(n)
}

fn digit_by_digit(digits: &str, rng: &mut Rng) -> String {
    let ds: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    match rng.below(3) {
        0 => ds
            .iter()
            .map(|d| DIGIT_WORDS[*d as usize])
            .collect::<Vec<_>>()
            .join(" "),
        1 => ds.iter().map(|d| DIGIT_WORDS[*d as usize]).collect(),
        _ => ds
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A time said in words or half in words: "สิบสี่นาฬิกาสามสิบนาที", "14 นาฬิกา สามสิบ นาที",
/// "9. นาฬิกา 15 นาที".
fn time_words(h: u32, m: u32, rng: &mut Rng, noise: &Noise) -> String {
    let hw = if h == 0 {
        "ศูนย์".to_string()
    } else {
        number_words(u64::from(h))
    };
    let period = if rng.chance(noise.periods) { "." } else { "" };
    let mins = |words: bool| {
        if m == 0 {
            String::new()
        } else if words {
            format!("{}นาที", number_words(u64::from(m)))
        } else {
            format!("{m} นาที")
        }
    };
    match rng.below(4) {
        0 => format!("{hw}นาฬิกา{}", mins(true)),
        1 => format!("{h}{period} นาฬิกา {}", mins(false))
            .trim_end()
            .to_owned(),
        2 => format!("{h}{period} นาฬิกา {}", mins(true))
            .trim_end()
            .to_owned(),
        _ => format!("{hw} นาฬิกา {}", mins(true)).trim_end().to_owned(),
    }
}

/// The text right before byte `i`, the last `n` characters.
fn before(s: &str, i: usize, n: usize) -> String {
    let v: Vec<char> = s[..i].chars().rev().take(n).collect();
    v.into_iter().rev().collect()
}

/// Numbers rewritten by what they count (the context before and after them).
fn numbers(s: &str, rng: &mut Rng, noise: &Noise) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or(' ');
        if !c.is_ascii_digit() || (i > 0 && s[..i].ends_with(|c: char| c.is_ascii_digit())) {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        // Warrant and case numbers ("1234/2569"), decimals ("2.5"), grouped digits ("4,350"):
        // the digits before and after the mark stay digits, except a house number (below).
        let prev = s[..i].chars().next_back();
        if matches!(prev, Some('/' | '.' | ',')) {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        // "4,350": the whole grouped number.
        let grouped: String = s[i..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        let grouped = grouped.trim_end_matches(',');
        if grouped.contains(',') {
            let n: u64 = grouped.replace(',', "").parse().unwrap_or(0);
            let next_word = s[i + grouped.len()..].trim_start();
            if COUNTED.iter().any(|w| next_word.starts_with(w))
                && rng.chance(noise.numbers_in_words)
            {
                out.push_str(&number_words(n));
            } else {
                out.push_str(grouped);
            }
            i += grouped.len();
            continue;
        }
        // The run of digits, dashes inside (IDs "1-1037-00456-78-3"), and its end.
        let run_len = s[i..]
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '-')
            .last()
            .map(|(k, c)| k + c.len_utf8())
            .unwrap_or(0);
        let mut run = &s[i..i + run_len];
        while run.ends_with('-') {
            run = &run[..run.len() - 1];
        }
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        let end = i + run.len();
        let after = &s[end..];
        let ctx = before(s, i, 14);
        let ctx_t = ctx.trim_end();
        let words_ok = rng.chance(noise.numbers_in_words);
        // A written time "14.30 น." / "09.15 น.".
        if digits.len() <= 2 && (after.starts_with('.') || after.starts_with(':')) {
            let m_str: String = after[1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let rest = &after[1 + m_str.len()..];
            let suffix = rest.trim_start();
            if m_str.len() == 2 && (suffix.starts_with("น.") || suffix.starts_with("นาฬิกา"))
            {
                if words_ok {
                    let h: u32 = digits.parse().unwrap_or(0);
                    let m: u32 = m_str.parse().unwrap_or(0);
                    out.push_str(&time_words(h, m, rng, noise));
                    let skip = rest.len() - suffix.len()
                        + if suffix.starts_with("น.") {
                            "น.".len()
                        } else {
                            "นาฬิกา".len()
                        };
                    i = end + 1 + m_str.len() + skip;
                    continue;
                }
                out.push_str(&s[i..end + 1 + m_str.len()]);
                i = end + 1 + m_str.len();
                continue;
            }
            // A date "24/11/2569" or a decimal: left alone.
            let tail: String = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':' | '/'))
                .collect();
            out.push_str(run);
            out.push_str(&tail);
            i = end + tail.len();
            continue;
        }
        if after.starts_with('/') || after.starts_with(',') {
            // "15/3" as "สิบห้า ทับ สาม" in an address, otherwise left alone.
            let rhs: String = after[1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let house =
                ctx_t.ends_with("ที่อยู่") || ctx_t.ends_with("เลขที่") || ctx_t.ends_with("ที่อยู่ที่");
            if after.starts_with('/') && house && !rhs.is_empty() && words_ok {
                let a: u64 = digits.parse().unwrap_or(0);
                let b: u64 = rhs.parse().unwrap_or(0);
                out.push_str(&format!("{} ทับ {}", number_words(a), number_words(b)));
                i = end + 1 + rhs.len();
                continue;
            }
            let tail: String = after
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '/' | ','))
                .collect();
            out.push_str(run);
            out.push_str(&tail);
            i = end + tail.len();
            continue;
        }
        let n: u64 = digits.parse().unwrap_or(0);
        let next_word = after.trim_start();
        // Said in words, or left in digits with (sometimes) a period after them ("35. ปี").
        let period = after.starts_with(' ') && rng.chance(noise.periods);
        let in_words_or_period = |words_ok: bool, words: String| {
            if words_ok {
                Some(words)
            } else if period {
                Some(format!("{digits}."))
            } else {
                None
            }
        };
        let replaced: Option<String> = if digits.len() == 13
            || (digits.starts_with('0') && (9..=10).contains(&digits.len()))
        {
            // National IDs and phone numbers: digit by digit.
            rng.chance(noise.numbers_in_words.max(0.3))
                .then(|| digit_by_digit(&digits, rng))
        } else if digits.len() >= 9 || run.contains('-') || digits.starts_with('0') {
            // Passports, other long numbers, dashed and zero-led numbers stay as written.
            None
        } else if ctx_t.ends_with("อายุ")
            || ctx_t.ends_with("อายุประมาณ")
            || ctx_t.ends_with("เลขที่")
            || ctx_t.ends_with("หมู่")
            || ctx_t.ends_with("ที่อยู่")
            || ctx_t.ends_with("ที่อยู่ที่")
        {
            // Ages, house numbers, หมู่.
            in_words_or_period(words_ok, number_words(n))
        } else if digits.len() == 4 && (digits.starts_with("25") || digits.starts_with("20")) {
            let words = if rng.chance(0.5) {
                number_words(n)
            } else {
                digit_by_digit(&digits, &mut Rng::new(2))
            };
            in_words_or_period(words_ok, words)
        } else if digits.len() <= 2
            && (1..=31).contains(&n)
            && (next_word.starts_with(|c: char| is_thai(c))
                && (banthuek_core::thai::dates::month_prefix(next_word)
                    || MONTH_WORDS.iter().any(|m| next_word.starts_with(m))))
        {
            in_words_or_period(words_ok, number_words(n))
        } else if COUNTED.iter().any(|w| next_word.starts_with(w)) && n > 0 {
            // The period lands after digits ("1. กระบอก"), never after words.
            Some(if words_ok {
                number_words(n)
            } else if rng.chance(noise.periods) {
                format!("{digits}.")
            } else {
                digits.clone()
            })
        } else {
            None
        };
        match replaced {
            Some(r) => out.push_str(&r),
            None => out.push_str(run),
        }
        i = end;
    }
    out
}

/// นาฬิกา → นาลิกา, นาที → นาทิ, สี่ → สี (in numbers), with probability `p` each.
fn misspell(s: &str, rng: &mut Rng, p: f64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if rest.starts_with("นาฬิกา") && rng.chance(p) {
            out.push_str("นาลิกา");
            i += "นาฬิกา".len();
        } else if rest.starts_with("นาที") && !s[..i].ends_with("วิ") && rng.chance(p) {
            out.push_str("นาทิ");
            i += "นาที".len();
        } else if rest.starts_with("สี่") && in_number(s, i) && rng.chance(p) {
            out.push_str("สี");
            i += "สี่".len();
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// "สี่" at `i` is part of a number (not "สี่แยก").
fn in_number(s: &str, i: usize) -> bool {
    let after = &s[i + "สี่".len()..];
    numberish_end(&s[..i])
        || numberish_start(after)
        || ["นาฬิกา", "นาที", " "].iter().any(|w| after.starts_with(w))
}

fn full_ranks(s: &str, rng: &mut Rng, p: f64) -> String {
    let mut ranks: Vec<(String, String)> = RANKS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((f.next()?.trim().to_owned(), f.next()?.trim().to_owned()))
        })
        .collect();
    ranks.sort_by_key(|(a, _)| std::cmp::Reverse(a.len()));
    let mut out = String::with_capacity(s.len() * 2);
    let mut i = 0;
    'outer: while i < s.len() {
        for (abbr, full) in &ranks {
            let at_word = i == 0 || s[..i].ends_with(' ');
            if at_word && s[i..].starts_with(abbr.as_str()) {
                if rng.chance(p) {
                    out.push_str(full);
                } else {
                    out.push_str(abbr);
                }
                i += abbr.len();
                continue 'outer;
            }
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn glue_names(s: &str, expected: &Value, rng: &mut Rng, p: f64) -> String {
    let mut s = s.to_owned();
    for group in ["arrestees", "officers"] {
        for person in expected[group].as_array().into_iter().flatten() {
            let (Some(f), Some(l)) = (person["first_name"].as_str(), person["last_name"].as_str())
            else {
                continue;
            };
            let spaced = format!("{f} {l}");
            if !f.is_ascii() && s.contains(&spaced) && rng.chance(p) {
                s = s.replacen(&spaced, &format!("{f}{l}"), 1);
            }
        }
    }
    s
}

/// Number words and digits: a space between two of them is never dropped (two numbers would
/// run into one).
fn numberish_end(s: &str) -> bool {
    s.ends_with(|c: char| c.is_ascii_digit())
        || DIGIT_WORDS.iter().any(|w| s.ends_with(w))
        || ["สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน", "เอ็ด", "สี"]
            .iter()
            .any(|w| s.ends_with(w))
}

fn numberish_start(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        || DIGIT_WORDS.iter().any(|w| s.starts_with(w))
        || ["สิบ", "ร้อย", "พัน", "หมื่น", "แสน", "ล้าน", "เอ็ด", "ยี่", "สี"]
            .iter()
            .any(|w| s.starts_with(w))
}

fn drop_spaces(s: &str, rng: &mut Rng, p: f64) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == ' ' {
            let prev = s[..i].chars().next_back();
            let next = s[i + 1..].chars().next();
            let thai_both = prev.is_some_and(is_thai) && next.is_some_and(is_thai);
            let numbers_both = numberish_end(&s[..i]) && numberish_start(&s[i + 1..]);
            if thai_both && !numbers_both && rng.chance(p) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The noisy rewrite of `transcript` whose clean expected record is `expected`.
pub fn noisy(transcript: &str, expected: &Value, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let noise = Noise::from_rng(&mut rng);
    let s = to_arabic(transcript);
    let s = full_ranks(&s, &mut rng, noise.full_ranks);
    let s = numbers(&s, &mut rng, &noise);
    let s = misspell(&s, &mut rng, noise.misspell);
    let s = glue_names(&s, expected, &mut rng, noise.glue_names);
    drop_spaces(&s, &mut rng, noise.drop_spaces)
}
