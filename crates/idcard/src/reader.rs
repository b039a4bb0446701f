//! PC/SC: the readers, waiting for a card, and reading it. A virtual reader (and some real ones)
//! shows several slots ("Virtual PCD 00 00", "… 00 01"): the card is looked for in every slot,
//! or only in the one named. Everything is read before anything is returned, so a card pulled
//! mid-read yields an error and no values.

use crate::apdu::{self, Field};
use crate::card::{CardData, RawCard};
use crate::error::{CardWarning, IdCardError};
use chrono::{DateTime, Local};
use pcsc::{Card, Context, Protocols, ReaderState, Scope, ShareMode, State};
use serde::Serialize;
use std::ffi::CString;
use std::time::{Duration, Instant};

/// A reader (slot) and whether a card is in it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
}

/// How to read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Only this reader; else the first that holds a card.
    pub reader: Option<String>,
    /// How long to wait for a card to be inserted (zero: it must be there already).
    pub wait: Duration,
    /// Read the photo too (about 5 KB; only where station policy allows it).
    pub photo: bool,
}

/// A card read completely.
#[derive(Clone, Serialize)]
pub struct CardRead {
    /// The reader (slot) it was read in.
    pub reader: String,
    /// When it was read (local time).
    pub read_at: DateTime<Local>,
    pub card: CardData,
    pub warnings: Vec<CardWarning>,
    /// The JPEG photo, only when asked for. Never stored by this crate.
    #[serde(skip)]
    pub photo: Option<Vec<u8>>,
}

impl std::fmt::Debug for CardRead {
    // No personal data in debug output (it may reach a log).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardRead")
            .field("reader", &self.reader)
            .field("read_at", &self.read_at)
            .field("warnings", &self.warnings)
            .field("photo_bytes", &self.photo.as_ref().map(Vec::len))
            .finish_non_exhaustive()
    }
}

fn establish() -> Result<Context, IdCardError> {
    Ok(Context::establish(Scope::User)?)
}

fn reader_names(ctx: &Context) -> Result<Vec<CString>, IdCardError> {
    let names = ctx.list_readers_owned()?;
    if names.is_empty() {
        return Err(IdCardError::NoReader);
    }
    Ok(names)
}

/// The current state of each reader.
fn states(ctx: &Context, names: &[CString]) -> Result<Vec<ReaderState>, IdCardError> {
    let mut states: Vec<ReaderState> = names
        .iter()
        .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
        .collect();
    match ctx.get_status_change(Duration::ZERO, &mut states) {
        Ok(()) | Err(pcsc::Error::Timeout) => Ok(states),
        Err(e) => Err(e.into()),
    }
}

fn holds_card(state: &ReaderState) -> bool {
    let s = state.event_state();
    s.contains(State::PRESENT) && !s.contains(State::MUTE)
}

/// Every reader (slot) PC/SC knows, and whether it holds a card.
pub fn readers() -> Result<Vec<ReaderInfo>, IdCardError> {
    let ctx = establish()?;
    let names = reader_names(&ctx)?;
    Ok(states(&ctx, &names)?
        .iter()
        .map(|s| ReaderInfo {
            name: s.name().to_string_lossy().into_owned(),
            card_present: holds_card(s),
        })
        .collect())
}

/// Waits until one of `names` holds a card; returns that reader.
fn wait_for_card(ctx: &Context, names: &[CString], wait: Duration) -> Result<CString, IdCardError> {
    let deadline = Instant::now() + wait;
    let mut states = states(ctx, names)?;
    loop {
        if let Some(s) = states.iter().find(|s| holds_card(s)) {
            return Ok(s.name().to_owned());
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(IdCardError::NoCard);
        }
        for s in &mut states {
            s.sync_current_state();
        }
        match ctx.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => return Err(IdCardError::NoCard),
            Err(e) => return Err(e.into()),
        }
    }
}

/// Sends one command; an answer without a status word (a card pulled during the command can
/// give 0 bytes) is a removed card.
fn command(card: &Card, apdu: &[u8]) -> Result<Vec<u8>, IdCardError> {
    let mut buf = [0u8; pcsc::MAX_BUFFER_SIZE];
    let answer = card
        .transmit(apdu, &mut buf)
        .map_err(IdCardError::from_transmit)?;
    if answer.len() < 2 {
        return Err(IdCardError::CardRemoved);
    }
    Ok(answer.to_vec())
}

fn status_word(answer: &[u8]) -> (u8, u8) {
    (answer[answer.len() - 2], answer[answer.len() - 1])
}

fn unreadable(field: &Field) -> IdCardError {
    IdCardError::UnreadableField {
        field: field.name,
        field_th: field.name_th,
    }
}

/// READ BINARY at `offset`, then GET RESPONSE when the card says `61 xx`.
fn read(card: &Card, atr: &[u8], field: &Field, offset: u16) -> Result<Vec<u8>, IdCardError> {
    let answer = command(card, &apdu::read_binary(offset, field.len))?;
    let data = match status_word(&answer) {
        (0x61, available) => {
            let got = command(card, &apdu::get_response(atr, available))?;
            if status_word(&got) != (0x90, 0x00) {
                return Err(unreadable(field));
            }
            got[..got.len() - 2].to_vec()
        }
        (0x90, 0x00) if answer.len() > 2 => answer[..answer.len() - 2].to_vec(),
        _ => return Err(unreadable(field)),
    };
    if data.is_empty() {
        return Err(unreadable(field));
    }
    Ok(data)
}

fn read_field(card: &Card, atr: &[u8], field: &Field) -> Result<Vec<u8>, IdCardError> {
    read(card, atr, field, field.offset)
}

/// The JPEG: all chunks, cut after its end marker (the rest of the area is padding).
fn read_photo(card: &Card, atr: &[u8]) -> Result<Vec<u8>, IdCardError> {
    let mut photo = Vec::with_capacity(usize::from(apdu::PHOTO_CHUNKS) * 255);
    for i in 0..apdu::PHOTO_CHUNKS {
        let offset = apdu::PHOTO_OFFSET + i * u16::from(apdu::PHOTO_CHUNK);
        photo.extend(read(card, atr, &apdu::PHOTO, offset)?);
    }
    if let Some(end) = photo.windows(2).rposition(|w| w == [0xFF, 0xD9]) {
        photo.truncate(end + 2);
    }
    Ok(photo)
}

fn read_raw(card: &Card, atr: &[u8]) -> Result<RawCard, IdCardError> {
    let select = command(card, &apdu::select_applet())?;
    match status_word(&select) {
        (0x61, _) | (0x90, 0x00) => {}
        _ => return Err(IdCardError::NotThaiIdCard),
    }
    Ok(RawCard {
        national_id: read_field(card, atr, &apdu::NATIONAL_ID)?,
        name_th: read_field(card, atr, &apdu::NAME_TH)?,
        name_en: read_field(card, atr, &apdu::NAME_EN)?,
        birth_date: read_field(card, atr, &apdu::BIRTH_DATE)?,
        sex: read_field(card, atr, &apdu::SEX)?,
        issued: read_field(card, atr, &apdu::ISSUED)?,
        expires: read_field(card, atr, &apdu::EXPIRES)?,
        address: read_field(card, atr, &apdu::ADDRESS)?,
        // The issuer is only shown to the officer: a card that does not give it is still read.
        issuer: match read_field(card, atr, &apdu::ISSUER) {
            Err(IdCardError::UnreadableField { .. }) => Vec::new(),
            other => other?,
        },
    })
}

/// Waits for a card (up to `options.wait`), selects the Thai ID applet and reads every field
/// (and the photo when asked). The card's expiry is judged against the day of reading.
pub fn read_card(options: &ReadOptions) -> Result<CardRead, IdCardError> {
    let started = Instant::now();
    let ctx = establish()?;
    let mut names = reader_names(&ctx)?;
    if let Some(wanted) = &options.reader {
        names.retain(|n| n.to_string_lossy() == wanted.as_str());
        if names.is_empty() {
            return Err(IdCardError::UnknownReader(wanted.clone()));
        }
    }
    let reader = wait_for_card(&ctx, &names, options.wait)?;
    let mut card = ctx
        .connect(&reader, ShareMode::Shared, Protocols::ANY)
        .map_err(|e| match e {
            pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => IdCardError::NoCard,
            other => IdCardError::from_transmit(other),
        })?;
    let (raw, photo) = {
        let tx = card.transaction().map_err(IdCardError::from_transmit)?;
        let status = tx.status2_owned().map_err(IdCardError::from_transmit)?;
        let atr = status.atr().to_vec();
        let raw = read_raw(&tx, &atr)?;
        let photo = if options.photo {
            Some(read_photo(&tx, &atr)?)
        } else {
            None
        };
        // Ending the transaction on a pulled card fails; what was read is complete already.
        let _ = tx.end(pcsc::Disposition::LeaveCard);
        (raw, photo)
    };
    let _ = card.disconnect(pcsc::Disposition::LeaveCard);
    let (data, mut warnings) = CardData::decode(&raw)?;
    let read_at = Local::now();
    if let Some(expires) = data.expires {
        if expires < read_at.date_naive() {
            warnings.insert(
                0,
                CardWarning::Expired {
                    expires: expires.to_string(),
                },
            );
        }
    }
    let reader = reader.to_string_lossy().into_owned();
    tracing::debug!(
        reader = %reader,
        ms = started.elapsed().as_millis() as u64,
        photo = options.photo,
        "ID card read"
    );
    Ok(CardRead {
        reader,
        read_at,
        card: data,
        warnings,
        photo,
    })
}
