//! The dictation manager: the speech engine kept warm between dictations, the dictation in
//! progress (the speech engine and the microphone on a thread of their own, each event sent to
//! the page) and the microphone test — one [`Activity`] that says which of them holds the
//! microphone and the engine.
//!
//! The rules are `banthuek_dictation`'s (the same the command line uses): a dictation records
//! into a [`Recording`] folder under the data home, and each final utterance is read into the
//! stored draft and saved at once by a [`Dictation`] (free dictation extracted and merged without
//! touching what a person typed or confirmed, one field filled, or a typed field's spoken value
//! with its confidence). When the dictation stops, the recording goes into the store and the
//! folder is removed; if the app dies first, the folder stays and `pending_resume` offers it at
//! the next login. This module owns the threads, the engine hand-over and the events.

use crate::contract::Events;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::records;
use crate::session::{lock, SessionManager};
use crate::views::{
    AudioClip, AudioLevel, DictationState, EngineState, EngineStatus, RecordView, ResumeInfo,
    Resumed, SpokenValue, StageTimes, TranscriptFinal, TranscriptPartial, ValueReading,
};
use banthuek_core::Action;
use banthuek_dictation::{
    field_type_of, left_over, resumable, value_clip, Dictation, DictationError, Final, Recording,
    RecoveryMeta,
};
use banthuek_extract::commands::VoiceCommand;
use banthuek_speech::capture::{Capture, CaptureEvent, Pause};
use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession, LiveStopper};
use banthuek_speech::models::{ModelKind, ModelStore};
use banthuek_speech::supervisor::{Canceller, Supervisor, SupervisorEvent, WorkerCommand};
use banthuek_speech::SpeechError;
use banthuek_spoken::{FieldType, SpokenError, SpokenField};
use base64::Engine as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a dictation waits for an engine that is warming up before it loads its own: the
/// model loads in a second or two, and a readying is stopped as soon as someone waits.
const WARM_UP_WAIT: Duration = Duration::from_secs(30);

/// Where models are installed, by the CLI's rules ([`banthuek_speech::models::models_dir`]);
/// the source tree's `models/` is this crate's `../models`.
pub fn models_dir(home: &Path) -> PathBuf {
    banthuek_speech::models::models_dir(
        home,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../models"),
    )
}

/// How to start the speech worker: BANTHUEK_ENGINE, else `banthuek-engine` beside this program,
/// else this program itself with the `engine` argument (see `crate::main`).
pub fn worker_command() -> AppResult<WorkerCommand> {
    if let Some(p) = std::env::var_os("BANTHUEK_ENGINE") {
        return Ok(WorkerCommand {
            program: PathBuf::from(p),
            args: Vec::new(),
        });
    }
    let exe = std::env::current_exe()?;
    let beside = exe.with_file_name(if cfg!(windows) {
        "banthuek-engine.exe"
    } else {
        "banthuek-engine"
    });
    if beside.is_file() {
        return Ok(WorkerCommand {
            program: beside,
            args: Vec::new(),
        });
    }
    Ok(WorkerCommand::current_exe_engine()?)
}

fn engine_status(state: EngineState, en: &str, th: &str) -> EngineStatus {
    EngineStatus {
        state,
        en: en.to_owned(),
        th: th.to_owned(),
    }
}

/// What the microphone and the speech engine are doing. One value, so that a warm engine, a
/// dictation and the microphone test cannot disagree about who holds what.
enum Activity {
    /// No engine loaded, the microphone free.
    Idle,
    /// An engine loading in the background for the next dictation, then readied for field
    /// dictation (`banthuek_spoken::warm_up`: a first field value would otherwise pay a second
    /// or more for first use). Whoever needs the engine meanwhile waits for it instead of loading
    /// a second one beside it (two engines decoding at once on two cores starve each other):
    /// `wanted` tells the warm-up to hand the engine over without readying it, `warm_up` stops
    /// the readying mid-decode.
    Warming {
        wanted: bool,
        warm_up: Option<Canceller>,
    },
    /// A loaded engine waiting for the next dictation, so speaking starts without a model load.
    Ready(Supervisor),
    /// The microphone test in settings; a warm engine stays loaded beside it.
    Testing {
        test: MicTest,
        engine: Option<Supervisor>,
    },
    /// Dictating: the engine and the microphone are the dictation thread's until it ends.
    Dictating(Active),
}

pub struct DictationManager {
    session: Arc<SessionManager>,
    events: Events,
    models_dir: PathBuf,
    activity: Mutex<Activity>,
    /// Signalled when a warm-up ends, for whoever waits to take its engine.
    warmed: Condvar,
    /// Held while a dictation is being stopped, so a logout that comes meanwhile waits until the
    /// recording is stored (else the session would be gone and the recording look like a crash).
    stopping: Mutex<()>,
}

/// The dictation in progress.
struct Active {
    recording: Recording,
    stopper: Stopper,
    /// Taken by the one who stops the dictation, to wait for the thread's end.
    thread: Option<JoinHandle<()>>,
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
struct MicTest {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Reads one utterance (or a whole recovered recording) into the stored draft and saves it.
/// Returns the pointers filled, or why nothing could be read.
fn apply_text(
    session: &SessionManager,
    dictation: &mut Dictation,
    utterance: Final<'_>,
    reason: &str,
) -> AppResult<Vec<String>> {
    session.with_session(|s| Ok(dictation.hear(s, utterance, today(), reason)?))
}

/// Puts what dictation into a typed field heard into the stored draft and saves it.
fn apply_spoken(
    session: &SessionManager,
    dictation: &mut Dictation,
    pointer: &str,
    spoken: &SpokenField,
    span: [u64; 2],
) -> AppResult<Vec<String>> {
    session.with_session(|s| Ok(dictation.hear_field(s, pointer, spoken, span)?))
}

/// The end of a dictation: its recording into the store and the folder removed.
fn store_recording(session: &SessionManager, recording: &Recording) -> AppResult<()> {
    session.with_session(|s| Ok(recording.store(s)?))
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

fn record_view(session: &SessionManager, id: &str) -> Option<RecordView> {
    match session.with_session(|s| records::get_record(s, id)) {
        Ok(view) => Some(view),
        Err(e) => {
            tracing::warn!("record-updated not sent: {e}");
            None
        }
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

/// The pauses offered so far and the readings begun at them, shared by the thread that reads
/// and the one that relays the capture's events ([`cancel_stale_readings`]). Pauses are counted
/// in the order the capture offers them: the n-th pause is `n`.
#[derive(Default)]
struct PauseReadings {
    /// Pauses the relay has passed on.
    offered: u64,
    /// Pauses after which speech went on: every pause up to this one is stale.
    resumed: u64,
    /// The pause whose reading is under way.
    reading: Option<u64>,
}

impl PauseReadings {
    /// Whether the `pause`-th pause may still end its utterance; if so, its reading is under way
    /// from now on.
    fn begin(&mut self, pause: u64) -> bool {
        let current = pause > self.resumed;
        if current {
            self.reading = Some(pause);
        }
        current
    }
}

/// Passes the capture's events on through a thread that cancels the reading begun at a pause
/// the moment the speech goes on: the loop that reads is busy with that reading and would see
/// the event only after it. A pause whose speech went on before its reading began is never read
/// (under load the reader can be several pauses behind the capture).
fn cancel_stale_readings(
    capture: &mut Capture,
    canceller: Canceller,
    pauses: Arc<Mutex<PauseReadings>>,
) {
    let (tx, relayed) = mpsc::channel();
    let events = std::mem::replace(&mut capture.events, relayed);
    std::thread::spawn(move || {
        for event in events {
            match &event {
                CaptureEvent::Paused(_) => lock(&pauses).offered += 1,
                CaptureEvent::Resumed { .. } => {
                    // Under the lock: the reader cannot move on to another reading meanwhile.
                    let mut pauses = lock(&pauses);
                    pauses.resumed = pauses.offered;
                    if pauses.reading == Some(pauses.offered) {
                        canceller.cancel();
                    }
                }
                _ => {}
            }
            if tx.send(event).is_err() {
                break;
            }
        }
    });
}

fn level(db: f32, peak: &mut f32) -> AudioLevel {
    let rms = 10f32.powf(db / 20.0).clamp(0.0, 1.0);
    // The peak mark falls by a tenth every 100 ms, however often levels come.
    let fall = 0.9f32.powf(banthuek_speech::capture::LEVEL_MS as f32 / 100.0);
    *peak = (*peak * fall).max(rms);
    AudioLevel {
        rms,
        peak: *peak,
        db,
    }
}

/// A dictation thread's work, run once it is registered as the activity.
type Work = Box<dyn FnOnce() + Send>;

impl DictationManager {
    pub fn new(session: Arc<SessionManager>, events: Events) -> DictationManager {
        DictationManager {
            models_dir: models_dir(session.home()),
            session,
            events,
            activity: Mutex::new(Activity::Idle),
            warmed: Condvar::new(),
            stopping: Mutex::new(()),
        }
    }

    pub fn model_store(&self) -> AppResult<ModelStore> {
        Ok(ModelStore::open(&self.models_dir)?)
    }

    /// Name of the model dictation uses: the station's choice, else the manifest's default.
    pub fn model_name(&self) -> AppResult<String> {
        if let Some(m) = self.session.prefs().model {
            return Ok(m);
        }
        let store = self.model_store()?;
        store
            .manifest()
            .default_of(ModelKind::Whisper)
            .map(|m| m.name.clone())
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NoModel,
                    "No speech model is installed",
                    "ยังไม่ได้ติดตั้งโมเดลรู้จำเสียง",
                )
            })
    }

    /// Loads a fresh engine (blocking: a second or two), reporting it as engine-status events.
    fn start_engine(&self) -> AppResult<Supervisor> {
        self.events.emit(&engine_status(
            EngineState::Loading,
            "Loading the speech model…",
            "กำลังโหลดโมเดลรู้จำเสียง…",
        ));
        let result = (|| {
            let store = self.model_store()?;
            let model = store.resolve(Some(&self.model_name()?), ModelKind::Whisper)?;
            let vad = store.resolve(None, ModelKind::Vad).ok();
            Ok::<_, AppError>(Supervisor::start(
                worker_command()?,
                &model,
                vad.as_deref(),
            )?)
        })();
        match &result {
            Ok(_) => self.events.emit(&engine_status(
                EngineState::Ready,
                "Speech engine ready",
                "พร้อมรับเสียงพูด",
            )),
            Err(e) => self.events.emit(&engine_status(
                EngineState::Crashed,
                &format!("The speech engine could not start: {}", e.en),
                &format!("เริ่มเครื่องมือรู้จำเสียงไม่ได้: {}", e.th),
            )),
        }
        result
    }

    fn engine_crashed(&self, status: &str) {
        self.events.emit(&engine_status(
            EngineState::Restarted,
            &format!("The speech engine stopped ({status}) and was restarted; nothing was lost"),
            "เครื่องมือรู้จำเสียงหยุดทำงานและเริ่มใหม่แล้ว ไม่มีข้อมูลสูญหาย",
        ));
    }

    /// The warm engine if there is one (waiting for one that is warming up), else a fresh one.
    fn take_engine(&self) -> AppResult<Supervisor> {
        let mut activity = lock(&self.activity);
        while let Activity::Warming { wanted, warm_up } = &mut *activity {
            *wanted = true;
            if let Some(readying) = warm_up {
                readying.cancel();
            }
            let (guard, waited) = self
                .warmed
                .wait_timeout(activity, WARM_UP_WAIT)
                .unwrap_or_else(|p| p.into_inner());
            activity = guard;
            if waited.timed_out() {
                break;
            }
        }
        let warm = match &mut *activity {
            Activity::Testing { engine, .. } => engine.take(),
            Activity::Ready(_) => match std::mem::replace(&mut *activity, Activity::Idle) {
                Activity::Ready(e) => Some(e),
                _ => None,
            },
            _ => None,
        };
        drop(activity);
        match warm {
            Some(e) => Ok(e),
            None => self.start_engine(),
        }
    }

    /// Keeps an engine for the next dictation (while someone is logged in).
    fn give_back_engine(&self, engine: Supervisor) {
        if !self.session.is_logged_in() {
            return;
        }
        let mut activity = lock(&self.activity);
        match &mut *activity {
            Activity::Idle | Activity::Warming { .. } | Activity::Ready(_) => {
                *activity = Activity::Ready(engine)
            }
            Activity::Testing { engine: slot, .. } => *slot = Some(engine),
            Activity::Dictating(_) => {}
        }
        drop(activity);
        self.warmed.notify_all();
    }

    /// Drops the warm engine (at logout, at the idle lock, or when the station's model changed).
    pub fn drop_engine(&self) {
        let mut activity = lock(&self.activity);
        match &mut *activity {
            Activity::Ready(_) | Activity::Warming { .. } => *activity = Activity::Idle,
            Activity::Testing { engine, .. } => *engine = None,
            Activity::Idle | Activity::Dictating(_) => {}
        }
        drop(activity);
        self.warmed.notify_all();
    }

    /// Loads an engine in the background so the next dictation starts at once.
    pub fn prewarm_engine(self: &Arc<Self>) {
        {
            let mut activity = lock(&self.activity);
            if !matches!(*activity, Activity::Idle) {
                return;
            }
            *activity = Activity::Warming {
                wanted: false,
                warm_up: None,
            };
        }
        let manager = self.clone();
        let spawned = std::thread::Builder::new()
            .name("engine-warmup".into())
            .spawn(move || manager.warm_engine());
        if spawned.is_err() {
            self.warming_ended(None);
        }
    }

    /// The warm-up thread: loads an engine and readies it for field dictation, unless someone
    /// wants it before it is loaded.
    fn warm_engine(&self) {
        let Ok(mut engine) = self.start_engine() else {
            return self.warming_ended(None);
        };
        let ready_it = match &mut *lock(&self.activity) {
            Activity::Warming {
                wanted: false,
                warm_up,
            } => {
                *warm_up = Some(engine.canceller());
                true
            }
            _ => false,
        };
        if ready_it {
            if let Err(e) = banthuek_spoken::warm_up(&mut engine, &std::env::temp_dir()) {
                tracing::info!("speech engine warm-up stopped: {e}");
            }
        }
        self.warming_ended(Some(engine));
    }

    /// The warm-up is over: its engine becomes the warm one, unless the warm-up was dropped
    /// meanwhile (logout, the idle lock, a model change); whoever waits for it wakes.
    fn warming_ended(&self, engine: Option<Supervisor>) {
        // Asked before taking the activity's lock, as `give_back_engine` does: never the
        // session's lock inside this one.
        let logged_in = self.session.is_logged_in();
        let mut activity = lock(&self.activity);
        if matches!(*activity, Activity::Warming { .. }) {
            *activity = match engine {
                Some(e) if logged_in => {
                    // A readying stopped for a dictation must not stop the dictation's first job.
                    e.canceller().reset();
                    Activity::Ready(e)
                }
                _ => Activity::Idle,
            };
        }
        drop(activity);
        self.warmed.notify_all();
    }

    /// Sends a final to the page, then the record it changed (read back first, so the stage
    /// times end when both leave the app).
    fn send_final(&self, record_id: &str, mut fin: TranscriptFinal) {
        let view = if fin.filled.is_empty() {
            None
        } else {
            record_view(&self.session, record_id)
        };
        if let Some(stages) = fin.stages.as_mut() {
            stages.sent_at = epoch_ms();
        }
        self.events.emit(&fin);
        if let Some(view) = view {
            self.events.emit(&view);
        }
    }

    pub fn is_dictating(&self) -> bool {
        let mut activity = lock(&self.activity);
        // A dictation thread ends its activity itself; one that panicked could not.
        if let Activity::Dictating(Active {
            thread: Some(t), ..
        }) = &*activity
        {
            if t.is_finished() {
                tracing::warn!("a dictation thread ended without finishing its dictation");
                *activity = Activity::Idle;
            }
        }
        matches!(*activity, Activity::Dictating(_))
    }

    /// Starts dictating into record `id` (one field when `pointer` is given).
    pub fn start_dictation(self: &Arc<Self>, id: &str, pointer: Option<&str>) -> AppResult<()> {
        if self.is_dictating() {
            return Err(AppError::new(
                ErrorCode::AlreadyRecording,
                "Already recording; stop first",
                "กำลังบันทึกเสียงอยู่ กรุณาหยุดก่อน",
            ));
        }
        self.stop_mic_test();
        let user = self.session.with_session(|s| {
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
        let recording = Recording::begin(self.session.home(), id, pointer, &user)?;
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
        let (stopper, work) = match typed {
            Some((p, field)) => {
                self.start_field_capture(engine, recording.clone(), dictation, p, field)
            }
            None => self.start_live(engine, recording.clone(), dictation),
        }
        .inspect_err(|_| recording.abandon())?;
        {
            // The thread starts under the lock, so it cannot end before it is the activity.
            let mut activity = lock(&self.activity);
            let thread = std::thread::Builder::new()
                .name("dictation".into())
                .spawn(work)
                .map_err(AppError::internal)
                .inspect_err(|_| {
                    stopper.stop();
                    recording.abandon();
                })?;
            *activity = Activity::Dictating(Active {
                recording,
                stopper,
                thread: Some(thread),
            });
        }
        self.events.emit(&state(true, Some(id), pointer, None));
        tracing::info!("dictation started");
        Ok(())
    }

    /// Free dictation (the whole record, or an untyped field): a live session with partials.
    fn start_live(
        self: &Arc<Self>,
        engine: Supervisor,
        recording: Recording,
        dictation: Dictation,
    ) -> AppResult<(Stopper, Work)> {
        let config = LiveConfig {
            device: self.session.prefs().microphone,
            ..LiveConfig::new(recording.dir())
        };
        let live = LiveSession::start(engine, config)?;
        let stopper = live.stopper();
        let manager = self.clone();
        let thread_stopper = stopper.clone();
        let work: Work =
            Box::new(move || manager.run_dictation(live, dictation, recording, thread_stopper));
        Ok((Stopper::Live(stopper), work))
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
    ) -> AppResult<(Stopper, Work)> {
        let capture = Capture::start(
            self.session.prefs().microphone.as_deref(),
            &recording.evidence(),
        )?;
        let flag = capture.stop_flag();
        let manager = self.clone();
        let work: Work = Box::new(move || {
            manager.run_field_dictation(capture, engine, dictation, recording, (pointer, field))
        });
        Ok((Stopper::Capture(flag), work))
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
        let audio_of = |index: usize| utterances.join(format!("utterance-{index:04}.wav"));
        // A reading begun at a pause is cancelled as soon as the speech goes on
        // (`cancel_stale_readings`), so that the worker is free for the reading its true end
        // starts.
        let pauses: Arc<Mutex<PauseReadings>> = Arc::default();
        let mut pauses_seen = 0u64;
        let canceller = engine.canceller();
        cancel_stale_readings(&mut capture, canceller.clone(), pauses.clone());
        // `None` when the reading was cancelled.
        let mut read = |audio: &Path, samples: &[f32], at_pause: bool| {
            if let Err(e) = banthuek_speech::audio::write_wav(audio, samples) {
                return Some(Err(AppError::from(e)));
            }
            let read = if at_pause {
                banthuek_spoken::transcribe_field_unless_cancelled
            } else {
                banthuek_spoken::transcribe_field
            };
            match read(
                &mut engine,
                audio,
                field,
                &DecodeOptions::default(),
                today(),
            ) {
                Err(SpokenError::Speech(SpeechError::Cancelled)) => None,
                result => Some(result.map_err(AppError::from)),
            }
        };
        // The page says a value is being read from the moment a reading begins until its value
        // is sent, or until the speech goes on after the pause it began at.
        let record_id = dictation.record_id().to_owned();
        let mut reading_shown = false;
        let mut show_reading = |reading: bool| {
            if reading != reading_shown {
                reading_shown = reading;
                self.events.emit(&ValueReading {
                    record_id: record_id.clone(),
                    pointer: pointer.clone(),
                    reading,
                });
            }
        };
        // The reading started when the speech paused; it is the utterance's when nothing was
        // said after that pause.
        let mut at_pause: Option<(Pause, f64, AppResult<_>)> = None;
        while let Ok(event) = capture.events.recv() {
            match event {
                CaptureEvent::Level(db) => {
                    let l = level(db, &mut peak);
                    self.events.emit(&l);
                }
                CaptureEvent::Paused(pause) => {
                    pauses_seen += 1;
                    if !banthuek_spoken::reads_at_pause(field) {
                        continue;
                    }
                    {
                        let mut pauses = lock(&pauses);
                        if !pauses.begin(pauses_seen) {
                            tracing::info!(
                                "field dictation: utterance {}'s speech went on before its reading at the pause began",
                                pause.index
                            );
                            continue;
                        }
                        canceller.reset();
                    }
                    let begun = epoch_ms();
                    show_reading(true);
                    tracing::debug!(
                        "field dictation: reading utterance {} at its pause ({} samples)",
                        pause.index,
                        pause.samples.len()
                    );
                    let result = read(&audio_of(pause.index), &pause.samples, true);
                    lock(&pauses).reading = None;
                    if let Some(Ok((_, spoken))) = &result {
                        tracing::debug!(
                            "field dictation: utterance {} read at its pause, sure: {}",
                            pause.index,
                            spoken.confident
                        );
                    }
                    if result.is_none() {
                        show_reading(false);
                        tracing::info!(
                            "field dictation: the reading begun at utterance {}'s pause was cancelled: its speech went on",
                            pause.index
                        );
                    }
                    at_pause = result.map(|result| (pause, begun, result));
                }
                CaptureEvent::Utterance(u) => {
                    utterances_heard += 1;
                    let audio = audio_of(u.index);
                    let span = [u.start_ms, u.end_ms];
                    let read_at_pause = at_pause.as_ref().is_some_and(|(p, ..)| p.ended(&u));
                    tracing::debug!(
                        "field dictation: utterance {} cut ({} samples); a reading at its pause: {}, used: {read_at_pause}",
                        u.index,
                        u.samples.len(),
                        at_pause.as_ref().map_or(0, |(p, ..)| p.samples.len()),
                    );
                    show_reading(true);
                    let (read_at, result) = match at_pause.take() {
                        // The utterance's whole audio is kept all the same.
                        Some((_, begun, result)) if read_at_pause => (
                            begun,
                            banthuek_speech::audio::write_wav(&audio, &u.samples)
                                .map_err(AppError::from)
                                .and(result),
                        ),
                        _ => (
                            epoch_ms(),
                            read(&audio, &u.samples, false)
                                .unwrap_or_else(|| Err(SpeechError::Cancelled.into())),
                        ),
                    };
                    // Sound the capture lost may have held a word of the value: never sure.
                    let result = result.map(|(transcript, mut spoken)| {
                        spoken.confident &= !u.audio_lost;
                        (transcript, spoken)
                    });
                    let final_at = epoch_ms();
                    let cut_at = final_at - u.cut_at.elapsed().as_secs_f64() * 1000.0;
                    let speech_heard_at =
                        final_at - u.speech_heard_at.elapsed().as_secs_f64() * 1000.0;
                    let (text, spoken, filled, problem) = match result {
                        Ok((transcript, spoken)) => {
                            match apply_spoken(
                                &self.session,
                                &mut dictation,
                                &pointer,
                                &spoken,
                                span,
                            ) {
                                Ok(filled) => (transcript.text, Some(spoken), filled, None),
                                Err(e) => (transcript.text, Some(spoken), Vec::new(), Some(e)),
                            }
                        }
                        Err(e) => (String::new(), None, Vec::new(), Some(e)),
                    };
                    let saved_at = epoch_ms();
                    match &problem {
                        None => tracing::info!(
                            "field dictation: utterance {} read {:.0} ms after the cut{}",
                            u.index,
                            final_at - cut_at,
                            if read_at_pause {
                                " (begun at the pause)"
                            } else {
                                ""
                            }
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
                                read_at: Some(read_at),
                                final_at,
                                saved_at,
                                sent_at: 0.0, // stamped as it is sent
                            }),
                            spoken: spoken.map(|s| spoken_value(&pointer, s)),
                        },
                    );
                    show_reading(false);
                }
                // A reading at the pause before is stale: the speech went on.
                CaptureEvent::Resumed { .. } => show_reading(false),
                CaptureEvent::DeviceError(message) => {
                    device_error = Some(AppError::from_message(ErrorCode::Microphone, &message));
                }
                _ => {}
            }
        }
        capture.stop();
        if utterances_heard == 0 && device_error.is_none() {
            // Silence the whole time (a button held and nothing said): say so, fill nothing.
            self.events.emit(&TranscriptFinal {
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
        let error = match store_recording(&self.session, &recording) {
            Ok(()) => device_error,
            Err(e) => Some(e),
        };
        self.dictation_ended(&dictation, Some(engine), error);
    }

    /// The dictation thread's last step: the activity goes back to a warm engine (or to none,
    /// and one is loaded for the next dictation), then the page hears that the dictation is over,
    /// with the record as it now is.
    fn dictation_ended(
        self: &Arc<Self>,
        dictation: &Dictation,
        engine: Option<Supervisor>,
        error: Option<AppError>,
    ) {
        let logged_in = self.session.is_logged_in();
        *lock(&self.activity) = match engine {
            Some(e) if logged_in => Activity::Ready(e),
            _ => Activity::Idle,
        };
        tracing::info!("dictation stopped");
        self.events.emit(&state(
            false,
            Some(dictation.record_id()),
            dictation.heard().pointer(),
            error,
        ));
        if let Some(view) = record_view(&self.session, dictation.record_id()) {
            self.events.emit(&view);
        }
        if logged_in {
            self.prewarm_engine();
        }
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
                    self.events.emit(&l);
                }
                LiveEvent::Partial { text, .. } => self.events.emit(&TranscriptPartial { text }),
                LiveEvent::Final(u) => {
                    let text = u.transcript.text.trim().to_owned();
                    let span = [u.start_ms, u.end_ms];
                    let spoken_ms = u.end_ms.saturating_sub(u.start_ms);
                    if spoken_ms > 0 {
                        let rtf = u.latency.as_secs_f64() / (spoken_ms as f64 / 1000.0);
                        let _ = self.session.update_prefs(|p| p.note_rtf(&model, rtf));
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
                        audio_lost: u.audio_lost,
                    };
                    let (filled, problem) =
                        match apply_text(&self.session, &mut dictation, utterance, "dictation") {
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
                                read_at: None,
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
                    self.events.emit(&TranscriptFinal {
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
                match store_recording(&self.session, &recording) {
                    Ok(()) => device_error,
                    Err(e) => Some(e),
                }
            }
            // A normal stop that ended in an error still keeps what was recorded: the audio goes
            // into the store and the folder is removed, so it is never offered as a crash. Only
            // when it cannot be stored does the folder stay, to be offered for resuming.
            Err(e) => {
                if let Err(stored) = store_recording(&self.session, &recording) {
                    tracing::warn!("recording left for resuming: {stored}");
                }
                Some(e.into())
            }
        };
        self.dictation_ended(&dictation, None, error);
    }

    /// Stops the dictation, waits until every utterance is read into the record and the recording
    /// is stored, and returns the record as it now is.
    pub fn stop_dictation(&self) -> AppResult<Option<RecordView>> {
        let _stopping = lock(&self.stopping);
        let (thread, record_id) = {
            let mut activity = lock(&self.activity);
            let Activity::Dictating(active) = &mut *activity else {
                return Ok(None);
            };
            active.stopper.stop();
            (
                active.thread.take(),
                active.recording.meta().record_id.clone(),
            )
        };
        if let Some(thread) = thread {
            thread
                .join()
                .map_err(|_| AppError::internal("the dictation thread panicked"))?;
        }
        if !self.session.is_logged_in() {
            return Ok(None);
        }
        self.session
            .with_session(|s| records::get_record(s, &record_id))
            .map(Some)
    }

    /// The audio behind a dictated value: its span cut from the recording, as a WAV.
    pub fn field_audio(&self, id: &str, pointer: &str) -> AppResult<AudioClip> {
        let clip = self
            .session
            .with_session(|s| Ok(value_clip(s, self.session.home(), id, pointer)?))?;
        Ok(AudioClip {
            mime: "audio/wav".into(),
            base64: base64::engine::general_purpose::STANDARD.encode(clip.wav),
            start_ms: clip.span[0],
            end_ms: clip.span[1],
        })
    }

    /// Recordings left on disk, except the one being recorded now.
    fn recoveries(&self) -> Vec<Recording> {
        let active = match &*lock(&self.activity) {
            Activity::Dictating(a) => Some(a.recording.dir().to_owned()),
            _ => None,
        };
        left_over(self.session.home(), active.as_deref())
    }

    /// Recordings left by a crash that the logged-in user may resume.
    fn own_recoveries(&self) -> AppResult<Vec<Recording>> {
        let found = self.recoveries();
        self.session.with_session(|s| Ok(resumable(s, found)))
    }

    /// A recording left by a crash or a closed window that this user may resume, if any.
    pub fn pending_resume(&self) -> AppResult<Option<ResumeInfo>> {
        let Some(recording) = self.own_recoveries()?.into_iter().next() else {
            return Ok(None);
        };
        let meta = recording.meta().clone();
        // The offer names the arrestee, as the officer knows the record.
        let arrestee = self
            .session
            .with_session(|s| Ok(records::arrestee_name(&s.record(&meta.record_id)?.record)))?;
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
            self.session.with_session(|s| Ok(recording.put_into(s)?))?;
            let evidence = recording.evidence();
            let editable = self.session.with_session(|s| {
                let st = s.record(id)?.status;
                Ok(banthuek_dictation::recovery::may_edit(s, st))
            })?;
            if editable && evidence.is_file() {
                match self.reread(&recording) {
                    Ok(text) if !text.is_empty() => transcript.push(text),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!("resumed recording not read into the record: {e}");
                        self.events.emit(&state(
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
        let view = self.session.with_session(|s| records::get_record(s, id))?;
        self.events.emit(&view);
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
            apply_spoken(
                &self.session,
                &mut dictation,
                pointer,
                &spoken,
                [0, t.duration_ms],
            )?;
            return Ok(spoken.heard.trim().to_owned());
        }
        let mut engine = self.take_engine()?;
        let result = engine.transcribe(&evidence, &DecodeOptions::default(), &mut |e| match e {
            SupervisorEvent::WorkerRestarted { status, .. } => self.engine_crashed(&status),
            SupervisorEvent::Segment(s) => self.events.emit(&TranscriptPartial {
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
            // Read again from the evidence file, whole as far as it goes.
            audio_lost: false,
        };
        apply_text(
            &self.session,
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
            store_recording(&self.session, &recording)?;
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
        let scratch = self.session.home().join("tmp").join("mic-test.wav");
        let capture = Capture::start(self.session.prefs().microphone.as_deref(), &scratch)?;
        let stop = capture.stop_flag();
        let events = self.events.clone();
        let thread = std::thread::Builder::new()
            .name("mic-test".into())
            .spawn(move || {
                let mut peak = 0.0;
                let mut capture = capture;
                while let Ok(ev) = capture.events.recv() {
                    match ev {
                        CaptureEvent::Level(db) => events.emit(&level(db, &mut peak)),
                        CaptureEvent::Stopped { .. } => break,
                        _ => {}
                    }
                }
                capture.stop();
                let _ = std::fs::remove_file(&scratch);
            })
            .map_err(AppError::internal)?;
        let test = MicTest { stop, thread };
        let mut activity = lock(&self.activity);
        match std::mem::replace(&mut *activity, Activity::Idle) {
            Activity::Ready(engine) => {
                *activity = Activity::Testing {
                    test,
                    engine: Some(engine),
                }
            }
            Activity::Dictating(active) => {
                // A dictation started meanwhile: it keeps the microphone.
                *activity = Activity::Dictating(active);
                drop(activity);
                test.stop();
            }
            _ => *activity = Activity::Testing { test, engine: None },
        }
        Ok(())
    }

    /// Ends the microphone test (the warm engine, if any, stays).
    pub fn stop_mic_test(&self) {
        let test = {
            let mut activity = lock(&self.activity);
            if !matches!(*activity, Activity::Testing { .. }) {
                return;
            }
            match std::mem::replace(&mut *activity, Activity::Idle) {
                Activity::Testing { test, engine } => {
                    if let Some(engine) = engine {
                        *activity = Activity::Ready(engine);
                    }
                    test
                }
                _ => return,
            }
        };
        test.stop();
    }

    /// Ends whatever holds the microphone and the engine (at logout and when the screen locks):
    /// a dictation is finished and stored first, so nothing is lost.
    pub fn stop_everything(&self) {
        if let Err(e) = self.stop_dictation() {
            tracing::warn!("stopping dictation: {e}");
        }
        self.stop_mic_test();
        self.drop_engine();
    }
}

impl MicTest {
    fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::PauseReadings;

    #[test]
    fn a_pause_whose_speech_went_on_is_not_read() {
        // The relay passed on two pauses and the speech went on after the second before the
        // reader got to either (a busy reader, several pauses behind the capture).
        let mut pauses = PauseReadings {
            offered: 2,
            resumed: 2,
            reading: None,
        };
        assert!(!pauses.begin(1));
        assert!(!pauses.begin(2));
        assert_eq!(pauses.reading, None);
        // The third pause is current until the speech goes on after it.
        pauses.offered = 3;
        assert!(pauses.begin(3));
        assert_eq!(pauses.reading, Some(3));
    }
}
