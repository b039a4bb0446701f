//! Seized items (ของกลาง): "ยาบ้า จำนวน 200 เม็ด โทรศัพท์มือถือ จำนวน 1 เครื่อง เงินสด 3,200 บาท".
//! A number followed by a classifier (ลักษณนาม) closes an item; the words before it describe it.

use crate::lexicon::lexicons;
use crate::provenance::{Tracker, DOUBTFUL, LIKELY, SURE};
use crate::sections::is_thai_mark;
use crate::text::{clean, strip_prefixes, strip_suffixes, tokens, trim, TRAILING_FILLERS};
use banthuek_core::record::{Quantity, SeizedItem};
use banthuek_core::thai::numbers;
use std::ops::Range;

const DESC_PREFIXES: &[&str] = &[
    "และ",
    "กับ",
    "พร้อมด้วย",
    "พร้อม",
    "ได้แก่",
    "ประกอบด้วย",
    "คือ",
    "ของกลาง",
    "จำนวน",
    "อีก",
];
const DESC_SUFFIXES: &[&str] = &[
    "จำนวน",
    "ประมาณ",
    "รวมทั้งสิ้น",
    "รวม",
    "ทั้งหมด",
    "น้ำหนักรวม",
    "น้ำหนัก",
    "หนัก",
    "เป็นเงิน",
    "อีก",
];
const FOUND_AT_LEADS: &[&str] = &[
    "ซึ่งตรวจพบ",
    "ซึ่งพบ",
    "ตรวจพบที่",
    "ตรวจพบใน",
    "พบที่",
    "พบ",
    "ที่พบ",
    "ซุกซ่อนอยู่",
    "ซุกซ่อนไว้",
    "ซุกซ่อน",
    "ซ่อนอยู่",
    "ซ่อนไว้",
    "บรรจุอยู่",
    "วางอยู่",
    "อยู่",
];
/// Trailing words that are not another item.
const NOT_ITEM_LEADS: &[&str] = &[
    "ผู้ต้องหา",
    "ผู้ถูกจับ",
    "ซึ่ง",
    "โดย",
    "ที่",
    "จึง",
    "ไว้",
    "เป็น",
    "อยู่",
    "เพื่อ",
];

struct Qty {
    num_start: usize,
    unit_start: usize,
    end: usize,
    value: f64,
    unit: String,
    /// Number words before the number could not be read with it.
    partial: bool,
}

/// Appends the seized items said in `text[r]`.
pub fn parse(text: &str, r: Range<usize>, out: &mut Vec<SeizedItem>, track: &mut Tracker) {
    let r = strip_prefixes(text, r, &["ได้แก่", "ประกอบด้วย", "คือ", "ดังนี้"]);
    let qtys = quantities(text, r.clone());
    let mut prev_end = r.start;
    let mut last_item: Option<usize> = None;
    for (k, q) in qtys.iter().enumerate() {
        let desc = describe(text, prev_end..q.num_start);
        prev_end = q.end;
        let next_start = qtys.get(k + 1).map(|n| n.num_start).unwrap_or(r.end);
        let is_last = k + 1 == qtys.len();
        if desc.is_empty() && last_item.is_some() {
            // "… 3 ถุง น้ำหนักรวม 15 กรัม": a measure of the item before, not a new item.
            if let Some(j) = last_item {
                if let Some(stop) =
                    found_at(text, q.end..next_start, is_last, &mut out[j], j, track)
                {
                    prev_end = stop;
                }
            }
            continue;
        }
        let i = out.len();
        let mut item = SeizedItem {
            quantity: Some(Quantity(q.value)),
            unit: Some(q.unit.clone()),
            ..Default::default()
        };
        if !desc.is_empty() {
            item.description = Some(clean(&text[desc.clone()]));
            track.fill(format!("/seized_items/{i}/description"), desc, SURE);
        }
        if q.partial {
            let from = number_run_start(text, r.start, q.num_start);
            let heard = clean(&text[from..q.end]);
            track.fill_noted(
                format!("/seized_items/{i}/quantity"),
                from..q.unit_start,
                DOUBTFUL,
                format!("only part of the number could be read, heard \"{heard}\" / อ่านจำนวนได้ไม่ครบ ได้ยินว่า \"{heard}\""),
                Vec::new(),
            );
        } else {
            track.fill(
                format!("/seized_items/{i}/quantity"),
                q.num_start..q.unit_start,
                SURE,
            );
        }
        track.fill(format!("/seized_items/{i}/unit"), q.unit_start..q.end, SURE);
        if let Some(stop) = found_at(text, q.end..next_start, is_last, &mut item, i, track) {
            prev_end = stop;
        }
        out.push(item);
        last_item = Some(i);
    }
    // Items said without a quantity: "… และเครื่องชั่งดิจิทัล", or "ของกลาง ยาบ้า".
    let tail = trim(text, prev_end.min(r.end)..r.end);
    if tail.is_empty()
        || NOT_ITEM_LEADS
            .iter()
            .any(|w| text[tail.clone()].starts_with(w))
    {
        return;
    }
    let mut start = tail.start;
    let mut pieces = Vec::new();
    for (p, _) in text[tail.clone()].match_indices(" และ") {
        pieces.push(start..tail.start + p);
        start = tail.start + p;
    }
    pieces.push(start..tail.end);
    for piece in pieces {
        let d = strip_suffixes(text, describe(text, piece), TRAILING_FILLERS);
        if d.is_empty() || tokens(text, d.clone()).len() > 6 {
            continue;
        }
        let i = out.len();
        track.fill(format!("/seized_items/{i}/description"), d.clone(), LIKELY);
        out.push(SeizedItem {
            description: Some(clean(&text[d])),
            ..Default::default()
        });
    }
}

/// Where the item was found, when said right after its quantity and closed by a joiner or the end
/// of the list; returns where the phrase stops.
fn found_at(
    text: &str,
    r: Range<usize>,
    is_last: bool,
    item: &mut SeizedItem,
    i: usize,
    track: &mut Tracker,
) -> Option<usize> {
    let after = trim(text, r);
    let lead = FOUND_AT_LEADS
        .iter()
        .find(|l| text[after.clone()].starts_with(**l))?;
    let span = after.start + lead.len()..after.end;
    let close = text[span.clone()]
        .find(" และ")
        .or_else(|| text[span.clone()].find(','))
        .map(|p| span.start + p);
    let stop = match close {
        Some(c) => c,
        None if is_last => span.end,
        None => return None,
    };
    let place = strip_prefixes(text, span.start..stop, &["ที่", "ไว้", "อยู่"]);
    let place = strip_suffixes(text, place, TRAILING_FILLERS);
    if place.is_empty() || item.found_at.is_some() {
        return None;
    }
    item.found_at = Some(clean(&text[place.clone()]));
    track.fill(format!("/seized_items/{i}/found_at"), place, LIKELY);
    Some(stop)
}

fn describe(text: &str, r: Range<usize>) -> Range<usize> {
    let r = trim(text, r);
    let s = &text[r.clone()];
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let r = if (1..=2).contains(&digits) && s[digits..].starts_with('.') {
        r.start + digits + 1..r.end
    } else {
        r
    };
    let r = strip_prefixes(text, r, DESC_PREFIXES);
    strip_suffixes(text, r, DESC_SUFFIXES)
}

/// Every "number + classifier" in `text[r]`, in order.
fn quantities(text: &str, r: Range<usize>) -> Vec<Qty> {
    let lex = lexicons();
    let mut out = Vec::new();
    let mut p = r.start;
    while p < r.end {
        let rest = &text[p..r.end];
        let unit = lex
            .classifiers
            .iter()
            .filter(|u| rest.starts_with(u.as_str()))
            .max_by_key(|u| u.len());
        if let Some(u) = unit {
            let end = p + u.len();
            let next = text[end..r.end].chars().next();
            // A short classifier glued to the next word still closes the item when a number
            // stands right before it (spaces dropped by speech recognition: "1 ใบเงินสด …");
            // number_before below requires that number.
            let boundary = match next {
                None => true,
                Some(c) if c == ' ' || c.is_ascii_punctuation() => true,
                Some(c) => !is_thai_mark(c),
            };
            if boundary {
                if let Some((value, num_start, partial)) = number_before(text, r.start, p) {
                    let (value, end) = if u == "บาท" {
                        satang_after(text, end, r.end, value)
                    } else {
                        (value, end)
                    };
                    out.push(Qty {
                        num_start,
                        unit_start: p,
                        end,
                        value,
                        unit: u.clone(),
                        partial,
                    });
                    p = end;
                    continue;
                }
            }
        }
        if let Some(q) = unlisted_unit(text, r.clone(), p) {
            p = q.end;
            out.push(q);
            continue;
        }
        p += rest.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    out
}

/// Money read out as words ends "…บาทถ้วน" or "…บาทห้าสิบสตางค์": the value with the satang
/// added, and where the amount ends.
fn satang_after(text: &str, end: usize, limit: usize, baht: f64) -> (f64, usize) {
    let rest = &text[end..limit];
    let t = rest.trim_start();
    let at = end + rest.len() - t.len();
    if t.starts_with("ถ้วน") {
        return (baht, at + "ถ้วน".len());
    }
    if let Some((n, used)) = numbers::scan_number(t) {
        let after = t[used..].trim_start();
        if n < 100 && after.starts_with("สตางค์") {
            let e = at + (t.len() - after.len()) + "สตางค์".len();
            // baht·100 + satang, divided once: the nearest double to the decimal amount.
            return ((baht * 100.0 + n as f64) / 100.0, e);
        }
    }
    (baht, end)
}

/// "12 ท่อน": digits, then one short Thai word that is not in the classifier list, then a space
/// or the end. Classifiers are short words; colours and models ("สีแดง", "รุ่น") are not units.
fn unlisted_unit(text: &str, r: Range<usize>, p: usize) -> Option<Qty> {
    let rest = &text[p..r.end];
    let prev = text[..p].chars().next_back();
    if !rest.starts_with(|c: char| c.is_ascii_digit()) || !matches!(prev, None | Some(' ')) {
        return None;
    }
    let digits = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let after = rest[digits..].strip_prefix(' ')?;
    let word_len = after.find(' ').unwrap_or(after.len());
    let word = &after[..word_len];
    let n = word.chars().count();
    let thai = word.chars().all(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c));
    let listed = lexicons().classifiers.iter().any(|u| u == word);
    if listed
        || !(2..=4).contains(&n)
        || !thai
        || ["สี", "รุ่น", "ปี", "คน", "นาที", "ทะเบียน"]
            .iter()
            .any(|w| word.starts_with(w))
    {
        return None;
    }
    let value = rest[..digits].replace(',', "").parse::<f64>().ok()?;
    let unit_start = p + digits + 1;
    Some(Qty {
        num_start: p,
        unit_start,
        end: unit_start + word_len,
        value,
        unit: word.to_owned(),
        partial: false,
    })
}

/// Besides the number words, what a run of them may hold: นึง as the model writes หนึ่ง, เอ็ด, ยี่.
const NUMBER_WORDS_TOO: [&str; 3] = ["นึง", "เอ็ด", "ยี่"];

/// Where the run of number words (and single digits, spaces between) that ends at `end` begins.
fn number_run_start(text: &str, floor: usize, end: usize) -> usize {
    let mut p = end;
    loop {
        let head = &text[floor..p];
        let t = head.trim_end();
        let q = floor + t.len();
        if let Some(w) = numbers::number_words()
            .chain(NUMBER_WORDS_TOO)
            .find(|w| t.ends_with(w))
        {
            p = q - w.len();
            continue;
        }
        if t.ends_with(|c: char| c.is_ascii_digit())
            && !t[..t.len() - 1].ends_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
        {
            p = q - 1;
            continue;
        }
        return p;
    }
}

/// The number that ends right before `p` (digits "3,200" / "0.5" or Thai words, "1." with the
/// period speech recognition adds), its start, and whether number words before it could not be
/// read with it ("…ร้อยหมื่น…": the quantity is then only part of what was said).
fn number_before(text: &str, floor: usize, p: usize) -> Option<(f64, usize, bool)> {
    let head = &text[floor..p];
    let mut trimmed = head.trim_end();
    // "1. กระบอก": a period after the digits, not a decimal.
    if let Some(t) = trimmed.strip_suffix('.') {
        if t.ends_with(|c: char| c.is_ascii_digit()) {
            trimmed = t;
        }
    }
    let end = floor + trimmed.len();
    let last = trimmed.chars().next_back()?;
    let start;
    let value;
    let mut partial = false;
    if last.is_ascii_digit() {
        let run = trimmed
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == ',' || *c == '.')
            .last()
            .map(|(i, _)| i)?;
        let raw = trimmed[run..].trim_start_matches([',', '.']);
        start = end - raw.len();
        value = raw.replace(',', "").parse::<f64>().ok()?;
    } else {
        // The whole run of number words, or the longest tail of it that reads as one number.
        let lo = number_run_start(text, floor, end);
        let found = (lo..end)
            .filter(|&s| text.is_char_boundary(s))
            .find_map(|s| numbers::parse_number(&text[s..end]).map(|n| (n, s)))?;
        value = found.0 as f64;
        start = found.1;
        partial = !text[lo..start].trim().is_empty();
    }
    // "ฉบับละ 100 บาท" is a price, not a quantity.
    if text[floor..start].trim_end().ends_with("ละ") {
        return None;
    }
    Some((value, start, partial))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(s: &str) -> Vec<SeizedItem> {
        let mut out = Vec::new();
        parse(s, 0..s.len(), &mut out, &mut Tracker::default());
        out
    }

    #[test]
    fn quantities_digits_words_money() {
        let v = items("ยาบ้า จำนวน 200 เม็ด โทรศัพท์มือถือ จำนวน 1 เครื่อง เงินสด 3,200 บาท");
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].description.as_deref(), Some("ยาบ้า"));
        assert_eq!(v[0].quantity, Some(Quantity(200.0)));
        assert_eq!(v[0].unit.as_deref(), Some("เม็ด"));
        assert_eq!(v[2].quantity, Some(Quantity(3200.0)));
        assert_eq!(v[2].unit.as_deref(), Some("บาท"));
        let w = items("ยาบ้าสองร้อยเม็ด");
        assert_eq!(w[0].description.as_deref(), Some("ยาบ้า"));
        assert_eq!(w[0].quantity, Some(Quantity(200.0)));
    }

    #[test]
    fn long_number_words_and_periods() {
        let v = items("ยาบ้า ห้าหมื่นแปดพันหนึ่งร้อยยี่สิบเอ็ด เม็ด");
        assert_eq!(v[0].quantity, Some(Quantity(58121.0)));
        assert_eq!(v[0].description.as_deref(), Some("ยาบ้า"));
        let v = items("อาวุธปืน จำนวน 1. กระบอก กระสุนปืน 7 นัด");
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].quantity, Some(Quantity(1.0)));
        assert_eq!(v[0].unit.as_deref(), Some("กระบอก"));
        assert_eq!(v[1].description.as_deref(), Some("กระสุนปืน"));
        assert_eq!(v[1].quantity, Some(Quantity(7.0)));
    }

    #[test]
    fn baht_in_words_with_satang() {
        let v = items("เงินสด หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].quantity, Some(Quantity(1234.5)));
        let v = items("เงินสด ห้าหมื่นแปดพันหนึ่งร้อยยี่สิบเอ็ดบาทถ้วน");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].quantity, Some(Quantity(58121.0)));
        assert_eq!(v[0].unit.as_deref(), Some("บาท"));
    }

    #[test]
    fn a_number_that_only_partly_reads_is_flagged() {
        let s = "ยาบ้า ห้าร้อยหมื่นสาม เม็ด";
        let mut out = Vec::new();
        let mut track = Tracker::default();
        parse(s, 0..s.len(), &mut out, &mut track);
        let q = track
            .filled
            .iter()
            .find(|f| f.pointer == "/seized_items/0/quantity")
            .expect("quantity filled");
        assert!(q.confidence < banthuek_core::record::LOW_CONFIDENCE);
    }

    #[test]
    fn weight_of_previous_item_is_not_an_item() {
        let v = items("ยาไอซ์ 3 ถุง น้ำหนักรวม 15.5 กรัม");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].unit.as_deref(), Some("ถุง"));
    }

    #[test]
    fn found_at_after_last_item() {
        let v = items("ยาบ้า 20 เม็ด ซุกซ่อนอยู่ในกระเป๋ากางเกง");
        assert_eq!(v[0].found_at.as_deref(), Some("ในกระเป๋ากางเกง"));
    }
}
