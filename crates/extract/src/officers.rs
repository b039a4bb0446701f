//! Arresting officers: "ร.ต.อ. สมศักดิ์ รักชาติ รองสารวัตรสืบสวน สถานีตำรวจภูธรเมืองเชียงใหม่ และ
//! ส.ต.อ. วีระพงษ์ ทองดี ผู้บังคับหมู่". Each rank starts an officer; the name follows; a known
//! position word starts the position and a unit word starts the unit.

use crate::lexicon::lexicons;
use crate::names;
use crate::provenance::{Tracker, LIKELY, SURE};
use crate::sections::match_rank;
use crate::text::{clean, strip_suffixes, tokens, trim};
use banthuek_core::record::{Officer, OfficerRole};
use std::ops::Range;

const OFFICER_FILLERS: &[&str] = &[
    "และ",
    "กับ",
    "พร้อมพวก",
    "พร้อมด้วย",
    "พร้อม",
    "ร่วมกับ",
    "ซึ่งเป็น",
    "เป็น",
    "โดยมี",
    "ได้",
    "ทั้งหมด",
];

/// Parses the officers said in `text[r]`, appending them to `out` (pointer indices continue).
pub fn parse(text: &str, r: Range<usize>, out: &mut Vec<Officer>, track: &mut Tracker) {
    // Rank positions split the stretch into one chunk per officer.
    let mut ranks: Vec<(usize, usize, String)> = Vec::new();
    let mut pos = r.start;
    while pos < r.end {
        match match_rank(text, pos).filter(|(_, e)| *e <= r.end) {
            Some((abbr, e)) => {
                ranks.push((pos, e, abbr));
                pos = e;
            }
            None => pos += text[pos..].chars().next().map(char::len_utf8).unwrap_or(1),
        }
    }
    for (k, (start, rank_end, abbr)) in ranks.iter().enumerate() {
        let chunk_end = ranks.get(k + 1).map(|n| n.0).unwrap_or(r.end);
        let i = out.len();
        let mut officer = Officer {
            rank: Some(abbr.clone()),
            ..Default::default()
        };
        track.fill(format!("/officers/{i}/rank"), *start..*rank_end, SURE);
        let mut rest = strip_suffixes(text, *rank_end..chunk_end, OFFICER_FILLERS);
        // "… ผู้บันทึก" marks the recorder.
        for (word, role) in [
            ("เป็นผู้บันทึก", OfficerRole::Recorder),
            ("ผู้บันทึก", OfficerRole::Recorder),
        ] {
            if let Some(p) = text[rest.clone()].find(word) {
                officer.role = Some(role);
                track.fill(
                    format!("/officers/{i}/role"),
                    rest.start + p..rest.start + p + word.len(),
                    LIKELY,
                );
                rest = strip_suffixes(text, rest.start..rest.start + p, OFFICER_FILLERS);
                break;
            }
        }
        let unit_at = earliest(text, rest.clone(), &lexicons().units);
        let pos_at = earliest(
            text,
            rest.start..unit_at.unwrap_or(rest.end),
            &lexicons().positions,
        );
        let name_end = pos_at.or(unit_at).unwrap_or(rest.end);
        let name_toks = tokens(text, rest.start..name_end);
        let mut leftover: Option<Range<usize>> = None;
        if let [word] = &name_toks[..] {
            // Given name and family name said as one word.
            let (given, family) =
                names::fill_glued(text, word.clone(), &format!("/officers/{i}"), track);
            officer.first_name = Some(given);
            officer.last_name = family;
        } else if let Some(first) = name_toks.first() {
            officer.first_name = Some(text[first.clone()].to_owned());
            track.fill(format!("/officers/{i}/first_name"), first.clone(), SURE);
        }
        if name_toks.len() >= 2 {
            // "ณ อยุธยา" is one surname.
            let mut last = name_toks[1].clone();
            let mut used = 2;
            if &text[last.clone()] == "ณ" && name_toks.len() >= 3 {
                last = last.start..name_toks[2].end;
                used = 3;
            }
            officer.last_name = Some(clean(&text[last.clone()]));
            track.fill(format!("/officers/{i}/last_name"), last, SURE);
            if name_toks.len() > used {
                leftover = Some(name_toks[used].start..name_end);
            }
        }
        let position = match (pos_at, leftover) {
            (Some(p), _) => Some(p..unit_at.unwrap_or(rest.end)),
            (None, Some(l)) => Some(l),
            _ => None,
        };
        if let Some(p) = position.map(|p| strip_suffixes(text, p, OFFICER_FILLERS)) {
            if !p.is_empty() {
                officer.position = Some(clean(&text[p.clone()]));
                track.fill(format!("/officers/{i}/position"), p, SURE);
            }
        }
        if let Some(u) = unit_at {
            let u = trim(text, u..rest.end);
            if !u.is_empty() {
                officer.unit = Some(clean(&text[u.clone()]));
                track.fill(format!("/officers/{i}/unit"), u, SURE);
            }
        }
        out.push(officer);
    }
}

/// Byte offset of the earliest occurrence of any word in `text[r]`.
fn earliest(text: &str, r: Range<usize>, words: &[String]) -> Option<usize> {
    if r.is_empty() {
        return None;
    }
    words
        .iter()
        .filter_map(|w| text[r.clone()].find(w.as_str()).map(|p| r.start + p))
        .min()
}
