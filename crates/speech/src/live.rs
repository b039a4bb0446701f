//! Live transcription: utterances cut by the capture thread are transcribed one after another in
//! the worker while the officer keeps talking. Each utterance's audio is kept as a WAV file.

use crate::capture::Utterance;
use crate::engine::{DecodeOptions, Segment, Transcript};
use crate::error::Result;
use crate::supervisor::{Supervisor, SupervisorEvent};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// What the transcriber reports.
pub enum LiveEvent {
    /// A segment of an utterance still being decoded (a partial result).
    Partial {
        index: usize,
        segment: Segment,
    },
    /// An utterance's final text. `latency` runs from the end of speech to this moment.
    Final {
        index: usize,
        start_ms: u64,
        end_ms: u64,
        transcript: Transcript,
        latency: Duration,
        audio: PathBuf,
    },
    Failed {
        index: usize,
        error: crate::SpeechError,
    },
    WorkerRestarted {
        status: String,
    },
}

/// Starts the transcriber thread. Send utterances in; events come out; dropping the sender ends
/// the thread after the queue is done.
pub fn spawn_transcriber(
    mut supervisor: Supervisor,
    dir: PathBuf,
    options: DecodeOptions,
) -> Result<(
    mpsc::Sender<Utterance>,
    mpsc::Receiver<LiveEvent>,
    std::thread::JoinHandle<()>,
)> {
    std::fs::create_dir_all(&dir).map_err(|e| crate::SpeechError::io(&dir, e))?;
    let (utt_tx, utt_rx) = mpsc::channel::<Utterance>();
    let (ev_tx, ev_rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        for u in utt_rx {
            let audio = dir.join(format!("utterance-{:04}.wav", u.index));
            if let Err(error) = crate::audio::write_wav(&audio, &u.samples) {
                let _ = ev_tx.send(LiveEvent::Failed {
                    index: u.index,
                    error,
                });
                continue;
            }
            let index = u.index;
            let res = supervisor.transcribe(&audio, &options, &mut |e| match e {
                SupervisorEvent::Segment(s) => {
                    let _ = ev_tx.send(LiveEvent::Partial {
                        index,
                        segment: s.clone(),
                    });
                }
                SupervisorEvent::WorkerRestarted { status, .. } => {
                    let _ = ev_tx.send(LiveEvent::WorkerRestarted { status });
                }
                SupervisorEvent::Progress(_) => {}
            });
            let _ = ev_tx.send(match res {
                Ok(out) => LiveEvent::Final {
                    index,
                    start_ms: u.start_ms,
                    end_ms: u.end_ms,
                    transcript: out.transcript,
                    latency: u.cut_at.elapsed(),
                    audio,
                },
                Err(error) => LiveEvent::Failed { index, error },
            });
        }
    });
    Ok((utt_tx, ev_rx, handle))
}
