//! The supervisor of the worker process, used by the CLI and the app: starts `banthuek engine`,
//! loads the model, sends utterances, restarts a crashed worker (reporting its exit status and
//! the tail of its stderr) and retries the utterance once, so no dictation is lost to a crash.

use crate::engine::{DecodeOptions, Segment, Transcript};
use crate::error::{Result, SpeechError};
use crate::protocol::{error_from_reply, Reply, Request};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// How to start a worker: a program and its arguments (e.g. this executable and `engine`).
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// The running executable with the `engine` subcommand: how the `banthuek` CLI and the app
    /// start their worker.
    pub fn current_exe_engine() -> Result<Self> {
        let program = std::env::current_exe()
            .map_err(|e| SpeechError::Engine(format!("cannot find own executable: {e}")))?;
        Ok(WorkerCommand {
            program,
            args: vec!["engine".into()],
        })
    }
}

/// What the supervisor reports while an utterance is transcribed.
pub enum SupervisorEvent<'a> {
    Progress(u8),
    /// A segment as soon as it is decoded. After `WorkerRestarted`, segments start over.
    Segment(&'a Segment),
    WorkerRestarted {
        status: String,
        stderr_tail: String,
    },
}

/// The outcome of one transcription, with the worker's own figures.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub transcript: Transcript,
    pub elapsed_ms: u64,
    pub peak_rss_kb: Option<u64>,
    /// How many times the worker had to be restarted for this utterance.
    pub restarts: u32,
}

const STDERR_LINES: usize = 20;

/// The variable OpenBLAS reads, when it loads, for how long its idle threads spin (log2 cycles).
const OPENBLAS_THREAD_TIMEOUT: &str = "OPENBLAS_THREAD_TIMEOUT";

/// Shared between the supervisor and its cancel handles.
#[derive(Default)]
struct Shared {
    stdin: Option<ChildStdin>,
    current: Option<u64>,
}

struct Worker {
    child: Child,
    replies: mpsc::Receiver<Option<Reply>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
}

pub struct Supervisor {
    command: WorkerCommand,
    model: PathBuf,
    vad_model: Option<PathBuf>,
    worker: Option<Worker>,
    shared: Arc<Mutex<Shared>>,
    cancel_requested: Arc<AtomicBool>,
    next_id: u64,
}

/// Cancels the utterance being transcribed, from any thread.
#[derive(Clone)]
pub struct Canceller {
    shared: Arc<Mutex<Shared>>,
    requested: Arc<AtomicBool>,
}

impl Canceller {
    /// Forgets an earlier cancel, before the next job of a caller that uses
    /// [`Supervisor::transcribe_unless_cancelled`].
    pub fn reset(&self) {
        self.requested.store(false, Ordering::SeqCst);
    }

    pub fn cancel(&self) {
        self.requested.store(true, Ordering::SeqCst);
        if let Ok(mut s) = self.shared.lock() {
            if let Some(id) = s.current {
                let line = serde_json::to_string(&Request::Cancel { id }).unwrap_or_default();
                if let Some(stdin) = s.stdin.as_mut() {
                    let _ = writeln!(stdin, "{line}").and_then(|_| stdin.flush());
                }
            }
        }
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match status.code() {
        Some(c) => format!("exit code {c}"),
        None => "unknown exit".into(),
    }
}

impl Supervisor {
    /// Starts a worker and loads the model into it; fails with the worker's own message when the
    /// model cannot be loaded.
    pub fn start(command: WorkerCommand, model: &Path, vad_model: Option<&Path>) -> Result<Self> {
        let mut s = Supervisor {
            command,
            model: model.to_path_buf(),
            vad_model: vad_model.map(Path::to_path_buf),
            worker: None,
            shared: Arc::default(),
            cancel_requested: Arc::default(),
            next_id: 1,
        };
        s.spawn()?;
        Ok(s)
    }

    pub fn canceller(&self) -> Canceller {
        Canceller {
            shared: self.shared.clone(),
            requested: self.cancel_requested.clone(),
        }
    }

    /// Process id of the running worker (for diagnostics and fault tests).
    pub fn worker_pid(&self) -> Option<u32> {
        self.worker.as_ref().map(|w| w.child.id())
    }

    fn spawn(&mut self) -> Result<()> {
        let mut command = Command::new(&self.command.program);
        command.args(&self.command.args);
        // OpenBLAS's threads spin for about 2^28 cycles after each product before they sleep, on
        // the cores whisper.cpp's own threads need for the encoder's next step: 2^4 cycles lets
        // them go at once (the encoder with the whole context: 2.1 s → 1.3 s on two cores). It is
        // read when the library loads, so it is set for the worker, not from inside it.
        if std::env::var_os(OPENBLAS_THREAD_TIMEOUT).is_none() {
            command.env(OPENBLAS_THREAD_TIMEOUT, "4");
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                SpeechError::Engine(format!(
                    "cannot start {}: {e}",
                    self.command.program.display()
                ))
            })?;
        let (tx, replies) = mpsc::channel();
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| SpeechError::Engine("no worker stdout".into()))?;
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                match serde_json::from_str::<Reply>(&line) {
                    Ok(r) => {
                        if tx.send(Some(r)).is_err() {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!("unreadable line from the speech worker: {e}"),
                }
            }
            let _ = tx.send(None);
        });
        let stderr_tail: Arc<Mutex<VecDeque<String>>> = Arc::default();
        if let Some(stderr) = child.stderr.take() {
            let tail = stderr_tail.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Ok(mut t) = tail.lock() {
                        if t.len() == STDERR_LINES {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            });
        }
        if let Ok(mut s) = self.shared.lock() {
            s.stdin = child.stdin.take();
        }
        self.worker = Some(Worker {
            child,
            replies,
            stderr_tail,
        });
        self.send(&Request::Load {
            model: self.model.clone(),
            vad_model: self.vad_model.clone(),
        })?;
        loop {
            match self.recv() {
                Some(Reply::Loaded { .. }) => return Ok(()),
                Some(Reply::Error { code, message, .. }) => {
                    self.shutdown();
                    return Err(error_from_reply(code, message));
                }
                Some(_) => continue,
                None => {
                    let (status, stderr_tail) = self.reap();
                    return Err(SpeechError::WorkerCrashed {
                        status,
                        stderr_tail,
                    });
                }
            }
        }
    }

    fn send(&self, req: &Request) -> Result<()> {
        let line = serde_json::to_string(req).map_err(|e| SpeechError::Protocol(e.to_string()))?;
        let mut s = self
            .shared
            .lock()
            .map_err(|_| SpeechError::Protocol("supervisor state poisoned".into()))?;
        let stdin = s
            .stdin
            .as_mut()
            .ok_or_else(|| SpeechError::Protocol("worker not running".into()))?;
        // A write error means the worker died; the reply channel reports that next.
        let _ = writeln!(stdin, "{line}").and_then(|_| stdin.flush());
        Ok(())
    }

    fn recv(&self) -> Option<Reply> {
        self.worker.as_ref()?.replies.recv().ok().flatten()
    }

    /// Waits for a dead worker and returns how it ended and what it last said.
    fn reap(&mut self) -> (String, String) {
        if let Ok(mut s) = self.shared.lock() {
            s.stdin = None;
        }
        let Some(mut w) = self.worker.take() else {
            return ("not running".into(), String::new());
        };
        let status = w
            .child
            .wait()
            .map(describe_status)
            .unwrap_or_else(|e| e.to_string());
        // Give the stderr reader a moment to take the last lines.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let tail = w
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect::<Vec<_>>().join("\n"))
            .unwrap_or_default();
        (status, tail)
    }

    fn shutdown(&mut self) {
        if let Ok(mut s) = self.shared.lock() {
            s.stdin = None; // closing stdin asks the worker to leave
        }
        if let Some(mut w) = self.worker.take() {
            for _ in 0..50 {
                if let Ok(Some(_)) = w.child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            let _ = w.child.kill();
            let _ = w.child.wait();
        }
    }

    /// Transcribes an audio file in the worker. A worker that dies is restarted and the file
    /// retried once; a second death is an error carrying the exit status and stderr tail.
    pub fn transcribe(
        &mut self,
        path: &Path,
        options: &DecodeOptions,
        on_event: &mut dyn FnMut(SupervisorEvent),
    ) -> Result<Outcome> {
        self.cancel_requested.store(false, Ordering::SeqCst);
        self.transcribe_unless_cancelled(path, options, on_event)
    }

    /// As [`Supervisor::transcribe`], except that a cancel made since the last
    /// [`Canceller::reset`] applies to this file too: a caller that queues work decides when a
    /// cancel is spent, so a cancel that arrives just before the request is sent is not lost.
    pub fn transcribe_unless_cancelled(
        &mut self,
        path: &Path,
        options: &DecodeOptions,
        on_event: &mut dyn FnMut(SupervisorEvent),
    ) -> Result<Outcome> {
        let mut restarts = 0;
        loop {
            if self.worker.is_none() {
                self.spawn()?;
            }
            let id = self.next_id;
            self.next_id += 1;
            if let Ok(mut s) = self.shared.lock() {
                s.current = Some(id);
            }
            // After `current` is set: a cancel from now on reaches the worker with this id (the
            // worker remembers ids cancelled before their request arrives).
            if self.cancel_requested.load(Ordering::SeqCst) {
                if let Ok(mut s) = self.shared.lock() {
                    s.current = None;
                }
                return Err(SpeechError::Cancelled);
            }
            self.send(&Request::Transcribe {
                id,
                path: path.to_path_buf(),
                options: options.clone(),
            })?;
            let result = loop {
                match self.recv() {
                    Some(Reply::Progress { id: i, percent }) if i == id => {
                        on_event(SupervisorEvent::Progress(percent))
                    }
                    Some(Reply::Segment { id: i, segment }) if i == id => {
                        on_event(SupervisorEvent::Segment(&segment))
                    }
                    Some(Reply::Result {
                        id: i,
                        transcript,
                        elapsed_ms,
                        peak_rss_kb,
                    }) if i == id => {
                        break Some(Ok(Outcome {
                            transcript,
                            elapsed_ms,
                            peak_rss_kb,
                            restarts,
                        }))
                    }
                    Some(Reply::Error {
                        id: i,
                        code,
                        message,
                    }) if i == Some(id) || i.is_none() => {
                        break Some(Err(error_from_reply(code, message)))
                    }
                    Some(_) => continue,
                    None => break None,
                }
            };
            if let Ok(mut s) = self.shared.lock() {
                s.current = None;
            }
            if let Some(r) = result {
                return r;
            }
            let (status, stderr_tail) = self.reap();
            tracing::warn!(%status, "speech worker stopped; restarting");
            on_event(SupervisorEvent::WorkerRestarted {
                status: status.clone(),
                stderr_tail: stderr_tail.clone(),
            });
            if self.cancel_requested.load(Ordering::SeqCst) {
                return Err(SpeechError::Cancelled);
            }
            if restarts >= 1 {
                return Err(SpeechError::WorkerCrashed {
                    status,
                    stderr_tail,
                });
            }
            restarts += 1;
        }
    }
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field("model", &self.model)
            .field("worker_pid", &self.worker_pid())
            .finish()
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.shutdown();
    }
}
