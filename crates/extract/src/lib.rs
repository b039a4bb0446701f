//! Dictation → structured arrest record.
//!
//! [`extract`] reads a Thai transcript of a dictated arrest record (บันทึกการจับกุม) and fills an
//! exchange-format v1 [`ArrestRecord`], with provenance for every value it fills: the transcript
//! span (character offsets into the transcript as given), the audio span when per-segment timing is
//! supplied, and a confidence. Values below [`banthuek_core::record::LOW_CONFIDENCE`] — a snapped
//! near-miss, an ID whose check digit fails, a name said without a space — are listed in
//! [`Extraction::needs_confirmation`] and block signing until the officer confirms them. A failed
//! check digit is never fixed silently: the fixes are proposed in [`Extraction::suggestions`].
//!
//! How: normalise (NFC, Thai digits, known ASR misspellings, spaces), split into sections by the
//! words officers say ([`sections`]), then read each section with a typed parser. Dates, times and
//! numbers come from [`banthuek_core::thai`].
//!
//! The invariant, for transcripts as small speech models print them (ranks in full, numbers in
//! words or digit by digit, นาลิกา/นาทิ/สี for นาฬิกา/นาที/สี่, periods after numbers, spaces
//! dropped, names glued): every filled value is either right or below the confirmation
//! threshold with what was heard in its provenance note. Partial parses are never confident: an
//! hour whose minutes could not be read, a number whose words do not all read as one, a date or
//! age running into words that are not a value, "หกโมง" (06:00 or 18:00), a weekday that is not
//! the date's, a glued name that the name lists cannot split in exactly one way. The property
//! test `no_confident_value_is_wrong_under_noise` (tests/extract.rs) holds this over noisy
//! rewrites of the project's cases.
//!
//! [`directed`] fills one selected field from one utterance (field-directed dictation), and
//! [`commands`] recognises voice commands. The voice commands, recognised only as a whole
//! utterance (polite particles ครับ/ค่ะ and spaces ignored):
//!
//! | command | phrases |
//! |---|---|
//! | next field | ถัดไป, ช่องถัดไป, ข้อถัดไป, ไปช่องถัดไป, ต่อไป, ช่องต่อไป |
//! | previous field | ย้อนกลับ, ช่องก่อนหน้า, กลับช่องก่อน, ก่อนหน้า |
//! | delete last word | ลบคำล่าสุด, ลบคำสุดท้าย, ลบคำที่แล้ว, ลบคำเมื่อกี้ |
//! | new line | ขึ้นบรรทัดใหม่, บรรทัดใหม่, ขึ้นย่อหน้าใหม่, ย่อหน้าใหม่ |
//! | stop recording | หยุดบันทึก, หยุดอัด, หยุดบันทึกเสียง, หยุดอัดเสียง, จบการบันทึก |
//!
//! The full list, with English forms, is `assets/lexicons/voice-commands.tsv`.

pub mod address;
pub mod arrestees;
pub mod charges;
pub mod commands;
pub mod directed;
pub mod items;
pub mod lexicon;
pub mod names;
pub mod normalise;
pub mod officers;
pub mod provenance;
pub mod sections;
mod text;

pub use arrestees::Suggestion;
pub use charges::ChargeMatch;
pub use provenance::TimedSegment;

use banthuek_core::record::{
    Arrest, ArrestBasis, ArrestRecord, ArresteeStatement, Custody, Recorded, Right, Warrant,
    LOW_CONFIDENCE,
};
use chrono::NaiveDate;
use provenance::{Tracker, DOUBTFUL, LIKELY, SURE};
use sections::{read_date_phrase, read_time_phrase, scan_date_phrase, Section, Segment};
use serde::Serialize;
use std::ops::Range;
use text::{clean, strip_prefixes, strip_suffixes, trim, TRAILING_FILLERS};

/// What the extractor needs besides the transcript.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// The day of writing: "เมื่อวานนี้" is the day before.
    pub today: NaiveDate,
    /// Per-segment timing when the transcript came from audio.
    pub timing: Vec<TimedSegment>,
    /// Write the matched catalogue id into each charge's `code` (otherwise it is only proposed in
    /// [`Extraction::charge_matches`] and the provenance note, for the officer to accept).
    pub set_charge_codes: bool,
}

impl ExtractOptions {
    pub fn new(today: NaiveDate) -> Self {
        ExtractOptions {
            today,
            timing: Vec::new(),
            set_charge_codes: false,
        }
    }
}

/// The draft record and what the officer should look at.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub record: ArrestRecord,
    /// Proposed fixes that were not applied (an ID failing its check digit, a wrong length).
    pub suggestions: Vec<Suggestion>,
    /// Charges matched to the charge catalogue.
    pub charge_matches: Vec<ChargeMatch>,
    /// JSON pointers of filled values below the confidence threshold.
    pub needs_confirmation: Vec<String>,
}

/// Extracts a draft record from a transcript. Never fails: what cannot be read stays empty.
pub fn extract(transcript: &str, opts: &ExtractOptions) -> Extraction {
    let norm = normalise::normalise(transcript);
    let text = norm.text.as_str();
    let segs = sections::segment(text, opts.today);
    let mut track = Tracker::default();
    let mut record = ArrestRecord::default();
    let mut suggestions = Vec::new();

    let mut recorded = Recorded::default();
    let mut arrest = Arrest::default();
    let mut warrant = Warrant::default();
    // Where the warrant was first named: the basis of the arrest is heard there.
    let mut saw_warrant: Option<Range<usize>> = None;
    for seg in &segs {
        match seg.section {
            Section::RecordedPlace => fill_place(
                text,
                seg.body_range(),
                "/recorded/place",
                &mut recorded.place,
                &mut track,
            ),
            Section::RecordedDate => {
                let rest = fill_date(
                    text,
                    seg,
                    opts.today,
                    "/recorded/date",
                    &mut recorded.date,
                    &mut track,
                );
                if let Some(rest) = rest {
                    fill_time_at(text, rest, "/recorded/time", &mut recorded.time, &mut track);
                }
            }
            Section::RecordedTime => {
                fill_time_at(
                    text,
                    seg.start..seg.end,
                    "/recorded/time",
                    &mut recorded.time,
                    &mut track,
                );
            }
            Section::Officers => {
                officers::parse(text, seg.body_range(), &mut record.officers, &mut track)
            }
            Section::ArrestWhen => {
                let mut rest = seg.start..seg.end;
                if arrest.date.is_none() {
                    if text[seg.start..seg.end].starts_with("ในวันเดียวกัน")
                        || text[seg.start..seg.end].starts_with("วันเดียวกัน")
                    {
                        let same = recorded
                            .date
                            .clone()
                            .unwrap_or_else(|| opts.today.to_string());
                        let w = if text[seg.start..].starts_with("ใน") {
                            "ในวันเดียวกัน"
                        } else {
                            "วันเดียวกัน"
                        };
                        arrest.date = Some(same);
                        track.fill("/arrest/date", seg.start..seg.start + w.len(), LIKELY);
                        rest = seg.start + w.len()..seg.end;
                    } else if let Some(r) = fill_date(
                        text,
                        seg,
                        opts.today,
                        "/arrest/date",
                        &mut arrest.date,
                        &mut track,
                    ) {
                        rest = r;
                    }
                } else if let Some((_, e)) = scan_date_phrase(text, seg.start, opts.today) {
                    rest = e.min(seg.end)..seg.end;
                }
                let rest = fill_time_at(text, rest, "/arrest/time", &mut arrest.time, &mut track);
                fill_arrest_place(text, rest, &mut arrest, &mut track);
            }
            Section::ArrestTime => {
                let rest = fill_time_at(
                    text,
                    seg.start..seg.end,
                    "/arrest/time",
                    &mut arrest.time,
                    &mut track,
                );
                fill_arrest_place(text, rest, &mut arrest, &mut track);
            }
            Section::ArrestPlace => {
                fill_arrest_place(text, seg.body_range(), &mut arrest, &mut track)
            }
            Section::Warrant => {
                saw_warrant.get_or_insert(seg.start..seg.body);
                parse_warrant(text, seg.body_range(), &mut warrant, &mut track);
            }
            Section::WarrantDate => {
                fill_date(
                    text,
                    seg,
                    opts.today,
                    "/arrest/warrant/date",
                    &mut warrant.date,
                    &mut track,
                );
            }
            Section::Charges => {
                charges::parse(text, seg.body_range(), &mut record.charges, &mut track)
            }
            Section::Items => {
                items::parse(text, seg.body_range(), &mut record.seized_items, &mut track)
            }
            Section::Circumstances => {
                let r = strip_suffixes(text, seg.body_range(), TRAILING_FILLERS);
                if !r.is_empty() && record.circumstances.is_none() {
                    record.circumstances = Some(clean(&text[r.clone()]));
                    track.fill("/circumstances", r, SURE);
                }
            }
            _ => {}
        }
    }
    record.arrestees = arrestees::build(text, &segs, &mut track, &mut suggestions);
    if segs.iter().all(|s| s.section == Section::Ignored) {
        // No keyword at all: a lone "ยาบ้า จำนวน 200 เม็ด" is still a list of seized items.
        let mut lone = Tracker::default();
        let mut items = Vec::new();
        items::parse(text, 0..text.len(), &mut items, &mut lone);
        if items.iter().any(|i| i.quantity.is_some()) {
            record.seized_items = items;
            track.filled.extend(lone.filled);
        }
    }

    if let Some(said) = saw_warrant {
        arrest.basis = Some(ArrestBasis::Warrant);
        track.fill("/arrest/basis", said, SURE);
        if warrant != Warrant::default() {
            arrest.warrant = Some(warrant);
        }
    } else if let Some(p) = text.find("ซึ่งหน้า") {
        arrest.basis = Some(ArrestBasis::InTheAct);
        track.fill("/arrest/basis", p..p + "ซึ่งหน้า".len(), LIKELY);
    }
    if recorded != Recorded::default() {
        record.recorded = Some(recorded);
    }
    if arrest != Arrest::default() {
        record.arrest = Some(arrest);
    }
    if let Some((statement, r)) = statement(text, &segs) {
        record.arrestee_statement = Some(statement);
        track.fill("/arrestee_statement", r, SURE);
    }
    record.rights_notified = rights(text, &segs);
    record.custody = custody(text);

    let mut charge_matches = Vec::new();
    for (index, c) in record.charges.iter_mut().enumerate() {
        let Some(entry) = c.text.as_deref().and_then(charges::match_catalogue) else {
            continue;
        };
        charge_matches.push(ChargeMatch {
            index,
            code: entry.id.clone(),
            catalogue_text: entry.text.clone(),
            law: entry.law.clone(),
            section: entry.section.clone(),
        });
        if opts.set_charge_codes {
            c.code = Some(entry.id.clone());
        }
    }
    let mut provenance = track.into_provenance(&norm, &opts.timing);
    for m in &charge_matches {
        if let Some(p) = provenance.get_mut(&format!("/charges/{}/text", m.index)) {
            p.extra.insert(
                "catalogue".into(),
                serde_json::to_value(m).unwrap_or_default(),
            );
        }
    }
    let needs_confirmation = provenance
        .iter()
        .filter(|(_, p)| p.confidence.map(|c| c < LOW_CONFIDENCE).unwrap_or(false))
        .map(|(k, _)| k.clone())
        .collect();
    record.provenance = provenance;
    tracing::debug!(
        chars = transcript.chars().count(),
        sections = segs.len(),
        "transcript extracted"
    );
    Extraction {
        record,
        suggestions,
        charge_matches,
        needs_confirmation,
    }
}

fn fill_place(
    text: &str,
    r: Range<usize>,
    pointer: &str,
    slot: &mut Option<String>,
    track: &mut Tracker,
) {
    let r = strip_suffixes(text, r, TRAILING_FILLERS);
    if r.is_empty() || slot.is_some() {
        return;
    }
    let (value, snapped) = address::normalise_place(&text[r.clone()]);
    *slot = Some(clean(&value));
    if snapped.is_empty() {
        track.fill(pointer, r, SURE);
    } else {
        track.fill_noted(
            pointer,
            r,
            DOUBTFUL,
            arrestees::snap_note(&snapped),
            Vec::new(),
        );
    }
}

/// Fills a date from the segment start; returns the text after the date.
fn fill_date(
    text: &str,
    seg: &Segment,
    today: NaiveDate,
    pointer: &str,
    slot: &mut Option<String>,
    track: &mut Tracker,
) -> Option<Range<usize>> {
    let (reading, e) = read_date_phrase(text, seg.start, today)?;
    let e = e.min(seg.end);
    if slot.is_none() {
        *slot = Some(reading.date.format("%Y-%m-%d").to_string());
        let doubt = if reading.weekday_mismatch {
            Some("the weekday said is not the weekday of this date: confirm the date / วันในสัปดาห์ที่พูดไม่ตรงกับวันที่ โปรดตรวจสอบวันที่".to_owned())
        } else {
            sections::unread_tail(text, e, &["ปี", "พ.ศ.", "ค.ศ."])
        };
        match doubt {
            None => track.fill(pointer, seg.start..e, SURE),
            Some(note) => track.fill_noted(pointer, seg.start..e, DOUBTFUL, note, Vec::new()),
        }
    }
    Some(e..seg.end)
}

/// Fills a time at the start of `r` (after an optional "เวลา…"); returns what follows.
fn fill_time_at(
    text: &str,
    r: Range<usize>,
    pointer: &str,
    slot: &mut Option<String>,
    track: &mut Tracker,
) -> Range<usize> {
    let t = trim(text, r.clone());
    if t.is_empty() {
        return r;
    }
    match read_time_phrase(text, t.start) {
        Some((reading, e)) if e <= r.end => {
            if slot.is_none() {
                *slot = Some(reading.time.format("%H:%M").to_string());
                match time_doubt(text, t.start..e, reading.ambiguous) {
                    None => track.fill(pointer, t.start..e, SURE),
                    Some(note) => track.fill_noted(pointer, t.start..e, DOUBTFUL, note, Vec::new()),
                }
            }
            e..r.end
        }
        _ => r,
    }
}

/// Why a time read at `r` must be confirmed: its words fit two times, or minutes were said after
/// it that could not be read ("ยี่สิบนาฬิกา สีสิบนาที" read as 20:00).
fn time_doubt(text: &str, r: Range<usize>, ambiguous: bool) -> Option<String> {
    if ambiguous {
        return Some("six o'clock without morning or evening: 06:00 or 18:00? / หกโมงไม่ระบุเช้าหรือเย็น โปรดตรวจสอบเวลา".to_owned());
    }
    let said = &text[r.clone()];
    let minutes_read = said.contains("นาที")
        || said.contains("ครึ่ง")
        || said
            .as_bytes()
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && matches!(w[1], b'.' | b':') && w[2].is_ascii_digit());
    let window: String = text[r.end..].chars().take(30).collect();
    if !minutes_read && (window.contains("นาที") || window.trim_start().starts_with("ครึ่ง"))
    {
        let heard: String = text[r.start..]
            .chars()
            .take(said.chars().count() + 30)
            .collect();
        return Some(format!(
            "the minutes could not be read, heard \"{}\" / อ่านนาทีไม่ได้ ได้ยินว่า \"{}\"",
            heard.trim(),
            heard.trim()
        ));
    }
    sections::unread_tail(text, r.end, &[])
}

fn fill_arrest_place(text: &str, r: Range<usize>, arrest: &mut Arrest, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["โดย", "จับกุมได้", "จับกุม", "ได้", "ที่", "ณ"]);
    // The place ends where a clause about the arrest begins.
    // The longer clauses are found even when speech recognition dropped the space before them.
    let cut = [
        "ซึ่งเป็นความผิด",
        "อันเป็นความผิด",
        "ซึ่งหน้า",
        "ขณะที่",
        " ขณะ",
        " ซึ่งเป็น",
    ]
    .iter()
    .filter_map(|w| text[r.clone()].find(w))
    .min()
    .map(|p| r.start + p)
    .unwrap_or(r.end);
    let r = strip_suffixes(text, r.start..cut, TRAILING_FILLERS);
    if text[r.clone()].chars().count() < 3 {
        return;
    }
    fill_place(text, r, "/arrest/place", &mut arrest.place, track);
}

/// "ศาลจังหวัดพระนครศรีอยุธยา ที่ จ.215/2569" / "เลขที่ 88/2569 ของศาลอาญา".
fn parse_warrant(text: &str, r: Range<usize>, w: &mut Warrant, track: &mut Tracker) {
    let s = &text[r.clone()];
    let number = warrant_number(s);
    if let Some((n, nr)) = &number {
        if w.number.is_none() {
            w.number = Some(n.clone());
            track.fill(
                "/arrest/warrant/number",
                r.start + nr.start..r.start + nr.end,
                SURE,
            );
        }
    }
    if let Some(p) = s.find("ศาล") {
        let mut end = s.len();
        if let Some((_, nr)) = &number {
            if nr.start > p {
                end = nr.start;
            }
        }
        let court = strip_suffixes(
            text,
            r.start + p..r.start + end,
            &["เลขที่", "ที่", "ของ", "คดีหมายเลข", "หมายเลข"],
        );
        let court = strip_suffixes(text, court, TRAILING_FILLERS);
        if !court.is_empty() && w.court.is_none() {
            w.court = Some(clean(&text[court.clone()]));
            track.fill("/arrest/warrant/court", court, SURE);
        }
    }
}

/// The warrant number in `s` ("จ.215/2569", "88/2569", "215 ทับ 2569") and its byte range.
fn warrant_number(s: &str) -> Option<(String, Range<usize>)> {
    let bytes = s.as_bytes();
    // Find "digits / digits" with optional spaces or the word ทับ between.
    let mut i = 0;
    while i < s.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let a_end = i + s[i..].bytes().take_while(u8::is_ascii_digit).count();
            let rest = s[a_end..].trim_start();
            let sep = if rest.starts_with('/') {
                Some(1)
            } else if rest.starts_with("ทับ") {
                Some("ทับ".len())
            } else {
                None
            };
            if let Some(sl) = sep {
                let after = rest[sl..].trim_start();
                // The year after ทับ may be said in words ("ทับ สองห้าหกแปด").
                let (year, b_len) = match after.bytes().take_while(u8::is_ascii_digit).count() {
                    0 => banthuek_core::thai::numbers::scan_number(after)
                        .filter(|(n, _)| (1..=9999).contains(n))
                        .map(|(n, used)| (n.to_string(), used))
                        .unwrap_or_default(),
                    n => (after[..n].to_owned(), n),
                };
                if b_len > 0 {
                    let end = s.len() - after.len() + b_len;
                    // A prefix like "จ." or "อ.จ." sticks to the number.
                    let before = s[..i].trim_end();
                    let mut start = i;
                    if before.ends_with('.') {
                        let pre: String = before
                            .chars()
                            .rev()
                            .take_while(|c| *c == '.' || ('\u{0E01}'..='\u{0E2E}').contains(c))
                            .collect();
                        if pre.chars().count() <= 5 {
                            start = before.len() - pre.len();
                        }
                    }
                    let prefix: String = s[start..i].chars().filter(|c| *c != ' ').collect();
                    let value = format!("{prefix}{}/{year}", &s[i..a_end]);
                    return Some((value, start..end));
                }
            }
            i = a_end;
            continue;
        }
        i += 1;
    }
    None
}

/// The arrestee's answer: the last statement said outside the reading of rights.
fn statement(text: &str, segs: &[Segment]) -> Option<(ArresteeStatement, Range<usize>)> {
    let mut found = None;
    for seg in segs.iter().filter(|s| s.section == Section::Statement) {
        let window_end = (seg.start + 150).min(text.len());
        let mut we = window_end;
        while !text.is_char_boundary(we) {
            we -= 1;
        }
        let after = &text[seg.start..we];
        let before_start = seg.start.saturating_sub(120);
        let mut bs = before_start;
        while !text.is_char_boundary(bs) {
            bs += 1;
        }
        let before = &text[bs..seg.start];
        // "มีสิทธิที่จะให้การหรือไม่ให้การ" is the right being read, not the answer.
        let claimed = before.contains("ขอใช้สิทธิ");
        if !claimed && (before.trim_end().ends_with("หรือ") || before.contains("สิทธิ"))
        {
            continue;
        }
        let s = if after.starts_with("ให้การรับสารภาพ") || after.starts_with("รับสารภาพ")
        {
            if text[bs..seg.start].trim_end().ends_with("ไม่") {
                ArresteeStatement::Denied
            } else if after.contains("บางส่วน") || after.contains("บางข้อหา")
            {
                ArresteeStatement::Partial
            } else {
                ArresteeStatement::Confessed
            }
        } else if after.starts_with("ให้การปฏิเสธ") || after.starts_with("ปฏิเสธ")
        {
            ArresteeStatement::Denied
        } else if after.starts_with("ไม่ขอให้การ") || after.starts_with("ไม่ให้การ") || claimed
        {
            ArresteeStatement::Silent
        } else if after.starts_with("ให้การ") {
            let head: String = after.chars().take(40).collect();
            if head.contains("ชั้นศาล") || head.contains("ชั้นพนักงานสอบสวน")
            {
                ArresteeStatement::Silent
            } else {
                continue;
            }
        } else {
            continue;
        };
        let end = seg.start + after.find(' ').unwrap_or(after.len()).min(after.len());
        found = Some((s, seg.start..end.max(seg.start + 1)));
    }
    found
}

/// Rights read to the arrestee, from the part of the record after "แจ้งสิทธิ".
fn rights(text: &str, segs: &[Segment]) -> Vec<Right> {
    let Some(start) = segs
        .iter()
        .find(|s| s.section == Section::Rights)
        .map(|s| s.start)
    else {
        return Vec::new();
    };
    let s = &text[start..];
    let mut out = Vec::new();
    let mut add = |r: Right, words: &[&str]| {
        if words.iter().any(|w| s.contains(w)) && !out.contains(&r) {
            out.push(r);
        }
    };
    add(Right::Silence, &["ไม่ให้การ", "ให้การหรือไม่"]);
    add(Right::StatementAsEvidence, &["พยานหลักฐาน"]);
    add(Right::Lawyer, &["ทนายความ", "ทนาย"]);
    add(Right::LawyerPresent, &["เข้าฟัง"]);
    add(Right::NotifyRelative, &["ญาติ", "ผู้ซึ่งตนไว้วางใจ", "ผู้ที่ไว้วางใจ"]);
    add(Right::Visit, &["เยี่ยม", "ติดต่อ"]);
    add(Right::MedicalCare, &["รักษาพยาบาล", "เจ็บป่วย"]);
    out
}

/// Continuous audio-video recording of the arrest (Act B.E. 2565 s.22), when it is mentioned.
fn custody(text: &str) -> Option<Custody> {
    let p = text.find("บันทึกภาพและเสียง")?;
    let mut bs = p.saturating_sub(60);
    while !text.is_char_boundary(bs) {
        bs += 1;
    }
    let before = &text[bs..p];
    let not = before.contains("ไม่ได้") || before.contains("ไม่สามารถ");
    Some(Custody {
        recording_started: Some(!not),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warrant_numbers() {
        assert_eq!(
            warrant_number("ศาลจังหวัดสระบุรี ที่ 88/2569").map(|x| x.0),
            Some("88/2569".into())
        );
        assert_eq!(
            warrant_number("ที่ จ.215/2569 ลง").map(|x| x.0),
            Some("จ.215/2569".into())
        );
        assert_eq!(
            warrant_number("เลขที่ จ. 215 ทับ 2569").map(|x| x.0),
            Some("จ.215/2569".into())
        );
        assert_eq!(
            warrant_number("เลขที่ จ. 120 ทับ สองห้าหกแปดของศาล").map(|x| x.0),
            Some("จ.120/2568".into())
        );
    }
}
