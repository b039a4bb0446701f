//! What the page sees: the commands' arguments and results and the events' payloads. Each type is
//! exported to TypeScript (ui/src/bindings/) by `bindings::write`, so the page and the backend
//! cannot disagree on a field name.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A record's status as the page receives it: core's [`banthuek_core::Status`], variant for
/// variant (the exhaustive `From` fails to compile when core gains one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "RecordStatus.ts")]
pub enum RecordStatus {
    Draft,
    Submitted,
    Returned,
    Approved,
    Signed,
    Queued,
    Synced,
}

impl From<banthuek_core::Status> for RecordStatus {
    fn from(s: banthuek_core::Status) -> Self {
        use banthuek_core::Status as S;
        match s {
            S::Draft => RecordStatus::Draft,
            S::Submitted => RecordStatus::Submitted,
            S::Returned => RecordStatus::Returned,
            S::Approved => RecordStatus::Approved,
            S::Signed => RecordStatus::Signed,
            S::Queued => RecordStatus::Queued,
            S::Synced => RecordStatus::Synced,
        }
    }
}

/// An account's role as the page receives it: core's [`banthuek_core::Role`], variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "AccountRole.ts")]
pub enum AccountRole {
    Officer,
    Supervisor,
    Admin,
    System,
}

impl From<banthuek_core::Role> for AccountRole {
    fn from(r: banthuek_core::Role) -> Self {
        use banthuek_core::Role as R;
        match r {
            R::Officer => AccountRole::Officer,
            R::Supervisor => AccountRole::Supervisor,
            R::Admin => AccountRole::Admin,
            R::System => AccountRole::System,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Digits.ts")]
pub enum Digits {
    /// ๐๑๒๓… (the default on official Thai documents).
    #[default]
    Thai,
    Arabic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "Language.ts")]
pub enum Language {
    #[default]
    Th,
    En,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AppInfo.ts")]
pub struct AppInfo {
    pub version: String,
    /// The station's name, once someone has logged in on this laptop (it is in the locked store).
    pub station: Option<String>,
    pub digits: Digits,
    pub language: Language,
    pub idle_lock_minutes: u32,
    /// Whether a user is logged in now.
    pub session: Option<SessionInfo>,
    /// Whether this laptop holds a station yet; before, the page shows the first-run screen.
    pub initialised: bool,
}

/// The first-run screen's result: the administrator logged in, and the recovery key shown once.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FirstRun.ts")]
pub struct FirstRun {
    pub session: SessionInfo,
    pub recovery_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SessionInfo.ts")]
pub struct SessionInfo {
    pub user: String,
    pub role: AccountRole,
    /// Rank and full name from the account, when set.
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// A status code ("draft", "submitted", …); none for all.
    pub status: Option<String>,
    /// Matched against arrestee names, national ID / passport and the arrest date.
    pub query: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "RecordSummaryView.ts")]
pub struct RecordSummaryView {
    pub id: String,
    pub status: RecordStatus,
    pub version: u32,
    pub created_at: String,
    pub created_by: String,
    /// Who created it as people read it: rank and full name (the login name when neither is
    /// known).
    pub created_by_name: String,
    pub updated_at: String,
    /// "first last" of each arrestee.
    pub arrestees: Vec<String>,
    pub arrest_date: Option<String>,
    pub arrest_time: Option<String>,
    pub charges: Vec<String>,
    /// Classification code: "unclassified" | "secret" | "top_secret" (the chosen level).
    pub classification: String,
    /// An arrestee is under 18 (the record counts as at least secret).
    pub juvenile: bool,
    /// The logged-in user may not open it: names, charges and arrest time are left out.
    pub restricted: bool,
}

/// A record's classification as the record screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ClassificationView.ts")]
pub struct ClassificationView {
    /// Chosen or raised level: "unclassified" | "secret" | "top_secret".
    pub level: String,
    /// An arrestee is under 18: the record counts as at least secret.
    pub juvenile: bool,
    /// The level the access rules apply.
    pub effective: String,
    /// The lowest level the officer may still choose (what a supervisor raised it to).
    pub floor: String,
}

/// One line of the access report (administrators).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AccessEventView.ts")]
pub struct AccessEventView {
    pub seq: i64,
    pub at: String,
    pub user: String,
    /// "opened" | "changed" | "signed" | "exported" | "synced" | "denied" | "purged" | "account".
    pub kind: String,
    /// The audit action, e.g. "record_opened".
    pub action: String,
    pub record_id: Option<String>,
}

/// The access report: who did what to which record, and whether the audit chain is whole.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AccessReportView.ts")]
pub struct AccessReportView {
    /// The audit chain checks out; when false the report cannot be trusted.
    pub chain_whole: bool,
    pub events: Vec<AccessEventView>,
}

/// Why a record cannot be signed yet, for one field.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FieldIssue.ts")]
pub struct FieldIssue {
    pub pointer: String,
    /// "invalid_value" (typed text kept as typed, see `banthuek_dictation`) | "missing" |
    /// "bad_national_id" | "bad_date" | "future_date" | "unconfirmed".
    pub rule: String,
    pub en: String,
    pub th: String,
}

/// A supervisor's comment on one field (pointer "" for the record as a whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FieldComment.ts")]
pub struct FieldComment {
    pub pointer: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "RecordView.ts")]
pub struct RecordView {
    pub id: String,
    pub status: RecordStatus,
    pub version: u32,
    /// The record in the exchange format (arrest-record-v1), provenance included.
    pub record: Value,
    /// Everything that still blocks signing (missing fields, bad IDs, unconfirmed values…).
    pub missing: Vec<FieldIssue>,
    /// JSON pointers of dictated values below the confidence threshold, not yet confirmed.
    pub low_confidence: Vec<String>,
    /// The supervisor's comments from the latest return, if the record was returned.
    pub comments: Vec<FieldComment>,
    /// Whether the logged-in user may change it now.
    pub editable: bool,
    /// JSON pointers of fields with dictation audio behind them.
    pub with_audio: Vec<String>,
    pub classification: ClassificationView,
    /// The words its text boxes keep whole on a line (drug names, places, its people's names),
    /// each as shown: with WORD JOINER (U+2060) between its characters, longest first. The page
    /// shows typed text with these forms and removes every joiner from what it reads back.
    pub keep_whole: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "VersionView.ts")]
pub struct VersionView {
    pub version: u32,
    pub author: String,
    pub saved_at: String,
    pub reason: String,
    /// "machine" | "typed" | "edited" | "imported".
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EventView.ts")]
pub struct EventView {
    pub action: String,
    pub from: Option<RecordStatus>,
    pub to: RecordStatus,
    pub version: u32,
    pub actor: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "FieldDiff.ts")]
pub struct FieldDiff {
    pub pointer: String,
    /// The value in the first machine draft (null: absent there).
    pub first: Value,
    /// The value now (null: removed since).
    pub current: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "HistoryView.ts")]
pub struct HistoryView {
    pub versions: Vec<VersionView>,
    pub events: Vec<EventView>,
    /// The version the diff starts from: the first machine draft, or version 1 if none.
    pub first_draft_version: u32,
    pub diff_from_first_draft: Vec<FieldDiff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AudioClip.ts")]
pub struct AudioClip {
    pub mime: String,
    pub base64: String,
    /// Where the clip lies in the dictation recording.
    #[ts(type = "number")]
    pub start_ms: u64,
    #[ts(type = "number")]
    pub end_ms: u64,
}

/// Where a record version is on its way to the central system: the store's
/// [`banthuek_store::OutboxStatus`], variant for variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "SyncState.ts")]
pub enum SyncState {
    Queued,
    Sending,
    Synced,
    Rejected,
}

impl From<banthuek_store::OutboxStatus> for SyncState {
    fn from(s: banthuek_store::OutboxStatus) -> Self {
        use banthuek_store::OutboxStatus as O;
        match s {
            O::Queued => SyncState::Queued,
            O::Sending => SyncState::Sending,
            O::Synced => SyncState::Synced,
            O::Rejected => SyncState::Rejected,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SyncRowView.ts")]
pub struct SyncRowView {
    /// record id:version, the idempotency key.
    pub key: String,
    pub record_id: String,
    /// "first last" of each arrestee while the record waits; empty once it is synced, or when
    /// the user may not open it.
    pub arrestees: Vec<String>,
    pub arrest_date: Option<String>,
    pub version: u32,
    pub state: SyncState,
    /// The receiver's reason (rejected) or the last error (still queued).
    pub reason: Option<String>,
    pub attempts: u32,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SyncView.ts")]
pub struct SyncView {
    /// The central system answered the last attempt (false until one has been made).
    pub online: bool,
    pub enrolled: bool,
    /// A send is in progress.
    pub running: bool,
    pub last_error: Option<AppError>,
    pub last_attempt_at: Option<String>,
    pub rows: Vec<SyncRowView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Settings.ts")]
pub struct Settings {
    /// Input device name; none: the system default.
    #[serde(default)]
    pub microphone: Option<String>,
    /// Speech model name from the manifest; none: the default one.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub digits: Digits,
    #[serde(default = "default_idle_lock")]
    pub idle_lock_minutes: u32,
    #[serde(default)]
    pub language: Language,
}

pub fn default_idle_lock() -> u32 {
    10
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            microphone: None,
            model: None,
            digits: Digits::Thai,
            idle_lock_minutes: default_idle_lock(),
            language: Language::Th,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ModelView.ts")]
pub struct ModelView {
    pub name: String,
    pub size_mb: f64,
    pub installed: bool,
    pub default: bool,
    /// Seconds of work per second of speech measured on this laptop (lower is faster).
    pub measured_rtf: Option<f64>,
}

/// A resumed dictation: the record as it now is, and the text read again from the kept audio
/// (one entry per recording), for the transcript.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Resumed.ts")]
pub struct Resumed {
    pub record: RecordView,
    pub transcript: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ResumeInfo.ts")]
pub struct ResumeInfo {
    pub record_id: String,
    pub audio_seconds: f64,
    pub started_at: String,
    /// The field being dictated into, if it was field-directed.
    pub pointer: Option<String>,
    /// The record's first arrestee, "first last", when one is named yet.
    pub arrestee: Option<String>,
}

// ---- events ----

/// "audio-level": the input level about ten times a second.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "AudioLevel.ts")]
pub struct AudioLevel {
    /// RMS of the last ~100 ms, 0…1.
    pub rms: f32,
    /// A slowly falling hold of the RMS, 0…1, for the meter's peak mark.
    pub peak: f32,
    /// RMS in dBFS.
    pub db: f32,
}

/// "transcript-partial": what the engine has heard so far of the utterance in progress.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "TranscriptPartial.ts")]
pub struct TranscriptPartial {
    pub text: String,
}

/// "transcript-final": one utterance's text and its span in the recording.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "TranscriptFinal.ts")]
pub struct TranscriptFinal {
    pub text: String,
    #[ts(type = "number")]
    pub start_ms: u64,
    #[ts(type = "number")]
    pub end_ms: u64,
    /// The field it was put into (directed dictation), or the fields extraction filled.
    pub filled: Vec<String>,
    /// Set when the utterance was heard but nothing could be read from it.
    pub problem: Option<AppError>,
    /// When each stage of this utterance's way to the page happened.
    pub stages: Option<StageTimes>,
    /// Dictation into a typed field: the value heard, how sure, and the alternatives.
    pub spoken: Option<SpokenValue>,
}

/// What dictation into a typed field (a time, a date, a national ID…) heard: the value stored
/// in the field, normalised as the record keeps it, or none when nothing was heard.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SpokenValue.ts")]
pub struct SpokenValue {
    pub pointer: String,
    pub value: Option<serde_json::Value>,
    /// Decoder, reading and domain agree; otherwise the field is flagged for the officer.
    pub confident: bool,
    pub confidence: f32,
    /// Other values the officer may take instead, best first (one key takes the first).
    pub alternatives: Vec<serde_json::Value>,
    /// The words the decoder wrote.
    pub heard: String,
}

/// When each stage of one utterance's way from the microphone to the page happened, in ms since
/// the Unix epoch (the page adds its own, and the app benchmark prints the breakdown). Times
/// only, never what was said.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "StageTimes.ts")]
pub struct StageTimes {
    /// When the utterance's last frame of speech reached the segmenter (the end of speech as the
    /// app heard it, before the closing pause); `None` where unknown (free dictation).
    pub audio_end_at: Option<f64>,
    /// The pause that ends the utterance was detected and the utterance cut.
    pub cut_at: f64,
    /// The engine began reading the utterance: at the cut, or before it when field dictation
    /// read it at the pause its speech ended with; `None` where unknown (free dictation, whose
    /// utterances wait in the transcriber's queue).
    pub read_at: Option<f64>,
    /// The engine's final text reached the app.
    pub final_at: f64,
    /// The text was read into the record and the new version saved.
    pub saved_at: f64,
    /// The record as it now is was read back for the page, and the events leave the app.
    pub sent_at: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "EngineState.ts")]
pub enum EngineState {
    Loading,
    Ready,
    Crashed,
    Restarted,
}

/// "engine-status".
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "EngineStatus.ts")]
pub struct EngineStatus {
    pub state: EngineState,
    pub en: String,
    pub th: String,
}

/// "dictation-state": recording started or stopped (also when the microphone went away).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DictationState.ts")]
pub struct DictationState {
    pub recording: bool,
    pub record_id: Option<String>,
    pub pointer: Option<String>,
    /// Why it stopped on its own (microphone lost, engine failure).
    pub error: Option<AppError>,
}

/// "value-reading": in dictation into a typed field, the value of what was said is being read
/// (from the pause or the end of the utterance until its value is sent, or until the speech goes
/// on): a number takes seconds, and the page says so meanwhile.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ValueReading.ts")]
pub struct ValueReading {
    pub record_id: String,
    pub pointer: String,
    pub reading: bool,
}

/// "session-locked": the session ended without the user asking (idle lock).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "SessionLocked.ts")]
pub struct SessionLocked {
    /// "idle".
    pub reason: String,
}

use crate::error::AppError;
