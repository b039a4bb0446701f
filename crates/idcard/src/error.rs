//! What can go wrong reading a card, and what is worth a warning though the values are usable.
//! Every message carries English and Thai. None carries a value read from the card.

/// Reading failed: nothing from the card may be used.
#[derive(Debug, thiserror::Error)]
pub enum IdCardError {
    #[error("the smart-card service (pcscd) is not running / บริการเครื่องอ่านบัตร (pcscd) ไม่ทำงาน")]
    NoService,
    #[error("no card reader is connected / ไม่พบเครื่องอ่านบัตร")]
    NoReader,
    #[error("no card reader named '{0}' / ไม่พบเครื่องอ่านบัตรชื่อ '{0}'")]
    UnknownReader(String),
    #[error("no card in the reader; insert the ID card / ไม่มีบัตรในเครื่องอ่าน กรุณาเสียบบัตรประชาชน")]
    NoCard,
    #[error(
        "the card was removed before it was read completely; insert it again and keep it in / \
         บัตรถูกถอดออกก่อนอ่านเสร็จ กรุณาเสียบบัตรใหม่และอย่าดึงออกจนอ่านเสร็จ"
    )]
    CardRemoved,
    #[error("this is not a Thai national ID card / บัตรนี้ไม่ใช่บัตรประจำตัวประชาชนไทย")]
    NotThaiIdCard,
    #[error("the card's {field} could not be read / อ่าน{field_th}จากบัตรไม่ได้")]
    UnreadableField {
        field: &'static str,
        field_th: &'static str,
    },
    #[error(
        "the ID number on the card fails its check digit / เลขประจำตัวประชาชนบนบัตรไม่ผ่านการตรวจเลขหลักสุดท้าย"
    )]
    BadCheckDigit,
    #[error("arrestee {index} does not exist (the record has {count}) / ไม่มีผู้ต้องหาลำดับที่ {index}")]
    NoSuchArrestee { index: usize, count: usize },
    #[error("the card reader failed: {0} / เครื่องอ่านบัตรขัดข้อง: {0}")]
    Reader(pcsc::Error),
    #[error("the filled record does not fit the exchange format / ข้อมูลจากบัตรไม่ตรงรูปแบบบันทึก: {0}")]
    Record(#[from] banthuek_core::record::RecordError),
}

impl IdCardError {
    /// A stable code for the app and scripts (`no_reader`, `card_removed`, …).
    pub fn code(&self) -> &'static str {
        match self {
            IdCardError::NoService => "no_service",
            IdCardError::NoReader => "no_reader",
            IdCardError::UnknownReader(_) => "unknown_reader",
            IdCardError::NoCard => "no_card",
            IdCardError::CardRemoved => "card_removed",
            IdCardError::NotThaiIdCard => "not_thai_id_card",
            IdCardError::UnreadableField { .. } => "unreadable_field",
            IdCardError::BadCheckDigit => "bad_check_digit",
            IdCardError::NoSuchArrestee { .. } => "no_such_arrestee",
            IdCardError::Reader(_) => "reader",
            IdCardError::Record(_) => "record",
        }
    }

    /// Maps a PC/SC failure during a read: a card that is gone, reset or no longer answering was
    /// pulled (or moved) mid-read.
    pub(crate) fn from_transmit(e: pcsc::Error) -> IdCardError {
        use pcsc::Error as E;
        match e {
            E::RemovedCard
            | E::ResetCard
            | E::NoSmartcard
            | E::UnpoweredCard
            | E::UnresponsiveCard
            | E::NotTransacted
            | E::CommError
            | E::ReaderUnavailable => IdCardError::CardRemoved,
            other => IdCardError::from(other),
        }
    }
}

impl From<pcsc::Error> for IdCardError {
    fn from(e: pcsc::Error) -> Self {
        use pcsc::Error as E;
        match e {
            E::NoService | E::ServiceStopped => IdCardError::NoService,
            E::NoReadersAvailable | E::UnknownReader | E::ReaderUnavailable => {
                IdCardError::NoReader
            }
            E::NoSmartcard | E::RemovedCard => IdCardError::NoCard,
            other => IdCardError::Reader(other),
        }
    }
}

/// The card was read and its values are usable, but the officer should know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum CardWarning {
    /// The card expired before the day it was read.
    Expired { expires: String },
    /// The card holds only the year (or year and month) of birth: the age is counted from the
    /// latest possible birthday, and `birth_date` stays empty.
    BirthDateIncomplete,
    /// An address part is not in the national registry of places (the card's value is kept).
    PlaceNotInRegistry { part: &'static str },
}

impl std::fmt::Display for CardWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardWarning::Expired { expires } => write!(
                f,
                "the card expired on {expires}; its values are still usable / \
                 บัตรหมดอายุแล้วเมื่อ {expires} ข้อมูลยังใช้ได้"
            ),
            CardWarning::BirthDateIncomplete => write!(
                f,
                "the card holds no full birth date; the age is counted from the latest possible \
                 birthday / บัตรไม่มีวันเกิดครบถ้วน คำนวณอายุจากวันเกิดที่เป็นไปได้ล่าสุด"
            ),
            CardWarning::PlaceNotInRegistry { part } => write!(
                f,
                "the address's {part} is not in the registry of places; kept as on the card / \
                 {part} ในที่อยู่ไม่พบในทะเบียนสถานที่ ใช้ตามบัตร"
            ),
        }
    }
}
