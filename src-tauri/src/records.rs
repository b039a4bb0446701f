//! Record commands as plain functions over an unlocked store session: what the page asks for,
//! built from the store, the signing rules (banthuek_core::rules) and the station's signing
//! (banthuek_station). No rule is decided here.

use crate::error::{AppError, AppResult, ErrorCode};
use crate::views::{
    AccessEventView, AccessReportView, ClassificationView, EventView, FieldComment, FieldDiff,
    FieldIssue, HistoryView, RecordFilter, RecordStatus, RecordSummaryView, RecordView,
    VersionView,
};
use banthuek_core::provenance::{typed_but_invalid, Flags};
use banthuek_core::record::ArrestRecord;
use banthuek_core::{check_signable, Action, InputProblem, RuleViolation, Status};
use banthuek_dictation::{as_seen, leaves, low_confidence, save_edit, FieldKind};
use banthuek_store::{Session, Store, StoredRecord, VersionSource};
use serde_json::Value;
use std::str::FromStr;

fn issue(v: &RuleViolation) -> FieldIssue {
    let rule = match v {
        RuleViolation::Missing { .. } => "missing",
        RuleViolation::BadNationalId { .. } => "bad_national_id",
        RuleViolation::BadDate { .. } => "bad_date",
        RuleViolation::FutureDate { .. } => "future_date",
        RuleViolation::Unconfirmed { .. } => "unconfirmed",
    };
    // The rule's own message reads "pointer: English / ไทย".
    let text = v.to_string();
    let text = text
        .strip_prefix(&format!("{}: ", v.field()))
        .unwrap_or(&text);
    let (en, th) = text.split_once(" / ").unwrap_or((text, text));
    FieldIssue {
        pointer: v.field().to_owned(),
        rule: rule.to_owned(),
        en: en.trim().to_owned(),
        th: th.trim().to_owned(),
    }
}

/// The supervisor's comments from the latest return, kept as JSON in the event's comment.
fn latest_comments(session: &Session, id: &str) -> AppResult<Vec<FieldComment>> {
    let history = session.history(id)?;
    let Some(ev) = history
        .events
        .iter()
        .rev()
        .find(|e| e.action == Action::Return.as_str())
    else {
        return Ok(Vec::new());
    };
    let Some(text) = ev.comment.as_deref() else {
        return Ok(Vec::new());
    };
    let mut comments: Vec<FieldComment> = serde_json::from_str(text).unwrap_or_else(|_| {
        vec![FieldComment {
            pointer: String::new(),
            text: text.to_owned(),
            author: None,
            at: None,
        }]
    });
    for c in &mut comments {
        c.author = Some(ev.actor.clone());
        c.at = Some(ev.at.clone());
    }
    Ok(comments)
}

/// Fields holding typed text that does not fit them: each with the sentence saying what the
/// field expects. They come first in the checklist and stop signing, never saving.
fn invalid_issues(record: &ArrestRecord) -> Vec<FieldIssue> {
    typed_but_invalid(record)
        .into_iter()
        .map(|(pointer, text)| {
            let (en, th) = banthuek_dictation::expected(FieldKind::of(&pointer));
            FieldIssue {
                pointer,
                rule: "invalid_value".to_owned(),
                en: format!("\"{text}\": {en}"),
                th: format!("\"{text}\": {th}"),
            }
        })
        .collect()
}

/// Input limits (`banthuek_core::check_input`: length, control characters, ranges), checked
/// on every save so the field is marked while the officer types, with the sentence naming what
/// is wrong.
fn input_issues(record: &ArrestRecord) -> Vec<FieldIssue> {
    banthuek_core::check_input(record)
        .into_iter()
        .map(|problem| {
            let pointer = match &problem {
                InputProblem::TooLarge { .. } => String::new(),
                InputProblem::TooLong { field, .. }
                | InputProblem::Character { field, .. }
                | InputProblem::OutOfRange { field, .. } => field.clone(),
            };
            let message = problem.to_string();
            let message = message
                .strip_prefix(&format!("{pointer}: "))
                .unwrap_or(&message);
            let (en, th) = message.split_once(" / ").unwrap_or((message, message));
            FieldIssue {
                pointer,
                rule: "invalid_value".to_owned(),
                en: en.trim().to_owned(),
                th: th.trim().to_owned(),
            }
        })
        .collect()
}

pub fn view_of(session: &Session, stored: StoredRecord) -> AppResult<RecordView> {
    let mut missing = invalid_issues(&stored.record);
    let typed: Vec<String> = missing.iter().map(|i| i.pointer.clone()).collect();
    missing.extend(
        input_issues(&stored.record)
            .into_iter()
            .filter(|i| !typed.contains(&i.pointer)),
    );
    let invalid: Vec<String> = missing.iter().map(|i| i.pointer.clone()).collect();
    missing.extend(
        check_signable(&stored.record, chrono::Local::now().naive_local())
            .iter()
            .map(issue)
            .filter(|i| !invalid.contains(&i.pointer)),
    );
    let comments = if stored.status == Status::Returned {
        latest_comments(session, &stored.id)?
    } else {
        Vec::new()
    };
    // An officer edits only their own records (the store's rule; the page shows it read-only).
    let editable = banthuek_core::workflow::transition(stored.status, Action::Edit, session.role())
        .is_ok()
        && (session.role() != banthuek_core::Role::Officer
            || session.created_by(&stored.id)? == session.user());
    let with_audio = stored
        .record
        .provenance
        .iter()
        .filter(|(_, p)| p.audio_ms.is_some() && p.audio().is_some())
        .map(|(k, _)| k.clone())
        .collect();
    let c = session.classification(&stored.id)?;
    let keep_whole = banthuek_document::linebreak::joined_kept_words(&stored.record);
    Ok(RecordView {
        id: stored.id,
        status: stored.status.into(),
        version: stored.version,
        low_confidence: low_confidence(&stored.record),
        record: as_seen(&stored.record),
        missing,
        comments,
        editable,
        with_audio,
        classification: ClassificationView {
            level: c.level.as_str().to_owned(),
            juvenile: c.juvenile,
            effective: c.effective.as_str().to_owned(),
            floor: c.floor.as_str().to_owned(),
        },
        keep_whole,
    })
}

/// The record as it now is, for the app's own use after a change (not audited as an opening).
pub fn get_record(session: &Session, id: &str) -> AppResult<RecordView> {
    let stored = session.record(id)?;
    view_of(session, stored)
}

/// A person opens a record: checked against its classification and written to the audit log.
pub fn open_record(session: &Session, id: &str) -> AppResult<RecordView> {
    let stored = session.open_record(id)?;
    view_of(session, stored)
}

/// Sets a record's classification ("unclassified" | "secret" | "top_secret"); who may choose
/// or raise which level is the store's rule.
pub fn set_classification(session: &mut Session, id: &str, level: &str) -> AppResult<RecordView> {
    let to = banthuek_core::Classification::from_str(level)
        .map_err(|e| AppError::from_message(ErrorCode::BadClassification, &e))?;
    session.set_classification(id, to)?;
    get_record(session, id)
}

/// The access report (administrators only: the store refuses anyone else).
pub fn access_report(
    session: &Session,
    user: Option<&str>,
    record_id: Option<&str>,
) -> AppResult<AccessReportView> {
    let user = user.map(str::trim).filter(|u| !u.is_empty());
    let record_id = record_id.map(str::trim).filter(|r| !r.is_empty());
    let report = session.access_report(user, record_id)?;
    Ok(AccessReportView {
        chain_whole: report.chain.is_whole(),
        events: report
            .events
            .into_iter()
            .map(|e| AccessEventView {
                seq: e.seq,
                at: e.at,
                user: e.user,
                kind: e.kind.as_str().to_owned(),
                action: e.action,
                record_id: e.record_id,
            })
            .collect(),
    })
}

fn text_of(parts: &[Option<&String>]) -> String {
    parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A list row, with the record's content when the user may open it; a record they may not
/// open shows only id, status, dates and classification (and is not read, so nothing is audited).
/// Each account's name as people read it: rank and full name, by login name.
fn display_names(session: &Session) -> AppResult<std::collections::HashMap<String, String>> {
    Ok(session
        .list_users()?
        .into_iter()
        .map(|u| {
            let shown = text_of(&[u.rank.as_ref(), u.full_name.as_ref()]);
            let shown = if shown.is_empty() {
                u.name.clone()
            } else {
                shown
            };
            (u.name, shown)
        })
        .collect())
}

/// The first arrestee's name, "first last", when one is named.
pub fn arrestee_name(record: &ArrestRecord) -> Option<String> {
    record
        .arrestees
        .first()
        .map(|a| text_of(&[a.first_name.as_ref(), a.last_name.as_ref()]))
        .filter(|n| !n.is_empty())
}

/// "first last" of each arrestee, in order.
fn arrestee_names(record: &ArrestRecord) -> Vec<String> {
    record
        .arrestees
        .iter()
        .map(|a| text_of(&[a.first_name.as_ref(), a.last_name.as_ref()]))
        .collect()
}

/// Whom a record is about, for a list that names records by their people: each arrestee's
/// name and the arrest date; nothing when the user may not open the record.
pub fn record_subject(session: &Session, id: &str) -> AppResult<(Vec<String>, Option<String>)> {
    if !session.may_open(id)? {
        return Ok((Vec::new(), None));
    }
    let record = session.record(id)?.record;
    let date = record.arrest.as_ref().and_then(|a| a.date.clone());
    Ok((arrestee_names(&record), date))
}

fn summary(
    session: &Session,
    s: banthuek_store::RecordSummary,
    names: &std::collections::HashMap<String, String>,
) -> AppResult<(RecordSummaryView, Option<ArrestRecord>)> {
    let restricted = !session.may_open(&s.id)?;
    let record = if restricted {
        None
    } else {
        Some(session.record(&s.id)?.record)
    };
    let arrest = record
        .as_ref()
        .and_then(|r| r.arrest.clone())
        .unwrap_or_default();
    let view = RecordSummaryView {
        arrestees: record.as_ref().map(arrestee_names).unwrap_or_default(),
        arrest_date: arrest.date,
        arrest_time: arrest.time,
        charges: record
            .iter()
            .flat_map(|r| &r.charges)
            .filter_map(|c| c.text.clone())
            .collect(),
        id: s.id,
        status: s.status.into(),
        version: s.version,
        created_at: s.created_at,
        created_by_name: names
            .get(&s.created_by)
            .cloned()
            .unwrap_or_else(|| s.created_by.clone()),
        created_by: s.created_by,
        updated_at: s.updated_at,
        classification: s.classification.as_str().to_owned(),
        juvenile: s.juvenile,
        restricted,
    };
    Ok((view, record))
}

/// Whether `query` matches an arrestee's name, national ID or passport, or the arrest or
/// writing date (ISO, or Thai/Arabic digits as typed).
fn matches(record: &ArrestRecord, query: &str) -> bool {
    let q = banthuek_core::thai::digits::to_arabic(query.trim()).to_lowercase();
    if q.is_empty() {
        return true;
    }
    let mut hay: Vec<String> = Vec::new();
    for a in &record.arrestees {
        hay.extend(
            [&a.first_name, &a.last_name, &a.national_id, &a.passport]
                .into_iter()
                .flatten()
                .cloned(),
        );
        hay.push(text_of(&[a.first_name.as_ref(), a.last_name.as_ref()]));
    }
    if let Some(d) = record.arrest.as_ref().and_then(|a| a.date.clone()) {
        hay.push(d);
    }
    if let Some(d) = record.recorded.as_ref().and_then(|r| r.date.clone()) {
        hay.push(d);
    }
    hay.iter().any(|h| {
        h.to_lowercase()
            .replace(' ', "")
            .contains(&q.replace(' ', ""))
    })
}

pub fn list_records(session: &Session, filter: &RecordFilter) -> AppResult<Vec<RecordSummaryView>> {
    let status = match filter.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            Status::from_str(s).map_err(|e| AppError::from_message(ErrorCode::BadStatus, &e))?,
        ),
        None => None,
    };
    let names = display_names(session)?;
    let mut out = Vec::new();
    // "My records": an officer sees their own (the store refuses editing a colleague's).
    let own_only = session.role() == banthuek_core::Role::Officer;
    for s in session.list_records(status)? {
        if own_only && s.created_by != session.user() {
            continue;
        }
        let (view, record) = summary(session, s, &names)?;
        // A record the user may not open is never searched by its content.
        let shown = match (filter.query.as_deref(), &record) {
            (None, _) => true,
            (Some(q), _) if q.trim().is_empty() => true,
            (Some(q), Some(r)) => matches(r, q),
            (Some(_), None) => false,
        };
        if shown {
            out.push(view);
        }
    }
    Ok(out)
}

/// Submitted records waiting for a supervisor, oldest first.
pub fn review_queue(session: &Session) -> AppResult<Vec<RecordSummaryView>> {
    let mut out = list_records(
        session,
        &RecordFilter {
            status: Some(Status::Submitted.as_str().into()),
            query: None,
        },
    )?;
    out.reverse();
    Ok(out)
}

pub fn new_record(session: &mut Session) -> AppResult<RecordView> {
    let id = session.create_record(ArrestRecord::default(), VersionSource::Typed, "new record")?;
    get_record(session, &id)
}

/// Saves the page's edit of a record, made from version `based_on` (the rules are
/// `banthuek_dictation::save_edit`'s): what dictation saved meanwhile is merged in, and the same
/// field changed by both is refused with a message naming it.
pub fn save_record(
    session: &mut Session,
    id: &str,
    record: Value,
    reason: &str,
    based_on: u32,
) -> AppResult<RecordView> {
    let today = chrono::Local::now().date_naive();
    save_edit(session, id, &record, based_on, reason, today)?;
    get_record(session, id)
}

/// The officer confirms a low-confidence value as heard: it stays dictated, marked confirmed.
pub fn confirm_field(session: &mut Session, id: &str, pointer: &str) -> AppResult<RecordView> {
    banthuek_dictation::confirm(session, id, pointer)?;
    get_record(session, id)
}

/// Confirms every low-confidence value at once (the officer has read them all).
pub fn confirm_all(session: &mut Session, id: &str) -> AppResult<RecordView> {
    banthuek_dictation::confirm_all(session, id)?;
    get_record(session, id)
}

pub fn history(session: &Session, id: &str) -> AppResult<HistoryView> {
    let h = session.history(id)?;
    let first = h
        .versions
        .iter()
        .find(|v| v.source == VersionSource::Machine.as_str())
        .map(|v| v.version)
        .unwrap_or(1);
    let first_record = session.record_version(id, first)?.record;
    let current = session.record(id)?.record;
    let (a, b) = (
        leaves(&first_record.to_value()),
        leaves(&current.to_value()),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let diff = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| FieldDiff {
            pointer: k.clone(),
            first: a.get(k).cloned().unwrap_or(Value::Null),
            current: b.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect();
    Ok(HistoryView {
        versions: h
            .versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                author: v.author,
                saved_at: v.saved_at,
                reason: v.reason,
                source: v.source,
            })
            .collect(),
        events: h
            .events
            .into_iter()
            .map(|e| EventView {
                action: e.action,
                from: e.from.map(RecordStatus::from),
                to: e.to.into(),
                version: e.version,
                actor: e.actor,
                at: e.at,
            })
            .collect(),
        first_draft_version: first,
        diff_from_first_draft: diff,
    })
}

/// The signing ceremony's key: the person re-enters their password, which opens their own
/// key slot (and so their signing key) in a session of its own, used for this one signature.
/// A wrong password counts towards the account's lockout like a wrong login.
fn signer(session: &Session, password: &str) -> AppResult<Session> {
    if password.is_empty() {
        return Err(AppError::new(
            ErrorCode::PasswordRequired,
            "Enter your password to sign",
            "กรุณาใส่รหัสผ่านเพื่อลงนาม",
        ));
    }
    let store = Store::open(session.home())?;
    Ok(store.unlock(session.user(), password)?)
}

/// Officer: signs the latest version (after seeing its rendered pages and re-entering the
/// password) and submits it. The ceremony is audited.
pub fn sign_and_submit(
    session: &mut Session,
    id: &str,
    comment: Option<&str>,
    password: &str,
    pages_seen: u32,
) -> AppResult<RecordView> {
    // The store refuses the same; asking first spares rendering and signing a PDF in vain.
    let current = session.record(id)?;
    let problems = check_signable(&current.record, chrono::Local::now().naive_local());
    if !problems.is_empty() {
        return Err(banthuek_store::StoreError::NotSignable(problems).into());
    }
    let invalid = typed_but_invalid(&current.record);
    if !invalid.is_empty() {
        return Err(banthuek_store::StoreError::TypedValuesInvalid(
            invalid.into_iter().map(|(p, _)| p).collect(),
        )
        .into());
    }
    let mut signer = signer(session, password)?;
    signer.record_signing_ceremony(id, current.version, Action::Submit, pages_seen)?;
    banthuek_station::sign_and_submit(&mut signer, id, comment)?;
    drop(signer);
    get_record(session, id)
}

/// Supervisor: approves and countersigns after seeing the pages and re-entering the password.
pub fn approve_and_countersign(
    session: &mut Session,
    id: &str,
    password: &str,
    pages_seen: u32,
) -> AppResult<RecordView> {
    let current = session.record(id)?;
    let mut signer = signer(session, password)?;
    signer.record_signing_ceremony(id, current.version, Action::Approve, pages_seen)?;
    banthuek_station::approve_and_countersign(&mut signer, id, None)?;
    drop(signer);
    get_record(session, id)
}

pub fn return_record(
    session: &mut Session,
    id: &str,
    comments: &[FieldComment],
) -> AppResult<RecordView> {
    let comments: Vec<FieldComment> = comments
        .iter()
        .filter(|c| !c.text.trim().is_empty())
        .map(|c| FieldComment {
            pointer: c.pointer.clone(),
            text: c.text.trim().to_owned(),
            author: None,
            at: None,
        })
        .collect();
    if comments.is_empty() {
        return Err(AppError::new(
            ErrorCode::CommentRequired,
            "Say what must change: add at least one comment",
            "กรุณาระบุสิ่งที่ต้องแก้ไขอย่างน้อยหนึ่งข้อ",
        ));
    }
    let text = serde_json::to_string(&comments).map_err(AppError::internal)?;
    session.return_record(id, Some(&text))?;
    get_record(session, id)
}

/// The PDF as it stands (countersigned, officer-signed or a fresh unsigned rendering).
pub fn record_pdf(session: &Session, id: &str) -> AppResult<Vec<u8>> {
    Ok(banthuek_station::current_pdf(session, id)?)
}
