//! Splits a normalised transcript into sections by the keywords officers say (สถานที่บันทึก, วันที่,
//! ผู้จับกุม, ได้จับกุมตัว, อายุ, ที่อยู่, ตามหมายจับ, ข้อหา, ของกลาง, พฤติการณ์ …). The same word means
//! different things at different points of the record ("วันที่" is the day of writing before the
//! officers and the day of arrest after the arrestees), so the scanner keeps a phase and accepts a
//! keyword only where it makes sense there. Dates and times are accepted only where one parses.

use crate::lexicon::lexicons;
use banthuek_core::thai::{dates, numbers, times};
use chrono::NaiveDate;
use std::ops::Range;

/// What a stretch of the transcript fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Ignored,
    RecordedPlace,
    RecordedDate,
    RecordedTime,
    Officers,
    /// A new arrestee (title and name).
    Arrestee,
    /// "1." / "ผู้ต้องหาที่ 2": the next arrestee starts.
    ArresteeNext,
    Age,
    NationalId,
    Passport,
    Nationality,
    Ethnicity,
    Phone,
    Address,
    /// Date (and maybe time and place) of arrest.
    ArrestWhen,
    ArrestTime,
    ArrestPlace,
    Warrant,
    WarrantDate,
    Charges,
    Items,
    Circumstances,
    Rights,
    Statement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Start,
    Recorded,
    Officers,
    Arrestees,
    Arrest,
    Narrative,
    Tail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Header,
    RecordedPlace,
    WarrantDate,
    Date,
    ArrestWhen,
    Time,
    Officers,
    ArrestVerb,
    Suspect,
    Age,
    NationalId,
    Passport,
    Nationality,
    Ethnicity,
    Phone,
    Parent,
    OtherDetail,
    Address,
    Warrant,
    ArrestPlace,
    Charges,
    Items,
    Narrative,
    Rights,
    Closing,
    Statement,
}

/// Keyword → marker. `consume` = how many chars of the keyword belong to the marker itself (the
/// rest is the start of the value, e.g. "บ้านเลขที่" stays in the address); `None` = all.
const MARKERS: &[(&str, Marker, Option<usize>)] = &[
    ("บันทึกการจับกุม", Marker::Header, None),
    ("สถานที่บันทึก", Marker::RecordedPlace, None),
    ("สถานที่เขียน", Marker::RecordedPlace, None),
    ("เขียนที่", Marker::RecordedPlace, None),
    ("บันทึกที่", Marker::RecordedPlace, None),
    ("ลงวันที่", Marker::WarrantDate, None),
    ("วันที่", Marker::Date, Some(0)),
    ("โดยจับกุมได้เมื่อ", Marker::ArrestWhen, None),
    ("โดยจับกุมเมื่อ", Marker::ArrestWhen, None),
    ("จับกุมตัวได้เมื่อ", Marker::ArrestWhen, None),
    ("จับกุมได้เมื่อ", Marker::ArrestWhen, None),
    ("จับกุมเมื่อ", Marker::ArrestWhen, None),
    ("จับได้เมื่อ", Marker::ArrestWhen, None),
    ("ถูกจับเมื่อ", Marker::ArrestWhen, None),
    ("เมื่อ", Marker::ArrestWhen, None),
    ("ในวันเดียวกัน", Marker::ArrestWhen, Some(0)),
    ("วันเดียวกัน", Marker::ArrestWhen, Some(0)),
    ("ราวเวลา", Marker::Time, Some(0)),
    ("เวลาประมาณ", Marker::Time, Some(0)),
    ("เวลา", Marker::Time, Some(0)),
    ("เจ้าพนักงานตำรวจผู้จับกุม", Marker::Officers, None),
    ("เจ้าพนักงานผู้จับกุม", Marker::Officers, None),
    ("เจ้าหน้าที่ตำรวจผู้จับกุม", Marker::Officers, None),
    ("เจ้าหน้าที่ผู้จับกุม", Marker::Officers, None),
    ("ชุดจับกุมประกอบด้วย", Marker::Officers, None),
    ("ชุดจับกุม", Marker::Officers, None),
    ("ผู้ร่วมจับกุม", Marker::Officers, None),
    ("ผู้จับกุม", Marker::Officers, None),
    ("ข้าพเจ้า", Marker::Officers, None),
    ("ได้ร่วมกันจับกุมตัว", Marker::ArrestVerb, None),
    ("ร่วมกันจับกุมตัว", Marker::ArrestVerb, None),
    ("ได้ร่วมกันจับกุม", Marker::ArrestVerb, None),
    ("ร่วมกันจับกุม", Marker::ArrestVerb, None),
    ("ได้ทำการจับกุมตัว", Marker::ArrestVerb, None),
    ("ได้ทำการจับกุม", Marker::ArrestVerb, None),
    ("ทำการจับกุมตัว", Marker::ArrestVerb, None),
    ("ทำการจับกุม", Marker::ArrestVerb, None),
    ("ได้จับกุมตัว", Marker::ArrestVerb, None),
    ("ได้จับกุม", Marker::ArrestVerb, None),
    ("จับกุมตัว", Marker::ArrestVerb, None),
    ("จับกุม", Marker::ArrestVerb, None),
    ("ได้จับตัว", Marker::ArrestVerb, None),
    ("ผู้ต้องหา", Marker::Suspect, None),
    ("ผู้ถูกจับกุม", Marker::Suspect, None),
    ("ผู้ถูกจับ", Marker::Suspect, None),
    ("ผู้ต้องสงสัย", Marker::Suspect, None),
    ("อายุประมาณ", Marker::Age, None),
    ("อายุ", Marker::Age, None),
    ("เลขบัตรประจำตัวประชาชน", Marker::NationalId, None),
    ("บัตรประจำตัวประชาชนเลขที่", Marker::NationalId, None),
    ("บัตรประจำตัวประชาชนเลข", Marker::NationalId, None),
    ("เลขประจำตัวประชาชน", Marker::NationalId, None),
    ("บัตรประชาชนเลขที่", Marker::NationalId, None),
    ("เลขบัตรประชาชน", Marker::NationalId, None),
    ("เลขประจำตัว", Marker::NationalId, None),
    ("หนังสือเดินทางเลขที่", Marker::Passport, None),
    ("เลขหนังสือเดินทาง", Marker::Passport, None),
    ("หนังสือเดินทาง", Marker::Passport, None),
    ("พาสปอร์ต", Marker::Passport, None),
    ("passport", Marker::Passport, None),
    ("สัญชาติ", Marker::Nationality, None),
    ("เชื้อชาติ", Marker::Ethnicity, None),
    ("หมายเลขโทรศัพท์", Marker::Phone, None),
    ("เบอร์โทรศัพท์", Marker::Phone, None),
    ("เบอร์โทร", Marker::Phone, None),
    ("โทรศัพท์หมายเลข", Marker::Phone, None),
    ("บิดาชื่อ", Marker::Parent, None),
    ("มารดาชื่อ", Marker::Parent, None),
    ("บิดา", Marker::Parent, None),
    ("มารดา", Marker::Parent, None),
    ("อาชีพ", Marker::OtherDetail, None),
    ("ศาสนา", Marker::OtherDetail, None),
    ("ที่อยู่ปัจจุบัน", Marker::Address, None),
    ("ที่อยู่ตามทะเบียนบ้าน", Marker::Address, None),
    ("ที่อยู่", Marker::Address, None),
    ("ภูมิลำเนา", Marker::Address, None),
    ("อาศัยอยู่ที่", Marker::Address, None),
    ("อาศัยอยู่", Marker::Address, None),
    ("อยู่บ้านเลขที่", Marker::Address, Some(4)),
    ("อยู่ที่", Marker::Address, None),
    ("บ้านเลขที่", Marker::Address, Some(0)),
    ("โดยอาศัยอำนาจตามหมายจับ", Marker::Warrant, None),
    ("ตามหมายจับ", Marker::Warrant, None),
    ("หมายจับ", Marker::Warrant, None),
    ("สถานที่จับกุม", Marker::ArrestPlace, None),
    ("จับกุมตัวได้ที่", Marker::ArrestPlace, None),
    ("จับกุมได้ที่", Marker::ArrestPlace, None),
    ("จับกุมที่", Marker::ArrestPlace, None),
    ("โดยกล่าวหาว่า", Marker::Charges, None),
    ("แจ้งข้อกล่าวหาว่า", Marker::Charges, None),
    ("กล่าวหาว่า", Marker::Charges, None),
    ("ในข้อหา", Marker::Charges, None),
    ("ข้อหา", Marker::Charges, None),
    ("ในความผิดฐาน", Marker::Charges, None),
    ("ความผิดฐาน", Marker::Charges, None),
    ("ฐานความผิด", Marker::Charges, None),
    ("ตรวจยึดของกลาง", Marker::Items, None),
    ("ยึดของกลาง", Marker::Items, None),
    ("พร้อมของกลาง", Marker::Items, None),
    ("ของกลาง", Marker::Items, None),
    ("ตรวจยึด", Marker::Items, None),
    ("พฤติการณ์ในการจับกุม", Marker::Narrative, None),
    ("พฤติการณ์แห่งการจับกุม", Marker::Narrative, None),
    ("พฤติการณ์การจับกุม", Marker::Narrative, None),
    ("พฤติการณ์", Marker::Narrative, None),
    ("ได้แจ้งสิทธิ", Marker::Rights, None),
    ("แจ้งให้ทราบถึงสิทธิ", Marker::Rights, None),
    ("แจ้งสิทธิ", Marker::Rights, None),
    ("อนึ่ง", Marker::Closing, None),
    ("ให้การรับสารภาพ", Marker::Statement, Some(0)),
    ("ให้การปฏิเสธ", Marker::Statement, Some(0)),
    ("ไม่ขอให้การ", Marker::Statement, Some(0)),
    ("ไม่ให้การ", Marker::Statement, Some(0)),
    ("ให้การ", Marker::Statement, Some(0)),
    ("รับสารภาพ", Marker::Statement, Some(0)),
    ("ปฏิเสธ", Marker::Statement, Some(0)),
];

/// A stretch of the normalised text: `start..end` in all, the value in `body..end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub section: Section,
    pub start: usize,
    pub body: usize,
    pub end: usize,
}

impl Segment {
    pub fn body_range(&self) -> Range<usize> {
        self.body..self.end
    }
}

/// Matches `pat` at byte `pos` of `text`, letting ASR put single spaces between the characters of a
/// long keyword ("เลขประจำตัว ประชาชน"). Returns the byte end of the match.
pub fn match_keyword(text: &str, pos: usize, pat: &str) -> Option<usize> {
    let loose = pat.chars().count() >= 5;
    let mut it = text[pos..].char_indices().peekable();
    let mut end = pos;
    let mut first = true;
    for pc in pat.chars() {
        if pc == ' ' {
            while let Some(&(_, ' ')) = it.peek() {
                it.next();
            }
            continue;
        }
        if loose && !first {
            if let Some(&(_, ' ')) = it.peek() {
                it.next();
            }
        }
        let (i, c) = it.next()?;
        if !c.eq_ignore_ascii_case(&pc) {
            return None;
        }
        end = pos + i + c.len_utf8();
        first = false;
    }
    Some(end)
}

/// Words that may follow a value with no space between them in a transcript (spaces dropped by
/// speech recognition): keywords, titles, months, classifiers and the small words of a record.
/// A value that runs into anything else may have been cut short.
pub fn glued_word_ok(rest: &str) -> bool {
    const COMMON: &[&str] = &[
        "ที่",
        "ณ",
        "โดย",
        "ได้",
        "และ",
        "ซึ่ง",
        "เวลา",
        "ปี",
        "บริเวณ",
        "หน้า",
        "ใน",
        "จึง",
        "พร้อม",
        "ขณะ",
        "นาฬิกา",
        "น.",
        "นาที",
        "วินาที",
        "โมง",
        "ทุ่ม",
        "เดือน",
        "พ.ศ.",
        "ค.ศ.",
        "ตรง",
        "ครึ่ง",
        "เช้า",
        "เย็น",
        "บ่าย",
        "คืน",
        "กับ",
        "ถนน",
        "ซอย",
        "หมู่",
        "ตำบล",
        "อำเภอ",
        "จังหวัด",
        "แขวง",
        "เขต",
        "บ้าน",
        "ร้าน",
        "ตลาด",
        "คน",
        "ราย",
        "เศษ",
        "กว่า",
        "จำนวน",
        "รวม",
        "ทับ",
        "ขึ้น",
        "ลง",
        "ก่อน",
        "หลัง",
        "ต่อ",
        "นาย",
        "นาง",
        "ข้อ",
        "ของ",
        "เป็น",
    ];
    let lex = lexicons();
    COMMON.iter().any(|w| rest.starts_with(w))
        || marker_at(rest, 0).is_some()
        || lex.classifiers.iter().any(|w| rest.starts_with(w.as_str()))
        || lex.titles.iter().any(|(t, _)| rest.starts_with(t.as_str()))
        || dates::month_prefix(rest)
        || numbers::scan_number(rest).is_some()
}

/// When the words right after a value at `end` look like more of it that could not be read
/// ("… สิบห้านาฬิกา สีสิบห้า นาที", "… สองพันห้าร้อยหกสิบเจ็ต"), a note saying what was heard.
/// `more`: words that would continue the value.
pub fn unread_tail(text: &str, end: usize, more: &[&str]) -> Option<String> {
    let rest = &text[end..];
    let glued = rest
        .chars()
        .next()
        .is_some_and(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c));
    let window: String = rest.chars().take(24).collect();
    let number_word_glued = glued
        && numbers::number_words()
            .chain(["เอ็ด"])
            .any(|w| text[..end].ends_with(w))
        && !glued_word_ok(rest);
    let continued = more.iter().any(|w| window.trim_start().starts_with(w));
    (number_word_glued || continued).then(|| {
        format!(
            "only part of what was said could be read, heard \"{}\" / อ่านได้ไม่ครบ ได้ยินว่า \"{}\"",
            window.trim(),
            window.trim()
        )
    })
}

fn is_thai_letter(c: char) -> bool {
    ('\u{0E01}'..='\u{0E2E}').contains(&c) || c.is_ascii_alphanumeric()
}

/// True when a word may start at `pos`: after a space or punctuation, or after a joining word.
pub fn at_word_start(text: &str, pos: usize) -> bool {
    let before = &text[..pos];
    match before.chars().next_back() {
        None => true,
        Some(c) if !is_thai_letter(c) && !is_thai_mark(c) => true,
        // Joining words, and the arrest verbs a name is glued to when spaces are dropped
        // ("ได้ร่วมกันจับกุมนายธีรวัฒน์").
        _ => ["และ", "คือ", "กับ", "ตัว", "ได้แก่", "จับกุม", "ผู้ต้องหา", "ผู้ถูกจับ"]
            .iter()
            .any(|w| before.ends_with(w)),
    }
}

/// A Thai vowel or sign that continues the syllable before it (not a leading vowel เ แ โ ใ ไ).
pub fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E2F}' | '\u{0E30}'..='\u{0E3A}' | '\u{0E45}'..='\u{0E4E}')
}

/// A police rank at `pos` (abbreviated with or without dots, or said in full, with an optional
/// หญิง): the printed abbreviation and the byte end.
pub fn match_rank(text: &str, pos: usize) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for rank in &lexicons().ranks {
        let mut cands: Vec<usize> = rank
            .spoken
            .iter()
            .filter_map(|s| match_keyword(text, pos, s))
            .collect();
        if let Some(e) = match_abbreviation(text, pos, &rank.abbr) {
            cands.push(e);
        }
        if let Some(&e) = cands.iter().max() {
            if best.as_ref().map(|b| e > b.1).unwrap_or(true) {
                best = Some((rank.abbr.clone(), e));
            }
        }
    }
    let (abbr, mut end) = best?;
    let rest = &text[end..];
    let trimmed = rest.trim_start();
    let mut out = abbr;
    if trimmed.starts_with("หญิง") {
        end += rest.len() - trimmed.len() + "หญิง".len();
        out.push_str("หญิง");
    }
    Some((out, end))
}

/// "ร.ต.อ." also as "ร.ต.อ", "ร. ต. อ.", "รตอ" (the last only when a space follows, so that ordinary
/// words are not taken for ranks).
fn match_abbreviation(text: &str, pos: usize, abbr: &str) -> Option<usize> {
    let letters: Vec<char> = abbr.chars().filter(|&c| c != '.').collect();
    let rest = &text[pos..];
    let mut chars = rest.char_indices().peekable();
    let mut dots = 0;
    let mut end = 0;
    for (k, &l) in letters.iter().enumerate() {
        if k > 0 {
            while let Some(&(_, ' ')) = chars.peek() {
                chars.next();
            }
        }
        let (i, c) = chars.next()?;
        if c != l {
            return None;
        }
        end = i + c.len_utf8();
        if let Some(&(j, '.')) = chars.peek() {
            dots += 1;
            chars.next();
            end = j + 1;
        }
    }
    let next = rest[end..].chars().next();
    // A Thai vowel or tone mark right after the last letter means we are inside a word.
    if next.map(is_thai_mark).unwrap_or(false) {
        return None;
    }
    // "รตอสุทธิพงษ์": the space dropped before the name; taken for a rank only when a known
    // given name follows.
    if dots == 0 && !matches!(next, None | Some(' ')) && !starts_with_given_name(&rest[end..]) {
        return None;
    }
    if dots == 0 && letters.len() < 3 {
        return None;
    }
    Some(pos + end)
}

/// `pos` moved past one space, if there is one.
fn skip_space(text: &str, pos: usize) -> usize {
    if text[pos..].starts_with(' ') {
        pos + 1
    } else {
        pos
    }
}

/// True when `s` starts with a given name of the name lists (two characters or more).
fn starts_with_given_name(s: &str) -> bool {
    let names = &lexicons().given_names;
    s.char_indices()
        .skip(2)
        .take(24)
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()))
        .any(|i| names.contains(&s[..i]))
}

/// "1." "2." (not "14.30"), "ผู้ต้องหาที่ 2", "คนที่สอง": the byte end of the enumerator.
fn match_enumerator(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=2).contains(&digits) && rest[digits..].starts_with('.') {
        let after = rest[digits + 1..].chars().next();
        if !after.map(|c| c.is_ascii_digit()).unwrap_or(false) {
            return Some(pos + digits + 1);
        }
        return None;
    }
    for lead in ["ผู้ต้องหาคนที่", "ผู้ต้องหาที่", "คนที่", "รายที่", "ลำดับที่"]
    {
        if let Some(e) = match_keyword(text, pos, lead) {
            let tail = text[e..].trim_start();
            let skipped = text[e..].len() - tail.len();
            if let Some((_, n)) = numbers::scan_number(tail) {
                return Some(e + skipped + n);
            }
        }
    }
    None
}

/// The date that a "เมื่อ…"/"วันที่…" phrase at `pos` gives, and its byte end.
pub fn scan_date_phrase(text: &str, pos: usize, today: NaiveDate) -> Option<(NaiveDate, usize)> {
    read_date_phrase(text, pos, today).map(|(r, e)| (r.date, e))
}

/// [`scan_date_phrase`] with the date's reading (whether a weekday said disagrees with it).
pub fn read_date_phrase(
    text: &str,
    pos: usize,
    today: NaiveDate,
) -> Option<(dates::DateReading, usize)> {
    let mut starts = vec![pos];
    for lead in [
        "โดยจับกุมได้เมื่อ",
        "โดยจับกุมเมื่อ",
        "จับกุมตัวได้เมื่อ",
        "จับกุมได้เมื่อ",
        "จับกุมเมื่อ",
        "จับได้เมื่อ",
        "ถูกจับเมื่อ",
        "ลงวันที่",
        "ลงวัน",
        "เมื่อ",
        "ใน",
    ] {
        if let Some(e) = match_keyword(text, pos, lead) {
            starts.push(e);
            let t = text[e..].trim_start();
            starts.push(text.len() - t.len());
        }
    }
    starts
        .into_iter()
        .filter_map(|s| dates::scan_date_reading(&text[s..], today).map(|r| (r, s + r.len)))
        .max_by_key(|&(_, e)| e)
}

/// The time at `pos` (after an optional "เมื่อ"), and its byte end.
pub fn scan_time_phrase(text: &str, pos: usize) -> Option<(chrono::NaiveTime, usize)> {
    read_time_phrase(text, pos).map(|(r, e)| (r.time, e))
}

/// [`scan_time_phrase`] with the time's reading (whether the words fit two times).
pub fn read_time_phrase(text: &str, pos: usize) -> Option<(times::TimeReading, usize)> {
    let mut starts = vec![pos];
    if let Some(e) = match_keyword(text, pos, "เมื่อ") {
        starts.push(e);
    }
    starts
        .into_iter()
        .filter_map(|s| {
            let t = text[s..].trim_start();
            let s = text.len() - t.len();
            times::scan_time_reading(t).map(|r| (r, s + r.len))
        })
        .max_by_key(|&(_, e)| e)
}

/// A date said without a keyword starts with its day: a digit, a number word or "วัน…" (not
/// "วันนี้" or "เมื่อวาน", which say when something happened rather than when it is written).
fn starts_like_a_date(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        || (s.starts_with("วัน") && !s.starts_with("วันนี้"))
        || numbers::scan_number(s).is_some()
}

/// Splits `text` into sections.
pub fn segment(text: &str, today: NaiveDate) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut phase = Phase::Start;
    let mut suppress_title = false;
    let mut cur = Segment {
        section: Section::Ignored,
        start: 0,
        body: 0,
        end: 0,
    };
    let titles: Vec<(&str, &str)> = lexicons()
        .titles
        .iter()
        .flat_map(|(full, forms)| {
            std::iter::once((full.as_str(), full.as_str()))
                .chain(forms.iter().map(move |f| (f.as_str(), full.as_str())))
        })
        .collect();
    let mut pos = 0;
    while pos < text.len() {
        let found = next_marker(text, pos, phase, &titles, suppress_title, today, &cur);
        match found {
            Some((section, new_phase, body, skip_to)) => {
                if section == Section::Ignored && cur.section == Section::Ignored {
                    // Fillers between fillers: keep one ignored stretch.
                } else {
                    cur.end = pos;
                    out.push(cur.clone());
                    cur = Segment {
                        section,
                        start: pos,
                        body,
                        end: pos,
                    };
                }
                if section == Section::Arrestee {
                    suppress_title = false;
                }
                if let Some(p) = new_phase {
                    if p == Phase::Arrestees && phase != Phase::Arrestees {
                        suppress_title = false;
                    }
                    phase = p;
                }
                if matches!(section, Section::Ignored) && phase == Phase::Arrestees {
                    if let Some(Marker::Parent) = marker_at(text, pos).map(|m| m.1) {
                        suppress_title = true;
                    }
                }
                pos = skip_to.max(pos + 1);
                while !text.is_char_boundary(pos) {
                    pos += 1;
                }
            }
            None => {
                pos += text[pos..].chars().next().map(char::len_utf8).unwrap_or(1);
            }
        }
    }
    cur.end = text.len();
    out.push(cur);
    out.retain(|s| s.end > s.start || s.section != Section::Ignored);
    out
}

/// The longest keyword at `pos`, if any: (byte end, marker, consume).
fn marker_at(text: &str, pos: usize) -> Option<(usize, Marker, Option<usize>)> {
    let first = text[pos..].chars().next()?;
    MARKERS
        .iter()
        .filter(|(k, _, _)| {
            k.chars()
                .next()
                .map(|c| c.eq_ignore_ascii_case(&first))
                .unwrap_or(false)
        })
        .filter_map(|&(k, m, consume)| match_keyword(text, pos, k).map(|e| (e, m, consume)))
        .max_by_key(|&(e, _, _)| e)
}

type Found = (Section, Option<Phase>, usize, usize);

/// The marker starting at `pos` that is valid in `phase`: (section, new phase, body start, where
/// scanning resumes).
fn next_marker(
    text: &str,
    pos: usize,
    phase: Phase,
    titles: &[(&str, &str)],
    suppress_title: bool,
    today: NaiveDate,
    cur: &Segment,
) -> Option<Found> {
    use Phase::*;
    let head = phase < Narrative;
    let arrest_side = matches!(phase, Arrestees | Arrest);
    // Enumerators and titles start arrestees.
    // "อายุ 35. ปี": a number right after a keyword that wants one is its value, not "35." the
    // enumerator of the next arrestee.
    let awaits_value = matches!(
        cur.section,
        Section::Age | Section::NationalId | Section::Passport | Section::Phone | Section::Address
    ) && text[cur.body..pos].trim().is_empty()
        || ["หมู่", "หมู่ที่", "เลขที่", "ซอย", "อายุ", "จำนวน", "ที่", "ทับ"]
            .iter()
            .any(|w| text[..pos].trim_end().ends_with(w));
    if phase == Arrestees && at_word_start(text, pos) && !awaits_value {
        if let Some(e) = match_enumerator(text, pos) {
            return Some((Section::ArresteeNext, None, e, e));
        }
        if !suppress_title {
            for (form, _) in titles {
                if let Some(e) = match_keyword(text, pos, form) {
                    let next = text[e..].chars().next();
                    if !next.map(is_thai_mark).unwrap_or(false) {
                        return Some((Section::Arrestee, None, pos, e));
                    }
                }
            }
        }
    }
    if matches!(phase, Officers) && at_word_start(text, pos) {
        if let Some(e) = match_enumerator(text, pos) {
            return Some((Section::Ignored, None, e, e));
        }
    }
    // A dictation that opens with a date and no keyword ("วันศุกร์ที่ 20 ธันวาคม 2567 เวลา …",
    // "10/12/2567 …"): the day of writing, as after "วันที่".
    if phase == Start && at_word_start(text, pos) && starts_like_a_date(&text[pos..]) {
        if let Some((_, n)) = dates::scan_date(&text[pos..], today) {
            return Some((Section::RecordedDate, Some(Recorded), pos, pos + n));
        }
    }
    if matches!(phase, Start | Recorded) {
        if let Some((_, e)) = match_rank(text, pos) {
            return Some((Section::Officers, Some(Officers), pos, e));
        }
    }
    let (end, marker, consume) = marker_at(text, pos)?;
    let body = match consume {
        None => end,
        Some(n) => text[pos..]
            .char_indices()
            .nth(n)
            .map(|(i, _)| pos + i)
            .unwrap_or(end),
    };
    let found = |s: Section, p: Option<Phase>| Some((s, p, body, body.max(pos + 1)));
    match marker {
        Marker::Header if head => Some((Section::Ignored, None, end, end)),
        Marker::RecordedPlace if matches!(phase, Start | Recorded) => {
            found(Section::RecordedPlace, Some(Recorded))
        }
        // A date that does not read still ends the value before it (the place must not swallow
        // "วันที่…"); it fills nothing.
        Marker::Date if matches!(phase, Start | Recorded) => {
            match scan_date_phrase(text, pos, today) {
                Some((_, e)) => Some((Section::RecordedDate, Some(Recorded), pos, e)),
                None => Some((Section::Ignored, None, end, end)),
            }
        }
        Marker::Date | Marker::ArrestWhen if arrest_side => {
            if let Some((_, e)) = scan_date_phrase(text, pos, today) {
                return Some((Section::ArrestWhen, Some(Arrest), pos, e));
            }
            if marker == Marker::ArrestWhen && text[pos..end].contains("วันเดียวกัน")
            {
                return Some((Section::ArrestWhen, Some(Arrest), pos, end));
            }
            match scan_time_phrase(text, pos) {
                Some((_, e)) => Some((Section::ArrestTime, Some(Arrest), pos, e)),
                // "เมื่อวันที่ …" that does not read: the address before it ends here.
                None if text[pos..].starts_with("เมื่อวัน") || marker == Marker::Date => {
                    Some((Section::Ignored, None, end, end))
                }
                None => None,
            }
        }
        // "จับกุมเมื่อวันที่ …" says the arrest wherever it comes, even as the first words.
        Marker::ArrestWhen
            if matches!(phase, Start | Recorded | Officers) && end - pos > "เมื่อ".len() =>
        {
            if let Some((_, e)) = scan_date_phrase(text, pos, today) {
                return Some((Section::ArrestWhen, Some(Arrest), pos, e));
            }
            let (_, e) = scan_time_phrase(text, pos)?;
            Some((Section::ArrestTime, Some(Arrest), pos, e))
        }
        // "… ได้จับกุมตัว นายสมชาย …" after the arrest was told: the arrestees come now.
        Marker::ArrestVerb
            if phase == Arrest
                && titles
                    .iter()
                    .any(|(t, _)| text[end..].trim_start().starts_with(t)) =>
        {
            Some((Section::Ignored, Some(Arrestees), end, end))
        }
        Marker::WarrantDate if arrest_side => {
            let (_, e) = scan_date_phrase(text, pos, today)?;
            Some((Section::WarrantDate, Some(Arrest), pos, e))
        }
        Marker::Time if matches!(phase, Start | Recorded) => {
            let (_, e) = scan_time_phrase(text, pos)?;
            Some((Section::RecordedTime, Some(Recorded), pos, e))
        }
        Marker::Time if arrest_side => {
            let (_, e) = scan_time_phrase(text, pos)?;
            Some((Section::ArrestTime, Some(Arrest), pos, e))
        }
        Marker::Officers if matches!(phase, Start | Recorded | Officers) => {
            found(Section::Officers, Some(Officers))
        }
        // "… โดยผู้จับกุม ร.ต.อ. …" said after the arrestees: the officers, in any order.
        Marker::Officers if arrest_side && match_rank(text, skip_space(text, end)).is_some() => {
            found(Section::Officers, None)
        }
        Marker::ArrestVerb | Marker::Suspect if matches!(phase, Start | Recorded | Officers) => {
            Some((Section::Ignored, Some(Arrestees), end, end))
        }
        Marker::Suspect if phase == Arrestees => {
            if let Some(e) = match_enumerator(text, pos) {
                return Some((Section::ArresteeNext, None, e, e));
            }
            Some((Section::Ignored, None, end, end))
        }
        Marker::Age if phase == Arrestees => {
            numbers::scan_number(text[end..].trim_start())?;
            found(Section::Age, None)
        }
        Marker::NationalId if phase == Arrestees => found(Section::NationalId, None),
        Marker::Passport if phase == Arrestees => found(Section::Passport, None),
        Marker::Nationality if phase == Arrestees => found(Section::Nationality, None),
        Marker::Ethnicity if phase == Arrestees => found(Section::Ethnicity, None),
        Marker::Phone if phase == Arrestees => found(Section::Phone, None),
        Marker::Parent | Marker::OtherDetail if phase == Arrestees => {
            Some((Section::Ignored, None, end, end))
        }
        Marker::Address if phase == Arrestees => {
            // "ที่อยู่ บ้านเลขที่ …": one address, not two.
            if cur.section == Section::Address && text[cur.body..pos].trim().is_empty() {
                return None;
            }
            found(Section::Address, None)
        }
        Marker::Warrant if matches!(phase, Officers | Arrestees | Arrest) => {
            found(Section::Warrant, Some(Arrest))
        }
        Marker::ArrestPlace if arrest_side => found(Section::ArrestPlace, Some(Arrest)),
        // A charge or seized-items sentence fills its section in any order, even on its own.
        Marker::Charges if head => found(Section::Charges, Some(Arrest)),
        Marker::Items if head => found(Section::Items, Some(Arrest)),
        Marker::Narrative if head => found(Section::Circumstances, Some(Narrative)),
        Marker::Rights => found(Section::Rights, Some(Tail)),
        Marker::Closing => Some((Section::Ignored, Some(Tail), end, end)),
        Marker::Statement if phase >= Arrestees => Some((Section::Statement, Some(Tail), pos, end)),
        _ => None,
    }
}
