//! Arrestees: title and name, age, national ID or passport, nationality, address.

use crate::address::normalise_place;
use crate::lexicon::lexicons;
use crate::names;
use crate::provenance::{Tracker, DOUBTFUL, SURE};
use crate::sections::{self, Section, Segment};
use crate::text::{clean, strip_prefixes, strip_suffixes, tokens, trim, TRAILING_FILLERS};
use banthuek_core::record::Arrestee;
use banthuek_core::rules::{national_id_check_digit, national_id_is_valid};
use banthuek_core::thai::numbers;
use std::ops::Range;

/// Besides the number words, what a spoken ID may hold: เอ็ด, โท (two), ยี่, ขีด (a dash).
const NUMBER_WORDS_TOO: [&str; 4] = ["เอ็ด", "โท", "ยี่", "ขีด"];

/// A dictated ID that needs a person: the field, what was heard, proposed fixes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    pub pointer: String,
    pub heard: String,
    pub reason: String,
    pub proposals: Vec<String>,
}

/// Builds the arrestees from their segments, in order.
pub fn build(
    text: &str,
    segs: &[Segment],
    track: &mut Tracker,
    suggestions: &mut Vec<Suggestion>,
) -> Vec<Arrestee> {
    let mut out: Vec<Arrestee> = Vec::new();
    // true while the last arrestee was opened by an enumerator and has no name yet.
    let mut fresh = false;
    for seg in segs {
        let r = seg.body_range();
        match seg.section {
            Section::ArresteeNext => {
                if !(fresh && out.last().map(is_empty).unwrap_or(false)) {
                    out.push(Arrestee::default());
                }
                fresh = true;
            }
            Section::Arrestee => {
                if !(fresh && out.last().map(|a| a.first_name.is_none()).unwrap_or(false)) {
                    out.push(Arrestee::default());
                }
                fresh = false;
                let i = out.len() - 1;
                parse_name(text, r, &mut out[i], i, track);
            }
            Section::Age
            | Section::NationalId
            | Section::Passport
            | Section::Nationality
            | Section::Ethnicity
            | Section::Phone
            | Section::Address => {
                if out.is_empty() {
                    out.push(Arrestee::default());
                }
                let i = out.len() - 1;
                let a = &mut out[i];
                match seg.section {
                    Section::Age => parse_age(text, r, a, i, track),
                    Section::NationalId => parse_id(text, r, a, i, track, suggestions),
                    Section::Passport => parse_passport(text, r, a, i, track),
                    Section::Nationality => {
                        a.nationality = first_word(text, r, i, "nationality", track)
                    }
                    Section::Ethnicity => a.ethnicity = first_word(text, r, i, "ethnicity", track),
                    Section::Phone => parse_phone(text, r, a, i, track),
                    _ => parse_address(text, r, a, i, track),
                }
            }
            _ => {}
        }
    }
    out.retain(|a| !is_empty(a));
    out
}

fn is_empty(a: &Arrestee) -> bool {
    a == &Arrestee::default()
}

/// The full title for a dictated form at the start of `s`: (full, bytes used).
pub fn title_at(s: &str) -> Option<(&'static str, usize)> {
    let mut best: Option<(&'static str, usize)> = None;
    for (full, forms) in &lexicons().titles {
        for form in std::iter::once(full).chain(forms) {
            if s.starts_with(form.as_str()) && best.map(|b| form.len() > b.1).unwrap_or(true) {
                best = Some((full.as_str(), form.len()));
            }
        }
    }
    best
}

fn parse_name(text: &str, r: Range<usize>, a: &mut Arrestee, i: usize, track: &mut Tracker) {
    let r = trim(text, r);
    let mut rest = r.clone();
    if let Some((full, used)) = title_at(&text[r.clone()]) {
        a.title = Some(full.to_owned());
        track.fill(
            format!("/arrestees/{i}/title"),
            r.start..r.start + used,
            SURE,
        );
        rest = trim(text, r.start + used..r.end);
    }
    // Whole filler words only: a surname may end in และ (สาและ).
    let mut toks = tokens(text, rest);
    while toks
        .last()
        .map(|t| TRAILING_FILLERS.contains(&&text[t.clone()]))
        .unwrap_or(false)
    {
        toks.pop();
    }
    let Some(first) = toks.first() else { return };
    if toks.len() < 2 && !text[first.clone()].is_ascii() {
        // No space between first and last name: split on the name lists, or flag.
        let (given, family) =
            names::fill_glued(text, first.clone(), &format!("/arrestees/{i}"), track);
        a.first_name = Some(given);
        a.last_name = family;
        return;
    }
    a.first_name = Some(text[first.clone()].to_owned());
    if toks.len() < 2 {
        track.fill(
            format!("/arrestees/{i}/first_name"),
            first.clone(),
            DOUBTFUL,
        );
        return;
    }
    track.fill(format!("/arrestees/{i}/first_name"), first.clone(), SURE);
    let ascii = text[first.clone()].is_ascii();
    let last = if ascii {
        // Foreign names: everything after the first name, while it is Latin script.
        let end = toks[1..]
            .iter()
            .take_while(|t| text[(*t).clone()].is_ascii())
            .last()
            .map(|t| t.end)
            .unwrap_or(toks[1].end);
        toks[1].start..end
    } else if &text[toks[1].clone()] == "ณ" && toks.len() >= 3 {
        toks[1].start..toks[2].end
    } else if let Some(split) = glued_na(text, first.clone(), toks[1].clone()) {
        // "ประไพณ นคร": the ณ of "ณ นคร" glued to the given name.
        a.first_name = Some(text[first.start..split].to_owned());
        a.last_name = Some(format!("ณ {}", &text[toks[1].clone()]));
        let pointer = format!("/arrestees/{i}");
        let note = "ณ heard on the given name, moved to the family name: confirm / ได้ยิน ณ ติดชื่อ ย้ายไปนามสกุล โปรดตรวจสอบ";
        track
            .filled
            .retain(|f| f.pointer != format!("{pointer}/first_name"));
        track.fill_noted(
            format!("{pointer}/first_name"),
            first.start..split,
            DOUBTFUL,
            note,
            Vec::new(),
        );
        track.fill_noted(
            format!("{pointer}/last_name"),
            split..toks[1].end,
            DOUBTFUL,
            note,
            Vec::new(),
        );
        return;
    } else {
        toks[1].clone()
    };
    a.last_name = Some(clean(&text[last.clone()]));
    track.fill(format!("/arrestees/{i}/last_name"), last, SURE);
}

/// Where the ณ of a family name "ณ X" starts when it was heard glued to the given name
/// ("ประไพณ" "นคร"), if "ณ X" is a known family name and the given name is known without it.
fn glued_na(text: &str, first: Range<usize>, last: Range<usize>) -> Option<usize> {
    let f = text[first.clone()].strip_suffix('ณ')?;
    let lex = lexicons();
    let family = format!("ณ {}", &text[last]);
    (lex.family_names.contains(family.as_str()) && lex.given_names.contains(f))
        .then_some(first.start + f.len())
}

fn parse_age(text: &str, r: Range<usize>, a: &mut Arrestee, i: usize, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["ประมาณ", "ราว"]);
    if let Some((n, used)) = numbers::scan_number(&text[r.clone()]) {
        if n <= 130 {
            a.age = Some(n as u32);
            let span = r.start..r.start + used;
            let pointer = format!("/arrestees/{i}/age");
            // "อายุ สามสิบ หร้า ปี": words between the number and ปี were not read with it.
            let after = text[span.end..]
                .trim_start()
                .trim_start_matches('.')
                .trim_start();
            let window: String = after.chars().take(12).collect();
            let doubt = sections::unread_tail(text, span.end, &[]).or_else(|| {
                (!after.starts_with("ปี") && window.contains("ปี")).then(|| {
                    format!("only part of the age could be read, heard \"{}\" / อ่านอายุได้ไม่ครบ ได้ยินว่า \"{}\"", window.trim(), window.trim())
                })
            });
            match doubt {
                None => track.fill(pointer, span, SURE),
                Some(note) => track.fill_noted(pointer, span, DOUBTFUL, note, Vec::new()),
            }
        }
    }
}

/// The leading stretch of `text[r]` made of digits, spaces, dashes and number words.
fn digit_run(text: &str, r: Range<usize>) -> Range<usize> {
    let mut p = r.start;
    let mut last_good = r.start;
    'outer: while p < r.end {
        let rest = &text[p..r.end];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_ascii_digit() {
            p += 1;
            last_good = p;
            continue;
        }
        if c == ' ' || c == '-' {
            p += 1;
            continue;
        }
        for w in numbers::number_words().chain(NUMBER_WORDS_TOO) {
            if rest.starts_with(w) {
                p += w.len();
                last_good = p;
                continue 'outer;
            }
        }
        break;
    }
    r.start..last_good
}

fn parse_id(
    text: &str,
    r: Range<usize>,
    a: &mut Arrestee,
    i: usize,
    track: &mut Tracker,
    suggestions: &mut Vec<Suggestion>,
) {
    let r = strip_prefixes(text, r, &["เลขที่", "หมายเลข", "คือ"]);
    let run = digit_run(text, r);
    if run.is_empty() {
        return;
    }
    let Some(digits) = numbers::parse_digit_sequence(&text[run.clone()]) else {
        return;
    };
    let pointer = format!("/arrestees/{i}/national_id");
    if digits.len() != 13 {
        suggestions.push(Suggestion {
            pointer,
            heard: digits.clone(),
            reason: format!(
                "a national ID has 13 digits, {} were heard / เลขประจำตัวประชาชนต้องมี 13 หลัก ได้ยิน {} หลัก",
                digits.len(),
                digits.len()
            ),
            proposals: Vec::new(),
        });
        return;
    }
    a.national_id = Some(digits.clone());
    if national_id_is_valid(&digits) {
        track.fill(pointer, run, SURE);
        return;
    }
    let proposals = id_fixes(&digits);
    let reason = "the check digit does not match: confirm the number / เลขตรวจสอบไม่ถูกต้อง โปรดตรวจสอบเลขประจำตัวประชาชน";
    track.fill_noted(pointer.clone(), run, 0.3, reason, proposals.clone());
    suggestions.push(Suggestion {
        pointer,
        heard: digits,
        reason: reason.to_owned(),
        proposals,
    });
}

/// Valid IDs one slip away from `digits`: the check digit recomputed, or two neighbours swapped.
pub fn id_fixes(digits: &str) -> Vec<String> {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 13 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(check) = national_id_check_digit(&d[..12]) {
        out.push(format!("{}{}", &digits[..12], check));
    }
    for k in 0..12 {
        let mut s: Vec<char> = digits.chars().collect();
        s.swap(k, k + 1);
        let cand: String = s.into_iter().collect();
        if cand != digits && national_id_is_valid(&cand) && !out.contains(&cand) {
            out.push(cand);
        }
    }
    out
}

fn parse_passport(text: &str, r: Range<usize>, a: &mut Arrestee, i: usize, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["เลขที่", "หมายเลข", "เลข", "คือ", "no.", "No."]);
    let mut value = String::new();
    let mut span = r.start..r.start;
    for t in tokens(text, r) {
        let w = &text[t.clone()];
        if !w.chars().all(|c| c.is_ascii_alphanumeric()) || value.len() + w.len() > 12 {
            break;
        }
        value.push_str(w);
        span.end = t.end;
    }
    if value.len() >= 5 {
        a.passport = Some(value.to_ascii_uppercase());
        track.fill(format!("/arrestees/{i}/passport"), span, SURE);
    }
}

fn first_word(
    text: &str,
    r: Range<usize>,
    i: usize,
    field: &str,
    track: &mut Tracker,
) -> Option<String> {
    let r = strip_prefixes(text, r, &["เป็น"]);
    let t = tokens(text, r).into_iter().next()?;
    let w = strip_suffixes(text, t, TRAILING_FILLERS);
    if w.is_empty() {
        return None;
    }
    track.fill(format!("/arrestees/{i}/{field}"), w.clone(), SURE);
    Some(text[w].to_owned())
}

fn parse_phone(text: &str, r: Range<usize>, a: &mut Arrestee, i: usize, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["หมายเลข", "เบอร์", "คือ"]);
    let run = digit_run(text, r);
    if let Some(d) = numbers::parse_digit_sequence(&text[run.clone()]) {
        if (9..=10).contains(&d.len()) {
            a.phone = Some(d);
            track.fill(format!("/arrestees/{i}/phone"), run, SURE);
        }
    }
}

fn parse_address(text: &str, r: Range<usize>, a: &mut Arrestee, i: usize, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["ที่", "คือ"]);
    let r = strip_suffixes(text, r, TRAILING_FILLERS);
    if r.is_empty() {
        return;
    }
    let (value, snapped) = normalise_place(&text[r.clone()]);
    let pointer = format!("/arrestees/{i}/address");
    if snapped.is_empty() {
        track.fill(pointer, r, SURE);
    } else {
        track.fill_noted(pointer, r, DOUBTFUL, snap_note(&snapped), Vec::new());
    }
    a.address = Some(clean(&value));
}

/// Provenance note for place names snapped to the registry.
pub fn snap_note(snapped: &[(String, String)]) -> String {
    snapped
        .iter()
        .map(|(h, m)| {
            format!("heard \"{h}\", registry has \"{m}\" / ได้ยินว่า \"{h}\" ทะเบียนมี \"{m}\"")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_fixes_propose_valid_numbers() {
        // 1103700456783 is valid; a wrong last digit and a swap both come back.
        let fixes = id_fixes("1103700456784");
        assert!(fixes.contains(&"1103700456783".to_string()));
        assert!(fixes.iter().all(|f| national_id_is_valid(f)));
        let swapped = id_fixes("1013700456783");
        assert!(
            swapped.contains(&"1103700456783".to_string()),
            "{swapped:?}"
        );
    }

    #[test]
    fn titles_full_and_abbreviated() {
        assert_eq!(title_at("น.ส.มาลี"), Some(("นางสาว", "น.ส.".len())));
        assert_eq!(title_at("นางสาวมาลี").map(|t| t.0), Some("นางสาว"));
        assert_eq!(title_at("ด.ช.เอก").map(|t| t.0), Some("เด็กชาย"));
        assert_eq!(title_at("นางบุญ").map(|t| t.0), Some("นาง"));
    }
}
