//! A person's edit of a record, made from one version and merged onto the latest.
//!
//! The page sends the whole record as the person sees it, with the version it was made from.
//! What the person changed is found against that version (not against the latest, which may
//! hold a value dictated meanwhile that the page has not shown yet). Values that do not fit their
//! field are kept as typed in the value's provenance ([`Flags::as_typed`]) and the field is left
//! empty, so the save always succeeds and the record cannot be signed until they are corrected.

use crate::input::{normalise, FieldKind};
use banthuek_core::provenance::{typed_but_invalid, Flags};
use banthuek_core::record::{set_pointer, ArrestRecord, Provenance, RecordError, Source};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The same field was changed by the person and by another save (a dictated value) since
    /// the version the person's edit was made from.
    #[error("changed meanwhile by another save (dictation): {} — the value you typed is still in the field; check it and save again / ช่องนี้เพิ่งได้ค่าใหม่จากการบันทึกอื่น (การพูด): {} — ค่าที่คุณพิมพ์ยังอยู่ในช่อง ตรวจแล้วบันทึกอีกครั้ง", .0.join(", "), .0.join(", "))]
    Conflict(Vec<String>),
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// A merged edit, ready to be saved as the next version.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub record: ArrestRecord,
    /// Fields the person changed (JSON pointers).
    pub changed: Vec<String>,
    /// Fields whose typed text did not fit and is kept as typed.
    pub invalid: Vec<String>,
    /// Fields another save changed meanwhile, taken into this version.
    pub merged: Vec<String>,
}

/// Every leaf of a record value (provenance, record id and schema left out) by JSON pointer.
/// Arrays of plain values (rights notified) are one leaf.
pub fn leaves(value: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: String, v: &Value, out: &mut BTreeMap<String, Value>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    walk(format!("{prefix}/{k}"), x, out);
                }
            }
            Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
                for (i, x) in a.iter().enumerate() {
                    walk(format!("{prefix}/{i}"), x, out);
                }
            }
            other => {
                out.insert(prefix, other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(String::new(), &content(value), &mut out);
    out
}

/// The record's content: the value without provenance, record id and schema.
fn content(value: &Value) -> Value {
    let mut v = value.clone();
    if let Value::Object(m) = &mut v {
        m.remove("provenance");
        m.remove("record_id");
        m.remove("schema");
    }
    v
}

/// The record as a person sees it: every value kept as typed back in its field.
pub fn as_seen(record: &ArrestRecord) -> Value {
    let mut v = record.to_value();
    for (pointer, text) in typed_but_invalid(record) {
        // A pointer that no longer fits the record's shape is simply not shown.
        let _ = set_pointer(&mut v, &pointer, Value::String(text));
    }
    v
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Removes the value at `pointer` (an array element is taken out of its array).
fn remove_pointer(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let Some(p) = doc.pointer_mut(parent) else {
        return;
    };
    match p {
        Value::Object(m) => {
            m.remove(&unescape(last));
        }
        Value::Array(a) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Merges the person's `page` edit, made from `base`, onto `latest`. `None` when the person
/// changed nothing. `today` is the day of writing (for dates typed without a year).
pub fn apply_edit(
    base: &ArrestRecord,
    latest: &ArrestRecord,
    page: &Value,
    today: NaiveDate,
) -> Result<Option<Edit>, EditError> {
    let seen_base = as_seen(base);
    let seen_latest = as_seen(latest);
    if content(page) == content(&seen_base) {
        return Ok(None);
    }
    let (was, now, mine) = (leaves(&seen_base), leaves(&seen_latest), leaves(page));
    let changed: Vec<String> = mine
        .keys()
        .chain(was.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|p| mine.get(*p) != was.get(*p))
        .cloned()
        .collect();

    // Thai input conventions: what the person typed, read into the exchange format's form.
    let mut typed: BTreeMap<String, Value> = BTreeMap::new();
    for p in &changed {
        if let Some(Value::String(text)) = mine.get(p) {
            let kind = FieldKind::of(p);
            if kind != FieldKind::Text {
                if let Some(v) = normalise(kind, text, today) {
                    typed.insert(p.clone(), v);
                }
            }
        }
    }

    let mut next = content(page);
    if let Value::Object(m) = &mut next {
        m.insert("schema".into(), Value::String(latest.schema.clone()));
        if let Some(id) = &latest.record_id {
            m.insert("record_id".into(), Value::String(id.clone()));
        }
    }
    // What another save changed since `base`: taken in, unless the person changed it too.
    let mut merged = Vec::new();
    let mut conflicts = Vec::new();
    for p in now.keys().chain(was.keys()).collect::<BTreeSet<_>>() {
        if now.get(p) == was.get(p) {
            continue;
        }
        if changed.contains(p) {
            if typed.get(p).or(mine.get(p)) != now.get(p) {
                conflicts.push(p.clone());
            }
            continue;
        }
        match now.get(p) {
            Some(v) => set_pointer(&mut next, p, v.clone())?,
            None => remove_pointer(&mut next, p),
        }
        merged.push(p.clone());
    }
    if !conflicts.is_empty() {
        return Err(EditError::Conflict(conflicts));
    }

    for (p, v) in typed {
        set_pointer(&mut next, &p, v)?;
    }

    // Provenance is the backend's to keep: the latest version's, updated for what changed.
    let mut provenance = latest.provenance.clone();
    for p in &changed {
        match mine.get(p) {
            None => {
                provenance.remove(p);
            }
            Some(_) => {
                // A value that came from a machine (dictation, the ID card's chip) and that a
                // person changed is an edit of it; anything else is what they typed.
                let source = match provenance.get(p).map(|x| x.source) {
                    Some(Source::Dictated | Source::Card | Source::Edited) => Source::Edited,
                    _ => Source::Typed,
                };
                provenance.insert(
                    p.clone(),
                    Provenance {
                        source,
                        ..Provenance::typed()
                    },
                );
            }
        }
    }

    // What still does not fit: kept as typed, the field left empty. Only a person's values (now
    // or earlier) may be set aside; anything else that does not fit is an error.
    let candidates: BTreeSet<String> = changed
        .iter()
        .cloned()
        .chain(typed_but_invalid(latest).into_iter().map(|(p, _)| p))
        .collect();
    let mut invalid = Vec::new();
    loop {
        match banthuek_core::schema::validate(&next) {
            Ok(()) => break,
            Err(RecordError::Schema { path, message }) => {
                let Some(p) = candidates
                    .iter()
                    .filter(|c| !invalid.contains(*c))
                    .find(|c| path == **c || path.starts_with(&format!("{c}/")))
                else {
                    return Err(RecordError::Schema { path, message }.into());
                };
                let text = next.pointer(p).map(shown).unwrap_or_default();
                remove_pointer(&mut next, p);
                let entry = provenance
                    .entry(p.clone())
                    .or_insert_with(Provenance::typed);
                entry.set_as_typed(Some(&text));
                invalid.push(p.clone());
            }
            Err(e) => return Err(e.into()),
        }
    }
    // Values now fitting their field are no longer kept aside.
    for (p, prov) in provenance.iter_mut() {
        if !invalid.contains(p) && prov.as_typed().is_some() {
            prov.set_as_typed(None);
        }
    }
    if let Value::Object(m) = &mut next {
        m.insert(
            "provenance".into(),
            serde_json::to_value(&provenance).map_err(RecordError::from)?,
        );
    }
    let record = ArrestRecord::from_value(next)?;
    Ok(Some(Edit {
        record,
        changed,
        invalid,
        merged,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()
    }

    fn record(v: Value) -> ArrestRecord {
        ArrestRecord::from_value(v).unwrap()
    }

    fn seen_with(r: &ArrestRecord, pointer: &str, v: Value) -> Value {
        let mut x = as_seen(r);
        set_pointer(&mut x, pointer, v).unwrap();
        x
    }

    #[test]
    fn a_value_that_does_not_fit_is_kept_as_typed_and_the_rest_is_saved() {
        let base = record(json!({"schema": banthuek_core::SCHEMA_ID}));
        let mut page = seen_with(&base, "/arrest/time", json!("25:99"));
        set_pointer(&mut page, "/arrest/place", json!("หน้าร้าน")).unwrap();
        let e = apply_edit(&base, &base, &page, today()).unwrap().unwrap();
        assert_eq!(e.invalid, vec!["/arrest/time".to_owned()]);
        assert_eq!(e.record.arrest.as_ref().unwrap().time, None);
        assert_eq!(
            e.record.arrest.as_ref().unwrap().place.as_deref(),
            Some("หน้าร้าน")
        );
        assert_eq!(
            e.record.provenance["/arrest/time"].as_typed(),
            Some("25:99")
        );
        // The person sees what they typed, and saving again changes nothing.
        assert_eq!(as_seen(&e.record)["arrest"]["time"], json!("25:99"));
        assert_eq!(
            apply_edit(&e.record, &e.record, &as_seen(&e.record), today()).unwrap(),
            None
        );
        // Corrected, in a Thai convention: stored in the exchange format, no longer set aside.
        let fixed = seen_with(&e.record, "/arrest/time", json!("๑๔.๓๐"));
        let f = apply_edit(&e.record, &e.record, &fixed, today())
            .unwrap()
            .unwrap();
        assert!(f.invalid.is_empty());
        assert_eq!(
            f.record.arrest.as_ref().unwrap().time.as_deref(),
            Some("14:30")
        );
        assert_eq!(f.record.provenance["/arrest/time"].as_typed(), None);
        // Another field that does not fit leaves the first one's text where it is.
        let age = seen_with(&e.record, "/arrestees/0/age", json!("สามสิบ"));
        let a = apply_edit(&e.record, &e.record, &age, today())
            .unwrap()
            .unwrap();
        assert_eq!(a.invalid.len(), 2, "{:?}", a.invalid);
        assert_eq!(
            a.record.provenance["/arrest/time"].as_typed(),
            Some("25:99")
        );
    }

    #[test]
    fn dates_typed_as_officers_write_them_are_stored_as_iso() {
        let base = record(json!({"schema": banthuek_core::SCHEMA_ID}));
        let page = seen_with(&base, "/arrest/date", json!("4/12/2569"));
        let e = apply_edit(&base, &base, &page, today()).unwrap().unwrap();
        assert_eq!(e.record.arrest.unwrap().date.as_deref(), Some("2026-12-04"));
    }

    #[test]
    fn changing_a_value_read_from_the_id_card_is_an_edit() {
        let mut base = record(json!({"schema": banthuek_core::SCHEMA_ID}))
            .with_field("/arrest/place", "ตลาด")
            .unwrap();
        base.provenance.insert(
            "/arrest/place".into(),
            Provenance {
                source: Source::Card,
                ..Provenance::typed()
            },
        );
        let page = seen_with(&base, "/arrest/place", json!("ตลาดสด"));
        let e = apply_edit(&base, &base, &page, today()).unwrap().unwrap();
        assert_eq!(e.record.provenance["/arrest/place"].source, Source::Edited);
    }

    #[test]
    fn a_birth_date_from_the_card_retyped_in_buddhist_era_is_stored_as_iso_and_edited() {
        let mut base = record(json!({"schema": banthuek_core::SCHEMA_ID}))
            .with_field("/arrestees/0/birth_date", "1990-05-12")
            .unwrap()
            .with_field("/arrestees/0/id_card/expires", "2031-05-11")
            .unwrap();
        for p in ["/arrestees/0/birth_date", "/arrestees/0/id_card/expires"] {
            base.provenance.insert(
                p.into(),
                Provenance {
                    source: Source::Card,
                    ..Provenance::typed()
                },
            );
        }
        let mut page = seen_with(&base, "/arrestees/0/birth_date", json!("13/5/2533"));
        set_pointer(
            &mut page,
            "/arrestees/0/id_card/expires",
            json!("๑๑ พ.ค. ๒๕๗๕"),
        )
        .unwrap();
        let e = apply_edit(&base, &base, &page, today()).unwrap().unwrap();
        assert!(e.invalid.is_empty(), "{:?}", e.invalid);
        let a = &e.record.arrestees[0];
        assert_eq!(a.birth_date.as_deref(), Some("1990-05-13"));
        assert_eq!(
            a.id_card.as_ref().unwrap().expires.as_deref(),
            Some("2032-05-11")
        );
        for p in ["/arrestees/0/birth_date", "/arrestees/0/id_card/expires"] {
            assert_eq!(e.record.provenance[p].source, Source::Edited, "{p}");
        }
    }

    #[test]
    fn typing_that_raced_a_dictated_value_is_merged_not_overwritten() {
        let base = record(json!({"schema": banthuek_core::SCHEMA_ID}));
        // Dictation filled the time after the page's view of `base`.
        let mut latest = base.with_field("/arrest/time", "14:30").unwrap();
        latest.provenance.insert(
            "/arrest/time".into(),
            Provenance {
                source: Source::Dictated,
                ..Provenance::typed()
            },
        );
        // Meanwhile the person typed the place, from `base`, where the time is empty.
        let page = seen_with(&base, "/arrest/place", json!("ตลาด"));
        let e = apply_edit(&base, &latest, &page, today()).unwrap().unwrap();
        let arrest = e.record.arrest.clone().unwrap();
        assert_eq!(
            arrest.time.as_deref(),
            Some("14:30"),
            "the dictated time stays"
        );
        assert_eq!(arrest.place.as_deref(), Some("ตลาด"));
        assert_eq!(e.merged, vec!["/arrest/time".to_owned()]);
        assert_eq!(e.record.provenance["/arrest/time"].source, Source::Dictated);

        // Both changed the time: refused, naming the field.
        let page = seen_with(&base, "/arrest/time", json!("15:00"));
        match apply_edit(&base, &latest, &page, today()) {
            Err(EditError::Conflict(f)) => assert_eq!(f, vec!["/arrest/time".to_owned()]),
            other => panic!("expected a conflict, got {other:?}"),
        }
        // The same value from both is no conflict.
        let page = seen_with(&base, "/arrest/time", json!("14.30"));
        assert!(apply_edit(&base, &latest, &page, today()).is_ok());
    }
}
