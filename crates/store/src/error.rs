//! Everything the store can refuse, in English and Thai. Messages name the file or field at
//! fault but never personal data from a record.

use banthuek_core::record::RecordError;
use banthuek_core::{RuleViolation, WorkflowError};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Banthuek store in {home} (run `banthuek init` first) / ไม่พบฐานข้อมูลใน {home} (สั่ง banthuek init ก่อน)")]
    NotInitialised { home: PathBuf },
    #[error("{path} already exists; refusing to overwrite it / มีไฟล์ {path} อยู่แล้ว จะไม่เขียนทับ")]
    AlreadyExists { path: PathBuf },
    #[error("{path} is a plain, unencrypted SQLite file, not a Banthuek store; it was left untouched / {path} เป็นไฟล์ SQLite ที่ไม่เข้ารหัส ไม่ใช่ฐานข้อมูลบันทึก ไม่ได้แก้ไขไฟล์นี้")]
    PlainSqlite { path: PathBuf },
    #[error("{path} is not this station's Banthuek store, or it is corrupted ({reason}); it was left untouched / {path} ไม่ใช่ฐานข้อมูลของเครื่องนี้หรือไฟล์เสียหาย ({reason}) ไม่ได้แก้ไขไฟล์นี้")]
    ForeignDatabase { path: PathBuf, reason: String },
    #[error("{path} was written by a newer Banthuek (schema {found}, this version knows up to {supported}) / {path} สร้างโดยโปรแกรมรุ่นใหม่กว่า (schema {found} รุ่นนี้รองรับถึง {supported})")]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("key slot file {path} is unreadable ({reason}); it was left untouched / ไฟล์กุญแจ {path} อ่านไม่ได้ ({reason})")]
    BadKeySlots { path: PathBuf, reason: String },
    #[error("wrong user name or password ({attempts_left} attempts left before the account is locked) / ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (เหลืออีก {attempts_left} ครั้งก่อนบัญชีถูกล็อก)")]
    WrongPassword { attempts_left: u32 },
    #[error("account '{user}' is locked after too many wrong passwords; try again in {seconds_left} s / บัญชี '{user}' ถูกล็อกเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ในอีก {seconds_left} วินาที")]
    AccountLocked { user: String, seconds_left: i64 },
    #[error("wrong recovery key / กุญแจกู้คืนไม่ถูกต้อง")]
    WrongRecoveryKey,
    #[error("account '{0}' is disabled / บัญชี '{0}' ถูกระงับ")]
    AccountDisabled(String),
    #[error("user '{0}' already exists / มีผู้ใช้ '{0}' อยู่แล้ว")]
    UserExists(String),
    #[error("no user '{0}' / ไม่พบผู้ใช้ '{0}'")]
    NoSuchUser(String),
    #[error(
        "invalid user name '{0}': use 1–64 letters, digits, '.', '_' or '-' / ชื่อผู้ใช้ '{0}' ไม่ถูกต้อง"
    )]
    BadUserName(String),
    #[error("the password must have at least 8 characters / รหัสผ่านต้องยาวอย่างน้อย 8 ตัวอักษร")]
    WeakPassword,
    #[error("a {role} may not {what} / บทบาท {role} ไม่มีสิทธิ์{what_th}")]
    NotPermitted {
        role: String,
        what: String,
        what_th: String,
    },
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the record cannot be submitted yet / ยังส่งบันทึกไม่ได้: {}", list(.0))]
    NotSignable(Vec<RuleViolation>),
    #[error("the record cannot be signed while fields hold text that does not fit them / ยังลงนามไม่ได้ เพราะมีช่องที่กรอกไม่ตรงรูปแบบ: {}", .0.join(", "))]
    TypedValuesInvalid(Vec<String>),
    #[error("record {id} changed since version {based_on} (now {latest}) / บันทึก {id} ถูกแก้ไขแล้วหลังฉบับที่ {based_on} (ล่าสุด {latest})")]
    Stale {
        id: String,
        based_on: u32,
        latest: u32,
    },
    #[error("no record with id {0} / ไม่พบบันทึกรหัส {0}")]
    UnknownRecord(String),
    #[error("no audio with id {0} / ไม่พบไฟล์เสียงรหัส {0}")]
    UnknownAudio(String),
    #[error(
        "stored data for {what} failed its SHA-256 check / ข้อมูล {what} ไม่ตรงกับค่า SHA-256 ที่บันทึกไว้"
    )]
    Tampered { what: String },
    #[error("record {record_id} version {version} has no countersigned PDF to queue / บันทึก {record_id} ฉบับที่ {version} ยังไม่มี PDF ที่ลงนามรับรอง")]
    NoSignedPdf { record_id: String, version: u32 },
    #[error("no outbox entry {0} / ไม่พบรายการรอส่ง {0}")]
    UnknownOutboxEntry(String),
    #[error("a reason is required for every saved version / ต้องระบุเหตุผลทุกครั้งที่บันทึกฉบับใหม่")]
    ReasonRequired,
    #[error("{user} may not {what} record {record_id}: it is classified {} / {user} ไม่มีสิทธิ์{what_th}บันทึก {record_id} ซึ่งมีชั้นความลับ{}", .level.label_en(), .level.label_th())]
    AccessDenied {
        user: String,
        record_id: String,
        what: &'static str,
        what_th: &'static str,
        level: banthuek_core::Classification,
    },
    #[error("the classification of record {record_id} may be raised but never lowered ({from} → {to}) / ชั้นความลับของบันทึก {record_id} ปรับขึ้นได้แต่ลดลงไม่ได้ ({} → {})", .from.label_th(), .to.label_th())]
    ClassificationLowered {
        record_id: String,
        from: banthuek_core::Classification,
        to: banthuek_core::Classification,
    },
    #[error("record {record_id} is {status}: its classification is sealed in the signed document and can no longer change / บันทึก {record_id} อยู่ในสถานะ {status} ชั้นความลับพิมพ์อยู่ในเอกสารที่ลงนามแล้ว เปลี่ยนไม่ได้")]
    ClassificationSealed { record_id: String, status: String },
    #[error("record {0} was purged from this laptop under the retention policy after the central system acknowledged it / บันทึก {0} ถูกลบออกจากเครื่องนี้ตามนโยบายการเก็บรักษาข้อมูลหลังระบบกลางรับแล้ว")]
    Purged(String),
    #[error("invalid retention policy value for {key}: '{value}' ({reason}) / ค่านโยบายการเก็บรักษาข้อมูล {key} ไม่ถูกต้อง: '{value}'")]
    BadPolicy {
        key: String,
        value: String,
        reason: String,
    },
    #[error("database error / ฐานข้อมูลผิดพลาด: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cryptography error / การเข้ารหัสผิดพลาด: {0}")]
    Crypto(String),
}

fn list(v: &[RuleViolation]) -> String {
    v.iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.into();
        move |source| StoreError::Io { path, source }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
