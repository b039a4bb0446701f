//! When a value read from the constrained beams may be sure ([`interpret`]): never when its
//! number is said "สิบ…" (10–19), which is how a tens number sounds without its first word, nor
//! when it was heard in heavy noise.

use banthuek_speech::engine::{Hypothesis, Transcript};
use banthuek_spoken::{interpret, may_have_lost_its_multiplier, FieldType, NOISY_SNR_DB};
use proptest::prelude::*;
use serde_json::Value;

/// A transcript whose beams all wrote `text`, which the model believes strongly (−0.1 per
/// token, without the constraint).
fn believed(text: &str) -> Transcript {
    let tokens = 10;
    Transcript {
        text: text.into(),
        language: "th".into(),
        duration_ms: 3000,
        segments: Vec::new(),
        hypotheses: vec![Hypothesis {
            text: text.into(),
            logp: -0.5,
            raw_logp: -0.1 * (tokens as f32 + 1.0),
            tokens,
        }],
        no_speech: Some(0.01),
        scores: Vec::new(),
        short_voice: false,
        snr_db: None,
    }
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date")
}

proptest! {
    #[test]
    fn a_time_believed_alone_is_sure_unless_its_minute_may_have_lost_a_word(h in 0u32..24, m in 0u32..60) {
        let text = if m == 0 { format!("{h} นาฬิกา") } else { format!("{h} นาฬิกา {m} นาที") };
        let read = interpret(FieldType::Time, &believed(&text), today());
        let value = Value::from(format!("{h:02}:{m:02}"));
        prop_assert_eq!(read.value.as_ref(), Some(&value), "{}", text);
        let lost = (10..20).contains(&m);
        prop_assert_eq!(may_have_lost_its_multiplier(FieldType::Time, &value), lost);
        prop_assert_eq!(read.confident, !lost, "{}", text);
    }

    #[test]
    fn a_number_or_age_said_sip_something_is_never_sure(n in 0u64..=99) {
        for field in [FieldType::Number, FieldType::Age] {
            let read = interpret(field, &believed(&n.to_string()), today());
            prop_assert_eq!(read.value.as_ref(), Some(&Value::from(n)));
            if (10..20).contains(&n) {
                prop_assert!(!read.confident, "{} in {:?}", n, field);
            }
        }
    }

    #[test]
    fn a_value_heard_in_heavy_noise_is_never_sure(h in 0u32..24, m in 20u32..60, snr in 0.0f32..40.0) {
        let text = format!("{h} นาฬิกา {m} นาที");
        let mut heard = believed(&text);
        heard.snr_db = Some(snr);
        let read = interpret(FieldType::Time, &heard, today());
        prop_assert_eq!(read.value, Some(Value::from(format!("{h:02}:{m:02}"))));
        prop_assert_eq!(read.confident, snr >= NOISY_SNR_DB, "{} at {} dB", text, snr);
    }
}
