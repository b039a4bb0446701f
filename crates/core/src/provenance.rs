//! Typed flags kept beside a value's provenance (in the exchange format's open provenance
//! object): whether a person confirmed a dictated value, which dictation recording it was heard
//! in, and the text a person typed that does not fit the field's type. One place names the keys;
//! every crate reads and writes them through [`Flags`].

use crate::record::{ArrestRecord, Provenance};
use serde_json::Value;

/// A person confirmed a low-confidence dictated value as heard.
pub const CONFIRMED: &str = "confirmed";
/// The dictation recording (audio id) the value was heard in.
pub const AUDIO: &str = "audio";
/// What a person typed into a field whose type it does not fit (e.g. "25:99" as a time). The
/// field itself stays empty in the exchange format; the text is kept here, so nothing typed is
/// lost, and the record cannot be signed until it is corrected.
pub const AS_TYPED: &str = "as_typed";

/// Typed access to the flags of one value's provenance.
pub trait Flags {
    fn confirmed(&self) -> bool;
    fn set_confirmed(&mut self);
    fn audio(&self) -> Option<&str>;
    fn set_audio(&mut self, recording: &str);
    fn as_typed(&self) -> Option<&str>;
    fn set_as_typed(&mut self, text: Option<&str>);
}

impl Flags for Provenance {
    fn confirmed(&self) -> bool {
        self.extra.get(CONFIRMED).and_then(Value::as_bool) == Some(true)
    }
    fn set_confirmed(&mut self) {
        self.extra.insert(CONFIRMED.into(), Value::Bool(true));
    }
    fn audio(&self) -> Option<&str> {
        self.extra.get(AUDIO).and_then(Value::as_str)
    }
    fn set_audio(&mut self, recording: &str) {
        self.extra
            .insert(AUDIO.into(), Value::String(recording.to_owned()));
    }
    fn as_typed(&self) -> Option<&str> {
        self.extra.get(AS_TYPED).and_then(Value::as_str)
    }
    fn set_as_typed(&mut self, text: Option<&str>) {
        match text {
            Some(t) => {
                self.extra
                    .insert(AS_TYPED.into(), Value::String(t.to_owned()));
            }
            None => {
                self.extra.remove(AS_TYPED);
            }
        }
    }
}

/// The fields holding typed text that does not fit their type, by JSON pointer, with the text.
pub fn typed_but_invalid(record: &ArrestRecord) -> Vec<(String, String)> {
    record
        .provenance
        .iter()
        .filter_map(|(k, p)| p.as_typed().map(|t| (k.clone(), t.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_that_does_not_fit_is_kept_beside_the_value_and_listed() {
        let mut r = ArrestRecord::default();
        let mut p = Provenance::typed();
        p.set_as_typed(Some("25:99"));
        r.provenance.insert("/arrest/time".into(), p);
        assert_eq!(
            typed_but_invalid(&r),
            vec![("/arrest/time".to_owned(), "25:99".to_owned())]
        );
        // It survives the exchange format and the schema.
        let back = ArrestRecord::from_value(r.to_value()).unwrap();
        assert_eq!(back.provenance["/arrest/time"].as_typed(), Some("25:99"));
        let mut p = back.provenance["/arrest/time"].clone();
        p.set_as_typed(None);
        assert_eq!(p.as_typed(), None);
    }
}
