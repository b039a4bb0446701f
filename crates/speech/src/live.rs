//! Live dictation: the microphone is captured, cut into utterances at pauses, and each utterance
//! is transcribed in the worker while the officer keeps talking. While an utterance is still
//! being spoken, the worker (when idle) transcribes what has been said so far, about once a
//! second, for a partial result; a final utterance always goes first and cancels a partial in
//! progress.
//!
//! # For the desktop app
//!
//! ```no_run
//! use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession};
//! use banthuek_speech::supervisor::{Supervisor, WorkerCommand};
//! # fn main() -> banthuek_speech::Result<()> {
//! # let (model, vad) = (std::path::Path::new("m.bin"), std::path::Path::new("v.bin"));
//! let engine = Supervisor::start(WorkerCommand::current_exe_engine()?, model, Some(vad))?;
//! // The directory is the caller's: the evidence WAV is written there as audio arrives
//! // (flushed every second), so after a crash `evidence.wav` holds all but the last second.
//! let session = LiveSession::start(engine, LiveConfig::new("/data/records/R1/dictation-1"))?;
//! for event in session.events() {
//!     match event {
//!         LiveEvent::Level(_dbfs) => { /* level meter */ }
//!         LiveEvent::Partial { index: _, text: _, .. } => { /* grey text of the utterance in progress */ }
//!         LiveEvent::Final(u) => { /* u.start_ms..u.end_ms in the evidence WAV; u.transcript */ }
//!         LiveEvent::DeviceError(_message) => { /* microphone gone; audio so far is kept */ }
//!         _ => {}
//!     }
//!     # break;
//! }
//! // From the UI's stop button (any thread may hold a `LiveStopper`):
//! session.stopper().stop();
//! let recording = session.finish()?; // waits for the last utterances to be transcribed
//! // recording.evidence (WAV), recording.sha256, recording.segments (times within the WAV)
//! # Ok(()) }
//! ```
//!
//! The events end (the receiver disconnects) once capture has stopped and every utterance has
//! been transcribed; [`LiveSession::finish`] then returns at once.

use crate::capture::{Capture, CaptureEvent, Growing, Utterance};
use crate::engine::{DecodeOptions, Segment, Transcript};
use crate::error::{Result, SpeechError};
use crate::supervisor::{Canceller, Supervisor, SupervisorEvent};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::Duration;

/// An utterance's final text.
#[derive(Clone, Debug)]
pub struct FinalUtterance {
    pub index: usize,
    /// Where the utterance lies in the evidence recording.
    pub start_ms: u64,
    pub end_ms: u64,
    /// Segment times are positions in the evidence recording (not in the utterance), so each
    /// segment keeps its audio span.
    pub transcript: Transcript,
    /// From the end of speech (the pause that closed the utterance) to this result.
    pub latency: Duration,
    /// The utterance's own WAV.
    pub audio: PathBuf,
    /// Some of the utterance's sound never reached the capture ([`crate::capture::Utterance`]).
    pub audio_lost: bool,
}

/// What a live session reports.
#[derive(Debug)]
pub enum LiveEvent {
    /// Input level of the last [`LEVEL_MS`](crate::capture::LEVEL_MS), RMS in dBFS.
    Level(f32),
    SpeechStarted {
        start_ms: u64,
    },
    /// A hypothesis of the utterance still being spoken; replaced by later partials and finally
    /// by the `Final` of the same index.
    Partial {
        index: usize,
        start_ms: u64,
        text: String,
    },
    Final(FinalUtterance),
    Failed {
        index: usize,
        error: SpeechError,
    },
    WorkerRestarted {
        status: String,
    },
    /// The microphone failed or disappeared; capture has stopped and the audio so far is kept.
    DeviceError(String),
}

/// What the transcriber has been given and not yet done.
#[derive(Default)]
struct Queue {
    finals: VecDeque<Utterance>,
    growing: Option<Growing>,
    partial_running: bool,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    canceller: Canceller,
}

/// The way into a running transcriber. Dropping it lets the transcriber finish its queue and end.
pub struct TranscriberFeed {
    shared: Arc<Shared>,
}

impl TranscriberFeed {
    /// A finished utterance: transcribed before any partial; cancels a partial being decoded.
    pub fn utterance(&self, u: Utterance) {
        let Ok(mut q) = self.shared.queue.lock() else {
            return;
        };
        if q.growing.as_ref().is_some_and(|g| g.index <= u.index) {
            q.growing = None;
        }
        q.finals.push_back(u);
        if q.partial_running {
            // Under the queue lock: the transcriber cannot start the final before this cancel
            // has reached the partial.
            self.shared.canceller.cancel();
        }
        self.shared.wake.notify_one();
    }

    /// The utterance in progress, so far; only the latest is kept.
    pub fn growing(&self, g: Growing) {
        if let Ok(mut q) = self.shared.queue.lock() {
            q.growing = Some(g);
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for TranscriberFeed {
    fn drop(&mut self) {
        if let Ok(mut q) = self.shared.queue.lock() {
            q.closed = true;
            self.shared.wake.notify_one();
        }
    }
}

enum Job {
    Final(Utterance),
    Partial(Growing),
}

/// Starts the transcriber thread: utterances go in through the feed, events come out. With
/// `partials`, the utterance in progress is transcribed whenever the worker is idle. The thread
/// returns every final utterance when the feed is dropped and the queue is done.
pub fn spawn_transcriber(
    mut supervisor: Supervisor,
    dir: PathBuf,
    options: DecodeOptions,
    partials: bool,
    events: mpsc::Sender<LiveEvent>,
) -> Result<(
    TranscriberFeed,
    std::thread::JoinHandle<Vec<FinalUtterance>>,
)> {
    std::fs::create_dir_all(&dir).map_err(|e| SpeechError::io(&dir, e))?;
    let shared = Arc::new(Shared {
        queue: Mutex::default(),
        wake: Condvar::new(),
        canceller: supervisor.canceller(),
    });
    let feed = TranscriberFeed {
        shared: shared.clone(),
    };
    let handle = std::thread::Builder::new()
        .name("live-transcriber".into())
        .spawn(move || {
            let mut finals = Vec::new();
            while let Some(job) = next_job(&shared, partials) {
                match job {
                    Job::Final(u) => {
                        if let Some(f) =
                            transcribe_final(&mut supervisor, &dir, &options, u, &events)
                        {
                            let _ = events.send(LiveEvent::Final(f.clone()));
                            finals.push(f);
                        }
                    }
                    Job::Partial(g) => {
                        let text = transcribe_partial(&mut supervisor, &dir, &options, &g);
                        if let Ok(mut q) = shared.queue.lock() {
                            q.partial_running = false;
                        }
                        if let Some(text) = text {
                            let _ = events.send(LiveEvent::Partial {
                                index: g.index,
                                start_ms: g.start_ms,
                                text,
                            });
                        }
                    }
                }
            }
            finals
        })
        .map_err(|e| SpeechError::Engine(format!("cannot start the transcriber: {e}")))?;
    Ok((feed, handle))
}

fn next_job(shared: &Shared, partials: bool) -> Option<Job> {
    let mut q = shared.queue.lock().ok()?;
    loop {
        // A cancel is only ever meant for the partial the feed saw running; under the queue
        // lock, the next job starts without it.
        if let Some(u) = q.finals.pop_front() {
            shared.canceller.reset();
            return Some(Job::Final(u));
        }
        if let Some(g) = q.growing.take().filter(|_| partials) {
            shared.canceller.reset();
            q.partial_running = true;
            return Some(Job::Partial(g));
        }
        if q.closed {
            return None;
        }
        q = shared.wake.wait(q).ok()?;
    }
}

fn transcribe_final(
    supervisor: &mut Supervisor,
    dir: &Path,
    options: &DecodeOptions,
    u: Utterance,
    events: &mpsc::Sender<LiveEvent>,
) -> Option<FinalUtterance> {
    let index = u.index;
    let audio = dir.join(format!("utterance-{index:04}.wav"));
    if let Err(error) = crate::audio::write_wav(&audio, &u.samples) {
        let _ = events.send(LiveEvent::Failed { index, error });
        return None;
    }
    let res = supervisor.transcribe_unless_cancelled(&audio, options, &mut |e| {
        if let SupervisorEvent::WorkerRestarted { status, .. } = e {
            let _ = events.send(LiveEvent::WorkerRestarted { status });
        }
    });
    match res {
        Ok(out) => {
            let mut transcript = out.transcript;
            for s in &mut transcript.segments {
                s.start_ms += u.start_ms;
                s.end_ms += u.start_ms;
            }
            Some(FinalUtterance {
                index,
                start_ms: u.start_ms,
                end_ms: u.end_ms,
                transcript,
                latency: u.cut_at.elapsed(),
                audio,
                audio_lost: u.audio_lost,
            })
        }
        Err(error) => {
            let _ = events.send(LiveEvent::Failed { index, error });
            None
        }
    }
}

/// The text of the utterance so far, or `None` when it was cancelled (a final came) or failed
/// (partials are a courtesy; the final reports errors).
fn transcribe_partial(
    supervisor: &mut Supervisor,
    dir: &Path,
    options: &DecodeOptions,
    g: &Growing,
) -> Option<String> {
    let audio = dir.join("partial.wav");
    crate::audio::write_wav(&audio, &g.samples).ok()?;
    match supervisor.transcribe_unless_cancelled(&audio, options, &mut |_| {}) {
        Ok(out) => Some(out.transcript.text),
        Err(SpeechError::Cancelled) => None,
        Err(e) => {
            tracing::debug!("partial result failed: {e}");
            None
        }
    }
}

/// How a live session is set up.
#[derive(Clone, Debug)]
pub struct LiveConfig {
    /// Input device name; `None`: the system's default input.
    pub device: Option<String>,
    /// The caller's directory: `evidence.wav` (the whole recording, written as it arrives) and
    /// `utterances/` (each utterance's audio).
    pub dir: PathBuf,
    pub options: DecodeOptions,
    /// Transcribe the utterance in progress for partial results.
    pub partials: bool,
}

impl LiveConfig {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        LiveConfig {
            device: None,
            dir: dir.into(),
            options: DecodeOptions::default(),
            partials: true,
        }
    }

    pub fn evidence_path(&self) -> PathBuf {
        self.dir.join("evidence.wav")
    }
}

/// What a finished live session leaves: the evidence recording and the transcript, each segment
/// with its span in the recording.
#[derive(Clone, Debug)]
pub struct LiveRecording {
    pub evidence: PathBuf,
    pub duration_ms: u64,
    pub sha256: String,
    pub utterances: Vec<FinalUtterance>,
    /// Set when the microphone failed or disappeared during the session.
    pub device_error: Option<String>,
}

impl LiveRecording {
    /// Every segment of every utterance, in order; times are positions in the evidence WAV.
    pub fn segments(&self) -> Vec<Segment> {
        self.utterances
            .iter()
            .flat_map(|u| u.transcript.segments.iter().cloned())
            .collect()
    }

    /// The whole text, utterance by utterance.
    pub fn text(&self) -> String {
        self.utterances
            .iter()
            .map(|u| u.transcript.text.as_str())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Stops a live session from any thread.
#[derive(Clone)]
pub struct LiveStopper(Arc<AtomicBool>);

impl LiveStopper {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A running live session: capture thread, transcriber and the thread between them.
pub struct LiveSession {
    events: mpsc::Receiver<LiveEvent>,
    stop: Arc<AtomicBool>,
    pump: std::thread::JoinHandle<Result<LiveRecording>>,
}

impl LiveSession {
    /// Opens the microphone and starts recording into `config.dir` and transcribing.
    pub fn start(supervisor: Supervisor, config: LiveConfig) -> Result<Self> {
        std::fs::create_dir_all(&config.dir).map_err(|e| SpeechError::io(&config.dir, e))?;
        let (tx, events) = mpsc::channel();
        let (feed, transcriber) = spawn_transcriber(
            supervisor,
            config.dir.join("utterances"),
            config.options.clone(),
            config.partials,
            tx.clone(),
        )?;
        let capture = Capture::start(config.device.as_deref(), &config.evidence_path())?;
        let stop = capture.stop_flag();
        let pump = std::thread::Builder::new()
            .name("live-session".into())
            .spawn(move || pump(capture, feed, transcriber, tx))
            .map_err(|e| SpeechError::Device(format!("cannot start the live session: {e}")))?;
        Ok(LiveSession { events, stop, pump })
    }

    /// Events as they happen; disconnects when the session is over.
    pub fn events(&self) -> &mpsc::Receiver<LiveEvent> {
        &self.events
    }

    pub fn stopper(&self) -> LiveStopper {
        LiveStopper(self.stop.clone())
    }

    /// Stops capture (if still running), waits until every utterance is transcribed, and returns
    /// the recording. Events not yet read stay readable until the session is dropped.
    pub fn finish(self) -> Result<LiveRecording> {
        self.stop.store(true, Ordering::SeqCst);
        self.pump
            .join()
            .map_err(|_| SpeechError::Engine("the live session thread panicked".into()))?
    }
}

fn pump(
    mut capture: Capture,
    feed: TranscriberFeed,
    transcriber: std::thread::JoinHandle<Vec<FinalUtterance>>,
    tx: mpsc::Sender<LiveEvent>,
) -> Result<LiveRecording> {
    let mut device_error = None;
    let mut stopped = None;
    while let Ok(ev) = capture.events.recv() {
        match ev {
            CaptureEvent::Level(db) => {
                let _ = tx.send(LiveEvent::Level(db));
            }
            CaptureEvent::SpeechStarted { start_ms } => {
                let _ = tx.send(LiveEvent::SpeechStarted { start_ms });
            }
            CaptureEvent::Growing(g) => feed.growing(g),
            // Free dictation waits for the cut: its partials already show what is being said.
            CaptureEvent::Paused(_) | CaptureEvent::Resumed { .. } => {}
            CaptureEvent::Utterance(u) => feed.utterance(u),
            CaptureEvent::DeviceError(e) => {
                let _ = tx.send(LiveEvent::DeviceError(e.clone()));
                device_error = Some(e);
            }
            CaptureEvent::Stopped {
                evidence,
                duration_ms,
            } => stopped = Some((evidence, duration_ms)),
        }
    }
    capture.stop();
    drop(feed);
    let utterances = transcriber
        .join()
        .map_err(|_| SpeechError::Engine("the transcriber panicked".into()))?;
    let (evidence, duration_ms) =
        stopped.ok_or_else(|| SpeechError::Device("capture ended without a recording".into()))?;
    let sha256 = crate::models::sha256_file(&evidence)?;
    Ok(LiveRecording {
        evidence,
        duration_ms,
        sha256,
        utterances,
        device_error,
    })
}
