//! Spoken field values: when the officer dictates into a typed field (a time, a national ID, an
//! age…), the decoder may only write what parses as that type, and what it heard becomes the
//! value the record stores, with ranked alternatives and a confidence that never lies.
//!
//! - [`grammar::constraint`]: the constraint of each [`FieldType`], built from the Thai number
//!   words of `banthuek_core::thai` and the lexicons of `banthuek_extract` (never copied
//!   tables); the engine (`banthuek_speech`) enforces it token by token and returns every
//!   complete text its beams reached.
//! - [`interpret`]: those texts → values (the core parsers), ranked by the decoder's score and
//!   the domain (a national ID's check digit), with the confidence of the best; a value is
//!   `confident` only when decoder, parse and domain agree, otherwise the officer confirms it.
//!   Silence, noise or a cough give no value ("nothing heard").
//! - [`transcribe_field`]: the one call the CLI (`banthuek transcribe FILE --field TYPE`) and the
//!   app's field dictation make.
//! - [`bench`]: `banthuek bench accuracy`, per field type with and without the constraint.

pub mod bench;
pub mod grammar;
pub mod phonetic;
pub mod words;

use banthuek_core::thai::{dates, letters, numbers, times};
use banthuek_extract::lexicon::lexicons;
use banthuek_speech::engine::{DecodeOptions, Hypothesis, Transcript};
use banthuek_speech::supervisor::Supervisor;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// The typed fields that dictation can fill with a constrained decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Time,
    Date,
    NationalId,
    Passport,
    Number,
    Age,
    HouseNumber,
    Rank,
    Province,
    District,
    Subdistrict,
    Charge,
    YesNo,
}

impl FieldType {
    pub const ALL: [FieldType; 13] = [
        FieldType::Time,
        FieldType::Date,
        FieldType::NationalId,
        FieldType::Passport,
        FieldType::Number,
        FieldType::Age,
        FieldType::HouseNumber,
        FieldType::Rank,
        FieldType::Province,
        FieldType::District,
        FieldType::Subdistrict,
        FieldType::Charge,
        FieldType::YesNo,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FieldType::Time => "time",
            FieldType::Date => "date",
            FieldType::NationalId => "national_id",
            FieldType::Passport => "passport",
            FieldType::Number => "number",
            FieldType::Age => "age",
            FieldType::HouseNumber => "house_number",
            FieldType::Rank => "rank",
            FieldType::Province => "province",
            FieldType::District => "district",
            FieldType::Subdistrict => "subdistrict",
            FieldType::Charge => "charge",
            FieldType::YesNo => "yes_no",
        }
    }
}

impl std::str::FromStr for FieldType {
    type Err = SpokenError;
    fn from_str(s: &str) -> Result<Self, SpokenError> {
        FieldType::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| SpokenError::UnknownField(s.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SpokenError {
    #[error("unknown field type {0} (known: time, date, national_id, passport, number, age, house_number, rank, province, district, subdistrict, charge, yes_no) / ไม่รู้จักชนิดช่องข้อมูล {0}")]
    UnknownField(String),
    #[error(transparent)]
    Speech(#[from] banthuek_speech::SpeechError),
}

/// Another value the officer may take instead, with its confidence.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Alternative {
    pub value: Value,
    pub confidence: f32,
}

/// What dictation into a typed field gave: the `field` object of `banthuek transcribe --json
/// --field TYPE`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SpokenField {
    #[serde(rename = "type")]
    pub field: FieldType,
    /// Normalised as the record stores it ("14:30", "2026-11-20", "1101700203451", 45,
    /// "AA1234567", "123/45 หมู่ 5", the catalogue's text of a charge); `null`
    /// when nothing was heard.
    pub value: Option<Value>,
    /// Decoder, parse and domain agree, and no word said twice had to be read once: the value
    /// may be taken without confirmation.
    pub confident: bool,
    /// The share of the decoder's belief that went to this value (0–1), halved when a domain
    /// check fails.
    pub confidence: f32,
    /// Other values, best first.
    pub alternatives: Vec<Alternative>,
    /// The text the decoder wrote.
    pub heard: String,
}

impl SpokenField {
    fn nothing(field: FieldType, heard: String) -> Self {
        SpokenField {
            field,
            value: None,
            confident: false,
            confidence: 0.0,
            alternatives: Vec::new(),
            heard,
        }
    }

    /// Offers `next` first among the alternatives (once), keeping at most [`ALTERNATIVES`].
    fn offer_next(&mut self, next: Alternative) {
        self.alternatives.retain(|a| a.value != next.value);
        self.alternatives.insert(0, next);
        self.alternatives.truncate(ALTERNATIVES);
    }
}

/// Decoding options for dictation into `field`: `base` with the field's constraint and the
/// encoder's full context, except for times ([`TIME_CONTEXT_MARGIN`], [`TIME_BEAM_SIZE`]). On
/// the accuracy benchmark (seed 2, times and numbers) the full context turned the one wrong time
/// given as sure with the fitted context ("สอง" heard as "นึง") into a flagged one, at the same exact
/// count; a field value is one short utterance. Voice activity detection, where `base` asks
/// for it, only decides whether anything was said: the whole utterance is decoded (cut to the
/// detected speech, a short first word was lost).
pub fn decode_options(field: FieldType, base: &DecodeOptions) -> DecodeOptions {
    let time = field == FieldType::Time;
    DecodeOptions {
        constraint: Some(grammar::constraint(field)),
        full_context: !time,
        context_margin: time.then_some(TIME_CONTEXT_MARGIN),
        beam_size: if time { TIME_BEAM_SIZE } else { base.beam_size },
        vad_trim: false,
        ..base.clone()
    }
}

/// The encoder's context for a time: the utterance and 6 s more, not the whole 30 s. The
/// encoder's time follows its context. On the accuracy benchmark (6 times per seed, seeds 17,
/// 29, 47, 202, 303) the full context read 22 of 30 exact, 15 s more 23 (2.2–2.4 s p50 against
/// 3.1–3.5 s); once the free transcript was read off the same encoding
/// ([`reads_free_off_encoding`]), 15 s more read 24 at 1.7–2.1 s, 6 s more 24 at 1.1–1.35 s and
/// 3 s more 22 at 1.0–1.15 s. No value was sure and wrong with any of them, under pink noise
/// or in eSpeak NG's voice either. Numbers lost 10 → 7 of 12 with a shorter context (one short
/// word needs the whole context); once they were searched too, 15 s more read the same 48 of the
/// 60 clock clips and 23 of 30 on seeds 17–303 in half the time (1.1–1.5 s p50 against
/// 2.2–3.0 s), but one fewer on each of four noisy or fresh draws of six (43 against 45 of 66
/// draws, 12 against 13 of 18 under noise): they keep the full context, the value before the
/// speed (measured again over 90 draws, 7 Dec: the whole context read 57, 15 s more 54, 10 s
/// more 53; `docs/spoken-values.md`). National IDs, long utterances, gain little: full context
/// too.
pub const TIME_CONTEXT_MARGIN: u32 = 300;

/// The constrained decoder's beams for a time: 3, not 5. On the accuracy benchmark (6 times per
/// seed; seeds 17, 29, 47, 202, 303, 404, 505, and 17 at 20 dB, 102 at 15 dB, 103 in eSpeak's
/// voice) 3 beams read 43 of 60 exact and 5 beams 41, none sure and wrong with either, about
/// 0.1 s sooner (0.9 → 0.8 s for the constrained decode of a 5.6 s clip in one process).
pub const TIME_BEAM_SIZE: i32 = 3;

/// The value of a canonical reading (words as the grammar means them), by the core parsers.
pub fn read_value(field: FieldType, reading: &str, today: NaiveDate) -> Option<Value> {
    let without = |kinds: &[&str]| -> String {
        reading
            .split(' ')
            .filter(|w| !kinds.contains(w))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match field {
        FieldType::Time => {
            times::parse_time(reading).map(|t| Value::from(t.format("%H:%M").to_string()))
        }
        FieldType::Date => dates::parse_date(reading, today)
            .or_else(|| {
                // The core number scanner reads "สิบ ธันวาคม" as a rank-like "สิบ ธ…" and stops;
                // "เดือน" before the month name (a form it also reads) keeps the day.
                let month = grammar::MONTHS.iter().find(|m| reading.contains(*m))?;
                let with = reading.replacen(month, &format!("เดือน{month}"), 1);
                dates::parse_date(&with, today)
            })
            .map(|d| Value::from(d.format("%Y-%m-%d").to_string())),
        FieldType::NationalId => numbers::parse_digit_sequence(reading)
            .filter(|d| d.len() == 13)
            .map(Value::from),
        FieldType::Number => numbers::parse_number(reading).map(Value::from),
        FieldType::Age => {
            numbers::parse_number(&without(&grammar::words_around(field))).map(Value::from)
        }
        FieldType::YesNo => {
            let r = reading.replace(' ', "");
            if grammar::YES.contains(&r.as_str()) {
                Some(Value::from(true))
            } else if grammar::NO.contains(&r.as_str()) {
                Some(Value::from(false))
            } else {
                None
            }
        }
        FieldType::Rank => {
            let (said, female) = match reading.strip_suffix(" หญิง") {
                Some(s) => (s, "หญิง"),
                None => (reading, ""),
            };
            lexicons()
                .ranks
                .iter()
                .find(|r| r.spoken.iter().any(|s| s == said))
                .map(|r| Value::from(format!("{}{female}", r.abbr)))
        }
        FieldType::Passport => letters::parse_code(reading)
            .filter(|p| grammar::passport_shape(p))
            .map(Value::from),
        FieldType::HouseNumber => grammar::house_number_value(reading).map(Value::from),
        FieldType::Charge => grammar::charge_of(reading).map(|c| Value::from(c.text.as_str())),
        FieldType::Province => Some(Value::from(without(&["จังหวัด"]))),
        FieldType::District => Some(Value::from(without(&["อำเภอ", "เขต"]))),
        FieldType::Subdistrict => Some(Value::from(without(&["ตำบล", "แขวง"]))),
    }
}

/// One value a reading may mean.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub value: Value,
    /// A word said twice in a row was read once to reach this value.
    pub collapsed: bool,
}

/// Every value a canonical reading may mean, a word said twice in a row read once: a time with
/// a number said twice ("สิบ สิบ นาฬิกา เก้า เก้า นาที") is that time; otherwise the one value of
/// [`read_value`].
pub fn read_values(field: FieldType, reading: &str, today: NaiveDate) -> Vec<Reading> {
    match field {
        FieldType::Time => {
            let once = words::undouble(reading);
            let collapsed = once != reading;
            read_value(field, &once, today)
                .map(|value| Reading { value, collapsed })
                .into_iter()
                .collect()
        }
        _ => read_value(field, reading, today)
            .map(|value| Reading {
                value,
                collapsed: false,
            })
            .into_iter()
            .collect(),
    }
}

/// What the domain knows beyond the parse: a national ID's check digit.
pub fn domain_ok(field: FieldType, value: &Value) -> bool {
    match field {
        FieldType::NationalId => value
            .as_str()
            .is_some_and(banthuek_core::rules::national_id_is_valid),
        _ => true,
    }
}

/// The most alternatives a value offers the officer beside itself.
const ALTERNATIVES: usize = 4;

/// Below this share of the decoder's belief the best value is not sure.
const SURE_SHARE: f32 = 0.9;
/// Mean log-probability per token, without the constraint, below which the model did not
/// believe the constrained text itself: not sure. Right values measured -0.35 to -0.76, the
/// wrong time -0.86 (fitted context) and -1.34 (full context) on seed 2.
const SURE_RAW: f32 = -0.75;
/// Mean unconstrained log-probability per token below which the audio held nothing the
/// field can take (noise, a cough): nothing heard.
pub const NOTHING_RAW: f32 = -3.0;

/// The value of a constrained transcript: hypotheses read and parsed, ranked by the decoder's
/// score and the domain, and the confidence of the best.
pub fn interpret(field: FieldType, transcript: &Transcript, today: NaiveDate) -> SpokenField {
    let by_raw = field == FieldType::NationalId;
    let heard = transcript
        .hypotheses
        .first()
        .map(|h| h.text.clone())
        .unwrap_or_else(|| transcript.text.clone());
    // Whisper's no-speech probability is no gate here: its rule (above 0.6: nothing said)
    // turned 33 and 38 said into "nothing heard" on seeds 17, 29 and 303 and held back nothing
    // else. The voice activity gate and the free reading's silence rule decide that.
    if transcript.hypotheses.is_empty() {
        return SpokenField::nothing(field, heard);
    }
    let constraint = grammar::constraint(field);
    // A national ID's constraint forces each beam's last digit (the check digit its first twelve
    // call for) at no cost under the constraint: its beams are weighed by the model's own,
    // unconstrained score, in which a forced digit the audio does not hold costs what it should.
    let score = |h: &banthuek_speech::engine::Hypothesis| if by_raw { h.raw_logp } else { h.logp };
    let best = transcript
        .hypotheses
        .iter()
        .map(score)
        .fold(f32::NEG_INFINITY, f32::max);
    let heard = transcript
        .hypotheses
        .iter()
        .find(|h| score(h) == best)
        .map(|h| h.text.clone())
        .unwrap_or(heard);
    // Each value: its share of the beams' belief, the best unconstrained per-token score, and
    // whether it was reached only by reading a repeated word once. A hypothesis with several
    // readings shares its weight among them.
    let mut values: Vec<(Value, f32, f32, bool)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut total = 0.0f32;
    for h in &transcript.hypotheses {
        let w = (score(h) - best).exp();
        total += w;
        let readings = constraint
            .read(&h.text)
            .map(|r| read_values(field, &r, today))
            .unwrap_or_default();
        let raw = h.raw_logp / (h.tokens as f32 + 1.0);
        let part = w / readings.len().max(1) as f32;
        for Reading { value, collapsed } in readings {
            let key = value.to_string();
            match index.get(&key) {
                Some(&i) => {
                    values[i].1 += part;
                    values[i].2 = values[i].2.max(raw);
                    values[i].3 &= collapsed;
                }
                None => {
                    index.insert(key, values.len());
                    values.push((value, part, raw, collapsed));
                }
            }
        }
    }
    if values.is_empty() || total <= 0.0 {
        return SpokenField::nothing(field, heard);
    }
    let best_raw = values.iter().map(|v| v.2).fold(f32::NEG_INFINITY, f32::max);
    if best_raw < NOTHING_RAW {
        return SpokenField::nothing(field, heard);
    }
    let mut ranked: Vec<(Value, f32, f32, bool, bool)> = values
        .into_iter()
        .map(|(v, w, raw, collapsed)| {
            let ok = domain_ok(field, &v);
            let share = w / total;
            (v, if ok { share } else { share / 2.0 }, raw, ok, collapsed)
        })
        .collect();
    // Values the domain accepts first, then by confidence.
    ranked.sort_by(|a, b| b.3.cmp(&a.3).then(b.1.total_cmp(&a.1)));
    let (value, confidence, raw, ok, collapsed) = ranked[0].clone();
    // A value reached only by reading a repeated word once is always confirmed: no draw
    // measured so far shows the collapse can be trusted without the officer. (Every national ID
    // the decoder can finish passes its check digit, so the check flags nothing there: an ID is
    // sure only when the second reading agrees too, see [`with_sound_reading`].)
    // Nor is a value sure that the voice activity detection heard only as a short burst (a
    // number word said alone, or a sound that is no word).
    // Nor a value whose number may be one heard without its first word
    // ([`may_have_lost_its_multiplier`]), nor one heard in heavy noise ([`NOISY_SNR_DB`]).
    let confident = ok
        && confidence >= SURE_SHARE
        && raw >= SURE_RAW
        && !collapsed
        && !transcript.short_voice
        && !may_have_lost_its_multiplier(field, &value)
        && !heard_in_noise(transcript);
    SpokenField {
        field,
        value: Some(value),
        confident,
        confidence,
        alternatives: ranked[1..]
            .iter()
            .take(ALTERNATIVES)
            .map(|(v, c, ..)| Alternative {
                value: v.clone(),
                confidence: *c,
            })
            .collect(),
        heard,
    }
}

/// Below this estimated signal-to-noise ratio ([`banthuek_speech::audio::snr_db`]) nothing read
/// is sure. On the accuracy benchmark under pink noise (`--snr`, seeds 8001–8008, 48 times
/// each), at 10 dB 3 times were read sure and 2 of them were wrong (18:47 as 18:48, 07:28 as
/// 08:28); at 15 dB 5 and at 20 dB 11, all right; numbers never wrong and sure. The estimate
/// reads the benchmark's ratio about 3.5 dB high: 9.9–15.4 dB at 10 dB, 14.6–20.2 at 15 dB
/// (36 utterances each); a quiet room reads 25 dB and more.
pub const NOISY_SNR_DB: f32 = 15.0;

/// Whether the utterance was heard in so much noise that no value read from it is sure.
fn heard_in_noise(transcript: &Transcript) -> bool {
    transcript.snr_db.is_some_and(|snr| snr < NOISY_SNR_DB)
}

/// Whether `value` holds a number said "สิบ…" (10–19): a time's minute, a number or an age. That
/// is how a number of the tens sounds when its first word is not heard, and base drops it, in
/// every reading at once: the clock voice's ห้าสิบสี่ (a short ห้า, 150 ms) read as สิบสี่,
/// 14:54 as 14:14 and 03:54 as 03:14, both sure, and 16:46 as 16:16, 07:33 as 07:13 and 14:49
/// as 14:19 (flagged). Scored by teacher forcing, the times with the word put back (14:24 …
/// 14:54) trailed the wrong value by 0.36 and 0.99 per token, the right values read sure by
/// 0.27–1.05: no margin tells them apart, so such a value is always confirmed by the officer.
/// (An hour of 10–13 could lose its ยี่ the same way; on 16 times of 20–23 it never did.)
pub fn may_have_lost_its_multiplier(field: FieldType, value: &Value) -> bool {
    let tens_of_sip = |n: u64| (10..20).contains(&n);
    match field {
        FieldType::Time => hour_and_minute(field, value).is_some_and(|(_, m)| tens_of_sip(m)),
        FieldType::Number | FieldType::Age => value.as_u64().is_some_and(tens_of_sip),
        _ => false,
    }
}

/// Whether `field` gets a second reading: the free transcript matched by sound against the
/// field's language ([`grammar::sound_constraint`], [`phonetic::closest`]): national IDs, times,
/// numbers and ages.
pub fn has_sound_reading(field: FieldType) -> bool {
    matches!(
        field,
        FieldType::NationalId | FieldType::Time | FieldType::Number | FieldType::Age
    )
}

/// Whether `field` holds one number said alone or in a few words: a number or an age. An age
/// is read as a number is, over its own range and the words said around it ("อายุ 35 ปี").
fn is_number(field: FieldType) -> bool {
    matches!(field, FieldType::Number | FieldType::Age)
}

/// Above this cost per word the free transcript does not sound like any value of the field:
/// no second reading. The right IDs of the benchmark's draws (seeds 12, 61) matched at 0.32 to
/// 0.61, free transcripts of a few words or none gave no match.
const SOUND_MAX: f32 = 0.8;

/// How many words of a sound reading may match nothing heard: one digit of an ID (the free
/// transcript drops one now and then, and the check digit still narrows the rest), none of a
/// time or number (the free transcript often lacks the hour, and an hour made up is no reading).
fn max_unheard(field: FieldType) -> usize {
    usize::from(field == FieldType::NationalId)
}

/// The value of the free transcript `free` read by sound against `field`'s language, with the
/// match's cost per word of the value: the words said around an age ("อายุ", "ปี") carry none
/// of it, and matched for nothing they would let a poor match of the number pass ("อายุ ปี"
/// heard, read as "อายุ สี่": ปี for สี่).
pub fn sound_reading(field: FieldType, free: &str, today: NaiveDate) -> Option<(Value, f32)> {
    let m = phonetic::closest(&grammar::sound_constraint(field)?, free)?;
    let around = grammar::words_around(field);
    let framing = m.reading.split(' ').filter(|w| around.contains(w)).count();
    let cost = m.cost * m.words as f32 / m.words.saturating_sub(framing).max(1) as f32;
    if cost > SOUND_MAX || m.unheard > max_unheard(field) {
        return None;
    }
    let mut values = read_values(field, &m.reading, today);
    (values.len() == 1).then(|| (values.remove(0).value, cost))
}

/// The constrained reading `spoken` joined with the second reading by sound of the free
/// transcript `free` (`sound`, from [`sound_reading`]). Agreement can only confirm, never
/// promote: the value is sure when the constrained reading was sure by its own measure and both
/// agree (the two readings come from one model on one sound and can both mishear it: on CI's
/// seed 101, 15:11 was read 15:17 by both, the constrained one at 0.69 of the beams' belief).
/// Otherwise nothing is sure (a constrained decoder's slips, "21:38" for 21:37, and its loops, "หก โหก
/// โหก …", can look as sure to the model as right values), and both values are offered: for a
/// national ID the sound reading first (the constrained decoder that loses its place writes one
/// digit to the end, which the free transcript does not), for times and numbers the
/// constrained one (the free transcript often lacks the hour: "นาลีกา 37 นาที"). A constrained
/// reading with no value (its beams wrote no value, or one the model did not believe: "ศูนศูนย์
/// นาลิกา" for 22:00 said, where the free transcript read "กี่สิปสอง นาลิกา") takes the sound
/// reading's, flagged; with no sound reading either, nothing was heard.
pub fn with_sound_reading(
    mut spoken: SpokenField,
    free: &str,
    sound: Option<(Value, f32)>,
) -> SpokenField {
    if spoken.value.is_none() {
        return match sound {
            Some((value, cost)) => SpokenField {
                value: Some(value),
                confident: false,
                confidence: (-cost).exp(),
                alternatives: Vec::new(),
                heard: free.to_string(),
                ..spoken
            },
            None => spoken,
        };
    }
    let Some((value, cost)) = sound else {
        spoken.confident = false;
        return spoken;
    };
    if spoken.value.as_ref() == Some(&value) {
        return spoken;
    }
    spoken.confident = false;
    let heard_by_sound = Alternative {
        value,
        confidence: (-cost).exp(),
    };
    if spoken.field != FieldType::NationalId {
        spoken.offer_next(heard_by_sound);
        return spoken;
    }
    let mut alternatives = vec![Alternative {
        value: spoken.value.take().unwrap_or_default(),
        confidence: spoken.confidence,
    }];
    alternatives.extend(
        spoken
            .alternatives
            .drain(..)
            .filter(|a| a.value != heard_by_sound.value),
    );
    alternatives.truncate(ALTERNATIVES);
    SpokenField {
        field: spoken.field,
        value: Some(heard_by_sound.value),
        confident: false,
        confidence: heard_by_sound.confidence,
        alternatives,
        heard: free.to_string(),
    }
}

/// Dictation of one utterance into `field`, `decode` decoding it with the options it is given:
/// constrained decoding, then [`interpret`], with voice activity detection (where `base` asks
/// for it) as the gate: when it finds no speech, nothing was said. The decoding is not cut to
/// the stretch the detection found (it dropped a short first word on the benchmark: "สาม
/// นาฬิกา" read "นึง นาลิกา", an ID's first digits missing). For a field with a second reading
/// ([`has_sound_reading`]) a second request reads free dictation off the encoding the
/// constrained decode left (greedily, no second encoding): when whisper's silence rule finds
/// nothing in it, nothing was said; otherwise it is the second reading
/// ([`with_sound_reading`]). A national ID's free transcript is decoded anew instead
/// ([`reads_free_off_encoding`]). For a number or an age, a further request searches the
/// field's words on that encoding by the model's own belief ([`searches_encoding`],
/// [`with_searched`]). For a time, a number or an age with more than one value on offer, a last
/// request scores each value's spoken renderings on that encoding too ([`has_rescoring`],
/// [`rescored`]): the best-believed value goes first, flagged when it was not first already; a
/// time's value with a tens word is weighed there against the times with a units word after it
/// ([`extensions`], [`with_extensions`]), and a sure time against those whose minute differs in
/// its units word ([`neighbours`], [`with_neighbours`]).
/// Returns the constrained transcript (the free one when nothing was heard) and the value.
pub fn read_field<E>(
    field: FieldType,
    base: &DecodeOptions,
    today: NaiveDate,
    mut decode: impl FnMut(&DecodeOptions) -> Result<Transcript, E>,
) -> Result<(Transcript, SpokenField), E> {
    let options = decode_options(field, base);
    if !has_sound_reading(field) {
        let transcript = decode(&options)?;
        let spoken = interpret(field, &transcript, today);
        return Ok((transcript, spoken));
    }
    let transcript = decode(&options)?;
    if transcript.text.trim().is_empty() {
        return Ok((transcript, SpokenField::nothing(field, String::new())));
    }
    // The same encoding serves the requests that follow; the detection has spoken.
    let constrained = DecodeOptions {
        vad: false,
        ..options
    };
    let free = if reads_free_off_encoding(field) {
        decode(&DecodeOptions {
            constraint: None,
            reuse_encoding: true,
            ..constrained.clone()
        })?
    } else {
        decode(&DecodeOptions {
            vad: false,
            ..base.clone()
        })?
    };
    if free.text.trim().is_empty() {
        return Ok((free, SpokenField::nothing(field, String::new())));
    }
    let spoken = interpret(field, &transcript, today);
    let sound = sound_reading(field, &free.text, today);
    let spoken = with_sound_reading(spoken, &free.text, sound);
    // For a field searched by the model's own belief ([`searches_encoding`]), the values the
    // search found in the field's words join the candidates. (Without a constraint the same
    // request would be a free reading: a field with no words automaton is not searched.)
    let words = grammar::sound_constraint(field).filter(|_| searches_encoding(field));
    let spoken = match words {
        Some(words) => {
            let found = decode(&DecodeOptions {
                reuse_encoding: true,
                constraint: Some(words),
                beam_size: SEARCH_BEAMS,
                ..constrained.clone()
            })?;
            let mut searched = believed(field, &found.hypotheses, today);
            searched.truncate(SEARCHED_VALUES);
            with_searched(spoken, &searched)
        }
        None => spoken,
    };
    if !has_rescoring(field) {
        return Ok((transcript, spoken));
    }
    let candidates: Vec<(Value, Vec<String>)> = spoken
        .value
        .iter()
        .chain(spoken.alternatives.iter().map(|a| &a.value))
        .map(|v| (v.clone(), renderings(field, v)))
        .collect();
    // Extensions and neighbours in digits: the rendering that told "23 นาฬิกา 45 นาที" from
    // 23:40 (in words it did not, and cost as much).
    let in_digits = |v: Value| {
        let texts: Vec<String> = renderings(field, &v).into_iter().take(1).collect();
        (v, texts)
    };
    let extended: Vec<(Value, Vec<String>)> = spoken
        .value
        .iter()
        .flat_map(|v| extensions(field, v))
        .filter(|v| candidates.iter().all(|c| &c.0 != v))
        .map(in_digits)
        .collect();
    // Only a sure value can be flagged by its neighbours: an unsure one pays nothing for them.
    let neighbouring: Vec<(Value, Vec<String>)> = spoken
        .value
        .iter()
        .filter(|_| spoken.confident)
        .flat_map(|v| neighbours(field, v))
        .filter(|v| candidates.iter().chain(&extended).all(|c| &c.0 != v))
        .map(in_digits)
        .collect();
    if candidates.len() < 2 && extended.is_empty() && neighbouring.is_empty() {
        return Ok((transcript, spoken));
    }
    let scored = decode(&DecodeOptions {
        score_texts: candidates
            .iter()
            .chain(&extended)
            .chain(&neighbouring)
            .flat_map(|c| c.1.clone())
            .collect(),
        reuse_encoding: true,
        ..constrained
    })?;
    let score_of = |(value, texts): (Value, Vec<String>)| {
        let best = scored
            .scores
            .iter()
            .filter(|s| texts.contains(&s.text))
            .map(|s| s.logp / (s.tokens as f32 + 1.0))
            .fold(f32::NEG_INFINITY, f32::max);
        (value, best)
    };
    let scores: Vec<(Value, f32)> = candidates.into_iter().map(score_of).collect();
    let extended: Vec<(Value, f32)> = extended.into_iter().map(score_of).collect();
    let neighbouring: Vec<(Value, f32)> = neighbouring.into_iter().map(score_of).collect();
    let heard = spoken.value.clone();
    let spoken = rescored(spoken, &scores);
    // The extensions and neighbours are the heard value's: they weigh against it alone.
    if spoken.value != heard {
        return Ok((transcript, spoken));
    }
    let spoken = with_extensions(spoken, &scores, &extended);
    Ok((transcript, with_neighbours(spoken, &scores, &neighbouring)))
}

/// The hour and minute of a time's value ("08:38" → 8, 38); `None` for any other field.
fn hour_and_minute(field: FieldType, value: &Value) -> Option<(u64, u64)> {
    let (FieldType::Time, Value::String(t)) = (field, value) else {
        return None;
    };
    let (h, m) = t.split_once(':')?;
    Some((h.parse().ok()?, m.parse().ok()?))
}

/// The score `scores` give `value` (per token), or none (−∞).
fn score_in(scores: &[(Value, f32)], value: &Value) -> f32 {
    scores
        .iter()
        .find(|(v, _)| v == value)
        .map_or(f32::NEG_INFINITY, |(_, s)| *s)
}

/// The share of the model's belief that a value scored `other` (per token) has against one
/// scored `value_score`.
fn belief_share(value_score: f32, other: f32) -> f32 {
    1.0 / (1.0 + (value_score - other).exp())
}

/// The best-believed of `others` (value, score per token) that comes within `margin` of
/// `value_score`, or ahead of it.
fn best_within(value_score: f32, others: &[(Value, f32)], margin: f32) -> Option<&(Value, f32)> {
    others
        .iter()
        .filter(|(_, s)| s.is_finite() && *s > value_score - margin)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The times whose minute differs from `value`'s in its units word alone: for 08:38, 08:30,
/// 08:31 … 08:39; for 08:05, 08:01 … 08:09. A units word can be misheard for another in every
/// reading at once: the clock voice's 08:31 read 08:38, sure, from the constrained beams and the
/// free reading alike (accuracy benchmark, seed 909), and 15:11 read 15:17 (seed 101). Numbers
/// and ages said alone are hardly ever sure: they have none.
pub fn neighbours(field: FieldType, value: &Value) -> Vec<Value> {
    let Some((h, m)) = hour_and_minute(field, value) else {
        return Vec::new();
    };
    if m == 0 || m > 59 || h > 23 {
        return Vec::new();
    }
    let tens = m - m % 10;
    (tens.max(1)..=(tens + 9).min(59))
        .filter(|&n| n != m)
        .map(|n| Value::from(format!("{h:02}:{n:02}")))
        .collect()
}

/// Within this much of the value's score (per token) a neighbour leaves a sure value unsure: as
/// for an extension. On the accuracy benchmark (6 times each of seeds 17, 29, 47, 101, 111, 202,
/// 303, 404, 505, 606, 707, 808, 909 and 1001–1005, 17 at 15 dB, 102 at 20 dB, 103 and 105 in
/// eSpeak's voice: 36 times read sure) the one wrong, 08:38 for 08:31, was 0.19 ahead of its
/// best neighbour, the right ones 0.11 to 1.16 (two of them, 0.11 and 0.17, are now flagged).
pub const NEIGHBOUR_MARGIN: f32 = EXTENSION_MARGIN;

/// `spoken` (already [`rescored`] and [`with_extensions`], its value still the one heard) with
/// its [`neighbours`] (`neighbouring`, scored as `scores`): a sure value with a neighbour the
/// model believes within [`NEIGHBOUR_MARGIN`] of it, or more, is not sure, and the best such
/// neighbour is offered next. A neighbour never leads: no reading heard it.
pub fn with_neighbours(
    mut spoken: SpokenField,
    scores: &[(Value, f32)],
    neighbouring: &[(Value, f32)],
) -> SpokenField {
    let Some(value) = spoken.value.as_ref().filter(|_| spoken.confident) else {
        return spoken;
    };
    let value_score = score_in(scores, value);
    let Some((neighbour, score)) = best_within(value_score, neighbouring, NEIGHBOUR_MARGIN) else {
        return spoken;
    };
    spoken.confident = false;
    spoken.offer_next(Alternative {
        value: neighbour.clone(),
        confidence: belief_share(value_score, *score),
    });
    spoken
}

/// The times whose spoken form continues `value`'s with a units word after a tens word: for a
/// minute of 40, 41–49 ("สี่สิบ" → "สี่สิบห้า"); for an hour of 20, 21–23. Base drops that word
/// now and then, in every reading at once: "23 นาฬิกา 45 นาที" played into the virtual
/// microphone and read 200 ms after its end gave 23:40, sure, from the constrained beams and the
/// free transcript alike; yet scored by teacher forcing, "23 นาฬิกา 45 นาที" was the model's
/// choice ([`with_extensions`]). Numbers and ages are not extended: of 96 cuts of twelve
/// numbers said alone (20–58, as the times' cuts), none was read sure with or without their
/// extensions, and none changed value.
pub fn extensions(field: FieldType, value: &Value) -> Vec<Value> {
    let Some((h, m)) = hour_and_minute(field, value) else {
        return Vec::new();
    };
    let units =
        |n: u64, max: u64| (n >= 10 && n.is_multiple_of(10)).then(|| n + 1..=(n + 9).min(max));
    let minutes = units(m, 59).into_iter().flatten().map(|m| (h, m));
    let hours = units(h, 23).into_iter().flatten().map(|h| (h, m));
    minutes
        .chain(hours)
        .map(|(h, m)| Value::from(format!("{h:02}:{m:02}")))
        .collect()
}

/// Within this much of the value's score (per token) an extension leaves the value unsure. The
/// gap of the right tens values read sure was 0.32 or more (96 readings of 12 times ending in a
/// tens word, with lead-ins of 40–300 ms and tails of 200–700 ms, clean and resampled as the
/// virtual microphone does); 23:45 read as 23:40 had its extension ahead by 0.08–0.16.
pub const EXTENSION_MARGIN: f32 = 0.2;

/// `spoken` (already [`rescored`] by `scores`, its value still first) with the best of that
/// value's [`extensions`] (`extended`, scored the same way): first when the model believes it
/// more than the value, with its share of the two scores as its confidence and the value heard
/// next; next after the value when it comes within [`EXTENSION_MARGIN`] of it. Either way the
/// value is not sure. An extension further behind is dropped: no reading heard it and the model
/// does not believe it.
pub fn with_extensions(
    mut spoken: SpokenField,
    scores: &[(Value, f32)],
    extended: &[(Value, f32)],
) -> SpokenField {
    let Some(value) = spoken.value.take() else {
        return spoken;
    };
    let value_score = score_in(scores, &value);
    let Some((extension, score)) = best_within(value_score, extended, EXTENSION_MARGIN) else {
        spoken.value = Some(value);
        return spoken;
    };
    // Its share of the model's belief against the value heard.
    let share = belief_share(value_score, *score);
    let (first, next) = if *score > value_score {
        let heard = Alternative {
            value,
            confidence: spoken.confidence,
        };
        spoken.confidence = share;
        (extension.clone(), heard)
    } else {
        let longer = Alternative {
            value: extension.clone(),
            confidence: share,
        };
        (value, longer)
    };
    spoken.offer_next(next);
    spoken.value = Some(first);
    spoken.confident = false;
    spoken
}

/// Whether dictation into `field` starts reading an utterance when its speech pauses
/// ([`banthuek_speech::capture::Pause`]) rather than when the pause is long enough to cut it,
/// so the value is ready about 0.5 s sooner: values said in one breath. Not a national ID or a
/// passport number, read in groups with pauses between them: each pause would start a reading
/// of a few seconds that the rest of the number then waits for.
pub fn reads_at_pause(field: FieldType) -> bool {
    !matches!(field, FieldType::NationalId | FieldType::Passport)
}

/// Whether `field`'s free transcript (its second reading) is read greedily off the encoding
/// the constrained decode left, or decoded anew (beam search on a context fitted to the
/// utterance, a second encoding): times and numbers, a few words, are read off it. On the
/// benchmark's seeds 17, 29, 47, 202 and 303 (6 of each) times read 24 of 30 exact (23 decoded
/// anew) and numbers 20 (20), with no value sure and wrong, each 0.2–0.4 s sooner at the
/// median; the 13 digits of an ID read greedily fell into runs of "ศูน" ("เก้า ศูน ศูน ศูน …";
/// seeds 17 and 29: 3 → 2 of 8 exact). Ages as numbers.
pub fn reads_free_off_encoding(field: FieldType) -> bool {
    field == FieldType::Time || is_number(field)
}

/// Whether the values of `field` are also searched for on the encoding by the model's own
/// belief (the engine's search, a request between the free reading and the scoring): its best
/// values join the candidates ([`with_searched`]) that the rescoring ranks. Whisper's
/// constrained beams share all the probability among the tokens the grammar allows, so a word
/// whose later tokens are forced costs nothing past its first: on a lone number word the beams
/// wrote "ศูนย์" for 27, 5, 20 and 59 said. On the 60 number clips of the clock voice
/// (`banthuek transcribe CLIP --field number`) that took numbers from 34 to 48 right; on the
/// benchmark (6 numbers per seed; seeds 17, 29, 47, 202, 303, 606, 707, 808) from 29 to 38 of
/// 48, none sure and wrong, for about 0.8 s more per number (debug build, two cores). Numbers
/// only: an ID's 13 digits took the search 3 s and it fell into the same runs of "ศูน" as the
/// beams. Ages as numbers.
pub fn searches_encoding(field: FieldType) -> bool {
    is_number(field)
}

/// The beams of the search by the model's own belief ([`searches_encoding`]): with 3, 22 of
/// 30 numbers against 23 with 5 (seeds 17, 29, 47, 202, 303), 0.4 s sooner.
const SEARCH_BEAMS: i32 = 5;

/// How many of the values the search found join the candidates ([`with_searched`]).
const SEARCHED_VALUES: usize = 3;

/// The values of `hypotheses`' texts, each with the model's own belief in its best text per
/// token (with the end of text), best first.
fn believed(field: FieldType, hypotheses: &[Hypothesis], today: NaiveDate) -> Vec<(Value, f32)> {
    let constraint = grammar::constraint(field);
    let mut out: Vec<(Value, f32)> = Vec::new();
    for h in hypotheses {
        let score = h.raw_logp / (h.tokens as f32 + 1.0);
        let readings = constraint
            .read(&h.text)
            .map(|r| read_values(field, &r, today))
            .unwrap_or_default();
        for Reading { value, .. } in readings {
            match out.iter_mut().find(|(v, _)| *v == value) {
                Some(known) => known.1 = known.1.max(score),
                None => out.push((value, score)),
            }
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

/// `spoken` with the values a search by the model's own belief found (`searched`: value, mean
/// log-probability per token) that it lacks, after its alternatives, each with the model's
/// belief per token as its confidence; the ranking is the rescoring's ([`rescored`]). When the
/// constrained decode gave no value the model believed, yet the free reading heard something,
/// the searched values believed above [`NOTHING_RAW`] are the value and its alternatives, never
/// sure. Nothing becomes sure here.
pub fn with_searched(mut spoken: SpokenField, searched: &[(Value, f32)]) -> SpokenField {
    if spoken.value.is_none() {
        let mut heard = searched.iter().filter(|(_, s)| *s >= NOTHING_RAW);
        let Some((value, score)) = heard.next() else {
            return spoken;
        };
        spoken.value = Some(value.clone());
        spoken.confidence = score.exp();
        spoken.alternatives = heard
            .map(|(v, s)| Alternative {
                value: v.clone(),
                confidence: s.exp(),
            })
            .collect();
        return spoken;
    }
    for (value, score) in searched {
        let known = spoken.value.as_ref() == Some(value)
            || spoken.alternatives.iter().any(|a| a.value == *value);
        if !known {
            spoken.alternatives.push(Alternative {
                value: value.clone(),
                confidence: score.exp(),
            });
        }
    }
    spoken
}

/// Whether `field`'s values are ranked again by the model's belief in their spoken renderings
/// ([`rescored`]): times and numbers. On the benchmark's seeds 17, 29 and 47 (6 of each) that
/// took times from 10 to 15 of 18 exact and numbers from 14 to 15; national IDs fell from 11 to
/// 2–8 of 18 under every scoring tried (the model's belief in 13 digit words, spelt as the
/// core writes them, is no better guide than the sound reading that goes first today). Ages
/// as numbers.
pub fn has_rescoring(field: FieldType) -> bool {
    field == FieldType::Time || is_number(field)
}

/// How a value of `field` is said, as the model writes it: a time in digits and in words ("18
/// นาฬิกา 44 นาที", "สิบแปด นาฬิกา สี่สิบสี่ นาที"), a number in words ("สี่สิบสี่"). A number's
/// digits are not scored: one token carries a whole number ("350") and wins against the words
/// that were said; scoring every number 0–59 on the 60 clock clips picked the right one 52
/// times by its words alone, 48 with its digits too. An age as a number: scored also as said
/// with the words around it ("อายุ สามสิบห้า ปี") the rescoring took 16 s in place of 7 for
/// one clip (`banthuek transcribe 35.mp3 --field age`, debug build; its tokens are scored one
/// decoder call each). Empty for fields without rescoring ([`has_rescoring`]).
pub fn renderings(field: FieldType, value: &Value) -> Vec<String> {
    let words = &numbers::to_words;
    match (field, value) {
        (FieldType::Time, _) => {
            let Some((h, m)) = hour_and_minute(field, value) else {
                return Vec::new();
            };
            let said = |f: &dyn Fn(u64) -> String| {
                if m == 0 {
                    format!("{} นาฬิกา", f(h))
                } else {
                    format!("{} นาฬิกา {} นาที", f(h), f(m))
                }
            };
            vec![said(&|n| n.to_string()), said(words)]
        }
        (FieldType::Number | FieldType::Age, Value::Number(n)) => n
            .as_u64()
            .map(|n| vec![numbers::to_words(n)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `spoken` with its value and alternatives ranked by `scores` (in [`read_field`]: each value's
/// best rendering ([`renderings`]) scored by the model on the audio by teacher forcing, per
/// token with the end of text, as whisper ranks its own beams; the sum favoured short texts,
/// "4" for 44 said): the best-scored value first. Rescoring
/// only reorders and flags: a value that moves to the front is never sure, and nothing becomes
/// sure that was not. Values without a score keep their place after the scored ones.
pub fn rescored(mut spoken: SpokenField, scores: &[(Value, f32)]) -> SpokenField {
    let Some(value) = spoken.value.take() else {
        return spoken;
    };
    let score = |v: &Value| Some(score_in(scores, v)).filter(|l| l.is_finite());
    let mut all = vec![Alternative {
        value,
        confidence: spoken.confidence,
    }];
    all.append(&mut spoken.alternatives);
    let first = all[0].value.clone();
    // Stable: equal scores (or none) keep the order the readings gave.
    all.sort_by(|a, b| match (score(&a.value), score(&b.value)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let best = all.remove(0);
    if best.value != first {
        spoken.confident = false;
    }
    spoken.value = Some(best.value);
    spoken.confidence = best.confidence;
    spoken.alternatives = all;
    spoken
}

/// Readies a new worker for field dictation, so that the officer's first field value does not
/// pay for first use: builds the grammars of the fields dictated most (times, numbers, national
/// IDs, ages) in this process, and their languages in words for the reading by sound (the
/// time's took 0.36 s, paid by the first time dictated in the window), and has the worker
/// decode a moment of silence under the time grammar, as a time is decoded. Takes a few seconds
/// of CPU; run it in the background when an engine is loaded for dictation; a cancel through
/// the supervisor's [`Supervisor::canceller`] stops it.
pub fn warm_up(supervisor: &mut Supervisor, scratch: &Path) -> Result<(), SpokenError> {
    for field in [
        FieldType::NationalId,
        FieldType::Number,
        FieldType::Time,
        FieldType::Age,
    ] {
        grammar::constraint(field);
        grammar::sound_constraint(field);
    }
    let wav = scratch.join(format!("banthuek-warm-up-{}.wav", std::process::id()));
    banthuek_speech::audio::write_wav(&wav, &vec![0.0; banthuek_speech::audio::RATE as usize])?;
    let options = DecodeOptions {
        vad: false,
        ..decode_options(FieldType::Time, &DecodeOptions::default())
    };
    // Unless cancelled: whoever wants the engine meanwhile stops this at once.
    let decoded = supervisor.transcribe_unless_cancelled(&wav, &options, &mut |_| {});
    let _ = std::fs::remove_file(&wav);
    decoded?;
    Ok(())
}

/// Transcribes `audio` (one utterance) for dictation into `field` in the supervised worker
/// ([`read_field`]). The app's field dictation and `banthuek transcribe --field` both call this.
pub fn transcribe_field(
    supervisor: &mut Supervisor,
    audio: &Path,
    field: FieldType,
    base: &DecodeOptions,
    today: NaiveDate,
) -> Result<(Transcript, SpokenField), SpokenError> {
    read_field(field, base, today, |options| {
        Ok(supervisor
            .transcribe(audio, options, &mut |_| {})?
            .transcript)
    })
}

/// As [`transcribe_field`], for a reading that may turn out stale before it is done (one begun
/// when the speech paused, which then went on): a cancel made through the supervisor's
/// [`banthuek_speech::supervisor::Canceller`] since its last reset ends it with
/// [`banthuek_speech::SpeechError::Cancelled`].
pub fn transcribe_field_unless_cancelled(
    supervisor: &mut Supervisor,
    audio: &Path,
    field: FieldType,
    base: &DecodeOptions,
    today: NaiveDate,
) -> Result<(Transcript, SpokenField), SpokenError> {
    read_field(field, base, today, |options| {
        Ok(supervisor
            .transcribe_unless_cancelled(audio, options, &mut |_| {})?
            .transcript)
    })
}
