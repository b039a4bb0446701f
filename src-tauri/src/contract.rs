//! The page's contract for events, written once here: every event the app sends, its name
//! beside its payload type, and the sink that carries them. The bindings test generates
//! `ui/src/bindings/events.ts` from these (and `commands.ts` from the command signatures), so
//! the page cannot listen for an event or call a command the app does not have (its type check
//! fails), and checks COMMANDS.md names exactly these.

use crate::views::{
    AudioLevel, DictationState, EngineStatus, RecordView, SessionLocked, SyncView, TranscriptFinal,
    TranscriptPartial, ValueReading,
};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use ts_rs::TS;

/// Where events go: the window in the app, a list in tests.
pub trait EventSink: Send + Sync + 'static {
    fn emit(&self, event: &str, payload: Value);
}

/// The sink every manager sends its events through (one per app, shared).
#[derive(Clone)]
pub struct Events(Arc<dyn EventSink>);

impl Events {
    pub fn new(sink: Arc<dyn EventSink>) -> Events {
        Events(sink)
    }

    /// Sends `payload` to the page under its event's name ([`Event::NAME`]).
    pub fn emit<E: Event>(&self, payload: &E) {
        match serde_json::to_value(payload) {
            Ok(v) => self.0.emit(E::NAME, v),
            Err(e) => tracing::warn!("event {} not serialisable: {e}", E::NAME),
        }
    }
}

/// A payload the app sends to the page, and the one event name it travels under.
pub trait Event: Serialize + TS {
    const NAME: &'static str;
}

/// Closing the window asks the page first (it saves what is pending, then calls `quit`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export_to = "CloseRequested.ts")]
pub struct CloseRequested;

macro_rules! events {
    ($($payload:ty => $name:literal),* $(,)?) => {
        $(impl Event for $payload {
            const NAME: &'static str = $name;
        })*

        /// Every event: its name and its payload's TypeScript type.
        pub fn events() -> Vec<(&'static str, String)> {
            vec![$(($name, <$payload as TS>::name())),*]
        }
    };
}

events! {
    AudioLevel => "audio-level",
    TranscriptPartial => "transcript-partial",
    TranscriptFinal => "transcript-final",
    RecordView => "record-updated",
    EngineStatus => "engine-status",
    DictationState => "dictation-state",
    ValueReading => "value-reading",
    SessionLocked => "session-locked",
    SyncView => "sync-updated",
    CloseRequested => "close-requested",
}

/// `ui/src/bindings/events.ts`: the `Events` map the page's `on` listens with.
pub fn events_ts() -> String {
    let events = events();
    let mut types: Vec<&str> = events.iter().map(|(_, t)| t.as_str()).collect();
    types.sort();
    types.dedup();
    let mut out = String::from(
        "// Generated from src-tauri/src/contract.rs by the bindings test. Do not edit.\n",
    );
    for t in types {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\n/** Every event the app sends, by name, with its payload. */\nexport interface Events {\n");
    for (name, t) in &events {
        out.push_str(&format!("  \"{name}\": {t};\n"));
    }
    out.push_str("}\n");
    out
}
