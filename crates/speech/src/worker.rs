//! The worker process (`banthuek engine`): owns the whisper engine so that a crash in native
//! code takes down only this process, never the app holding the officer's dictation. Reads
//! requests from stdin, writes replies to stdout; a reader thread keeps listening while the engine
//! thread decodes, so `cancel` takes effect mid-utterance.

use crate::engine::{peak_rss_kb, Engine, EngineEvent};
use crate::error::SpeechError;
use crate::protocol::{error_code, Reply, Request};
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Instant;

fn send(out: &Mutex<std::io::Stdout>, reply: &Reply) {
    let Ok(line) = serde_json::to_string(reply) else {
        return;
    };
    let Ok(mut o) = out.lock() else { return };
    // If the supervisor has gone there is nobody to tell; the read loop ends on EOF.
    let _ = writeln!(o, "{line}").and_then(|_| o.flush());
}

fn error_reply(id: Option<u64>, e: &SpeechError) -> Reply {
    Reply::Error {
        id,
        code: error_code(e).into(),
        message: e.to_string(),
    }
}

/// Runs the worker on this process's stdin/stdout until stdin closes.
pub fn run_stdio() -> std::io::Result<()> {
    whisper_rs::install_logging_hooks();
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let cancel = Arc::new(AtomicBool::new(false));
    // The id being decoded (0: none) and ids cancelled before they started.
    let current = Arc::new(AtomicU64::new(0));
    let cancelled: Arc<Mutex<HashSet<u64>>> = Arc::default();
    let (jobs, job_rx) = mpsc::channel::<Request>();

    let engine_thread = {
        let (out, cancel, current, cancelled) = (
            out.clone(),
            cancel.clone(),
            current.clone(),
            cancelled.clone(),
        );
        std::thread::spawn(move || {
            let mut engine: Option<Engine> = None;
            for job in job_rx {
                match job {
                    Request::Load { model, vad_model } => {
                        let t = Instant::now();
                        engine = None;
                        match Engine::load(&model, vad_model.as_deref()) {
                            Ok(e) => {
                                engine = Some(e);
                                send(
                                    &out,
                                    &Reply::Loaded {
                                        model,
                                        load_ms: t.elapsed().as_millis() as u64,
                                    },
                                );
                            }
                            Err(e) => send(&out, &error_reply(None, &e)),
                        }
                    }
                    Request::Transcribe { id, path, options } => {
                        let was_cancelled =
                            cancelled.lock().map(|mut c| c.remove(&id)).unwrap_or(false);
                        if was_cancelled {
                            send(&out, &error_reply(Some(id), &SpeechError::Cancelled));
                            continue;
                        }
                        let Some(engine) = engine.as_mut() else {
                            let e = SpeechError::Protocol(
                                "transcribe before a model was loaded".into(),
                            );
                            send(&out, &error_reply(Some(id), &e));
                            continue;
                        };
                        cancel.store(false, Ordering::SeqCst);
                        current.store(id, Ordering::SeqCst);
                        let t = Instant::now();
                        let res =
                            engine.transcribe_file(&path, &options, &cancel, &mut |ev| match ev {
                                EngineEvent::Progress(percent) => {
                                    send(&out, &Reply::Progress { id, percent })
                                }
                                EngineEvent::Segment(s) => send(
                                    &out,
                                    &Reply::Segment {
                                        id,
                                        segment: s.clone(),
                                    },
                                ),
                            });
                        current.store(0, Ordering::SeqCst);
                        match res {
                            Ok(transcript) => send(
                                &out,
                                &Reply::Result {
                                    id,
                                    transcript,
                                    elapsed_ms: t.elapsed().as_millis() as u64,
                                    peak_rss_kb: peak_rss_kb(),
                                },
                            ),
                            Err(e) => send(&out, &error_reply(Some(id), &e)),
                        }
                    }
                    Request::Cancel { .. } => {}
                }
            }
        })
    };

    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Request>(&line) {
            Ok(Request::Cancel { id }) => {
                if current.load(Ordering::SeqCst) == id {
                    cancel.store(true, Ordering::SeqCst);
                } else if let Ok(mut c) = cancelled.lock() {
                    c.insert(id);
                }
            }
            Ok(req) => {
                if jobs.send(req).is_err() {
                    break;
                }
            }
            Err(e) => send(
                &out,
                &error_reply(None, &SpeechError::Protocol(format!("bad request: {e}"))),
            ),
        }
    }
    // Supervisor gone: stop what is running and leave.
    cancel.store(true, Ordering::SeqCst);
    drop(jobs);
    let _ = engine_thread.join();
    Ok(())
}
