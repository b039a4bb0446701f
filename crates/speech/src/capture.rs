//! Live capture. A dedicated audio thread owns the cpal stream (streams cannot leave the thread
//! that made them); samples leave the real-time callback through a lock-free ring buffer, so the
//! callback never blocks or allocates. The audio thread mixes to mono, resamples to 16 kHz,
//! writes the evidence file as audio arrives, measures the level, and cuts utterances at pauses.

use crate::audio::{Resampler, RATE};
use crate::error::{Result, SpeechError};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use ringbuf::traits::{Consumer, Producer, Split};
use ringbuf::HeapRb;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// A finished utterance: 16 kHz mono audio and where it lies in the recording.
#[derive(Clone, Debug)]
pub struct Utterance {
    pub index: usize,
    pub start_ms: u64,
    pub end_ms: u64,
    pub samples: Vec<f32>,
    /// When the segmenter had the utterance's last frame of speech: the end of speech as it
    /// reached the audio thread (for latency measurements).
    pub speech_heard_at: Instant,
    /// When the pause that ended it was detected, or capture stopped (for latency measurements).
    pub cut_at: Instant,
    /// Some of its sound never reached the capture (see [`Segmenter::lose`]): what is read from
    /// it may lack a word, so no value read from it can be sure.
    pub audio_lost: bool,
}

/// The audio of an utterance that is still open: what has been said so far.
#[derive(Clone, Debug)]
pub struct Growing {
    /// The index the utterance will have when it is final.
    pub index: usize,
    pub start_ms: u64,
    pub samples: Vec<f32>,
}

/// An open utterance whose speech has paused for [`EARLY_PAUSE_MS`]: most often its end, cut
/// once the pause reaches [`END_SILENCE_MS`]. What was said so far, so that reading it can start
/// before the cut.
#[derive(Clone, Debug)]
pub struct Pause {
    /// The index the utterance will have when it is final.
    pub index: usize,
    pub samples: Vec<f32>,
    /// When the utterance's last frame of speech so far was heard.
    pub speech_heard_at: Instant,
    /// Some of its sound so far never reached the capture.
    pub audio_lost: bool,
}

impl Pause {
    /// Whether `utterance` ended at this pause: nothing was said after it, so the two hold the
    /// same speech (the utterance only has more of the closing silence).
    pub fn ended(&self, utterance: &Utterance) -> bool {
        self.index == utterance.index && self.speech_heard_at == utterance.speech_heard_at
    }
}

/// How much sound each [`CaptureEvent::Level`] measures, and so how often one comes. The app's
/// level meter shows at most five a second, and every event crosses to its page: over the
/// record's second 16 s dictation the page used 0.22–0.27 s of CPU with ten levels a second,
/// 0.20 s with five and 0.09 s with none (Xvfb, one run each), CPU the speech engine needs.
pub const LEVEL_MS: u32 = 200;

#[derive(Debug)]
pub enum CaptureEvent {
    /// Input level of the last [`LEVEL_MS`], RMS in dBFS.
    Level(f32),
    /// Speech has started (an utterance is open).
    SpeechStarted {
        start_ms: u64,
    },
    Utterance(Utterance),
    /// The utterance still being spoken, so far (about once a second while speech goes on), for
    /// partial results.
    Growing(Growing),
    /// The utterance being spoken has paused, most often at its end.
    Paused(Pause),
    /// Speech went on after the pause offered for the open utterance `index` ([`Pause`]): a
    /// reading begun at that pause is no longer the utterance's.
    Resumed {
        index: usize,
    },
    /// The device failed or disappeared. Audio captured so far is kept in the evidence file.
    DeviceError(String),
    /// Capture ended; the evidence file is complete.
    Stopped {
        evidence: PathBuf,
        duration_ms: u64,
    },
}

/// Names of the input devices of the default host.
pub fn input_devices() -> Result<Vec<String>> {
    let host = cpal::default_host();
    let devices = host
        .input_devices()
        .map_err(|e| SpeechError::Device(e.to_string()))?;
    Ok(devices.filter_map(|d| d.name().ok()).collect())
}

/// Cuts utterances at pauses with an energy detector that follows the room's noise floor.
/// (The engine's Silero VAD later drops whatever non-speech slips through.)
pub struct Segmenter {
    frame: Vec<f32>,
    floor: f32,
    in_speech: bool,
    silent_ms: u64,
    speech_ms: u64,
    current: Vec<f32>,
    /// The last few hundred ms before speech starts, so onsets are not clipped.
    preroll: std::collections::VecDeque<f32>,
    start_sample: u64,
    position: u64,
    index: usize,
    /// Length of `current` when it was last offered as a growing utterance.
    offered: usize,
    /// When the last loud frame was processed.
    speech_heard_at: Instant,
    /// Sound was lost while this utterance was open.
    lost: bool,
    /// Where sound was last lost while no utterance was open.
    lost_at: Option<u64>,
}

const FRAME: usize = RATE as usize * 30 / 1000;
const PREROLL: usize = RATE as usize * 300 / 1000;
/// A pause this long ends an utterance.
pub const END_SILENCE_MS: u64 = 700;
/// A pause this long is offered as a likely end ([`Pause`]): a reading started then is ready
/// about this much sooner than one started at the cut. Pauses between the words of one value
/// ("14 นาฬิกา … 30 นาที") are mostly shorter.
pub const EARLY_PAUSE_MS: u64 = 200;
/// Sound lost up to this long (in samples) before an utterance starts may have held its start.
const LOST_REACH: u64 = RATE as u64;
/// A callback whose sound was captured this much later than the sound before it ended tells of
/// sound lost in between; less is the jitter of the device's reported delay.
const LOST_AFTER: Duration = Duration::from_millis(100);
/// Utterances shorter than this are noise (a cough, a click).
const MIN_SPEECH_MS: u64 = 200;
/// Longer utterances are cut so each fits the decoder's 30 s window.
const MAX_UTTERANCE_MS: u64 = 25_000;
/// A device that delivers nothing for this long has gone away.
const STALL: Duration = Duration::from_secs(2);
/// An open utterance is offered for a partial result each time it has grown by this much.
const GROWING_EVERY: usize = RATE as usize;
/// How often the audio thread takes what the device delivered.
const POLL: Duration = Duration::from_millis(10);
/// At most this long is waited, once asked to stop, for the sound still on its way from the
/// microphone (the device's reported delay): the last syllable before a key is released is kept.
const STOP_TAIL_MAX: Duration = Duration::from_millis(300);

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter {
            frame: Vec::with_capacity(FRAME),
            floor: 1e-3,
            in_speech: false,
            silent_ms: 0,
            speech_ms: 0,
            current: Vec::new(),
            preroll: std::collections::VecDeque::with_capacity(PREROLL),
            start_sample: 0,
            position: 0,
            index: 0,
            offered: 0,
            speech_heard_at: Instant::now(),
            lost: false,
            lost_at: None,
        }
    }
}

/// What the segmenter noticed in a piece of audio.
pub enum Cut {
    Started(u64),
    Growing(Growing),
    Paused(Pause),
    Resumed(usize),
    Finished(Utterance),
}

impl Segmenter {
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<Cut>) {
        for &s in samples {
            self.frame.push(s);
            if self.frame.len() == FRAME {
                let frame = std::mem::take(&mut self.frame);
                self.frame_done(&frame, out);
                self.frame = frame;
                self.frame.clear();
            }
        }
    }

    fn frame_done(&mut self, frame: &[f32], out: &mut Vec<Cut>) {
        let rms = (frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32).sqrt();
        // The floor falls quickly and rises slowly, so speech does not raise it.
        self.floor = if rms < self.floor {
            rms.max(1e-5)
        } else {
            self.floor * 1.002
        };
        let loud = rms > (self.floor * 4.0).max(0.01);
        let ms = (FRAME as u64 * 1000) / RATE as u64;
        let frame_start = self.position;
        self.position += frame.len() as u64;
        if !self.in_speech {
            if loud {
                self.in_speech = true;
                self.speech_heard_at = Instant::now();
                self.silent_ms = 0;
                self.speech_ms = ms;
                self.start_sample = frame_start - self.preroll.len() as u64;
                // Sound lost just before may have held this utterance's first word.
                self.lost = self
                    .lost_at
                    .is_some_and(|at| frame_start - at <= LOST_REACH);
                self.current.extend(self.preroll.drain(..));
                self.current.extend_from_slice(frame);
                out.push(Cut::Started(self.start_sample * 1000 / RATE as u64));
            } else {
                for &s in frame {
                    if self.preroll.len() == PREROLL {
                        self.preroll.pop_front();
                    }
                    self.preroll.push_back(s);
                }
            }
            return;
        }
        self.current.extend_from_slice(frame);
        if loud {
            if self.silent_ms >= EARLY_PAUSE_MS && self.speech_ms >= MIN_SPEECH_MS {
                out.push(Cut::Resumed(self.index + 1));
            }
            self.speech_heard_at = Instant::now();
            self.silent_ms = 0;
            self.speech_ms += ms;
        } else {
            self.silent_ms += ms;
            if self.silent_ms >= EARLY_PAUSE_MS
                && self.silent_ms < EARLY_PAUSE_MS + ms
                && self.speech_ms >= MIN_SPEECH_MS
            {
                out.push(Cut::Paused(Pause {
                    index: self.index + 1,
                    samples: self.current.clone(),
                    speech_heard_at: self.speech_heard_at,
                    audio_lost: self.lost,
                }));
            }
        }
        let length_ms = self.current.len() as u64 * 1000 / RATE as u64;
        if self.silent_ms >= END_SILENCE_MS || length_ms >= MAX_UTTERANCE_MS {
            self.close(out);
        } else if self.current.len() >= self.offered + GROWING_EVERY {
            self.offered = self.current.len();
            out.push(Cut::Growing(Growing {
                index: self.index + 1,
                start_ms: self.start_sample * 1000 / RATE as u64,
                samples: self.current.clone(),
            }));
        }
    }

    fn close(&mut self, out: &mut Vec<Cut>) {
        self.in_speech = false;
        self.offered = 0;
        let samples = std::mem::take(&mut self.current);
        // The pause that ended this utterance may hold the soft onset of the next word (quieter
        // than speech is taken to be): its last moments begin the next preroll, as the silence
        // before a first word does. Not after a cut for length: the speech goes on there, and
        // its last moments would be read twice.
        if self.silent_ms >= END_SILENCE_MS {
            self.preroll
                .extend(&samples[samples.len().saturating_sub(PREROLL)..]);
        }
        if self.speech_ms >= MIN_SPEECH_MS {
            self.index += 1;
            out.push(Cut::Finished(Utterance {
                index: self.index,
                start_ms: self.start_sample * 1000 / RATE as u64,
                end_ms: (self.start_sample + samples.len() as u64) * 1000 / RATE as u64,
                samples,
                speech_heard_at: self.speech_heard_at,
                cut_at: Instant::now(),
                audio_lost: self.lost,
            }));
        }
        self.lost = false;
        self.speech_ms = 0;
        self.silent_ms = 0;
    }

    /// Notes that sound never reached the capture here (the device's buffer overran while the
    /// system was too busy to take it, or the ring was full): the open utterance, or the next one
    /// if it starts within [`LOST_REACH`], is marked (`audio_lost`). The sound itself is gone: an
    /// utterance that lost the end of "สี่สิบห้า" reads as a sure "สี่สิบ".
    pub fn lose(&mut self) {
        if self.in_speech {
            self.lost = true;
        } else {
            self.lost_at = Some(self.position);
        }
    }

    /// Ends an open utterance (capture stopped or the device went away): nothing is dropped.
    pub fn flush(&mut self, out: &mut Vec<Cut>) {
        if self.in_speech {
            self.close(out);
        }
    }
}

/// The evidence recording: a 16 kHz mono 16-bit WAV whose header is fixed up on every flush
/// (once a second), so a crash loses at most the last second.
pub struct EvidenceWriter {
    writer: Option<hound::WavWriter<std::io::BufWriter<std::fs::File>>>,
    path: PathBuf,
    since_flush: usize,
    samples: u64,
}

impl EvidenceWriter {
    pub fn create(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SpeechError::io(dir, e))?;
        }
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(path, spec)
            .map_err(|e| SpeechError::io(path, std::io::Error::other(e.to_string())))?;
        Ok(EvidenceWriter {
            writer: Some(writer),
            path: path.into(),
            since_flush: 0,
            samples: 0,
        })
    }

    pub fn write(&mut self, samples: &[f32]) -> Result<()> {
        let path = self.path.clone();
        let err = |e: hound::Error| SpeechError::io(&path, std::io::Error::other(e.to_string()));
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        for s in samples {
            w.write_sample((s.clamp(-1.0, 1.0) * 32767.0) as i16)
                .map_err(err)?;
        }
        self.samples += samples.len() as u64;
        self.since_flush += samples.len();
        if self.since_flush >= RATE as usize {
            w.flush().map_err(err)?;
            self.since_flush = 0;
        }
        Ok(())
    }

    pub fn duration_ms(&self) -> u64 {
        self.samples * 1000 / RATE as u64
    }

    pub fn finish(&mut self) -> Result<()> {
        if let Some(w) = self.writer.take() {
            w.finalize()
                .map_err(|e| SpeechError::io(&self.path, std::io::Error::other(e.to_string())))?;
        }
        Ok(())
    }
}

/// A running capture. Dropping it (or `stop`) ends the stream and completes the evidence file.
pub struct Capture {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub events: mpsc::Receiver<CaptureEvent>,
}

impl Capture {
    /// Starts capturing from the named input device (or the default one) into `evidence`.
    pub fn start(device: Option<&str>, evidence: &Path) -> Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, events) = mpsc::channel();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
        let device = device.map(str::to_string);
        let evidence = evidence.to_path_buf();
        let s = stop.clone();
        let thread = std::thread::Builder::new()
            .name("audio-capture".into())
            .spawn(move || audio_thread(device, evidence, s, tx, ready_tx))
            .map_err(|e| SpeechError::Device(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Capture {
                stop,
                thread: Some(thread),
                events,
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(SpeechError::Device("the audio thread ended".into())),
        }
    }

    /// A flag that ends the capture when set, for a thread other than the one reading events.
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Tells, from the capture times of successive callbacks, how much sound never arrived between
/// them: an input overrun loses sound without a word (cpal prepares the stream again and goes
/// on).
#[derive(Default)]
struct Continuity {
    /// When the sound delivered so far ends, from the first callback's capture time.
    next: Option<Duration>,
}

impl Continuity {
    /// A callback of `frames` frames at `rate` Hz whose first was captured at `at`: the sound
    /// lost before it.
    fn delivered(&mut self, at: Duration, frames: usize, rate: u32) -> Duration {
        let lost = self
            .next
            .and_then(|next| at.checked_sub(next))
            .filter(|gap| *gap > LOST_AFTER)
            .unwrap_or_default();
        self.next = Some(at + Duration::from_secs_f64(frames as f64 / f64::from(rate.max(1))));
        lost
    }
}

/// What the real-time callback reports to the audio thread, without locks.
struct Reports {
    /// The device's delay (capture to callback), µs.
    delay_us: Arc<AtomicU64>,
    /// Sound lost since the audio thread last looked, µs.
    lost_us: Arc<AtomicU64>,
}

fn open_stream(
    device: Option<&str>,
    producer: ringbuf::HeapProd<f32>,
    reports: Reports,
    failed: Arc<AtomicBool>,
    failure: mpsc::Sender<String>,
) -> Result<(cpal::Stream, u32, usize)> {
    let host = cpal::default_host();
    let dev = match device {
        Some(name) => host
            .input_devices()
            .map_err(|e| SpeechError::Device(e.to_string()))?
            .find(|d| d.name().is_ok_and(|n| n == name))
            .ok_or_else(|| {
                SpeechError::Device(format!("no input device named {name} / ไม่พบอุปกรณ์รับเสียงชื่อนี้"))
            })?,
        None => host
            .default_input_device()
            .ok_or_else(|| SpeechError::Device("no input device / ไม่พบไมโครโฟน".into()))?,
    };
    let config = dev
        .default_input_config()
        .map_err(|e| SpeechError::Device(e.to_string()))?;
    let rate = config.sample_rate().0;
    let channels = config.channels() as usize;
    let on_error = move |e: cpal::StreamError| {
        failed.store(true, Ordering::SeqCst);
        let _ = failure.send(e.to_string());
    };
    let stream_config: cpal::StreamConfig = config.clone().into();
    let stream = match config.sample_format() {
        cpal::SampleFormat::F32 => build::<f32>(&dev, &stream_config, producer, reports, on_error),
        cpal::SampleFormat::I16 => build::<i16>(&dev, &stream_config, producer, reports, on_error),
        cpal::SampleFormat::I32 => build::<i32>(&dev, &stream_config, producer, reports, on_error),
        cpal::SampleFormat::U16 => build::<u16>(&dev, &stream_config, producer, reports, on_error),
        other => {
            return Err(SpeechError::Device(format!(
                "unsupported sample format {other:?}"
            )))
        }
    }?;
    stream
        .play()
        .map_err(|e| SpeechError::Device(e.to_string()))?;
    Ok((stream, rate, channels))
}

fn build<T>(
    dev: &cpal::Device,
    config: &cpal::StreamConfig,
    mut producer: ringbuf::HeapProd<f32>,
    reports: Reports,
    on_error: impl FnMut(cpal::StreamError) + Send + 'static,
) -> Result<cpal::Stream>
where
    T: cpal::SizedSample,
    f32: cpal::FromSample<T>,
{
    let (rate, channels) = (config.sample_rate.0, usize::from(config.channels.max(1)));
    let mut first: Option<cpal::StreamInstant> = None;
    let mut continuity = Continuity::default();
    dev.build_input_stream(
        config,
        move |data: &[T], info: &cpal::InputCallbackInfo| {
            // Real-time: no locks, no allocation. If the audio thread falls behind by more than
            // the ring's few seconds, the newest samples are dropped, and counted as lost.
            let t = info.timestamp();
            if let Some(delay) = t.callback.duration_since(&t.capture) {
                reports
                    .delay_us
                    .store(delay.as_micros() as u64, Ordering::Relaxed);
            }
            let first = *first.get_or_insert(t.capture);
            let mut lost = t
                .capture
                .duration_since(&first)
                .map(|at| continuity.delivered(at, data.len() / channels, rate))
                .unwrap_or_default();
            let mut dropped = 0usize;
            for &s in data {
                let sample = <f32 as cpal::FromSample<T>>::from_sample_(s);
                dropped += usize::from(producer.try_push(sample).is_err());
            }
            lost += Duration::from_secs_f64((dropped / channels) as f64 / f64::from(rate.max(1)));
            if !lost.is_zero() {
                reports
                    .lost_us
                    .fetch_add(lost.as_micros() as u64, Ordering::Relaxed);
            }
        },
        on_error,
        None,
    )
    .map_err(|e| SpeechError::Device(e.to_string()))
}

fn audio_thread(
    device: Option<String>,
    evidence_path: PathBuf,
    stop: Arc<AtomicBool>,
    tx: mpsc::Sender<CaptureEvent>,
    ready: mpsc::Sender<Result<()>>,
) {
    let mut evidence = match EvidenceWriter::create(&evidence_path) {
        Ok(w) => w,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    // Four seconds of 48 kHz stereo: room for the thread to be late without losing audio.
    let (producer, mut consumer) = HeapRb::<f32>::new(48_000 * 2 * 4).split();
    let failed = Arc::new(AtomicBool::new(false));
    let delay_us = Arc::new(AtomicU64::new(0));
    let lost_us = Arc::new(AtomicU64::new(0));
    let (fail_tx, fail_rx) = mpsc::channel();
    let reports = Reports {
        delay_us: delay_us.clone(),
        lost_us: lost_us.clone(),
    };
    let (stream, rate, channels) = match open_stream(
        device.as_deref(),
        producer,
        reports,
        failed.clone(),
        fail_tx,
    ) {
        Ok(s) => s,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let mut resampler = match Resampler::new(rate) {
        Ok(r) => r,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let mut segmenter = Segmenter::default();
    let mut raw = vec![0f32; 8192];
    let mut mono = Vec::new();
    let mut out = Vec::new();
    let mut cuts = Vec::new();
    let mut level_acc = (0f32, 0usize);
    let mut leftover: Vec<f32> = Vec::new();
    let mut drain = |consumer: &mut ringbuf::HeapCons<f32>,
                     resampler: &mut Resampler,
                     segmenter: &mut Segmenter,
                     evidence: &mut EvidenceWriter,
                     final_pass: bool|
     -> usize {
        let mut got = 0;
        loop {
            let n = consumer.pop_slice(&mut raw);
            if n == 0 {
                break;
            }
            got += n;
            leftover.extend_from_slice(&raw[..n]);
            let whole = leftover.len() / channels * channels;
            mono.clear();
            for f in leftover[..whole].chunks_exact(channels) {
                mono.push(f.iter().sum::<f32>() / channels as f32);
            }
            leftover.drain(..whole);
            out.clear();
            if let Err(e) = resampler.push(&mono, &mut out) {
                let _ = tx.send(CaptureEvent::DeviceError(e.to_string()));
            }
            process(&out, segmenter, evidence, &mut cuts, &mut level_acc, &tx);
        }
        if final_pass {
            out.clear();
            let _ = resampler.finish(&mut out);
            process(&out, segmenter, evidence, &mut cuts, &mut level_acc, &tx);
            segmenter.flush(&mut cuts);
            emit(&mut cuts, &tx);
        }
        got
    };
    // A working device delivers samples (zeros in a silent room) without pause; one that has gone
    // away may report an error, or may simply stop delivering.
    let mut last_audio = Instant::now();
    let mut stalled = false;
    while !stop.load(Ordering::SeqCst) && !failed.load(Ordering::SeqCst) {
        std::thread::sleep(POLL);
        // Before the samples that came after the loss.
        let lost_ms = lost_us.swap(0, Ordering::Relaxed) / 1000;
        if lost_ms > 0 {
            tracing::warn!(
                lost_ms,
                "the microphone's sound was lost (the system was too busy to take it in time): what was said across it is flagged"
            );
            segmenter.lose();
        }
        let got = drain(
            &mut consumer,
            &mut resampler,
            &mut segmenter,
            &mut evidence,
            false,
        );
        if got > 0 {
            last_audio = Instant::now();
        } else if last_audio.elapsed() >= STALL {
            stalled = true;
            break;
        }
    }
    if !stalled && !failed.load(Ordering::SeqCst) {
        // Asked to stop (a key released): what was said up to now is still on its way for the
        // device's delay; take it, and nothing said after.
        let tail = Duration::from_micros(delay_us.load(Ordering::Relaxed)).min(STOP_TAIL_MAX);
        let asked = Instant::now();
        while asked.elapsed() < tail {
            std::thread::sleep(POLL);
            drain(
                &mut consumer,
                &mut resampler,
                &mut segmenter,
                &mut evidence,
                false,
            );
        }
    }
    drop(stream);
    let kept = "อุปกรณ์รับเสียงหยุดทำงาน เสียงที่บันทึกไว้แล้วยังอยู่ครบ";
    if let Ok(msg) = fail_rx.try_recv() {
        let _ = tx.send(CaptureEvent::DeviceError(format!(
            "{msg}; the audio recorded so far is kept / {kept}"
        )));
    } else if stalled {
        let _ = tx.send(CaptureEvent::DeviceError(format!(
            "the input device delivered no sound for {} s (unplugged or stopped); the audio recorded so far is kept / {kept}",
            STALL.as_secs()
        )));
    }
    drain(
        &mut consumer,
        &mut resampler,
        &mut segmenter,
        &mut evidence,
        true,
    );
    if let Err(e) = evidence.finish() {
        let _ = tx.send(CaptureEvent::DeviceError(e.to_string()));
    }
    let _ = tx.send(CaptureEvent::Stopped {
        evidence: evidence_path,
        duration_ms: evidence.duration_ms(),
    });
}

fn process(
    samples: &[f32],
    segmenter: &mut Segmenter,
    evidence: &mut EvidenceWriter,
    cuts: &mut Vec<Cut>,
    level: &mut (f32, usize),
    tx: &mpsc::Sender<CaptureEvent>,
) {
    if samples.is_empty() {
        return;
    }
    if let Err(e) = evidence.write(samples) {
        let _ = tx.send(CaptureEvent::DeviceError(e.to_string()));
    }
    for s in samples {
        level.0 += s * s;
        level.1 += 1;
        if level.1 == RATE as usize * LEVEL_MS as usize / 1000 {
            let rms = (level.0 / level.1 as f32).sqrt();
            let _ = tx.send(CaptureEvent::Level(20.0 * rms.max(1e-6).log10()));
            *level = (0.0, 0);
        }
    }
    segmenter.push(samples, cuts);
    emit(cuts, tx);
}

fn emit(cuts: &mut Vec<Cut>, tx: &mpsc::Sender<CaptureEvent>) {
    for c in cuts.drain(..) {
        let _ = tx.send(match c {
            Cut::Started(start_ms) => CaptureEvent::SpeechStarted { start_ms },
            Cut::Growing(g) => CaptureEvent::Growing(g),
            Cut::Paused(p) => {
                tracing::debug!("utterance {} paused ({} samples)", p.index, p.samples.len());
                CaptureEvent::Paused(p)
            }
            Cut::Resumed(index) => {
                tracing::debug!("utterance {index} resumed");
                CaptureEvent::Resumed { index }
            }
            Cut::Finished(u) => {
                tracing::debug!("utterance {} cut ({} samples)", u.index, u.samples.len());
                CaptureEvent::Utterance(u)
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ms` of a loud tone, then `pause` ms of silence, for each (ms, pause).
    fn speech(parts: &[(u64, u64)]) -> Vec<f32> {
        let mut out = Vec::new();
        for &(ms, pause) in parts {
            let n = (RATE as u64 * ms / 1000) as usize;
            out.extend((0..n).map(|i| 0.3 * (i as f32 * 0.2).sin()));
            out.extend(std::iter::repeat_n(
                0.0,
                (RATE as u64 * pause / 1000) as usize,
            ));
        }
        out
    }

    fn cuts(audio: &[f32]) -> Vec<Cut> {
        let mut seg = Segmenter::default();
        let mut out = Vec::new();
        seg.push(
            &std::iter::repeat_n(0.0, RATE as usize / 2).collect::<Vec<_>>(),
            &mut out,
        );
        seg.push(audio, &mut out);
        seg.flush(&mut out);
        out
    }

    /// The pauses offered and the utterances finished, in order.
    fn split(out: &[Cut]) -> (Vec<&Pause>, Vec<&Utterance>) {
        let pauses = out
            .iter()
            .filter_map(|c| match c {
                Cut::Paused(p) => Some(p),
                _ => None,
            })
            .collect();
        let finished = out
            .iter()
            .filter_map(|c| match c {
                Cut::Finished(u) => Some(u),
                _ => None,
            })
            .collect();
        (pauses, finished)
    }

    #[test]
    fn a_pause_is_offered_before_the_cut_and_ends_the_utterance_when_nothing_follows() {
        let out = cuts(&speech(&[(600, 1_200)]));
        let (pauses, finished) = split(&out);
        assert_eq!((pauses.len(), finished.len()), (1, 1));
        let (pause, utterance) = (pauses[0], finished[0]);
        assert!(pause.ended(utterance));
        // The same speech, the utterance holding the rest of the closing pause too.
        assert!(utterance.samples.starts_with(&pause.samples));
        let closing = (utterance.samples.len() - pause.samples.len()) as u64 * 1000 / RATE as u64;
        assert!(
            closing + EARLY_PAUSE_MS >= END_SILENCE_MS - 30,
            "{closing} ms"
        );
        let order: Vec<u8> = out
            .iter()
            .map(|c| match c {
                Cut::Started(_) => 0,
                Cut::Growing(_) => 1,
                Cut::Paused(_) => 2,
                Cut::Resumed(_) => 4,
                Cut::Finished(_) => 3,
            })
            .filter(|&k| k != 1)
            .collect();
        assert_eq!(order, [0, 2, 3]);
    }

    #[test]
    fn a_pause_followed_by_more_speech_does_not_end_the_utterance() {
        let gap = (EARLY_PAUSE_MS + END_SILENCE_MS) / 2;
        let out = cuts(&speech(&[(500, gap), (500, 1_200)]));
        let (pauses, finished) = split(&out);
        assert_eq!((pauses.len(), finished.len()), (2, 1));
        assert!(!pauses[0].ended(finished[0]));
        assert!(pauses[1].ended(finished[0]));
        // The first pause's reading is told it is stale as the speech goes on, before the second.
        let order: Vec<String> = out
            .iter()
            .filter_map(|c| match c {
                Cut::Paused(p) => Some(format!("paused {}", p.index)),
                Cut::Resumed(index) => Some(format!("resumed {index}")),
                Cut::Finished(u) => Some(format!("finished {}", u.index)),
                _ => None,
            })
            .collect();
        let index = finished[0].index;
        assert_eq!(
            order,
            [
                format!("paused {index}"),
                format!("resumed {index}"),
                format!("paused {index}"),
                format!("finished {index}"),
            ]
        );
    }

    #[test]
    fn speech_after_a_pause_too_short_to_be_offered_is_no_resumption() {
        let out = cuts(&speech(&[(500, EARLY_PAUSE_MS / 2), (500, 1_200)]));
        assert!(!out.iter().any(|c| matches!(c, Cut::Resumed(_))));
        assert_eq!(split(&out).0.len(), 1);
    }

    #[test]
    fn a_soft_onset_in_the_pause_that_ended_an_utterance_starts_the_next() {
        // A word whose first 150 ms are too quiet to be taken for speech, begun 600 ms into a
        // pause: the cut at 700 ms falls inside that soft onset.
        let mut audio = speech(&[(500, 600)]);
        let soft: Vec<f32> = (0..RATE as usize * 150 / 1000)
            .map(|i| 0.004 * (i as f32 * 0.2).sin())
            .collect();
        audio.extend(&soft);
        audio.extend(speech(&[(500, 1_200)]));
        let out = cuts(&audio);
        let (_, finished) = split(&out);
        assert_eq!(finished.len(), 2);
        let second = &finished[1].samples;
        assert!(
            second.windows(soft.len()).any(|w| w == soft.as_slice()),
            "the soft onset is whole in the utterance of its word"
        );
        // Its start time still says where its samples came from (`cuts` leads with 0.5 s).
        let mut stream = vec![0.0; RATE as usize / 2];
        stream.extend(&audio);
        let per_ms = RATE as usize / 1000;
        let from = finished[1].start_ms as usize * per_ms;
        assert!((from..from + per_ms).any(|s| stream[s..].starts_with(second)));
    }

    #[test]
    fn sound_lost_between_callbacks_is_told_apart_from_jitter() {
        let mut c = Continuity::default();
        let ms = Duration::from_millis;
        // 10 ms callbacks at 48 kHz (480 frames), a little early or late: nothing lost.
        for (k, jitter) in [0, 3, 0, 30, 0].into_iter().enumerate() {
            assert_eq!(c.delivered(ms(10 * k as u64 + jitter), 480, 48_000), ms(0));
        }
        // The next was due at 50 ms and came from 450 ms: 400 ms never arrived.
        assert_eq!(c.delivered(ms(450), 480, 48_000), ms(400));
        assert_eq!(c.delivered(ms(460), 480, 48_000), ms(0));
    }

    #[test]
    fn an_utterance_that_lost_sound_says_so() {
        let audio = speech(&[(600, 1_200), (600, 1_200)]);
        let mut seg = Segmenter::default();
        let mut out = Vec::new();
        let half = RATE as usize * 300 / 1000;
        // Lost in the middle of the first utterance.
        seg.push(&audio[..half], &mut out);
        seg.lose();
        seg.push(&audio[half..], &mut out);
        seg.flush(&mut out);
        let (pauses, finished) = split(&out);
        assert_eq!(finished.len(), 2);
        assert!(finished[0].audio_lost && pauses[0].audio_lost);
        assert!(!finished[1].audio_lost, "the next utterance lost nothing");

        // Lost in the silence just before an utterance (its first word may be gone), and long
        // before one.
        for (silence_ms, lost) in [(200, true), (3_000, false)] {
            let mut seg = Segmenter::default();
            let mut out = Vec::new();
            seg.lose();
            let mut audio = vec![0.0; RATE as usize * silence_ms / 1000];
            audio.extend(speech(&[(600, 1_200)]));
            seg.push(&audio, &mut out);
            seg.flush(&mut out);
            assert_eq!(split(&out).1[0].audio_lost, lost, "{silence_ms} ms before");
        }
    }

    #[test]
    fn a_click_offers_no_pause() {
        let out = cuts(&speech(&[(MIN_SPEECH_MS / 2, 1_200)]));
        assert!(!out
            .iter()
            .any(|c| matches!(c, Cut::Paused(_) | Cut::Finished(_))));
    }
}
