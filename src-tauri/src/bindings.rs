//! TypeScript bindings for the page (ui/src/bindings/), generated from [`crate::views`] and
//! [`crate::error`] with ts-rs, and the page's contract from [`crate::contract`]: the events
//! by name with their payloads (`events.ts`). `tests/bindings.rs` adds `commands.ts` (each
//! command's arguments and result, read from its `#[tauri::command]` signature) and checks the
//! committed files are current;
//! `BANTHUEK_WRITE_BINDINGS=1 cargo test -p banthuek-app --test bindings` rewrites them.

use crate::error::AppError;
use crate::views::*;
use std::path::Path;
use ts_rs::{ExportError, TS};

/// Writes every binding (and what they refer to) under `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    AppError::export_all_to(dir)?;
    AppInfo::export_all_to(dir)?;
    FirstRun::export_all_to(dir)?;
    SessionInfo::export_all_to(dir)?;
    RecordSummaryView::export_all_to(dir)?;
    RecordView::export_all_to(dir)?;
    ClassificationView::export_all_to(dir)?;
    AccessReportView::export_all_to(dir)?;
    FieldIssue::export_all_to(dir)?;
    FieldComment::export_all_to(dir)?;
    HistoryView::export_all_to(dir)?;
    AudioClip::export_all_to(dir)?;
    SyncView::export_all_to(dir)?;
    Settings::export_all_to(dir)?;
    ModelView::export_all_to(dir)?;
    ResumeInfo::export_all_to(dir)?;
    Resumed::export_all_to(dir)?;
    AudioLevel::export_all_to(dir)?;
    TranscriptPartial::export_all_to(dir)?;
    TranscriptFinal::export_all_to(dir)?;
    StageTimes::export_all_to(dir)?;
    SpokenValue::export_all_to(dir)?;
    EngineStatus::export_all_to(dir)?;
    DictationState::export_all_to(dir)?;
    ValueReading::export_all_to(dir)?;
    SessionLocked::export_all_to(dir)?;
    crate::idcard::CardPreview::export_all_to(dir)?;
    crate::contract::CloseRequested::export_all_to(dir)?;
    std::fs::write(dir.join("events.ts"), crate::contract::events_ts())?;
    Ok(())
}
