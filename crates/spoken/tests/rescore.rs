//! Rescoring of a field's values by the model's belief in each value's spoken renderings
//! (teacher forcing in the engine): it may reorder the values and flag, never make a value sure.

use banthuek_core::thai::numbers::parse_number;
use banthuek_spoken::{
    extensions, neighbours, read_value, renderings, rescored, with_extensions, with_neighbours,
    with_searched, Alternative, FieldType, SpokenField, EXTENSION_MARGIN, NEIGHBOUR_MARGIN,
    NOTHING_RAW,
};
use proptest::prelude::*;
use serde_json::Value;

fn field(values: &[u64], confident: bool) -> SpokenField {
    SpokenField {
        field: FieldType::Number,
        value: Some(Value::from(values[0])),
        confident,
        confidence: 0.8,
        alternatives: values[1..]
            .iter()
            .map(|&v| Alternative {
                value: Value::from(v),
                confidence: 0.1,
            })
            .collect(),
        heard: "สี่สิบสี่".into(),
    }
}

/// Numbers with their scores, as the functions under test take them.
fn by_value(scores: impl IntoIterator<Item = (u64, f32)>) -> Vec<(Value, f32)> {
    scores
        .into_iter()
        .map(|(v, s)| (Value::from(v), s))
        .collect()
}

fn all_values(f: &SpokenField) -> Vec<Value> {
    let mut v: Vec<Value> = f.value.iter().cloned().collect();
    v.extend(f.alternatives.iter().map(|a| a.value.clone()));
    v.sort_by_key(|x| x.to_string());
    v
}

proptest! {
    #[test]
    fn rescoring_reorders_and_flags_but_never_makes_sure(
        values in prop::collection::btree_set(0u64..60, 1..6),
        scores in prop::collection::vec(-80.0f32..0.0, 6),
        confident: bool,
    ) {
        let values: Vec<u64> = values.into_iter().collect();
        let before = field(&values, confident);
        let scored = by_value(values.iter().copied().zip(scores.iter().copied()));
        let after = rescored(before.clone(), &scored);
        // The same values, the best-scored first.
        prop_assert_eq!(all_values(&after), all_values(&before));
        let best = scored.iter().map(|s| s.1).fold(f32::NEG_INFINITY, f32::max);
        let top = scored.iter().find(|s| Some(&s.0) == after.value.as_ref()).map(|s| s.1);
        prop_assert_eq!(top, Some(best));
        // Never promoted; a value that moved to the front is flagged.
        prop_assert!(!after.confident || before.confident);
        if after.value != before.value {
            prop_assert!(!after.confident);
        }
        // Scores in order behind it.
        let order: Vec<f32> = after
            .alternatives
            .iter()
            .filter_map(|a| scored.iter().find(|s| s.0 == a.value).map(|s| s.1))
            .collect();
        prop_assert!(order.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn a_number_is_rendered_in_words_as_it_reads(n in 0u64..10_000) {
        let r = renderings(FieldType::Number, &Value::from(n));
        prop_assert_eq!(r.len(), 1);
        prop_assert!(!r[0].chars().any(|c| c.is_ascii_digit()));
        for text in r {
            prop_assert_eq!(parse_number(&text), Some(n), "{}", text);
        }
    }

    #[test]
    fn an_age_is_rendered_in_words_as_it_reads(n in 0u64..=120) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date");
        let r = renderings(FieldType::Age, &Value::from(n));
        prop_assert_eq!(r.len(), 1);
        for text in r {
            prop_assert!(!text.chars().any(|c| c.is_ascii_digit()));
            prop_assert_eq!(read_value(FieldType::Age, &text, today), Some(Value::from(n)), "{}", text);
        }
    }
}

proptest! {
    #[test]
    fn a_time_extends_by_the_units_after_its_tens(h in 0u32..24, m in 0u32..60, n in 0u64..100) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date");
        let time = Value::from(format!("{h:02}:{m:02}"));
        let said = &renderings(FieldType::Time, &time)[1];
        let extended = extensions(FieldType::Time, &time);
        let tens = |x: u32| x >= 10 && x.is_multiple_of(10);
        // Nine minutes after a tens minute, up to the hour's end; as many hours after 10 or 20.
        let expected = usize::from(tens(m)) * (9.min(59 - m as usize))
            + usize::from(tens(h)) * (9.min(23 - h as usize));
        prop_assert_eq!(extended.len(), expected, "{}", time);
        for v in &extended {
            // Said, each is the time's words with a word more after its tens word.
            let longer = &renderings(FieldType::Time, v)[1];
            prop_assert_eq!(read_value(FieldType::Time, longer, today), Some(v.clone()));
            let (a, b): (Vec<_>, Vec<_>) = (said.split(' ').collect(), longer.split(' ').collect());
            prop_assert_eq!(a.len(), b.len());
            let differing: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).collect();
            prop_assert_eq!(differing.len(), 1, "{} {}", said, longer);
            prop_assert!(differing[0].1.starts_with(differing[0].0), "{} {}", said, longer);
        }
        prop_assert!(extensions(FieldType::Number, &Value::from(n)).is_empty());
    }

    #[test]
    fn an_extension_the_model_believes_as_much_is_never_sure(
        values in prop::collection::btree_set(0u64..60, 1..4),
        scores in prop::collection::vec(-8.0f32..0.0, 4),
        extended in prop::collection::btree_map(60u64..100, -8.0f32..0.0, 0..9),
        confident: bool,
    ) {
        let values: Vec<u64> = values.into_iter().collect();
        let before = field(&values, confident);
        let scored = by_value(values.iter().copied().zip(scores.iter().copied()));
        let extended = by_value(extended);
        let after = with_extensions(before.clone(), &scored, &extended);
        let best = extended.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            // Ahead of the value: it leads, the value heard next.
            Some((e, s)) if *s > scores[0] => {
                prop_assert_eq!(after.value.as_ref(), Some(e));
                prop_assert!(after.confidence > 0.5 && after.confidence <= 1.0);
                prop_assert_eq!(Some(&after.alternatives[0].value), before.value.as_ref());
                prop_assert!(!after.confident);
            }
            // Close behind: the value stays first, unsure, the extension next.
            Some((e, s)) if *s > scores[0] - EXTENSION_MARGIN => {
                prop_assert_eq!(&after.value, &before.value);
                prop_assert_eq!(&after.alternatives[0].value, e);
                prop_assert!(!after.confident);
            }
            _ => prop_assert_eq!(&after, &before),
        }
    }

    #[test]
    fn a_time_neighbours_the_times_that_differ_in_its_minutes_units_word(
        h in 0u32..24, m in 0u32..60, n in 0u64..100,
    ) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date");
        let time = Value::from(format!("{h:02}:{m:02}"));
        let said = &renderings(FieldType::Time, &time)[1];
        let near = neighbours(FieldType::Time, &time);
        // A minute's group: the minutes said with the same tens word (1–9 without one); none on
        // the hour, which says no minute.
        let group = if m == 0 { 0 } else if m < 10 { 9 } else { 10.min(60 - (m - m % 10) as usize) };
        prop_assert_eq!(near.len(), group.saturating_sub(1), "{}", time);
        for v in &near {
            prop_assert_ne!(v, &time);
            let other = &renderings(FieldType::Time, v)[1];
            prop_assert_eq!(read_value(FieldType::Time, other, today), Some(v.clone()));
            let (a, b): (Vec<_>, Vec<_>) = (said.split(' ').collect(), other.split(' ').collect());
            prop_assert_eq!(a.len(), b.len(), "{} {}", said, other);
            // The hour and the words around it as said; the minute's word alone differs.
            let differing: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            prop_assert_eq!(differing, vec![2], "{} {}", said, other);
        }
        prop_assert!(neighbours(FieldType::Number, &Value::from(n)).is_empty());
    }

    #[test]
    fn a_neighbour_the_model_believes_as_much_leaves_no_value_sure(
        values in prop::collection::btree_set(0u64..60, 1..4),
        scores in prop::collection::vec(-8.0f32..0.0, 4),
        near in prop::collection::btree_map(60u64..100, -8.0f32..0.0, 0..9),
        confident: bool,
    ) {
        let values: Vec<u64> = values.into_iter().collect();
        let before = field(&values, confident);
        let scored = by_value(values.iter().copied().zip(scores.iter().copied()));
        let near = by_value(near);
        let after = with_neighbours(before.clone(), &scored, &near);
        // A neighbour never leads and never makes sure.
        prop_assert_eq!(&after.value, &before.value);
        prop_assert!(!after.confident || before.confident);
        let best = near.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((n, s)) if confident && *s > scores[0] - NEIGHBOUR_MARGIN => {
                prop_assert!(!after.confident);
                prop_assert_eq!(&after.alternatives[0].value, n);
                prop_assert!(after.alternatives.len() <= 4);
            }
            _ => prop_assert_eq!(&after, &before),
        }
    }

    #[test]
    fn searched_values_join_but_never_make_sure(
        values in prop::collection::btree_set(0u64..60, 0..5),
        searched in prop::collection::btree_map(0u64..60, -6.0f32..0.0, 0..5),
        confident: bool,
    ) {
        let values: Vec<u64> = values.into_iter().collect();
        let before = if values.is_empty() {
            SpokenField {
                field: FieldType::Number,
                value: None,
                confident: false,
                confidence: 0.0,
                alternatives: Vec::new(),
                heard: "ศูนย์".into(),
            }
        } else {
            field(&values, confident)
        };
        let searched = by_value(searched);
        let after = with_searched(before.clone(), &searched);
        prop_assert!(!after.confident || before.confident, "nothing becomes sure");
        prop_assert!(before.value.is_some() || !after.confident);
        if before.value.is_some() {
            prop_assert_eq!(&after.value, &before.value, "the constrained reading keeps its place");
        }
        // Every value kept, every searched one believed enough offered.
        let all = all_values(&after);
        for v in all_values(&before) {
            prop_assert!(all.contains(&v));
        }
        for (v, s) in &searched {
            let believed = *s >= NOTHING_RAW || before.value.is_some();
            prop_assert_eq!(all.contains(v), believed, "{} at {}", v, s);
        }
    }
}

#[test]
fn nothing_heard_stays_nothing_heard() {
    let nothing = SpokenField {
        field: FieldType::Time,
        value: None,
        confident: false,
        confidence: 0.0,
        alternatives: Vec::new(),
        heard: String::new(),
    };
    let after = rescored(nothing.clone(), &[(Value::from("10:00"), -1.0)]);
    assert_eq!(after, nothing);
}

#[test]
fn times_are_rendered_in_digits_and_in_words() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");
    for t in ["18:44", "03:00", "00:26", "23:59"] {
        let r = renderings(FieldType::Time, &Value::from(t));
        assert_eq!(r.len(), 2, "{r:?}");
        for text in &r {
            assert_eq!(
                banthuek_spoken::read_value(FieldType::Time, text, today),
                Some(Value::from(t)),
                "{text}"
            );
        }
    }
    assert_eq!(
        renderings(FieldType::Time, &Value::from("18:44")),
        ["18 นาฬิกา 44 นาที", "สิบแปด นาฬิกา สี่สิบสี่ นาที"]
    );
    for field in [FieldType::NationalId, FieldType::Rank] {
        assert!(!banthuek_spoken::has_rescoring(field));
        assert!(renderings(field, &Value::from("1526454988108")).is_empty());
    }
}
