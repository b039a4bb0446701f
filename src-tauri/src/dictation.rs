//! Dictation into a record, and what keeps it safe.
//!
//! A dictation is one live session of the speech crate recording into
//! `<home>/recovery/<record id>/<recording>/` (`evidence.wav` written as it arrives, and
//! `meta.json`). Each final utterance is read into the record — the whole record through
//! `banthuek_extract::extract` over everything said so far, or one field through
//! `banthuek_extract::directed::fill_field` — merged into the stored draft without touching
//! values a person typed or confirmed, and saved at once as a new version (source "machine").
//! Every value heard keeps its audio span and the recording's name in its provenance. When the
//! dictation stops, the recording goes into the store and the folder is removed; if the app dies
//! first, the folder stays and `pending_resume` offers it at the next login.

use crate::app::{lock, App};
use crate::error::{AppError, AppResult};
use crate::records::{self, audio_span_of, tag_audio};
use crate::views::{
    AudioClip, AudioLevel, DictationState, RecordView, ResumeInfo, Resumed, SpokenValue,
    StageTimes, TranscriptFinal, TranscriptPartial,
};
use banthuek_core::record::{set_pointer, ArrestRecord, Provenance, Source, LOW_CONFIDENCE};
use banthuek_core::Action;
use banthuek_extract::commands::VoiceCommand;
use banthuek_extract::directed::{fill_field, kind_of, FieldKind, Utterance};
use banthuek_extract::{ExtractOptions, TimedSegment};
use banthuek_speech::capture::{Capture, CaptureEvent};
use banthuek_speech::engine::{DecodeOptions, Segment};
use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession, LiveStopper};
use banthuek_speech::supervisor::{Supervisor, SupervisorEvent};
use banthuek_spoken::{FieldType, SpokenField};
use banthuek_store::VersionSource;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Samples per second of the evidence recording (the speech crate's rate).
const RATE: u64 = 16_000;
const MIME_PREFIX: &str = "audio/wav; recording=";

/// What is written beside a recording so it can be resumed after a crash.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecoveryMeta {
    pub record_id: String,
    pub recording: String,
    pub pointer: Option<String>,
    pub user: String,
    pub started_at: String,
}

/// The dictation in progress.
pub struct Active {
    pub record_id: String,
    pub pointer: Option<String>,
    pub dir: PathBuf,
    stopper: Stopper,
    thread: std::thread::JoinHandle<()>,
}

/// Ends a dictation from any thread: a live session (free speech, with partials), or the capture
/// of a typed field's dictation.
#[derive(Clone)]
enum Stopper {
    Live(LiveStopper),
    Capture(Arc<AtomicBool>),
}

impl Stopper {
    fn stop(&self) {
        match self {
            Stopper::Live(s) => s.stop(),
            Stopper::Capture(flag) => flag.store(true, Ordering::SeqCst),
        }
    }
}

/// The typed field at `pointer`, when dictation into it goes through the constrained decoder of
/// `banthuek_spoken` (the value is then read as that type, with a confidence and alternatives).
pub fn field_type_of(pointer: &str) -> Option<FieldType> {
    let key = pointer.rsplit('/').next().unwrap_or("");
    match (kind_of(pointer), key) {
        (FieldKind::Time, _) => Some(FieldType::Time),
        (FieldKind::Date, _) => Some(FieldType::Date),
        (FieldKind::NationalId, _) => Some(FieldType::NationalId),
        (FieldKind::Integer, "age") => Some(FieldType::Age),
        (FieldKind::Integer | FieldKind::Number, _) => Some(FieldType::Number),
        (FieldKind::Rank, _) => Some(FieldType::Rank),
        (_, "province") => Some(FieldType::Province),
        (_, "district") => Some(FieldType::District),
        (_, "subdistrict") => Some(FieldType::Subdistrict),
        _ => None,
    }
}

/// The microphone test in settings: capture to a scratch file, levels out, nothing kept.
pub struct MicTest {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

pub fn recovery_root(home: &Path) -> PathBuf {
    home.join("recovery")
}

/// The per-utterance state of one dictation.
struct Heard {
    record_id: String,
    pointer: Option<String>,
    recording: String,
    /// Everything said so far in this dictation, utterance after utterance.
    text: String,
    timing: Vec<TimedSegment>,
    peak: f32,
}

/// Timing of each transcript segment as character spans of `text` (which starts at character
/// `offset` of the whole transcript), found in order; the whole text when a segment's words
/// cannot be found.
fn timing_of(
    text: &str,
    offset: usize,
    segments: &[Segment],
    whole: [u64; 2],
) -> Vec<TimedSegment> {
    let mut out = Vec::new();
    let mut cursor = 0usize;
    for s in segments {
        let t = s.text.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(found) = text[cursor..].find(t) {
            let start = cursor + found;
            let end = start + t.len();
            out.push(TimedSegment {
                char_start: offset + text[..start].chars().count(),
                char_end: offset + text[..end].chars().count(),
                audio_start_ms: s.start_ms,
                audio_end_ms: s.end_ms,
            });
            cursor = end;
        }
    }
    if out.is_empty() {
        out.push(TimedSegment {
            char_start: offset,
            char_end: offset + text.chars().count(),
            audio_start_ms: whole[0],
            audio_end_ms: whole[1],
        });
    }
    out
}

/// Puts every value `heard` filled into `draft`, except where a person typed, edited or confirmed
/// the value; returns the new record and the pointers that changed.
pub fn merge(
    draft: &ArrestRecord,
    heard: &ArrestRecord,
    recording: &str,
) -> (ArrestRecord, Vec<String>) {
    let mut doc = draft.to_value();
    let heard_doc = heard.to_value();
    let mut provenance = draft.provenance.clone();
    let mut filled = Vec::new();
    for (pointer, p) in &heard.provenance {
        let Some(value) = heard_doc.pointer(pointer) else {
            continue;
        };
        let existing = doc.pointer(pointer).filter(|v| !v.is_null());
        let by_person = match draft.provenance.get(pointer) {
            Some(q) => q.source != Source::Dictated || q.is_confirmed(),
            // A value with no provenance can only have come from a person.
            None => existing.is_some(),
        };
        if by_person || existing == Some(value) {
            continue;
        }
        let mut trial = doc.clone();
        if set_pointer(&mut trial, pointer, value.clone()).is_err() {
            continue;
        }
        doc = trial;
        let mut p = p.clone();
        tag_audio(&mut p, recording);
        provenance.insert(pointer.clone(), p);
        filled.push(pointer.clone());
    }
    match ArrestRecord::from_value(doc) {
        Ok(mut record) => {
            record.provenance = provenance;
            (record, filled)
        }
        Err(e) => {
            tracing::warn!("merging dictation gave an invalid record: {e}");
            (draft.clone(), Vec::new())
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Reads one utterance (or a whole recovered recording) into the stored draft and saves it.
/// Returns the pointers filled, or why nothing could be read.
fn apply_text(
    app: &App,
    heard: &mut Heard,
    text: &str,
    segments: &[Segment],
    span: [u64; 2],
    reason: &str,
) -> AppResult<Vec<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let offset = heard.text.chars().count() + usize::from(!heard.text.is_empty());
    if !heard.text.is_empty() {
        heard.text.push(' ');
    }
    heard.text.push_str(text);
    heard.timing.extend(timing_of(text, offset, segments, span));
    let recording = heard.recording.clone();
    let (record_id, pointer) = (heard.record_id.clone(), heard.pointer.clone());
    let full = heard.text.clone();
    let timing = heard.timing.clone();
    app.with_session(|s| {
        let draft = s.record(&record_id)?.record;
        let (record, filled) = match &pointer {
            Some(pointer) => {
                let u = Utterance {
                    text,
                    today: today(),
                    char_offset: offset,
                    audio_ms: Some(span),
                };
                let fill = fill_field(&draft, pointer, &u)
                    .map_err(|e| AppError::from_message("not_understood", &e.to_string()))?;
                let mut record = fill.record;
                if let Some(p) = record.provenance.get_mut(pointer) {
                    tag_audio(p, &recording);
                }
                (record, vec![pointer.clone()])
            }
            None => {
                let opts = ExtractOptions {
                    timing,
                    ..ExtractOptions::new(today())
                };
                let extraction = banthuek_extract::extract(&full, &opts);
                merge(&draft, &extraction.record, &recording)
            }
        };
        if !filled.is_empty() {
            s.save_version(&record_id, record, VersionSource::Machine, reason)?;
        }
        Ok(filled)
    })
}

/// Puts what dictation into a typed field heard into the stored draft and saves it: the value as
/// the record keeps it, with its confidence (below the review threshold unless decoder, reading
/// and domain agree, so the field is flagged). Nothing heard fills nothing and says so.
fn apply_spoken(
    app: &App,
    heard: &mut Heard,
    pointer: &str,
    spoken: &SpokenField,
    span: [u64; 2],
) -> AppResult<Vec<String>> {
    let Some(value) = &spoken.value else {
        return Err(nothing_heard());
    };
    let text = spoken.heard.trim();
    let offset = heard.text.chars().count() + usize::from(!heard.text.is_empty());
    if !heard.text.is_empty() {
        heard.text.push(' ');
    }
    heard.text.push_str(text);
    let confidence = f64::from(spoken.confidence);
    let confidence = if spoken.confident {
        confidence.max(LOW_CONFIDENCE)
    } else {
        confidence.min(LOW_CONFIDENCE * 0.99)
    };
    let mut provenance = Provenance {
        source: Source::Dictated,
        transcript_span: Some([offset as u64, (offset + text.chars().count()) as u64]),
        audio_ms: Some(span),
        confidence: Some(confidence),
        extra: serde_json::Map::new(),
    };
    tag_audio(&mut provenance, &heard.recording);
    let record_id = heard.record_id.clone();
    app.with_session(|s| {
        let draft = s.record(&record_id)?.record;
        let mut record = draft.with_field(pointer, &value.to_string())?;
        record.provenance.insert(pointer.to_owned(), provenance);
        s.save_version(&record_id, record, VersionSource::Machine, "dictation")?;
        Ok(vec![pointer.to_owned()])
    })
}

fn nothing_heard() -> AppError {
    AppError::new(
        "nothing_heard",
        "Nothing was heard; the field is unchanged",
        "ไม่ได้ยินเสียงพูด ช่องนี้ไม่ได้เปลี่ยน",
    )
}

fn spoken_value(pointer: &str, s: SpokenField) -> SpokenValue {
    SpokenValue {
        pointer: pointer.to_owned(),
        value: s.value,
        confident: s.confident,
        confidence: s.confidence,
        alternatives: s.alternatives.into_iter().map(|a| a.value).collect(),
        heard: s.heard,
    }
}

fn record_view(app: &App, id: &str) -> Option<RecordView> {
    match app.with_session(|s| records::get_record(s, id)) {
        Ok(view) => Some(view),
        Err(e) => {
            tracing::warn!("record-updated not sent: {e}");
            None
        }
    }
}

fn emit_record(app: &App, id: &str) {
    if let Some(view) = record_view(app, id) {
        app.emit("record-updated", &view);
    }
}

/// Now, in ms since the Unix epoch (the clock the page and the benchmark share).
fn epoch_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn state(
    recording: bool,
    record_id: Option<&str>,
    pointer: Option<&str>,
    error: Option<AppError>,
) -> DictationState {
    DictationState {
        recording,
        record_id: record_id.map(str::to_owned),
        pointer: pointer.map(str::to_owned),
        error,
    }
}

fn level(db: f32, peak: &mut f32) -> AudioLevel {
    let rms = 10f32.powf(db / 20.0).clamp(0.0, 1.0);
    *peak = (*peak * 0.9).max(rms);
    AudioLevel {
        rms,
        peak: *peak,
        db,
    }
}

fn evidence_of(dir: &Path) -> PathBuf {
    dir.join("evidence.wav")
}

/// Puts a recording into the store (the folder stays until [`remove_recording`]).
fn put_recording(app: &App, dir: &Path, record_id: &str, recording: &str) -> AppResult<()> {
    let evidence = evidence_of(dir);
    if evidence.is_file() {
        let bytes = std::fs::read(&evidence)?;
        // A header with no samples: nothing was said, nothing to keep.
        if bytes.len() > 44 {
            app.with_session(|s| {
                s.put_audio(record_id, &format!("{MIME_PREFIX}{recording}"), &bytes)?;
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn remove_recording(dir: &Path) -> AppResult<()> {
    std::fs::remove_dir_all(dir)?;
    if let Some(parent) = dir.parent() {
        // Only removes the record's folder once it is empty.
        let _ = std::fs::remove_dir(parent);
    }
    Ok(())
}

fn store_recording(app: &App, dir: &Path, record_id: &str, recording: &str) -> AppResult<()> {
    put_recording(app, dir, record_id, recording)?;
    remove_recording(dir)
}

impl App {
    /// Sends a final to the page, then the record it changed (read back first, so the stage
    /// times end when both leave the app).
    fn send_final(&self, record_id: &str, mut fin: TranscriptFinal) {
        let view = if fin.filled.is_empty() {
            None
        } else {
            record_view(self, record_id)
        };
        if let Some(stages) = fin.stages.as_mut() {
            stages.sent_at = epoch_ms();
        }
        self.emit("transcript-final", &fin);
        if let Some(view) = view {
            self.emit("record-updated", &view);
        }
    }

    /// Finished dictation threads (stopped by voice or a lost microphone) are joined here.
    fn reap_dictation(&self) {
        let mut slot = lock(&self.dictation);
        if slot.as_ref().is_some_and(|a| a.thread.is_finished()) {
            if let Some(a) = slot.take() {
                let _ = a.thread.join();
            }
        }
    }

    pub fn is_dictating(&self) -> bool {
        self.reap_dictation();
        lock(&self.dictation).is_some()
    }

    /// Starts dictating into record `id` (one field when `pointer` is given).
    pub fn start_dictation(self: &Arc<Self>, id: &str, pointer: Option<&str>) -> AppResult<()> {
        self.reap_dictation();
        if lock(&self.dictation).is_some() {
            return Err(AppError::new(
                "already_recording",
                "Already recording; stop first",
                "กำลังบันทึกเสียงอยู่ กรุณาหยุดก่อน",
            ));
        }
        self.stop_mic_test();
        let user = self.with_session(|s| {
            let stored = s.record(id)?;
            banthuek_core::workflow::transition(stored.status, Action::Edit, s.role())
                .map_err(AppError::from)?;
            Ok(s.user().to_owned())
        })?;
        if let Some(p) = pointer {
            if !p.starts_with('/') {
                return Err(AppError::new(
                    "no_such_field",
                    "There is no such field to dictate into",
                    "ไม่มีช่องข้อมูลนี้ให้บันทึกเสียง",
                ));
            }
        }
        let recording = format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let dir = recovery_root(&self.home).join(id).join(&recording);
        std::fs::create_dir_all(&dir)?;
        let meta = RecoveryMeta {
            record_id: id.to_owned(),
            recording: recording.clone(),
            pointer: pointer.map(str::to_owned),
            user,
            started_at: chrono::Utc::now().to_rfc3339(),
        };
        std::fs::write(
            dir.join("meta.json"),
            serde_json::to_vec_pretty(&meta).map_err(AppError::internal)?,
        )?;
        let engine = match self.take_engine() {
            Ok(e) => e,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        let heard = Heard {
            record_id: id.to_owned(),
            pointer: pointer.map(str::to_owned),
            recording,
            text: String::new(),
            timing: Vec::new(),
            peak: 0.0,
        };
        let typed = pointer.and_then(|p| Some((p.to_owned(), field_type_of(p)?)));
        let (stopper, thread) = match typed {
            Some((p, field)) => self.start_field_capture(engine, &dir, heard, p, field),
            None => self.start_live(engine, &dir, heard),
        }
        .inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&dir);
            let _ = std::fs::remove_dir(dir.parent().unwrap_or(&dir));
        })?;
        *lock(&self.dictation) = Some(Active {
            record_id: id.to_owned(),
            pointer: pointer.map(str::to_owned),
            dir,
            stopper,
            thread,
        });
        self.emit("dictation-state", &state(true, Some(id), pointer, None));
        tracing::info!("dictation started");
        Ok(())
    }

    /// Free dictation (the whole record, or an untyped field): a live session with partials.
    fn start_live(
        self: &Arc<Self>,
        engine: Supervisor,
        dir: &Path,
        heard: Heard,
    ) -> AppResult<(Stopper, std::thread::JoinHandle<()>)> {
        let config = LiveConfig {
            device: self.prefs().microphone,
            ..LiveConfig::new(dir)
        };
        let live = LiveSession::start(engine, config)?;
        let stopper = live.stopper();
        let app = self.clone();
        let thread_dir = dir.to_owned();
        let thread_stopper = stopper.clone();
        let thread = std::thread::Builder::new()
            .name("dictation".into())
            .spawn(move || app.run_dictation(live, heard, thread_dir, thread_stopper))
            .map_err(AppError::internal)?;
        Ok((Stopper::Live(stopper), thread))
    }

    /// Dictation into a typed field: each utterance goes through `banthuek_spoken::
    /// transcribe_field` (the decoder may only write what reads as the field's type) in the
    /// app's speech worker, on this dictation's own thread. No partials: a constrained guess of
    /// half a time is no help, and the worker stays free for the final.
    fn start_field_capture(
        self: &Arc<Self>,
        engine: Supervisor,
        dir: &Path,
        heard: Heard,
        pointer: String,
        field: FieldType,
    ) -> AppResult<(Stopper, std::thread::JoinHandle<()>)> {
        let capture = Capture::start(self.prefs().microphone.as_deref(), &evidence_of(dir))?;
        let flag = capture.stop_flag();
        let app = self.clone();
        let thread_dir = dir.to_owned();
        let thread = std::thread::Builder::new()
            .name("field-dictation".into())
            .spawn(move || {
                app.run_field_dictation(capture, engine, heard, thread_dir, (pointer, field))
            })
            .map_err(AppError::internal)?;
        Ok((Stopper::Capture(flag), thread))
    }

    fn run_field_dictation(
        self: Arc<Self>,
        mut capture: Capture,
        mut engine: Supervisor,
        mut heard: Heard,
        dir: PathBuf,
        (pointer, field): (String, FieldType),
    ) {
        let mut device_error = None;
        let utterances = dir.join("utterances");
        if let Err(e) = std::fs::create_dir_all(&utterances) {
            device_error = Some(AppError::from(e));
            capture.stop();
        }
        let mut utterances_heard = 0usize;
        while let Ok(event) = capture.events.recv() {
            match event {
                CaptureEvent::Level(db) => {
                    let l = level(db, &mut heard.peak);
                    self.emit("audio-level", &l);
                }
                CaptureEvent::Utterance(u) => {
                    utterances_heard += 1;
                    let audio = utterances.join(format!("utterance-{:04}.wav", u.index));
                    let span = [u.start_ms, u.end_ms];
                    let result = banthuek_speech::audio::write_wav(&audio, &u.samples)
                        .map_err(AppError::from)
                        .and_then(|()| {
                            banthuek_spoken::transcribe_field(
                                &mut engine,
                                &audio,
                                field,
                                &DecodeOptions::default(),
                                today(),
                            )
                            .map_err(AppError::from)
                        });
                    let final_at = epoch_ms();
                    let cut_at = final_at - u.cut_at.elapsed().as_secs_f64() * 1000.0;
                    let speech_heard_at =
                        final_at - u.speech_heard_at.elapsed().as_secs_f64() * 1000.0;
                    let (text, spoken, filled, problem) = match result {
                        Ok((transcript, spoken)) => {
                            match apply_spoken(&self, &mut heard, &pointer, &spoken, span) {
                                Ok(filled) => (transcript.text, Some(spoken), filled, None),
                                Err(e) => (transcript.text, Some(spoken), Vec::new(), Some(e)),
                            }
                        }
                        Err(e) => (String::new(), None, Vec::new(), Some(e)),
                    };
                    let saved_at = epoch_ms();
                    match &problem {
                        None => tracing::info!(
                            "field dictation: utterance {} read in {:.0} ms after the cut",
                            u.index,
                            final_at - cut_at
                        ),
                        Some(e) => tracing::warn!(
                            "field dictation: utterance {} not read: {}",
                            u.index,
                            e.code
                        ),
                    }
                    self.send_final(
                        &heard.record_id,
                        TranscriptFinal {
                            text: text.trim().to_owned(),
                            start_ms: span[0],
                            end_ms: span[1],
                            filled,
                            problem,
                            stages: Some(StageTimes {
                                audio_end_at: Some(speech_heard_at),
                                cut_at,
                                final_at,
                                saved_at,
                                sent_at: 0.0, // stamped as it is sent
                            }),
                            spoken: spoken.map(|s| spoken_value(&pointer, s)),
                        },
                    );
                }
                CaptureEvent::DeviceError(message) => {
                    device_error = Some(AppError::from_message("microphone", &message));
                }
                _ => {}
            }
        }
        capture.stop();
        self.give_back_engine(engine);
        if utterances_heard == 0 && device_error.is_none() {
            // Silence the whole time (a button held and nothing said): say so, fill nothing.
            self.emit(
                "transcript-final",
                &TranscriptFinal {
                    text: String::new(),
                    start_ms: 0,
                    end_ms: 0,
                    filled: Vec::new(),
                    problem: Some(nothing_heard()),
                    stages: None,
                    spoken: Some(SpokenValue {
                        pointer: pointer.clone(),
                        value: None,
                        confident: false,
                        confidence: 0.0,
                        alternatives: Vec::new(),
                        heard: String::new(),
                    }),
                },
            );
        }
        let error = match store_recording(&self, &dir, &heard.record_id, &heard.recording) {
            Ok(()) => device_error,
            Err(e) => Some(e),
        };
        self.dictation_ended(&heard, error);
    }

    /// Tells the page the dictation is over, with the record as it now is.
    fn dictation_ended(self: &Arc<Self>, heard: &Heard, error: Option<AppError>) {
        tracing::info!("dictation stopped");
        self.emit(
            "dictation-state",
            &state(
                false,
                Some(&heard.record_id),
                heard.pointer.as_deref(),
                error,
            ),
        );
        emit_record(self, &heard.record_id);
        self.prewarm_engine();
    }

    fn run_dictation(
        self: Arc<Self>,
        live: LiveSession,
        mut heard: Heard,
        dir: PathBuf,
        stopper: LiveStopper,
    ) {
        let mut device_error = None;
        let model = self.model_name().unwrap_or_default();
        for event in live.events().iter() {
            match event {
                LiveEvent::Level(db) => {
                    let l = level(db, &mut heard.peak);
                    self.emit("audio-level", &l);
                }
                LiveEvent::Partial { text, .. } => {
                    self.emit("transcript-partial", &TranscriptPartial { text })
                }
                LiveEvent::Final(u) => {
                    let text = u.transcript.text.trim().to_owned();
                    let span = [u.start_ms, u.end_ms];
                    let spoken_ms = u.end_ms.saturating_sub(u.start_ms);
                    if spoken_ms > 0 {
                        let rtf = u.latency.as_secs_f64() / (spoken_ms as f64 / 1000.0);
                        let _ = self.update_prefs(|p| p.note_rtf(&model, rtf));
                    }
                    if banthuek_extract::commands::recognise(&text)
                        == Some(VoiceCommand::StopRecording)
                    {
                        stopper.stop();
                        continue;
                    }
                    let final_at = epoch_ms();
                    let cut_at = final_at - u.latency.as_secs_f64() * 1000.0;
                    let (filled, problem) = match apply_text(
                        &self,
                        &mut heard,
                        &text,
                        &u.transcript.segments,
                        span,
                        "dictation",
                    ) {
                        Ok(f) => (f, None),
                        Err(e) => (Vec::new(), Some(e)),
                    };
                    let saved_at = epoch_ms();
                    self.send_final(
                        &heard.record_id,
                        TranscriptFinal {
                            text,
                            start_ms: span[0],
                            end_ms: span[1],
                            filled,
                            problem,
                            stages: Some(StageTimes {
                                audio_end_at: None,
                                cut_at,
                                final_at,
                                saved_at,
                                sent_at: 0.0, // stamped as it is sent
                            }),
                            spoken: None,
                        },
                    );
                }
                LiveEvent::Failed { error, .. } => {
                    let e: AppError = error.into();
                    self.emit(
                        "transcript-final",
                        &TranscriptFinal {
                            text: String::new(),
                            start_ms: 0,
                            end_ms: 0,
                            filled: Vec::new(),
                            problem: Some(e),
                            stages: None,
                            spoken: None,
                        },
                    );
                }
                LiveEvent::WorkerRestarted { status } => self.engine_crashed(&status),
                LiveEvent::DeviceError(message) => {
                    device_error = Some(AppError::from_message("microphone", &message));
                }
                _ => {}
            }
        }
        let finished = live.finish();
        let error = match finished {
            Ok(rec) => {
                if let Some(m) = rec.device_error {
                    device_error.get_or_insert(AppError::from_message("microphone", &m));
                }
                match store_recording(&self, &dir, &heard.record_id, &heard.recording) {
                    Ok(()) => device_error,
                    Err(e) => Some(e),
                }
            }
            // A normal stop that ended in an error still keeps what was recorded: the audio goes
            // into the store and the folder is removed, so it is never offered as a crash. Only
            // when it cannot be stored does the folder stay, to be offered for resuming.
            Err(e) => {
                if let Err(stored) =
                    store_recording(&self, &dir, &heard.record_id, &heard.recording)
                {
                    tracing::warn!("recording left for resuming: {stored}");
                }
                Some(e.into())
            }
        };
        self.dictation_ended(&heard, error);
    }

    /// Stops the dictation, waits until every utterance is read into the record and the recording
    /// is stored, and returns the record as it now is.
    pub fn stop_dictation(&self) -> AppResult<Option<RecordView>> {
        let _stopping = lock(&self.stopping);
        let active = lock(&self.dictation).take();
        let Some(active) = active else {
            return Ok(None);
        };
        active.stopper.stop();
        active
            .thread
            .join()
            .map_err(|_| AppError::internal("the dictation thread panicked"))?;
        if self.logged_in().is_none() {
            return Ok(None);
        }
        self.with_session(|s| records::get_record(s, &active.record_id))
            .map(Some)
    }

    /// The audio behind a dictated value: its span cut from the recording, as a WAV.
    pub fn field_audio(&self, id: &str, pointer: &str) -> AppResult<AudioClip> {
        let (recording, span) = self.with_session(|s| {
            let record = s.record(id)?.record;
            audio_span_of(&record, pointer)
        })?;
        let mime = format!("{MIME_PREFIX}{recording}");
        let stored = self.with_session(|s| {
            let found = s.list_audio(id)?.into_iter().find(|a| a.mime == mime);
            match found {
                Some(a) => Ok(Some(s.audio(&a.id)?.1)),
                None => Ok(None),
            }
        })?;
        let bytes = match stored {
            Some(b) => b,
            // Still recording, or waiting to be resumed.
            None => {
                let path = evidence_of(&recovery_root(&self.home).join(id).join(&recording));
                std::fs::read(&path).map_err(|_| {
                    AppError::new(
                        "no_audio",
                        "The recording behind this value is missing",
                        "ไม่พบไฟล์เสียงของค่านี้",
                    )
                })?
            }
        };
        let clip = cut_wav(&bytes, span)?;
        Ok(AudioClip {
            mime: "audio/wav".into(),
            base64: base64::engine::general_purpose::STANDARD.encode(clip),
            start_ms: span[0],
            end_ms: span[1],
        })
    }

    fn recoveries(&self) -> Vec<(PathBuf, RecoveryMeta)> {
        let active = lock(&self.dictation).as_ref().map(|a| a.dir.clone());
        let mut out = Vec::new();
        let Ok(records) = std::fs::read_dir(recovery_root(&self.home)) else {
            return out;
        };
        for r in records.flatten() {
            let Ok(recs) = std::fs::read_dir(r.path()) else {
                continue;
            };
            for d in recs.flatten() {
                let dir = d.path();
                if Some(&dir) == active.as_ref() {
                    continue;
                }
                let meta = std::fs::read(dir.join("meta.json"))
                    .ok()
                    .and_then(|b| serde_json::from_slice::<RecoveryMeta>(&b).ok());
                if let Some(meta) = meta {
                    out.push((dir, meta));
                }
            }
        }
        out.sort_by(|a, b| a.1.started_at.cmp(&b.1.started_at));
        out
    }

    /// Recordings left by a crash that the logged-in user may resume: their own, into a record
    /// they created and may still edit. Another user's recording is never offered.
    fn own_recoveries(&self) -> AppResult<Vec<(PathBuf, RecoveryMeta)>> {
        let found = self.recoveries();
        self.with_session(|s| {
            let mut out = Vec::new();
            for (dir, meta) in found {
                if meta.user != s.user() || !s.may_open(&meta.record_id).unwrap_or(false) {
                    continue;
                }
                let Ok(stored) = s.record(&meta.record_id) else {
                    continue;
                };
                let created_by = s.created_by(&meta.record_id).ok();
                let editable =
                    banthuek_core::workflow::transition(stored.status, Action::Edit, s.role())
                        .is_ok();
                if editable && created_by.as_deref() == Some(s.user()) {
                    out.push((dir, meta));
                }
            }
            Ok(out)
        })
    }

    /// A recording left by a crash or a closed window that this user may resume, if any.
    pub fn pending_resume(&self) -> AppResult<Option<ResumeInfo>> {
        let Some((dir, meta)) = self.own_recoveries()?.into_iter().next() else {
            return Ok(None);
        };
        let bytes = std::fs::metadata(evidence_of(&dir))
            .map(|m| m.len().saturating_sub(44))
            .unwrap_or(0);
        // The offer names the arrestee, as the officer knows the record.
        let arrestee =
            self.with_session(|s| Ok(records::arrestee_name(&s.record(&meta.record_id)?.record)))?;
        Ok(Some(ResumeInfo {
            record_id: meta.record_id,
            audio_seconds: (bytes as f64 / (RATE as f64 * 2.0) * 10.0).round() / 10.0,
            started_at: meta.started_at,
            pointer: meta.pointer,
            arrestee,
        }))
    }

    /// Stores a left-over recording and reads it again into the record: the audio goes into the
    /// store first, so even a failed transcription loses nothing.
    pub fn resume(self: &Arc<Self>, id: &str) -> AppResult<Resumed> {
        let found: Vec<_> = self
            .own_recoveries()?
            .into_iter()
            .filter(|(_, m)| m.record_id == id)
            .collect();
        if found.is_empty() {
            return Err(AppError::new(
                "nothing_to_resume",
                "There is no unfinished dictation for this record",
                "ไม่มีการบันทึกเสียงที่ค้างอยู่สำหรับบันทึกนี้",
            ));
        }
        let mut transcript = Vec::new();
        for (dir, meta) in found {
            // The audio goes into the store first: it is the evidence, whatever happens next.
            put_recording(self, &dir, id, &meta.recording)?;
            let evidence = evidence_of(&dir);
            let editable = self.with_session(|s| {
                let st = s.record(id)?.status;
                Ok(banthuek_core::workflow::transition(st, Action::Edit, s.role()).is_ok())
            })?;
            if editable && evidence.is_file() {
                match self.reread(&evidence, &meta) {
                    Ok(text) if !text.is_empty() => transcript.push(text),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!("resumed recording not read into the record: {e}");
                        self.emit(
                            "dictation-state",
                            &state(false, Some(id), meta.pointer.as_deref(), Some(e)),
                        );
                    }
                }
            }
            remove_recording(&dir)?;
        }
        let view = self.with_session(|s| records::get_record(s, id))?;
        self.emit("record-updated", &view);
        Ok(Resumed {
            record: view,
            transcript,
        })
    }

    /// Transcribes a whole recovered recording and reads it into its record (a typed field's
    /// through its constrained decoder, as when it was dictated); returns the text heard.
    fn reread(self: &Arc<Self>, evidence: &Path, meta: &RecoveryMeta) -> AppResult<String> {
        let mut heard = Heard {
            record_id: meta.record_id.clone(),
            pointer: meta.pointer.clone(),
            recording: meta.recording.clone(),
            text: String::new(),
            timing: Vec::new(),
            peak: 0.0,
        };
        let typed = meta
            .pointer
            .as_deref()
            .and_then(|p| Some((p, field_type_of(p)?)));
        if let Some((pointer, field)) = typed {
            let mut engine = self.take_engine()?;
            let result = banthuek_spoken::transcribe_field(
                &mut engine,
                evidence,
                field,
                &DecodeOptions::default(),
                today(),
            );
            self.give_back_engine(engine);
            let (t, spoken) = result?;
            apply_spoken(self, &mut heard, pointer, &spoken, [0, t.duration_ms])?;
            return Ok(spoken.heard.trim().to_owned());
        }
        let mut engine = self.take_engine()?;
        let app = self.clone();
        let result = engine.transcribe(evidence, &DecodeOptions::default(), &mut |e| match e {
            SupervisorEvent::WorkerRestarted { status, .. } => app.engine_crashed(&status),
            SupervisorEvent::Segment(s) => app.emit(
                "transcript-partial",
                &TranscriptPartial {
                    text: s.text.clone(),
                },
            ),
            SupervisorEvent::Progress(_) => {}
        });
        self.give_back_engine(engine);
        let t = result?.transcript;
        apply_text(
            self,
            &mut heard,
            &t.text,
            &t.segments,
            [0, t.duration_ms],
            "dictation resumed after an interruption",
        )?;
        Ok(t.text.trim().to_owned())
    }

    /// Declines to re-read a left-over recording; the audio is still kept in the store.
    pub fn discard_resume(&self, id: &str) -> AppResult<()> {
        for (dir, meta) in self
            .recoveries()
            .into_iter()
            .filter(|(_, m)| m.record_id == id)
        {
            store_recording(self, &dir, id, &meta.recording)?;
        }
        Ok(())
    }

    pub fn start_mic_test(self: &Arc<Self>) -> AppResult<()> {
        if self.is_dictating() {
            return Err(AppError::new(
                "already_recording",
                "Stop dictating before testing the microphone",
                "กรุณาหยุดบันทึกเสียงก่อนทดสอบไมโครโฟน",
            ));
        }
        self.stop_mic_test();
        let scratch = self.home.join("tmp").join("mic-test.wav");
        let capture = Capture::start(self.prefs().microphone.as_deref(), &scratch)?;
        let stop = capture.stop_flag();
        let app = self.clone();
        let thread = std::thread::Builder::new()
            .name("mic-test".into())
            .spawn(move || {
                let mut peak = 0.0;
                let mut capture = capture;
                while let Ok(ev) = capture.events.recv() {
                    match ev {
                        CaptureEvent::Level(db) => app.emit("audio-level", &level(db, &mut peak)),
                        CaptureEvent::Stopped { .. } => break,
                        _ => {}
                    }
                }
                capture.stop();
                let _ = std::fs::remove_file(&scratch);
            })
            .map_err(AppError::internal)?;
        *lock(&self.mic_test) = Some(MicTest { stop, thread });
        Ok(())
    }

    pub fn stop_mic_test(&self) {
        if let Some(t) = lock(&self.mic_test).take() {
            t.stop.store(true, Ordering::SeqCst);
            let _ = t.thread.join();
        }
    }
}

/// Cuts `[start, end)` ms out of a 16-bit WAV (with a quarter second either side, so the first
/// and last syllables are not clipped).
pub fn cut_wav(bytes: &[u8], span: [u64; 2]) -> AppResult<Vec<u8>> {
    let bad = |e: hound::Error| {
        tracing::warn!("recording unreadable: {e}");
        AppError::new(
            "bad_audio",
            "The recording cannot be read",
            "อ่านไฟล์เสียงไม่ได้",
        )
    };
    let mut reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(bad)?;
    let spec = reader.spec();
    let per_ms = spec.sample_rate as u64 * spec.channels as u64 / 1000;
    let from = span[0].saturating_sub(250) * per_ms;
    let to = (span[1] + 250) * per_ms;
    let samples: Vec<i16> = reader
        .samples::<i16>()
        .skip(from as usize)
        .take(to.saturating_sub(from) as usize)
        .collect::<Result<_, _>>()
        .map_err(bad)?;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut w = hound::WavWriter::new(&mut out, spec).map_err(bad)?;
        for s in samples {
            w.write_sample(s).map_err(bad)?;
        }
        w.finalize().map_err(bad)?;
    }
    Ok(out.into_inner())
}
