//! Errors of the speech crate. Each message is in English and Thai: officers and station
//! administrators read them.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("cannot read {path}: {source} / อ่านไฟล์ไม่ได้")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is empty / ไฟล์ว่างเปล่า")]
    EmptyFile { path: PathBuf },
    #[error("{path} is not an audio file we can read ({reason}) / ไม่ใช่ไฟล์เสียงที่อ่านได้")]
    NotAudio { path: PathBuf, reason: String },
    #[error("{path} contains no audio samples / ไฟล์ไม่มีข้อมูลเสียง")]
    NoAudio { path: PathBuf },
    #[error("{path} is damaged or truncated ({reason}) / ไฟล์เสียหายหรือไม่สมบูรณ์")]
    Truncated { path: PathBuf, reason: String },
    #[error("resampling failed: {0} / แปลงอัตราสุ่มเสียงไม่สำเร็จ")]
    Resample(String),
    #[error("{path} is not a whisper model ({reason}) / ไม่ใช่ไฟล์โมเดลรู้จำเสียง")]
    BadModel { path: PathBuf, reason: String },
    #[error("model {name} is English-only and cannot transcribe Thai / โมเดล {name} รองรับเฉพาะภาษาอังกฤษ ถอดเสียงภาษาไทยไม่ได้")]
    EnglishOnlyModel { name: String },
    #[error("checksum mismatch for {name}: expected {expected}, got {actual} / ค่าตรวจสอบ SHA-256 ไม่ตรงกัน")]
    Checksum {
        name: String,
        expected: String,
        actual: String,
    },
    #[error("no model named {0} is installed / ไม่พบโมเดลชื่อ {0}")]
    UnknownModel(String),
    #[error("this computer's processor lacks {missing}, which this build of the speech engine needs / หน่วยประมวลผลของเครื่องนี้ไม่รองรับ {missing} ที่เครื่องมือรู้จำเสียงต้องใช้")]
    CpuUnsupported { missing: String },
    #[error("download of {url} failed: {reason} / ดาวน์โหลดไม่สำเร็จ")]
    Download { url: String, reason: String },
    #[error("model conversion failed: {0} / แปลงโมเดลไม่สำเร็จ")]
    Convert(String),
    #[error("the speech engine failed: {0} / เครื่องมือรู้จำเสียงทำงานผิดพลาด")]
    Engine(String),
    #[error("transcription was cancelled / ยกเลิกการถอดเสียงแล้ว")]
    Cancelled,
    #[error("the speech engine stopped ({status}) twice on the same audio; last output: {stderr_tail} / เครื่องมือรู้จำเสียงหยุดทำงานซ้ำ")]
    WorkerCrashed { status: String, stderr_tail: String },
    /// An error the worker process reported; its message is already bilingual.
    #[error("{message}")]
    Reported { code: String, message: String },
    #[error("the engine protocol was violated: {0} / การสื่อสารกับเครื่องมือรู้จำเสียงผิดพลาด")]
    Protocol(String),
    #[error("audio device error: {0} / อุปกรณ์เสียงผิดพลาด")]
    Device(String),
    #[error("model manifest is invalid: {0} / รายการโมเดลไม่ถูกต้อง")]
    Manifest(String),
    #[error("the test voice could not speak: {0} / เสียงสังเคราะห์สำหรับทดสอบพูดไม่ได้")]
    Synthesis(String),
}

impl SpeechError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SpeechError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, SpeechError>;
