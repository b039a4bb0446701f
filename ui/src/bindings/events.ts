// Generated from src-tauri/src/contract.rs by the bindings test. Do not edit.
import type { AudioLevel } from "./AudioLevel";
import type { CloseRequested } from "./CloseRequested";
import type { DictationState } from "./DictationState";
import type { EngineStatus } from "./EngineStatus";
import type { RecordView } from "./RecordView";
import type { SessionLocked } from "./SessionLocked";
import type { SyncView } from "./SyncView";
import type { TranscriptFinal } from "./TranscriptFinal";
import type { TranscriptPartial } from "./TranscriptPartial";
import type { ValueReading } from "./ValueReading";

/** Every event the app sends, by name, with its payload. */
export interface Events {
  "audio-level": AudioLevel;
  "transcript-partial": TranscriptPartial;
  "transcript-final": TranscriptFinal;
  "record-updated": RecordView;
  "engine-status": EngineStatus;
  "dictation-state": DictationState;
  "value-reading": ValueReading;
  "session-locked": SessionLocked;
  "sync-updated": SyncView;
  "close-requested": CloseRequested;
}
