//! The constraint for each field type: every way the type is said, built from the Thai number
//! words of `banthuek_core::thai` and the lexicons of `banthuek_extract`, each form checked
//! against the core parser of its type when it is built (a form the parser does not read as a
//! value never enters the grammar).

use crate::words::{digit_slot, number_said_twice, number_slots, slot, undouble};
use crate::FieldType;
use banthuek_core::thai::{dates, letters, numbers, times};
use banthuek_extract::charges;
use banthuek_extract::lexicon::{lexicons, CatalogueCharge};
use banthuek_speech::constraint::{Constraint, ConstraintBuilder, Slot, State, Word};
use std::collections::HashMap;
use std::ops::RangeInclusive;
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
        FieldType::NationalId => national_id(),
        FieldType::Passport => passport(),
        FieldType::Number => number(0..=9999, &[], &[]),
        FieldType::HouseNumber => house_number(),
        FieldType::Charge => charge(),
        FieldType::Age => number(AGES, AGE_BEFORE, AGE_AFTER),
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
    let mut b = ConstraintBuilder::new();
    for p in time_phrases() {
        b.phrase(&p);
    }
    b.build()
}

/// The phrases of [`time`], each checked against the time parser.
fn time_phrases() -> Vec<Vec<Slot>> {
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
    phrases
        .into_iter()
        .filter(|p| times::parse_time(&undouble(&canonical(p))).is_some())
        .flat_map(|p| [join(&words(&["เวลา"]), &p), p])
        .collect()
}

/// The phrases said in words only, each number said once (a written number sounds as its
/// words).
fn in_words(phrases: Vec<Vec<Slot>>) -> Vec<Vec<Slot>> {
    phrases
        .into_iter()
        .filter(|p| {
            let c = canonical(p);
            !c.chars().any(|ch| ch.is_ascii_digit()) && undouble(&c) == c
        })
        .collect()
}

/// The language a free transcript is matched against by sound ([`crate::phonetic`]) for a
/// field with a second reading: the field's phrases in words only, each word once (a written
/// number sounds as its words, a spelling as its word), so the match stays small and fast.
pub fn sound_constraint(field: FieldType) -> Option<Constraint> {
    static CACHE: OnceLock<Mutex<HashMap<FieldType, Constraint>>> = OnceLock::new();
    let phrases: Box<dyn Fn() -> Vec<Vec<Slot>>> = match field {
        FieldType::NationalId => return Some(constraint(field)),
        FieldType::Time => Box::new(|| in_words(time_phrases())),
        FieldType::Number => Box::new(|| (0..=9999).map(number_slots).collect()),
        FieldType::Age => Box::new(|| in_words(number_phrases(AGES, AGE_BEFORE, AGE_AFTER))),
        _ => return None,
    };
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().ok().and_then(|c| c.get(&field).cloned()) {
        return Some(c);
    }
    let mut b = ConstraintBuilder::new();
    for p in phrases() {
        let plain: Vec<Slot> = p.iter().map(|s| Slot::new(s.word.as_str())).collect();
        b.phrase(&plain);
    }
    let c = b.build();
    if let Ok(mut m) = cache.lock() {
        m.insert(field, c.clone());
    }
    Some(c)
}

/// One digit, said as a word (with the model's spellings) or written.
fn one_digit() -> Constraint {
    let mut b = ConstraintBuilder::new();
    for d in 0..=9u32 {
        b.phrase(&[digit_slot(d)]);
        b.phrase(&[Slot::new(d.to_string())]);
    }
    b.build()
}

/// The empty text.
fn nothing() -> Constraint {
    let mut none = ConstraintBuilder::new();
    none.phrase(&[]);
    none.build()
}

/// `one` or nothing.
fn optional(one: &Constraint) -> Constraint {
    Constraint::union(&[one.clone(), nothing()])
}

/// From `least` (at least 1) to `most` texts of `one` in a row.
fn repeat_between(one: &Constraint, least: usize, most: usize) -> Constraint {
    let maybe = optional(one);
    let exactly = (1..least).fold(one.clone(), |acc, _| Constraint::concat(&acc, one));
    (least..most).fold(exactly, |acc, _| Constraint::concat(&acc, &maybe))
}

/// The digits of a national ID whose check digit holds: 12 digits, each said as a word (with
/// the model's spellings) or written, then the one check digit they call for
/// (`banthuek_core::rules::national_id_check_digit`). The decoder can then only finish an ID
/// that passes its check, and each beam's last digit is the one its first twelve demand: a
/// beam that went wrong earlier must end on a digit the audio does not hold, which costs it
/// in the model's own (unconstrained) score, by which [`crate::interpret`] ranks IDs.
/// States: (digits read, weighted sum so far mod 11); the start is state 0.
fn national_id() -> Constraint {
    const WEIGHTED: usize = 12;
    const MOD: usize = 11;
    let state = |read: usize, sum: usize| (read * MOD + sum) as u32;
    let done = state(WEIGHTED + 1, 0);
    let digit_words = |d: u32, to: u32| -> Vec<Word> {
        let s = digit_slot(d);
        std::iter::once(Word {
            said: s.word.clone(),
            means: None,
            to,
        })
        .chain(s.variants.iter().map(|v| Word {
            said: v.clone(),
            means: Some(s.word.clone()),
            to,
        }))
        .chain(std::iter::once(Word {
            said: d.to_string(),
            means: None,
            to,
        }))
        .collect()
    };
    let mut states = vec![State::default(); done as usize + 1];
    states[done as usize].accept = true;
    for read in 0..=WEIGHTED {
        for sum in 0..MOD {
            let words: Vec<Word> = if read < WEIGHTED {
                let weight = 13 - read;
                (0..=9u32)
                    .flat_map(|d| {
                        let next = state(read + 1, (sum + weight * d as usize) % MOD);
                        digit_words(d, next)
                    })
                    .collect()
            } else {
                let check = ((MOD - sum) % 10) as u32;
                digit_words(check, done)
            };
            states[state(read, sum) as usize].words = words;
        }
    }
    Constraint { states }
}

/// Letters before the digits of a passport number, and the digits, as passports are numbered:
/// Thai "AA1234567" (2 + 7), Lao "P1234567", Cambodian "N01234567", Myanmar "MA123456", Chinese
/// "EA1234567", US 9 digits. At most 2 letters, 6 to 9 digits, 7 to 9 characters in all.
const PASSPORT_LETTERS: usize = 2;
const PASSPORT_DIGITS: (usize, usize) = (6, 9);
const PASSPORT_LENGTH: (usize, usize) = (7, 9);

/// Whether `code` (letters and digits, as [`banthuek_core::thai::letters::parse_code`] gives it)
/// has the shape of a passport number.
pub fn passport_shape(code: &str) -> bool {
    let letters = code.chars().take_while(char::is_ascii_uppercase).count();
    let digits = code.len() - letters;
    letters <= PASSPORT_LETTERS
        && code[letters..].chars().all(|c| c.is_ascii_digit())
        && (PASSPORT_DIGITS.0..=PASSPORT_DIGITS.1).contains(&digits)
        && (PASSPORT_LENGTH.0..=PASSPORT_LENGTH.1).contains(&code.len())
}

/// Passport numbers read out: each letter by its Thai name (the letter lexicon of
/// `banthuek_core::thai::letters`) or written, then each digit as a word or written.
fn passport() -> Constraint {
    let mut b = ConstraintBuilder::new();
    for (c, names) in letters::letter_names() {
        let mut variants: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        variants.push(c.to_ascii_lowercase().to_string());
        b.phrase(&[Slot {
            word: c.to_string(),
            variants,
        }]);
    }
    let letter = b.build();
    let digit = one_digit();
    let mut shapes = Vec::new();
    for l in 0..=PASSPORT_LETTERS {
        let least = PASSPORT_DIGITS.0.max(PASSPORT_LENGTH.0.saturating_sub(l));
        let most = PASSPORT_DIGITS.1.min(PASSPORT_LENGTH.1 - l);
        if least > most {
            continue;
        }
        let digits = repeat_between(&digit, least, most);
        shapes.push(if l == 0 {
            digits
        } else {
            Constraint::concat(&repeat_between(&letter, l, l), &digits)
        });
    }
    Constraint::union(&shapes)
}

/// Whole numbers in `range` as a house number is said: in words, written, or digit by digit
/// ("หนึ่ง สอง สาม" for 123), each form checked against the core number parser.
fn house_part(range: std::ops::RangeInclusive<u64>) -> Constraint {
    let mut b = ConstraintBuilder::new();
    for n in range {
        let mut forms = vec![number_slots(n), vec![Slot::new(n.to_string())]];
        let digits: Vec<u32> = n
            .to_string()
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        if digits.len() > 1 {
            forms.push(digits.into_iter().map(digit_slot).collect());
        }
        for f in forms {
            if numbers::parse_number(&canonical(&f)) == Some(n) {
                b.phrase(&f);
            }
        }
    }
    b.build()
}

/// The words of a house number: "บ้านเลขที่", the slash read out, and หมู่.
const HOUSE: &[&str] = &["บ้าน", "เลขที่"];
const SLASH: &str = "ทับ";
const MOO: &str = "หมู่";
const MOO_THI: &str = "ที่";

/// House numbers as said: "[บ้าน][เลขที่] 123 [ทับ 45] [หมู่ [ที่] 5]" (the slash said ทับ or
/// written "/"), numbers as [`house_part`] says them: 1–9999, after the slash 1–999, หมู่
/// 1–99.
fn house_number() -> Constraint {
    let mut head = ConstraintBuilder::new();
    head.phrase(&[]);
    head.phrase(&words(HOUSE));
    head.phrase(&words(&HOUSE[1..]));
    let mut slash = ConstraintBuilder::new();
    slash.phrase(&[Slot::with_variants(SLASH, &["/"])]);
    let mut moo = ConstraintBuilder::new();
    moo.phrase(&words(&[MOO]));
    moo.phrase(&words(&[MOO, MOO_THI]));
    let after_slash = Constraint::concat(&slash.build(), &house_part(1..=999));
    let moo = Constraint::concat(&moo.build(), &house_part(1..=99));
    [house_part(1..=9999), optional(&after_slash), optional(&moo)]
        .iter()
        .fold(head.build(), |acc, c| Constraint::concat(&acc, c))
}

/// The house number of a canonical reading of [`house_number`]'s language, as the record
/// stores it: "123/45", with " หมู่ 5" when หมู่ was said.
pub fn house_number_value(reading: &str) -> Option<String> {
    let ws: Vec<&str> = reading
        .split(' ')
        .skip_while(|w| HOUSE.contains(w))
        .collect();
    let mut parts = ws.split(|w| *w == MOO);
    let house = parts.next()?;
    let moo = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let mut sides = house.split(|w| *w == SLASH);
    let number = |ws: &[&str]| numbers::parse_number(&ws.join(" ")).filter(|n| *n > 0);
    let mut out = number(sides.next()?)?.to_string();
    if let Some(sub) = sides.next() {
        out.push_str(&format!("/{}", number(sub)?));
    }
    if sides.next().is_some() {
        return None;
    }
    if let Some(moo) = moo {
        let moo = moo.strip_prefix(&[MOO_THI]).unwrap_or(moo);
        out.push_str(&format!(" {MOO} {}", number(moo)?));
    }
    Some(out)
}

/// The word said before a charge.
const CHARGE_HEAD: &str = "ข้อหา";

/// A charge text cut into the pieces the decoder may write a space between: at its own spaces
/// and around each of the entry's keywords ("ลักทรัพย์ในเวลากลางคืน" → ลักทรัพย์, ในเวลา, กลางคืน).
fn charge_pieces(text: &str, keywords: &[&str]) -> Vec<String> {
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for k in keywords.iter().filter(|k| !k.is_empty()) {
        for (at, _) in text.match_indices(k) {
            cuts.extend([at, at + k.len()]);
        }
    }
    for (at, _) in text.match_indices(' ') {
        cuts.extend([at, at + 1]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| text[w[0]..w[1]].trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// A piece of a charge as a slot: a written number may also be said ("ประเภท 1", หนึ่ง).
fn charge_slot(piece: &str) -> Slot {
    let mut s = slot(piece);
    if let Ok(n) = piece.parse::<u64>() {
        s.variants.push(numbers::to_words(n));
    }
    s
}

/// Charges of the charge catalogue (`assets/lexicons/charges.tsv`), optionally after "ข้อหา":
/// each entry's text, or its keywords in order (one alternative of each group: "ยาเสพติด
/// ครอบครอง จำหน่าย"), the keyword form only when the catalogue's own matcher finds that entry
/// from it.
fn charge() -> Constraint {
    let mut b = ConstraintBuilder::new();
    for entry in &lexicons().charges {
        let keywords: Vec<&str> = entry
            .keywords
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut forms: Vec<Vec<Slot>> = vec![charge_pieces(&entry.text, &keywords)
            .iter()
            .map(|p| charge_slot(p))
            .collect()];
        let mut combos: Vec<Vec<&str>> = vec![vec![]];
        for group in &entry.keywords {
            combos = combos
                .iter()
                .flat_map(|c| {
                    group.iter().map(move |k| {
                        let mut c = c.clone();
                        c.push(k.as_str());
                        c
                    })
                })
                .collect();
        }
        for combo in combos {
            let said = combo.join(" ");
            if charges::match_catalogue(&said).is_some_and(|c| c.id == entry.id) {
                forms.push(combo.iter().map(|k| charge_slot(k)).collect());
            }
        }
        for f in forms {
            b.phrase(&f);
            b.phrase(&join(&words(&[CHARGE_HEAD]), &f));
        }
    }
    b.build()
}

/// The catalogue entry of a canonical reading of [`charge`]'s language: the entry whose text it
/// is, else the one the catalogue's matcher finds from its keywords.
pub fn charge_of(reading: &str) -> Option<&'static CatalogueCharge> {
    let said: String = reading
        .split(' ')
        .filter(|w| *w != CHARGE_HEAD)
        .collect::<Vec<_>>()
        .concat();
    let squeezed = |t: &str| t.replace(' ', "");
    lexicons()
        .charges
        .iter()
        .find(|c| squeezed(&c.text) == said)
        .or_else(|| charges::match_catalogue(&said))
}

/// The ages a person may be said to be, and the words said around one ("อายุ 35 ปี").
const AGES: RangeInclusive<u64> = 0..=120;
const AGE_BEFORE: &[&str] = &["อายุ"];
const AGE_AFTER: &[&str] = &["ปี"];

/// The words said around a value of `field` that carry none of it ("อายุ", "ปี" of an age).
pub fn words_around(field: FieldType) -> Vec<&'static str> {
    match field {
        FieldType::Age => [AGE_BEFORE, AGE_AFTER].concat(),
        _ => Vec::new(),
    }
}

/// Whole numbers in `range`, in words or digits, optionally after one of `before` and followed
/// by one of `after`. Not said twice: with that form the decoder wrote "สี สี" (4) for "สี่สิบ"
/// (40) on `bench accuracy --seed 47`, and no number of that draw gained from it.
fn number(range: RangeInclusive<u64>, before: &[&str], after: &[&str]) -> Constraint {
    let mut b = ConstraintBuilder::new();
    for p in number_phrases(range, before, after) {
        b.phrase(&p);
    }
    b.build()
}

/// The phrases of [`number`], each form checked against the number parser.
fn number_phrases(range: RangeInclusive<u64>, before: &[&str], after: &[&str]) -> Vec<Vec<Slot>> {
    let mut phrases = Vec::new();
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
                    phrases.push(join(&join(h, &form), t));
                }
            }
        }
    }
    phrases
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
