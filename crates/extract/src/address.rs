//! Addresses and places: "บ้านเลขที่ 12 หมู่ 3 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่",
//! Bangkok's "แขวง … เขต … กรุงเทพมหานคร". Normalises the dictated form (abbreviations, "45 ทับ 7",
//! numbers said as words) and snaps a near-miss place name to the national registry.

use crate::lexicon::lexicons;
use banthuek_core::thai::numbers;

/// Administrative level words and the registry list their name belongs to.
#[derive(Clone, Copy)]
enum Level {
    Province,
    District,
    Subdistrict,
}

const LEVELS: &[(&str, Level)] = &[
    ("จังหวัด", Level::Province),
    ("อำเภอ", Level::District),
    ("เขต", Level::District),
    ("ตำบล", Level::Subdistrict),
    ("แขวง", Level::Subdistrict),
];

/// Words that end a place name (the next part of the address starts).
const STOPS: &[&str] = &[
    "จังหวัด",
    "อำเภอ",
    "เขต",
    "ตำบล",
    "แขวง",
    "ถนน",
    "หมู่",
    "ซอย",
    "กรุงเทพ",
    "บ้านเลขที่",
];

/// Abbreviations expanded in addresses (only before a Thai letter or digit, after a space).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("กทม.", "กรุงเทพมหานคร"),
    ("ต.", "ตำบล"),
    ("อ.", "อำเภอ"),
    ("จ.", "จังหวัด"),
    ("ถ.", "ถนน"),
    ("ซ.", "ซอย"),
    ("ม.", "หมู่ "),
];

/// The normalised place and the snapped names (heard → registry name).
pub fn normalise_place(raw: &str) -> (String, Vec<(String, String)>) {
    let s = expand_abbreviations(raw);
    let s = drop_number_periods(&s);
    let s = number_words_to_digits(&s);
    let s = join_slash(&s);
    snap_names(&s)
}

fn expand_abbreviations(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let at_start = i == 0 || s[..i].ends_with(' ');
        let mut done = false;
        if at_start {
            for (ab, full) in ABBREVIATIONS {
                if s[i..].starts_with(ab) {
                    let next = s[i + ab.len()..].trim_start().chars().next();
                    // Single-letter abbreviations only before a name or number; กทม. anywhere.
                    if ab.chars().count() > 2 || next.map(|c| c.is_alphanumeric()).unwrap_or(false)
                    {
                        out.push_str(full);
                        i += ab.len();
                        done = true;
                        break;
                    }
                }
            }
        }
        if !done {
            let c = s[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    if out.ends_with("กรุงเทพฯ") {
        out.truncate(out.len() - "กรุงเทพฯ".len());
        out.push_str("กรุงเทพมหานคร");
    }
    out
}

/// "12. หมู่ 3" → "12 หมู่ 3": the period speech recognition puts after a number that a word
/// follows (not "45.5" or "24.11.2569").
fn drop_number_periods(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let after_digit = out.ends_with(|d: char| d.is_ascii_digit());
        let next = s[i + c.len_utf8()..].trim_start().chars().next();
        if c == '.' && after_digit && next.is_none_or(|n| !n.is_ascii_digit()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// "45 ทับ 7" → "45/7".
pub fn join_slash(s: &str) -> String {
    let mut out = s.to_owned();
    while let Some(p) = out.find("ทับ") {
        let before = out[..p].trim_end();
        let after = out[p + "ทับ".len()..].trim_start();
        let ok = before
            .chars()
            .next_back()
            .map(|c| c.is_ascii_digit())
            .unwrap_or(false)
            && after
                .chars()
                .next()
                .map(|c| c.is_ascii_digit())
                .unwrap_or(false);
        if !ok {
            break;
        }
        out = format!("{before}/{after}");
    }
    out
}

/// "หมู่สาม" → "หมู่ 3", "บ้านเลขที่สิบสอง ทับ สาม" → "บ้านเลขที่ 12 ทับ 3", and a house number
/// said first: "ห้า หมู่ 11" → "5 หมู่ 11".
fn number_words_to_digits(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // The house number said first, before หมู่/ทับ/ซอย/ถนน…
    if let Some((n, used)) = numbers::scan_number(s) {
        let after = s[used..].trim_start();
        let house = ["หมู่", "ทับ", "ซอย", "ถนน", "ตำบล", "แขวง", "/"]
            .iter()
            .any(|w| after.starts_with(w));
        if house && !s.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(&n.to_string());
            rest = &s[used..];
        }
    }
    'outer: while !rest.is_empty() {
        for key in ["บ้านเลขที่", "เลขที่", "หมู่ที่", "หมู่", "ซอย", "ทับ"]
        {
            if let Some(after) = rest.strip_prefix(key) {
                out.push_str(key);
                let t = after.trim_start();
                let starts_word = t
                    .chars()
                    .next()
                    .map(|c| !c.is_ascii_digit())
                    .unwrap_or(false);
                if starts_word {
                    let scanned = numbers::scan_number(t).filter(|&(_, used)| {
                        let after = &t[used..];
                        after.is_empty()
                            || after.starts_with(' ')
                            || after.starts_with("ทับ")
                            || STOPS.iter().any(|w| after.starts_with(w))
                    });
                    if let Some((n, used)) = scanned {
                        out.push(' ');
                        out.push_str(&n.to_string());
                        rest = &t[used..];
                        continue 'outer;
                    }
                }
                rest = after;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn snap_names(s: &str) -> (String, Vec<(String, String)>) {
    let lex = lexicons();
    let mut out = String::with_capacity(s.len());
    let mut snapped = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let level = LEVELS.iter().find(|(w, _)| s[i..].starts_with(w));
        let Some(&(word, level)) = level else {
            let c = s[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
            continue;
        };
        out.push_str(word);
        i += word.len();
        let name_start = i + (s[i..].len() - s[i..].trim_start().len());
        let tail = &s[name_start..];
        let mut end = tail.find(' ').unwrap_or(tail.len());
        for stop in STOPS {
            if let Some(p) = tail[..end].find(stop) {
                if p > 0 {
                    end = end.min(p);
                }
            }
        }
        let name = &tail[..end];
        let list = match level {
            Level::Province => &lex.provinces,
            Level::District => &lex.districts,
            Level::Subdistrict => &lex.subdistricts,
        };
        match nearest(name, list) {
            Some(best) if best != name => {
                snapped.push((name.to_owned(), best.to_owned()));
                out.push_str(&s[i..name_start]);
                out.push_str(best);
            }
            _ => out.push_str(&s[i..name_start + end]),
        }
        i = name_start + end;
    }
    (out, snapped)
}

/// The registry name within one edit of `name` (two for long names), when `name` itself is not one.
fn nearest<'a>(name: &str, list: &'a [String]) -> Option<&'a str> {
    let n = name.chars().count();
    if n < 4 || lexicons().place_names.contains(name) {
        return None;
    }
    let allowed = if n >= 8 { 2 } else { 1 };
    let a: Vec<char> = name.chars().collect();
    let mut best: Option<(usize, &str)> = None;
    for cand in list {
        let b: Vec<char> = cand.chars().collect();
        if b.len().abs_diff(a.len()) > allowed {
            continue;
        }
        let d = levenshtein(&a, &b);
        if d <= allowed && best.map(|(bd, _)| d < bd).unwrap_or(true) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_and_snaps() {
        let (s, snapped) = normalise_place("45 ทับ 7 ต.สุเทพ อ.เมืองเชียงใหม จ.เชียงใหม่");
        assert_eq!(s, "45/7 ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่");
        assert_eq!(
            snapped,
            vec![("เมืองเชียงใหม".to_string(), "เมืองเชียงใหม่".to_string())]
        );
    }

    #[test]
    fn bangkok_and_words() {
        let (s, snapped) = normalise_place("บ้านเลขที่สิบสอง หมู่สาม แขวงบางซื่อ เขตบางซื่อ กทม.");
        assert_eq!(s, "บ้านเลขที่ 12 หมู่ 3 แขวงบางซื่อ เขตบางซื่อ กรุงเทพมหานคร");
        assert!(snapped.is_empty());
        let (s, _) = normalise_place("ห้า หมู่ สิบเอ็ด ตำบลสุเทพ");
        assert_eq!(s, "5 หมู่ 11 ตำบลสุเทพ");
        let (s, _) = normalise_place("บ้านเลขที่ 12. หมู่ 4.");
        assert_eq!(s, "บ้านเลขที่ 12 หมู่ 4");
        let (s, _) = normalise_place("บ้านเลขที่ สิบสอง ทับ สาม หมู่ 4");
        assert_eq!(s, "บ้านเลขที่ 12/3 หมู่ 4");
    }
}
