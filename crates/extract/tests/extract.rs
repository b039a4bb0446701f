//! The extractor on whole transcripts: the project's own cases scored like the shared evaluation
//! (leaf-level F1 over the exchange format), schema validity, provenance, suggestions, size and
//! arbitrary input.

mod noise;

use banthuek_core::record::LOW_CONFIDENCE;
use banthuek_extract::{extract, ExtractOptions, TimedSegment};
use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

const CASES: &str = include_str!("data/extract-cases.jsonl");
/// Keys the shared scorer does not score.
const IGNORED: &[&str] = &[
    "schema",
    "record_id",
    "provenance",
    "circumstances",
    "rights_notified",
    "custody",
];

fn day(s: &str) -> NaiveDate {
    s.parse().expect("case date")
}

/// Leaves as the shared scorer sees them: NFC is given, Thai digits → Arabic, no white space.
fn leaves(v: &Value, path: String, top: bool, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if top && IGNORED.contains(&k.as_str()) {
                    continue;
                }
                leaves(x, format!("{path}/{k}"), false, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, format!("{path}/{i}"), false, out);
            }
        }
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => {
            let s: String = banthuek_core::thai::digits::to_arabic(s)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let n = s
                .parse::<f64>()
                .ok()
                .filter(|_| s.len() < 12)
                .map(|f| f.to_string());
            out.insert(path, n.unwrap_or(s));
        }
        Value::Number(n) => {
            out.insert(path, n.as_f64().unwrap_or(f64::NAN).to_string());
        }
        Value::Bool(b) => {
            out.insert(path, b.to_string());
        }
    }
}

#[test]
fn own_cases_score_like_the_shared_evaluation() {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut n = 0;
    for line in CASES.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case is JSON");
        let out = extract(
            case["transcript"].as_str().expect("transcript"),
            &ExtractOptions::new(day(case["today"].as_str().expect("today"))),
        );
        let got = out.record.to_value();
        banthuek_core::schema::validate(&got).expect("extracted record fits the schema");
        let mut exp = BTreeMap::new();
        leaves(&case["expected"], String::new(), true, &mut exp);
        let tops: Vec<String> = exp
            .keys()
            .filter_map(|p| p.split('/').nth(1).map(str::to_owned))
            .collect();
        let mut pred = BTreeMap::new();
        leaves(&got, String::new(), true, &mut pred);
        pred.retain(|p, _| {
            p.split('/')
                .nth(1)
                .map(|t| tops.iter().any(|x| x == t))
                .unwrap_or(false)
        });
        let ok = exp.iter().filter(|(p, v)| pred.get(*p) == Some(*v)).count();
        let wrong = pred.iter().filter(|(p, v)| exp.get(*p) != Some(*v)).count();
        tp += ok;
        fp += wrong;
        fn_ += exp.len() - ok;
        n += 1;
        for (p, v) in &exp {
            if pred.get(p) != Some(v) {
                println!("{}: {p}: expected {v:?} got {:?}", case["id"], pred.get(p));
            }
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    let f1 = 2.0 * p * r / (p + r).max(f64::EPSILON);
    println!("own cases: F1={f1:.3} P={p:.3} R={r:.3} cases={n}");
    assert!(n >= 40, "at least 40 own cases, found {n}");
    assert!(f1 >= 0.95, "F1 {f1:.3} below 0.95");
}

#[test]
fn empty_transcript_is_an_empty_draft() {
    for t in ["", "   ", "\n\t"] {
        let out = extract(t, &ExtractOptions::new(day("2026-11-24")));
        assert_eq!(out.record, banthuek_core::ArrestRecord::default());
        assert!(out.suggestions.is_empty());
    }
}

#[test]
fn provenance_points_at_the_dictated_words_and_audio() {
    let t = "สถานที่บันทึก  สถานีตำรวจภูธรหาดใหญ่ วันที่ ๑๕ ก.ค. ๒๕๖๙ ผู้จับกุม ส.ต.ท. ภานุวัฒน์ หมัดหลี ได้จับกุมตัว นายเอกชัย แสงทอง อายุ 16 ปี";
    let chars: Vec<char> = t.chars().collect();
    let n = chars.len();
    let mut opts = ExtractOptions::new(day("2026-07-15"));
    // Two timed stretches: the first half and the second half of the transcript.
    opts.timing = vec![
        TimedSegment::from((0, n / 2, 0, 4000)),
        TimedSegment::from((n / 2, n, 4000, 9000)),
    ];
    let out = extract(t, &opts);
    let span = |ptr: &str| {
        let p = &out.record.provenance[ptr];
        let [s, e] = p.transcript_span.expect("span");
        (
            chars[s as usize..e as usize].iter().collect::<String>(),
            p.audio_ms,
            p.confidence,
        )
    };
    assert_eq!(span("/arrestees/0/age").0, "16");
    assert_eq!(span("/officers/0/first_name").0, "ภานุวัฒน์");
    assert_eq!(span("/recorded/place").0, "สถานีตำรวจภูธรหาดใหญ่");
    // Original Thai digits, not the normalised ones.
    assert!(span("/recorded/date").0.contains("๑๕ ก.ค. ๒๕๖๙"));
    assert_eq!(span("/recorded/place").1, Some([0, 4000]));
    assert_eq!(span("/arrestees/0/age").1, Some([4000, 9000]));
    assert!(span("/arrestees/0/age").2.unwrap_or(0.0) >= LOW_CONFIDENCE);
    assert!(
        out.needs_confirmation.is_empty(),
        "{:?}",
        out.needs_confirmation
    );
}

#[test]
fn failed_check_digit_is_kept_flagged_and_fixes_are_proposed() {
    let t = "ได้จับกุมตัว นายสมชาย ใจดี เลขประจำตัวประชาชน 1103700456784";
    let out = extract(t, &ExtractOptions::new(day("2026-11-24")));
    assert_eq!(
        out.record.arrestees[0].national_id.as_deref(),
        Some("1103700456784")
    );
    let ptr = "/arrestees/0/national_id";
    assert!(out.needs_confirmation.iter().any(|p| p == ptr));
    let s = out
        .suggestions
        .iter()
        .find(|s| s.pointer == ptr)
        .expect("suggestion");
    assert!(s.proposals.contains(&"1103700456783".to_string()));
    let prov = &out.record.provenance[ptr];
    assert!(prov.extra["suggestions"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    // Signing is blocked until the officer confirms or fixes it.
    let v = banthuek_core::check_signable(
        &out.record,
        day("2026-11-25").and_hms_opt(0, 0, 0).unwrap_or_default(),
    );
    assert!(v.iter().any(|x| x.field() == ptr));
}

#[test]
fn asr_near_misses_are_snapped_and_flagged() {
    let t = "ได้จับกุมตัว นายสมชาย ใจดี ที่อยู่ 7 หมู่ 2 ตำบลหนองหอย อำเภอเมืองเชียงใหม จังหวัดเชียงใหม่ เมื่อวันที่ 25 กุมภาพันธ์ 2569 เวลาประมาณสิบสามนาลิกาสามสิบนาที ที่ตลาด";
    let out = extract(t, &ExtractOptions::new(day("2026-02-25")));
    let a = &out.record.arrestees[0];
    assert_eq!(
        a.address.as_deref(),
        Some("7 หมู่ 2 ตำบลหนองหอย อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่")
    );
    assert_eq!(
        out.record.arrest.as_ref().and_then(|x| x.time.as_deref()),
        Some("13:30")
    );
    assert!(out
        .needs_confirmation
        .contains(&"/arrestees/0/address".to_string()));
    assert!(out.needs_confirmation.contains(&"/arrest/time".to_string()));
}

#[test]
fn charge_codes_are_proposed_or_set_on_request() {
    let t = "ได้จับกุมตัว นายสมชาย ใจดี ข้อหา ฉ้อโกงประชาชน และ ขับรถในขณะเมาสุรา";
    let mut opts = ExtractOptions::new(day("2026-11-24"));
    let out = extract(t, &opts);
    assert_eq!(out.charge_matches.len(), 2);
    assert_eq!(out.charge_matches[0].code, "public-fraud");
    assert!(out.record.charges.iter().all(|c| c.code.is_none()));
    opts.set_charge_codes = true;
    let out = extract(t, &opts);
    assert_eq!(out.record.charges[1].code.as_deref(), Some("drunk-driving"));
}

#[test]
fn hundred_kilobytes_of_dictation() {
    let case: Value =
        serde_json::from_str(CASES.lines().next().unwrap_or("{}")).unwrap_or_default();
    let one = case["transcript"]
        .as_str()
        .unwrap_or("ข้อหา ลักทรัพย์")
        .to_owned();
    let mut big = String::new();
    while big.len() < 100 * 1024 {
        big.push_str(&one);
        big.push(' ');
    }
    let mut times = Vec::new();
    let mut out = None;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        out = Some(extract(&big, &ExtractOptions::new(day("2026-11-20"))));
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "extract of {} KB: median {:?} (runs {:?})",
        big.len() / 1024,
        times[1],
        times
    );
    let out = out.expect("ran");
    banthuek_core::schema::validate(&out.record.to_value()).expect("schema");
    assert_eq!(out.record.officers[0].first_name.as_deref(), Some("ธนพล"));
}

/// Fields where a confidently wrong value is never acceptable (custody limits, identity, evidence).
const CRITICAL: &[&str] = &["date", "time", "national_id", "quantity", "age"];

/// The values of `case` extracted from `transcript` that are at or above the confirmation
/// threshold and differ from the expected ones: (pointer, expected, got).
fn confidently_wrong(case: &Value, transcript: &str) -> Vec<(String, Option<String>, String)> {
    let out = extract(
        transcript,
        &ExtractOptions::new(day(case["today"].as_str().expect("today"))),
    );
    let mut exp = BTreeMap::new();
    leaves(&case["expected"], String::new(), true, &mut exp);
    let mut pred = BTreeMap::new();
    leaves(&out.record.to_value(), String::new(), true, &mut pred);
    pred.into_iter()
        .filter(|(p, v)| exp.get(p) != Some(v))
        .filter(|(p, _)| {
            out.record
                .provenance
                .get(p)
                .and_then(|x| x.confidence)
                .is_none_or(|c| c >= LOW_CONFIDENCE)
        })
        .map(|(p, v)| {
            let e = exp.get(&p).cloned();
            (p, e, v)
        })
        .collect()
}

fn cases() -> Vec<Value> {
    CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("case is JSON"))
        .collect()
}

fn critical(pointer: &str) -> bool {
    pointer
        .rsplit('/')
        .next()
        .is_some_and(|f| CRITICAL.contains(&f))
}

#[test]
fn noisy_rewrites_keep_every_confident_value_right() {
    // Every case with five noise seeds: counts what is confidently wrong, per field, and fails on
    // any time, date, ID, quantity or age among them.
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut critical_wrong = Vec::new();
    let mut values = 0;
    for (k, case) in cases().iter().enumerate() {
        for seed in 0..5u64 {
            let t = noise::noisy(
                case["transcript"].as_str().expect("transcript"),
                &case["expected"],
                (k as u64) << 8 | seed,
            );
            values += 1;
            for (p, e, g) in confidently_wrong(case, &t) {
                let field = p.rsplit('/').next().unwrap_or("").to_owned();
                *by_field.entry(field).or_default() += 1;
                println!("{} seed {seed}: {p}: expected {e:?} got {g:?}", case["id"]);
                if critical(&p) {
                    critical_wrong.push(format!(
                        "{} seed {seed}: {p}: expected {e:?} got {g:?} in {t}",
                        case["id"]
                    ));
                }
            }
        }
    }
    println!(
        "noisy rewrites: {values} transcripts; confidently wrong values by field: {by_field:?}"
    );
    assert!(critical_wrong.is_empty(), "{}", critical_wrong.join("\n"));
}

#[test]
fn the_noisy_set_is_what_the_generator_writes() {
    let noisy = include_str!("data/extract-noisy.jsonl");
    let mut lines = noisy.lines();
    for (k, case) in cases().iter().enumerate() {
        for v in 0..3u64 {
            let line = lines.next().expect("three noisy variants per clean case");
            let got: Value = serde_json::from_str(line).expect("noisy case is JSON");
            let want = noise::noisy(
                case["transcript"].as_str().expect("transcript"),
                &case["expected"],
                (k as u64) << 8 | v,
            );
            assert_eq!(
                got["transcript"].as_str(),
                Some(want.as_str()),
                "regenerate with examples/noisy_cases.rs"
            );
            assert_eq!(got["expected"], case["expected"]);
        }
    }
    assert!(lines.next().is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    /// The central invariant: whatever noise a transcript carries, no time, date, ID, quantity
    /// or age is filled at or above the confirmation threshold with a wrong value.
    #[test]
    fn no_confident_value_is_wrong_under_noise(k in 0usize..1000, seed in any::<u64>()) {
        let all = cases();
        let case = &all[k % all.len()];
        let t = noise::noisy(case["transcript"].as_str().expect("transcript"), &case["expected"], seed);
        let wrong: Vec<_> = confidently_wrong(case, &t).into_iter().filter(|(p, _, _)| critical(p)).collect();
        prop_assert!(wrong.is_empty(), "{}: {:?} in {}", case["id"], wrong, t);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn arbitrary_input_never_panics(s in "\\PC{0,300}") {
        let out = extract(&s, &ExtractOptions::new(day("2026-11-24")));
        prop_assert!(banthuek_core::schema::validate(&out.record.to_value()).is_ok());
    }

    #[test]
    fn arbitrary_thai_keywords_never_panic(parts in prop::collection::vec(prop::sample::select(vec![
        "วันที่", "เวลา", "ผู้จับกุม", "ร.ต.อ.", "ได้จับกุมตัว", "นาย", "อายุ", "๑๒", "3,200", "บาท",
        "เลขประจำตัวประชาชน", "ที่อยู่", "ตามหมายจับ", "ศาล", "ทับ", "ข้อหา", "และ", "ของกลาง", "เม็ด",
        "พฤติการณ์", "ให้การ", "รับสารภาพ", "เมื่อวานนี้", "บ่ายโมง", "1.", " ", "หญิง", "ซึ่งหน้า",
        "สิบ", "ห้า", "จำนวน", "น.", "ก.ย.", "/", ".", "ณ", "ที่",
    ]), 0..60)) {
        let s: String = parts.concat();
        let out = extract(&s, &ExtractOptions::new(day("2026-11-24")));
        prop_assert!(banthuek_core::schema::validate(&out.record.to_value()).is_ok());
    }
}
