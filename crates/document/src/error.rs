//! Every way rendering, signing or verifying can fail, in English and Thai.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("font file missing or unreadable: {path} / ไม่พบหรืออ่านไฟล์ฟอนต์ไม่ได้: {path}")]
    MissingFont { path: PathBuf },
    #[error("font file is not a usable TrueType font: {path} / ไฟล์ฟอนต์ใช้งานไม่ได้: {path}")]
    BadFont { path: PathBuf },
    #[error("PDF engine failed: {0} / สร้างไฟล์ PDF ไม่สำเร็จ: {0}")]
    Render(String),
    #[error("not a readable PDF: {0} / อ่านไฟล์ PDF ไม่ได้: {0}")]
    BadPdf(String),
    #[error("the PDF carries no Banthuek record (record.json / layout.json) / ไฟล์ PDF นี้ไม่มีข้อมูลบันทึกการจับกุมฝังอยู่")]
    NoEmbeddedRecord,
    #[error("embedded record is damaged: {0} / ข้อมูลบันทึกที่ฝังในไฟล์เสียหาย: {0}")]
    BadEmbeddedRecord(String),
    #[error("the record may not be signed yet: {0} / ยังลงนามบันทึกนี้ไม่ได้: {0}")]
    NotSignable(String),
    #[error("no signature block '{0}' in this document / ไม่พบช่องลงนาม '{0}' ในเอกสาร")]
    NoSuchBlock(String),
    #[error("signature block '{0}' is already signed / ช่องลงนาม '{0}' ลงนามแล้ว")]
    AlreadySigned(String),
    #[error("the supervisor may countersign only after the recorder has signed / หัวหน้าลงนามรับรองได้หลังผู้บันทึกลงนามแล้วเท่านั้น")]
    CountersignBeforeSign,
    #[error("the supervisor's countersignature must come from someone other than the recorder / ผู้ลงนามรับรองต้องไม่ใช่ผู้บันทึกคนเดียวกัน")]
    SameSigner,
    #[error("private key does not match the certificate (wrong key or wrong password) / กุญแจส่วนตัวไม่ตรงกับใบรับรอง (กุญแจหรือรหัสผ่านผิด)")]
    KeyMismatch,
    #[error("certificate is not valid at this time ({0}) / ใบรับรองหมดอายุหรือยังไม่เริ่มใช้ ({0})")]
    CertificateExpired(String),
    #[error(
        "certificate was not issued by the given station CA / ใบรับรองไม่ได้ออกโดยหน่วยงานรับรองของสถานี"
    )]
    ForeignCertificate,
    #[error("certificate may not be used to sign documents / ใบรับรองนี้ใช้ลงนามเอกสารไม่ได้")]
    NotASigningCertificate,
    #[error("key or certificate is malformed: {0} / กุญแจหรือใบรับรองไม่ถูกต้อง: {0}")]
    BadKey(String),
    #[error("cryptographic operation failed: {0} / การเข้ารหัสล้มเหลว: {0}")]
    Crypto(String),
    #[error("signature does not fit the space reserved for it / ลายมือชื่อดิจิทัลมีขนาดเกินพื้นที่ที่จองไว้")]
    SignatureTooLarge,
}

pub type Result<T, E = DocumentError> = std::result::Result<T, E>;
