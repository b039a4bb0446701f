//! The constraint for each field type: every way the type is said, built from the Thai number
//! words of `banthuek_core::thai` and the lexicons of `banthuek_extract`, each form checked
//! against the core parser of its type when it is built (a form the parser does not read as a
//! value never enters the grammar).

use crate::words::{digit_slot, number_said_twice, number_slots, slot, undouble};
use crate::FieldType;
use banthuek_core::thai::{dates, numbers, times};
use banthuek_extract::lexicon::lexicons;
use banthuek_speech::constraint::{Constraint, ConstraintBuilder, Slot};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The constraint of a field type, built once per process.
pub fn constraint(field: FieldType) -> Constraint {
    static CACHE: OnceLock<Mutex<HashMap<FieldType, Constraint>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok().and_then(|c| c.get(&field).cloned()) {
        return c;
    }
    let c = build(field);
    if let Ok(mut m) = cache.lock() {
        m.insert(field, c.clone());
    }
    c
}

fn build(field: FieldType) -> Constraint {
    match field {
        FieldType::Time => time(),
        FieldType::NationalId => digits_between(13, 13 + crate::ID_EXTRA_DIGITS),
        FieldType::Number => number(0..=9999, &[], &[]),
        FieldType::Age => number(0..=120, &["อายุ"], &["ปี"]),
        FieldType::YesNo => yes_no(),
        FieldType::Rank => rank(),
        FieldType::Province => places(&lexicons().provinces, &["จังหวัด"]),
        FieldType::District => places(&lexicons().districts, &["อำเภอ", "เขต"]),
        FieldType::Subdistrict => places(&lexicons().subdistricts, &["ตำบล", "แขวง"]),
        FieldType::Date => date(),
    }
}

fn words(ws: &[&str]) -> Vec<Slot> {
    ws.iter().map(|w| slot(w)).collect()
}

fn join(a: &[Slot], b: &[Slot]) -> Vec<Slot> {
    a.iter().chain(b).cloned().collect()
}

/// The canonical text of a phrase: its words joined by spaces.
pub fn canonical(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| s.word.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` in words and in digits (and with a leading zero below 10 when `padded`).
/// Written numbers may carry the full stop the model often writes after them ("22. นาลีกา").
/// [`said_twice`] adds the words said twice in a row.
fn number_forms(n: u64, padded: bool) -> Vec<Vec<Slot>> {
    let written = |w: String| Slot {
        variants: vec![format!("{w}.")],
        word: w,
    };
    let mut forms = vec![number_slots(n), vec![written(n.to_string())]];
    if padded && n < 10 {
        forms.push(vec![written(format!("{n:02}"))]);
    }
    forms
}

/// The forms of `n` and `n` said twice in a row ("เก้า เก้า", read as เก้า).
fn said_twice(forms: Vec<Vec<Slot>>, n: u64) -> Vec<Vec<Slot>> {
    forms
        .into_iter()
        .chain(std::iter::once(number_said_twice(n)))
        .collect()
}

/// Times of day in every spoken form the time parser reads: "14 นาฬิกา 30 นาที",
/// "สิบสี่นาฬิกาครึ่ง", "บ่ายสองโมงครึ่ง", "ตีสาม", "สองทุ่ม", "14.30 น.", each optionally after
/// "เวลา". Tone marks the model drops and its spellings (นาลิกา) are alternatives.
fn time() -> Constraint {
    let mut phrases: Vec<Vec<Slot>> = Vec::new();
    let minute_tails = |m: u64| -> Vec<Vec<Slot>> {
        let mut t: Vec<Vec<Slot>> = said_twice(number_forms(m, true), m)
            .into_iter()
            .map(|f| join(&f, &words(&["นาที"])))
            .collect();
        if m == 0 {
            t.push(vec![]);
            t.push(words(&["ตรง"]));
        }
        if m == 30 {
            t.push(words(&["ครึ่ง"]));
        }
        t
    };
    for h in 0..24u64 {
        for hour in said_twice(number_forms(h, true), h) {
            let head = join(&hour, &words(&["นาฬิกา"]));
            for m in 0..60u64 {
                for tail in minute_tails(m) {
                    phrases.push(join(&head, &tail));
                }
            }
        }
        for m in 0..60u64 {
            for sep in [":", "."] {
                for hh in [h.to_string(), format!("{h:02}")] {
                    let w = vec![Slot::new(format!("{hh}{sep}{m:02}"))];
                    phrases.push(join(&w, &[Slot::new("น.")]));
                    phrases.push(w);
                }
            }
        }
    }
    // The colloquial clock; the parser decides which combinations are times.
    let mut colloquial: Vec<Vec<Slot>> = vec![
        words(&["เที่ยง"]),
        words(&["เที่ยงวัน"]),
        words(&["เที่ยงคืน"]),
        words(&["ทุ่ม"]),
        words(&["ทุ่ม", "หนึ่ง"]),
        words(&["บ่าย", "โมง"]),
    ];
    for n in 1..=12u64 {
        for num in number_forms(n, false) {
            if n <= 5 {
                colloquial.push(join(&words(&["ตี"]), &num));
                colloquial.push(join(&join(&words(&["บ่าย"]), &num), &words(&["โมง"])));
                colloquial.push(join(&words(&["บ่าย"]), &num));
            }
            if n <= 6 {
                colloquial.push(join(&num, &words(&["ทุ่ม"])));
            }
            let mong = join(&num, &words(&["โมง"]));
            colloquial.push(join(&mong, &words(&["เช้า"])));
            colloquial.push(join(&mong, &words(&["เย็น"])));
            colloquial.push(mong);
        }
    }
    for c in colloquial {
        phrases.push(c.clone());
        phrases.push(join(&c, &words(&["ครึ่ง"])));
        for m in 1..60u64 {
            for num in number_forms(m, false) {
                phrases.push(join(&join(&c, &num), &words(&["นาที"])));
            }
        }
    }
    let mut b = ConstraintBuilder::new();
    for p in phrases {
        if times::parse_time(&undouble(&canonical(&p))).is_none() {
            continue;
        }
        b.phrase(&p);
        b.phrase(&join(&words(&["เวลา"]), &p));
    }
    b.build()
}

/// From `least` to `most` digits, each said as a word (with the model's spellings) or written.
/// The digits beyond `least` are for a digit said twice; [`crate::read_values`] reads them away.
fn digits_between(least: usize, most: usize) -> Constraint {
    let mut b = ConstraintBuilder::new();
    for d in 0..=9u32 {
        b.phrase(&[digit_slot(d)]);
        b.phrase(&[Slot::new(d.to_string())]);
    }
    let one = b.build();
    let mut none = ConstraintBuilder::new();
    none.phrase(&[]);
    let maybe = Constraint::union(&[one.clone(), none.build()]);
    let exactly = (1..least).fold(one.clone(), |acc, _| Constraint::concat(&acc, &one));
    (least..most).fold(exactly, |acc, _| Constraint::concat(&acc, &maybe))
}

/// Whole numbers in `range`, in words or digits, optionally after one of `before` and followed
/// by one of `after`. Not said twice: with that form the decoder wrote "สี สี" (4) for "สี่สิบ"
/// (40) on `bench accuracy --seed 47`, and no number of that draw gained from it.
fn number(range: std::ops::RangeInclusive<u64>, before: &[&str], after: &[&str]) -> Constraint {
    let mut b = ConstraintBuilder::new();
    let heads: Vec<Vec<Slot>> = std::iter::once(vec![])
        .chain(before.iter().map(|w| words(&[w])))
        .collect();
    let tails: Vec<Vec<Slot>> = std::iter::once(vec![])
        .chain(after.iter().map(|w| words(&[w])))
        .collect();
    for n in range {
        for form in number_forms(n, false) {
            if numbers::parse_number(&canonical(&form)) != Some(n) {
                continue;
            }
            for h in &heads {
                for t in &tails {
                    b.phrase(&join(&join(h, &form), t));
                }
            }
        }
    }
    b.build()
}

/// Yes and no as officers answer them.
pub const YES: &[&str] = &["ใช่", "มี", "ได้", "ถูกต้อง", "เคย", "ครับ", "ค่ะ"];
pub const NO: &[&str] = &["ไม่ใช่", "ไม่มี", "ไม่ได้", "ไม่ถูกต้อง", "ไม่เคย", "ไม่"];

fn yes_no() -> Constraint {
    let mut b = ConstraintBuilder::new();
    for w in YES.iter().chain(NO) {
        b.phrase(&[Slot::new(*w)]);
    }
    b.build()
}

/// Every spoken form of every rank in the rank lexicon.
fn rank() -> Constraint {
    let mut b = ConstraintBuilder::new();
    for r in &lexicons().ranks {
        for s in &r.spoken {
            b.phrase(&[Slot::new(s.as_str())]);
            b.phrase(&[Slot::new(s.as_str()), Slot::new("หญิง")]);
        }
    }
    b.build()
}

/// Place names of the geography lexicon, optionally after their kind ("จังหวัด").
fn places(names: &[String], kinds: &[&str]) -> Constraint {
    let mut b = ConstraintBuilder::new();
    for n in names {
        b.phrase(&[Slot::new(n.as_str())]);
        for k in kinds {
            b.phrase(&[Slot::new(*k), Slot::new(n.as_str())]);
        }
    }
    b.build()
}

/// Month names as said: the full names, checked against the core date parser.
pub const MONTHS: &[&str] = &[
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Dates: day, month name, Buddhist-era year (in words, digit by digit or written), and the
/// relative days. Built as (day, month) → year so that the automaton stays small; 29 February
/// only before a leap year.
fn date() -> Constraint {
    let month_slot = |i: usize| {
        let m = MONTHS[i];
        (dates::month_from_name(m) == Some(i as u32 + 1)).then(|| slot(m))
    };
    let mut day_month = ConstraintBuilder::new();
    let mut leap_day = ConstraintBuilder::new();
    for i in 0..12 {
        let Some(month) = month_slot(i) else {
            continue;
        };
        let last = chrono::NaiveDate::from_ymd_opt(2024, i as u32 + 1, 1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
            .and_then(|d| d.pred_opt())
            .map(|d| chrono::Datelike::day(&d) as u64)
            .unwrap_or(28);
        for d in 1..=last {
            let b = if i == 1 && d == 29 {
                &mut leap_day
            } else {
                &mut day_month
            };
            for f in number_forms(d, false) {
                b.phrase(&join(&f, std::slice::from_ref(&month)));
                b.phrase(&join(
                    &join(&words(&["วันที่"]), &f),
                    std::slice::from_ref(&month),
                ));
            }
        }
    }
    let years = |leap_only: bool| {
        let mut b = ConstraintBuilder::new();
        if !leap_only {
            b.phrase(&[]);
        }
        for y in 2540..=2600u64 {
            let ce = dates::be_to_ce(y as i32);
            let leap = chrono::NaiveDate::from_ymd_opt(ce, 2, 29).is_some();
            if leap_only && !leap {
                continue;
            }
            for f in number_forms(y, false) {
                b.phrase(&f);
                b.phrase(&join(&words(&["พ.ศ."]), &f));
            }
            let digits: Vec<Slot> = y
                .to_string()
                .chars()
                .filter_map(|c| c.to_digit(10))
                .map(digit_slot)
                .collect();
            b.phrase(&digits);
        }
        b.build()
    };
    let dated = Constraint::concat(&day_month.build(), &years(false));
    let leap = Constraint::concat(&leap_day.build(), &years(true));
    let mut relative = ConstraintBuilder::new();
    for w in ["วันนี้", "เมื่อวาน", "เมื่อวานนี้", "เมื่อวานซืน"]
    {
        relative.phrase(&[Slot::new(w)]);
    }
    Constraint::union(&[dated, leap, relative.build()])
}
