//! The models the app knows (`models/manifest.toml`), the models installed on this laptop, and
//! getting more onto it: import from a file (a USB stick), download by URL with a checksum
//! (resuming a partial transfer), removal. Also the checks made before a model is loaded.

use crate::error::{Result, SpeechError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The manifest shipped with the app.
pub const MANIFEST_TOML: &str = include_str!("../../../models/manifest.toml");

/// Magic number at the start of every ggml model file ("ggml", little-endian).
const GGML_MAGIC: u32 = 0x6767_6d6c;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// A whisper speech-to-text model.
    Whisper,
    /// A voice-activity model (Silero) used to cut utterances and drop silence.
    Vad,
}

/// One model the app knows about.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct ManifestEntry {
    pub name: String,
    pub file: String,
    pub kind: ModelKind,
    /// Installed by `scripts/get-models.sh` and used when nothing else is chosen.
    #[serde(default)]
    pub default: bool,
    /// SHA-256 of the file, where known in advance.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Size in bytes (exact where the checksum is known, approximate otherwise).
    pub size: u64,
    pub source: String,
    pub licence: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Deserialize)]
pub struct Manifest {
    #[serde(rename = "model")]
    pub models: Vec<ManifestEntry>,
}

impl Manifest {
    pub fn builtin() -> Result<Self> {
        Self::parse(MANIFEST_TOML)
    }

    pub fn parse(text: &str) -> Result<Self> {
        toml::from_str(text).map_err(|e| SpeechError::Manifest(e.to_string()))
    }

    pub fn by_name(&self, name: &str) -> Option<&ManifestEntry> {
        self.models
            .iter()
            .find(|m| m.name == name || m.file == name)
    }

    pub fn by_sha256(&self, sha: &str) -> Option<&ManifestEntry> {
        self.models.iter().find(|m| {
            m.sha256
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(sha))
        })
    }

    pub fn default_of(&self, kind: ModelKind) -> Option<&ManifestEntry> {
        self.models.iter().find(|m| m.default && m.kind == kind)
    }
}

/// What a model file's header says about it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ModelHeader {
    pub kind: ModelKind,
    /// Vocabulary size; multilingual whisper models have at least 51865 tokens.
    pub n_vocab: i32,
    pub n_audio_layer: i32,
    pub n_mels: i32,
    pub ftype: i32,
}

impl ModelHeader {
    pub fn multilingual(&self) -> bool {
        self.kind == ModelKind::Whisper && self.n_vocab >= 51865
    }
}

/// Reads and checks the header of a ggml model file: the magic number and plausible
/// hyper-parameters. Catches a text file, a truncated download or a different format early, with
/// a clear message, instead of inside the engine.
pub fn read_header(path: &Path) -> Result<ModelHeader> {
    let bad = |reason: &str| SpeechError::BadModel {
        path: path.to_path_buf(),
        reason: reason.into(),
    };
    let mut f = File::open(path).map_err(|e| SpeechError::io(path, e))?;
    let mut head = [0u8; 48];
    let n = read_up_to(&mut f, &mut head).map_err(|e| SpeechError::io(path, e))?;
    if n < 8 {
        return Err(bad("too short"));
    }
    let word = |i: usize| {
        i32::from_le_bytes([
            head[4 * i],
            head[4 * i + 1],
            head[4 * i + 2],
            head[4 * i + 3],
        ])
    };
    if word(0) as u32 != GGML_MAGIC {
        return Err(bad("no ggml magic number"));
    }
    if head[4..8] == 10i32.to_le_bytes() && &head[8..18] == b"silero-16k" {
        return Ok(ModelHeader {
            kind: ModelKind::Vad,
            n_vocab: 0,
            n_audio_layer: 0,
            n_mels: 0,
            ftype: 0,
        });
    }
    if n < 48 {
        return Err(bad("header is truncated"));
    }
    let h = ModelHeader {
        kind: ModelKind::Whisper,
        n_vocab: word(1),
        n_audio_layer: word(5),
        n_mels: word(10),
        ftype: word(11),
    };
    let plausible = (50_000..=60_000).contains(&h.n_vocab)
        && (1..=64).contains(&h.n_audio_layer)
        && (h.n_mels == 80 || h.n_mels == 128)
        && (1..=64).contains(&word(9))
        && (0..=10_000).contains(&h.ftype);
    if !plausible {
        return Err(bad("implausible hyper-parameters"));
    }
    Ok(h)
}

fn read_up_to(f: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// SHA-256 of a file, hex.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).map_err(|e| SpeechError::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| SpeechError::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Refuses to go on when this processor lacks an instruction set the engine was compiled for:
/// otherwise the engine would die on an illegal instruction with no explanation.
pub fn check_cpu() -> Result<()> {
    #[cfg(target_arch = "x86_64")]
    {
        use whisper_rs::whisper_rs_sys as sys;
        // SAFETY: these ggml functions only report compile-time flags.
        let built: [(&str, i32, bool); 6] = unsafe {
            [
                (
                    "AVX",
                    sys::ggml_cpu_has_avx(),
                    std::arch::is_x86_feature_detected!("avx"),
                ),
                (
                    "AVX2",
                    sys::ggml_cpu_has_avx2(),
                    std::arch::is_x86_feature_detected!("avx2"),
                ),
                (
                    "FMA",
                    sys::ggml_cpu_has_fma(),
                    std::arch::is_x86_feature_detected!("fma"),
                ),
                (
                    "F16C",
                    sys::ggml_cpu_has_f16c(),
                    std::arch::is_x86_feature_detected!("f16c"),
                ),
                (
                    "BMI2",
                    sys::ggml_cpu_has_bmi2(),
                    std::arch::is_x86_feature_detected!("bmi2"),
                ),
                (
                    "AVX-512",
                    sys::ggml_cpu_has_avx512(),
                    std::arch::is_x86_feature_detected!("avx512f"),
                ),
            ]
        };
        let missing: Vec<&str> = built
            .iter()
            .filter(|(_, needed, present)| *needed != 0 && !present)
            .map(|(name, _, _)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(SpeechError::CpuUnsupported {
                missing: missing.join(", "),
            });
        }
    }
    Ok(())
}

/// An installed model.
#[derive(Clone, Debug, Serialize)]
pub struct InstalledModel {
    pub name: String,
    pub file: String,
    pub path: PathBuf,
    pub size: u64,
    pub kind: Option<ModelKind>,
    /// Whether the manifest knows this file.
    pub known: bool,
}

/// The folder where models are installed on this laptop.
pub struct ModelStore {
    dir: PathBuf,
    manifest: Manifest,
}

/// Where models are installed, for the CLI and the app alike: `BANTHUEK_MODELS`; else
/// `<home>/models` when it holds a speech model; else the `models/` folder of a source tree that
/// `scripts/setup.sh` filled (a developer's checkout: from the running program's folder upwards,
/// then `built_from`, the tree the program was built from); else `<home>/models`, where
/// `banthuek models import` installs.
pub fn models_dir(home: &Path, built_from: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("BANTHUEK_MODELS") {
        return PathBuf::from(dir);
    }
    let in_home = home.join("models");
    let has_model = |dir: &Path| {
        ModelStore::open(dir)
            .ok()
            .and_then(|s| s.resolve(None, ModelKind::Whisper).ok())
            .is_some()
    };
    if has_model(&in_home) {
        return in_home;
    }
    let beside_program = std::env::current_exe()
        .ok()
        .map(|e| {
            e.ancestors()
                .skip(1)
                .map(|a| a.join("models"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    beside_program
        .into_iter()
        .chain(std::iter::once(built_from.to_path_buf()))
        .find(|d| d.join("manifest.toml").is_file() && has_model(d))
        .unwrap_or(in_home)
}

impl ModelStore {
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self> {
        Ok(ModelStore {
            dir: dir.into(),
            manifest: Manifest::builtin()?,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn ensure_dir(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| SpeechError::io(&self.dir, e))
    }

    pub fn list(&self) -> Result<Vec<InstalledModel>> {
        let mut out = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(SpeechError::io(&self.dir, e)),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let file = entry.file_name().to_string_lossy().into_owned();
            if !file.ends_with(".bin") || !path.is_file() {
                continue;
            }
            let known = self.manifest.models.iter().find(|m| m.file == file);
            out.push(InstalledModel {
                name: known.map_or_else(
                    || file.trim_end_matches(".bin").to_string(),
                    |m| m.name.clone(),
                ),
                size: entry.metadata().map(|m| m.len()).unwrap_or(0),
                kind: read_header(&path).ok().map(|h| h.kind),
                known: known.is_some(),
                file,
                path,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Path of an installed model by manifest name or file name; `None` picks the default.
    pub fn resolve(&self, name: Option<&str>, kind: ModelKind) -> Result<PathBuf> {
        let wanted = match name {
            Some(n) => n.to_string(),
            None => self
                .manifest
                .default_of(kind)
                .map(|m| m.name.clone())
                .ok_or_else(|| SpeechError::UnknownModel("(default)".into()))?,
        };
        let as_path = Path::new(&wanted);
        if as_path.components().count() > 1 && as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        self.list()?
            .into_iter()
            .find(|m| m.name == wanted || m.file == wanted || m.file == format!("{wanted}.bin"))
            .map(|m| m.path)
            .ok_or(SpeechError::UnknownModel(wanted))
    }

    /// Copies a model file into the store after checking its header and, where the manifest
    /// knows the file, its checksum. Returns the installed model's path.
    pub fn import(&self, src: &Path, expected_sha256: Option<&str>) -> Result<PathBuf> {
        read_header(src)?;
        let sha = sha256_file(src)?;
        let file_name = src
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .ok_or_else(|| SpeechError::BadModel {
                path: src.to_path_buf(),
                reason: "no file name".into(),
            })?;
        let file = self.check_sha(&file_name, &sha, expected_sha256)?;
        self.ensure_dir()?;
        let dest = self.dir.join(&file);
        let tmp = self.dir.join(format!(".{file}.importing"));
        std::fs::copy(src, &tmp).map_err(|e| SpeechError::io(&tmp, e))?;
        File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| SpeechError::io(&tmp, e))?;
        std::fs::rename(&tmp, &dest).map_err(|e| SpeechError::io(&dest, e))?;
        Ok(dest)
    }

    /// Decides the installed file name and checks the checksum against what is expected: the
    /// caller's value first, then the manifest's for that file name.
    fn check_sha(&self, file_name: &str, actual: &str, expected: Option<&str>) -> Result<String> {
        if let Some(exp) = expected {
            if !exp.eq_ignore_ascii_case(actual) {
                return Err(SpeechError::Checksum {
                    name: file_name.into(),
                    expected: exp.into(),
                    actual: actual.into(),
                });
            }
        }
        if let Some(entry) = self.manifest.by_sha256(actual) {
            return Ok(entry.file.clone());
        }
        if let Some(entry) = self.manifest.by_name(file_name) {
            if let Some(exp) = &entry.sha256 {
                return Err(SpeechError::Checksum {
                    name: entry.name.clone(),
                    expected: exp.clone(),
                    actual: actual.into(),
                });
            }
        }
        Ok(file_name.to_string())
    }

    /// Downloads a model by URL. A partial file from an earlier attempt is resumed with an HTTP
    /// Range request (a server that ignores Range gets the whole file again); the result is
    /// checked against `sha256` before it is moved into place, and only then.
    pub fn download(
        &self,
        url: &str,
        sha256: &str,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<PathBuf> {
        let derr = |reason: String| SpeechError::Download {
            url: url.to_string(),
            reason,
        };
        if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(derr("the SHA-256 must be 64 hexadecimal digits".into()));
        }
        let file_name = url
            .split(['?', '#'])
            .next()
            .and_then(|u| u.rsplit('/').next())
            .filter(|f| !f.is_empty() && !f.starts_with('.'))
            .ok_or_else(|| derr("the URL does not end in a file name".into()))?
            .to_string();
        self.ensure_dir()?;
        let partial = self.dir.join(format!(".{file_name}.partial"));
        let have = std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0);
        let mut req = ureq::get(url).timeout(std::time::Duration::from_secs(60));
        if have > 0 {
            req = req.set("Range", &format!("bytes={have}-"));
        }
        let resp = match req.call() {
            Ok(r) => Some(r),
            // The partial file already holds everything.
            Err(ureq::Error::Status(416, _)) if have > 0 => None,
            Err(e) => return Err(derr(e.to_string())),
        };
        if let Some(resp) = resp {
            let resumed = resp.status() == 206;
            if have > 0 && resumed {
                let range_ok = resp
                    .header("Content-Range")
                    .is_some_and(|r| r.starts_with(&format!("bytes {have}-")));
                if !range_ok {
                    return Err(derr("the server answered a different range".into()));
                }
            }
            let total = resp
                .header("Content-Length")
                .and_then(|l| l.parse::<u64>().ok())
                .map(|l| if resumed { l + have } else { l });
            let mut out = if resumed {
                OpenOptions::new().append(true).open(&partial)
            } else {
                File::create(&partial)
            }
            .map_err(|e| SpeechError::io(&partial, e))?;
            let mut done = if resumed { have } else { 0 };
            let mut body = resp.into_reader();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = body.read(&mut buf).map_err(|e| {
                    derr(format!(
                        "transfer interrupted after {done} bytes ({e}); run again to resume"
                    ))
                })?;
                if n == 0 {
                    break;
                }
                out.write_all(&buf[..n])
                    .map_err(|e| SpeechError::io(&partial, e))?;
                done += n as u64;
                progress(done, total);
            }
            out.sync_all().map_err(|e| SpeechError::io(&partial, e))?;
            if let Some(t) = total {
                if done < t {
                    return Err(derr(format!(
                        "transfer interrupted at {done} of {t} bytes; run again to resume"
                    )));
                }
            }
        }
        let actual = sha256_file(&partial)?;
        if !actual.eq_ignore_ascii_case(sha256) {
            // A wrong file must not be resumed from either.
            let _ = std::fs::remove_file(&partial);
            return Err(SpeechError::Checksum {
                name: file_name,
                expected: sha256.into(),
                actual,
            });
        }
        if let Err(e) = read_header(&partial) {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        let dest = self.dir.join(&file_name);
        std::fs::rename(&partial, &dest).map_err(|e| SpeechError::io(&dest, e))?;
        Ok(dest)
    }

    pub fn remove(&self, name: &str) -> Result<PathBuf> {
        let m = self
            .list()?
            .into_iter()
            .find(|m| m.name == name || m.file == name)
            .ok_or_else(|| SpeechError::UnknownModel(name.into()))?;
        std::fs::remove_file(&m.path).map_err(|e| SpeechError::io(&m.path, e))?;
        Ok(m.path)
    }
}

/// Checks before loading a whisper model for Thai: the processor, the header, multilingual.
pub fn check_whisper_for_thai(path: &Path) -> Result<ModelHeader> {
    check_cpu()?;
    let h = read_header(path)?;
    if h.kind != ModelKind::Whisper {
        return Err(SpeechError::BadModel {
            path: path.to_path_buf(),
            reason: "this is a voice-activity model, not a speech-to-text model".into(),
        });
    }
    if !h.multilingual() {
        return Err(SpeechError::EnglishOnlyModel {
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |f| f.to_string_lossy().into_owned(),
            ),
        });
    }
    Ok(h)
}
