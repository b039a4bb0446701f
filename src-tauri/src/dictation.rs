//! Dictation into a record, as the window runs it: the speech engine and the microphone on a
//! thread of their own, and each event sent to the page.
//!
//! The rules are `banthuek_dictation`'s (the same the command line uses): a dictation records
//! into a [`Recording`] folder under the data home, and each final utterance is read into the
//! stored draft and saved at once by a [`Dictation`] (free dictation extracted and merged without
//! touching what a person typed or confirmed, one field filled, or a typed field's spoken value
//! with its confidence). When the dictation stops, the recording goes into the store and the
//! folder is removed; if the app dies first, the folder stays and `pending_resume` offers it at
//! the next login. This module owns the threads, the engine hand-over and the events.

use crate::app::{lock, App};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::records;
use crate::views::{
    AudioClip, AudioLevel, DictationState, RecordView, ResumeInfo, Resumed, SpokenValue,
    StageTimes, TranscriptFinal, TranscriptPartial,
};
use banthuek_core::Action;
use banthuek_dictation::{
    field_type_of, left_over, resumable, value_clip, Dictation, DictationError, Final, Recording,
    RecoveryMeta,
};
use banthuek_extract::commands::VoiceCommand;
use banthuek_speech::capture::{Capture, CaptureEvent};
use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession, LiveStopper};
use banthuek_speech::supervisor::{Supervisor, SupervisorEvent};
use banthuek_spoken::{FieldType, SpokenField};
use base64::Engine as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The dictation in progress.
pub struct Active {
    pub recording: Recording,
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

/// The microphone test in settings: capture to a scratch file, levels out, nothing kept.
pub struct MicTest {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Reads one utterance (or a whole recovered recording) into the stored draft and saves it.
/// Returns the pointers filled, or why nothing could be read.
fn apply_text(
    app: &App,
    dictation: &mut Dictation,
    utterance: Final<'_>,
    reason: &str,
) -> AppResult<Vec<String>> {
    app.with_session(|s| Ok(dictation.hear(s, utterance, today(), reason)?))
}

/// Puts what dictation into a typed field heard into the stored draft and saves it.
fn apply_spoken(
    app: &App,
    dictation: &mut Dictation,
    pointer: &str,
    spoken: &SpokenField,
    span: [u64; 2],
) -> AppResult<Vec<String>> {
    app.with_session(|s| Ok(dictation.hear_field(s, pointer, spoken, span)?))
}

/// The end of a dictation: its recording into the store and the folder removed.
fn store_recording(app: &App, recording: &Recording) -> AppResult<()> {
    app.with_session(|s| Ok(recording.store(s)?))
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
        app.emit(&view);
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
        self.emit(&fin);
        if let Some(view) = view {
            self.emit(&view);
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
                ErrorCode::AlreadyRecording,
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
                    ErrorCode::NoSuchField,
                    "There is no such field to dictate into",
                    "ไม่มีช่องข้อมูลนี้ให้บันทึกเสียง",
                ));
            }
        }
        let recording = Recording::begin(&self.home, id, pointer, &user)?;
        let engine = match self.take_engine() {
            Ok(e) => e,
            Err(e) => {
                recording.abandon();
                return Err(e);
            }
        };
        let dictation = Dictation::new(
            id,
            pointer.map(str::to_owned),
            Some(recording.meta().recording.clone()),
        );
        let typed = pointer.and_then(|p| Some((p.to_owned(), field_type_of(p)?)));
        let (stopper, thread) = match typed {
            Some((p, field)) => {
                self.start_field_capture(engine, recording.clone(), dictation, p, field)
            }
            None => self.start_live(engine, recording.clone(), dictation),
        }
        .inspect_err(|_| recording.abandon())?;
        *lock(&self.dictation) = Some(Active {
            recording,
            stopper,
            thread,
        });
        self.emit(&state(true, Some(id), pointer, None));
        tracing::info!("dictation started");
        Ok(())
    }

    /// Free dictation (the whole record, or an untyped field): a live session with partials.
    fn start_live(
        self: &Arc<Self>,
        engine: Supervisor,
        recording: Recording,
        dictation: Dictation,
    ) -> AppResult<(Stopper, std::thread::JoinHandle<()>)> {
        let config = LiveConfig {
            device: self.prefs().microphone,
            ..LiveConfig::new(recording.dir())
        };
        let live = LiveSession::start(engine, config)?;
        let stopper = live.stopper();
        let app = self.clone();
        let thread_stopper = stopper.clone();
        let thread = std::thread::Builder::new()
            .name("dictation".into())
            .spawn(move || app.run_dictation(live, dictation, recording, thread_stopper))
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
        recording: Recording,
        dictation: Dictation,
        pointer: String,
        field: FieldType,
    ) -> AppResult<(Stopper, std::thread::JoinHandle<()>)> {
        let capture = Capture::start(self.prefs().microphone.as_deref(), &recording.evidence())?;
        let flag = capture.stop_flag();
        let app = self.clone();
        let thread = std::thread::Builder::new()
            .name("field-dictation".into())
            .spawn(move || {
                app.run_field_dictation(capture, engine, dictation, recording, (pointer, field))
            })
            .map_err(AppError::internal)?;
        Ok((Stopper::Capture(flag), thread))
    }

    fn run_field_dictation(
        self: Arc<Self>,
        mut capture: Capture,
        mut engine: Supervisor,
        mut dictation: Dictation,
        recording: Recording,
        (pointer, field): (String, FieldType),
    ) {
        let mut device_error = None;
        let mut peak = 0.0;
        let utterances = recording.dir().join("utterances");
        if let Err(e) = std::fs::create_dir_all(&utterances) {
            device_error = Some(AppError::from(e));
            capture.stop();
        }
        let mut utterances_heard = 0usize;
        while let Ok(event) = capture.events.recv() {
            match event {
                CaptureEvent::Level(db) => {
                    let l = level(db, &mut peak);
                    self.emit(&l);
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
                            match apply_spoken(&self, &mut dictation, &pointer, &spoken, span) {
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
                            "field dictation: utterance {} not read: {:?}",
                            u.index,
                            e.code
                        ),
                    }
                    self.send_final(
                        dictation.record_id(),
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
                    device_error = Some(AppError::from_message(ErrorCode::Microphone, &message));
                }
                _ => {}
            }
        }
        capture.stop();
        self.give_back_engine(engine);
        if utterances_heard == 0 && device_error.is_none() {
            // Silence the whole time (a button held and nothing said): say so, fill nothing.
            self.emit(&TranscriptFinal {
                text: String::new(),
                start_ms: 0,
                end_ms: 0,
                filled: Vec::new(),
                problem: Some(DictationError::NothingHeard.into()),
                stages: None,
                spoken: Some(SpokenValue {
                    pointer: pointer.clone(),
                    value: None,
                    confident: false,
                    confidence: 0.0,
                    alternatives: Vec::new(),
                    heard: String::new(),
                }),
            });
        }
        let error = match store_recording(&self, &recording) {
            Ok(()) => device_error,
            Err(e) => Some(e),
        };
        self.dictation_ended(&dictation, error);
    }

    /// Tells the page the dictation is over, with the record as it now is.
    fn dictation_ended(self: &Arc<Self>, dictation: &Dictation, error: Option<AppError>) {
        tracing::info!("dictation stopped");
        self.emit(&state(
            false,
            Some(dictation.record_id()),
            dictation.heard().pointer(),
            error,
        ));
        emit_record(self, dictation.record_id());
        self.prewarm_engine();
    }

    fn run_dictation(
        self: Arc<Self>,
        live: LiveSession,
        mut dictation: Dictation,
        recording: Recording,
        stopper: LiveStopper,
    ) {
        let mut device_error = None;
        let mut peak = 0.0;
        let model = self.model_name().unwrap_or_default();
        for event in live.events().iter() {
            match event {
                LiveEvent::Level(db) => {
                    let l = level(db, &mut peak);
                    self.emit(&l);
                }
                LiveEvent::Partial { text, .. } => self.emit(&TranscriptPartial { text }),
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
                    let utterance = Final {
                        text: &text,
                        segments: &u.transcript.segments,
                        span: Some(span),
                    };
                    let (filled, problem) =
                        match apply_text(&self, &mut dictation, utterance, "dictation") {
                            Ok(f) => (f, None),
                            Err(e) => (Vec::new(), Some(e)),
                        };
                    let saved_at = epoch_ms();
                    self.send_final(
                        dictation.record_id(),
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
                    self.emit(&TranscriptFinal {
                        text: String::new(),
                        start_ms: 0,
                        end_ms: 0,
                        filled: Vec::new(),
                        problem: Some(e),
                        stages: None,
                        spoken: None,
                    });
                }
                LiveEvent::WorkerRestarted { status } => self.engine_crashed(&status),
                LiveEvent::DeviceError(message) => {
                    device_error = Some(AppError::from_message(ErrorCode::Microphone, &message));
                }
                _ => {}
            }
        }
        let finished = live.finish();
        let error = match finished {
            Ok(rec) => {
                if let Some(m) = rec.device_error {
                    device_error.get_or_insert(AppError::from_message(ErrorCode::Microphone, &m));
                }
                match store_recording(&self, &recording) {
                    Ok(()) => device_error,
                    Err(e) => Some(e),
                }
            }
            // A normal stop that ended in an error still keeps what was recorded: the audio goes
            // into the store and the folder is removed, so it is never offered as a crash. Only
            // when it cannot be stored does the folder stay, to be offered for resuming.
            Err(e) => {
                if let Err(stored) = store_recording(&self, &recording) {
                    tracing::warn!("recording left for resuming: {stored}");
                }
                Some(e.into())
            }
        };
        self.dictation_ended(&dictation, error);
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
        self.with_session(|s| records::get_record(s, &active.recording.meta().record_id))
            .map(Some)
    }

    /// The audio behind a dictated value: its span cut from the recording, as a WAV.
    pub fn field_audio(&self, id: &str, pointer: &str) -> AppResult<AudioClip> {
        let clip = self.with_session(|s| Ok(value_clip(s, &self.home, id, pointer)?))?;
        Ok(AudioClip {
            mime: "audio/wav".into(),
            base64: base64::engine::general_purpose::STANDARD.encode(clip.wav),
            start_ms: clip.span[0],
            end_ms: clip.span[1],
        })
    }

    /// Recordings left on disk, except the one being recorded now.
    fn recoveries(&self) -> Vec<Recording> {
        let active = lock(&self.dictation)
            .as_ref()
            .map(|a| a.recording.dir().to_owned());
        left_over(&self.home, active.as_deref())
    }

    /// Recordings left by a crash that the logged-in user may resume.
    fn own_recoveries(&self) -> AppResult<Vec<Recording>> {
        let found = self.recoveries();
        self.with_session(|s| Ok(resumable(s, found)))
    }

    /// A recording left by a crash or a closed window that this user may resume, if any.
    pub fn pending_resume(&self) -> AppResult<Option<ResumeInfo>> {
        let Some(recording) = self.own_recoveries()?.into_iter().next() else {
            return Ok(None);
        };
        let meta = recording.meta().clone();
        // The offer names the arrestee, as the officer knows the record.
        let arrestee =
            self.with_session(|s| Ok(records::arrestee_name(&s.record(&meta.record_id)?.record)))?;
        Ok(Some(ResumeInfo {
            record_id: meta.record_id,
            audio_seconds: recording.audio_seconds(),
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
            .filter(|r| r.meta().record_id == id)
            .collect();
        if found.is_empty() {
            return Err(AppError::new(
                ErrorCode::NothingToResume,
                "There is no unfinished dictation for this record",
                "ไม่มีการบันทึกเสียงที่ค้างอยู่สำหรับบันทึกนี้",
            ));
        }
        let mut transcript = Vec::new();
        for recording in found {
            // The audio goes into the store first: it is the evidence, whatever happens next.
            self.with_session(|s| Ok(recording.put_into(s)?))?;
            let evidence = recording.evidence();
            let editable = self.with_session(|s| {
                let st = s.record(id)?.status;
                Ok(banthuek_dictation::recovery::may_edit(s, st))
            })?;
            if editable && evidence.is_file() {
                match self.reread(&recording) {
                    Ok(text) if !text.is_empty() => transcript.push(text),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!("resumed recording not read into the record: {e}");
                        self.emit(&state(
                            false,
                            Some(id),
                            recording.meta().pointer.as_deref(),
                            Some(e),
                        ));
                    }
                }
            }
            recording.remove()?;
        }
        let view = self.with_session(|s| records::get_record(s, id))?;
        self.emit(&view);
        Ok(Resumed {
            record: view,
            transcript,
        })
    }

    /// Transcribes a whole recovered recording and reads it into its record (a typed field's
    /// through its constrained decoder, as when it was dictated); returns the text heard.
    fn reread(self: &Arc<Self>, recording: &Recording) -> AppResult<String> {
        let meta: &RecoveryMeta = recording.meta();
        let evidence = recording.evidence();
        let mut dictation = Dictation::new(
            &meta.record_id,
            meta.pointer.clone(),
            Some(meta.recording.clone()),
        );
        let typed = meta
            .pointer
            .as_deref()
            .and_then(|p| Some((p, field_type_of(p)?)));
        if let Some((pointer, field)) = typed {
            let mut engine = self.take_engine()?;
            let result = banthuek_spoken::transcribe_field(
                &mut engine,
                &evidence,
                field,
                &DecodeOptions::default(),
                today(),
            );
            self.give_back_engine(engine);
            let (t, spoken) = result?;
            apply_spoken(self, &mut dictation, pointer, &spoken, [0, t.duration_ms])?;
            return Ok(spoken.heard.trim().to_owned());
        }
        let mut engine = self.take_engine()?;
        let app = self.clone();
        let result = engine.transcribe(&evidence, &DecodeOptions::default(), &mut |e| match e {
            SupervisorEvent::WorkerRestarted { status, .. } => app.engine_crashed(&status),
            SupervisorEvent::Segment(s) => app.emit(&TranscriptPartial {
                text: s.text.clone(),
            }),
            SupervisorEvent::Progress(_) => {}
        });
        self.give_back_engine(engine);
        let t = result?.transcript;
        let utterance = Final {
            text: &t.text,
            segments: &t.segments,
            span: Some([0, t.duration_ms]),
        };
        apply_text(
            self,
            &mut dictation,
            utterance,
            "dictation resumed after an interruption",
        )?;
        Ok(t.text.trim().to_owned())
    }

    /// Declines to re-read a left-over recording; the audio is still kept in the store.
    pub fn discard_resume(&self, id: &str) -> AppResult<()> {
        for recording in self
            .recoveries()
            .into_iter()
            .filter(|r| r.meta().record_id == id)
        {
            store_recording(self, &recording)?;
        }
        Ok(())
    }

    pub fn start_mic_test(self: &Arc<Self>) -> AppResult<()> {
        if self.is_dictating() {
            return Err(AppError::new(
                ErrorCode::AlreadyRecording,
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
                        CaptureEvent::Level(db) => app.emit(&level(db, &mut peak)),
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
