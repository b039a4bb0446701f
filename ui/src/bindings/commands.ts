// Generated from the #[tauri::command] signatures in src-tauri/src and the command list in
// src-tauri/src/lib.rs by the bindings test. Do not edit.
import type { AccessReportView } from "./AccessReportView";
import type { AppInfo } from "./AppInfo";
import type { AudioClip } from "./AudioClip";
import type { CardPreview } from "./CardPreview";
import type { FieldComment } from "./FieldComment";
import type { FirstRun } from "./FirstRun";
import type { HistoryView } from "./HistoryView";
import type { JsonValue } from "./serde_json/JsonValue";
import type { ModelView } from "./ModelView";
import type { RecordSummaryView } from "./RecordSummaryView";
import type { RecordView } from "./RecordView";
import type { ResumeInfo } from "./ResumeInfo";
import type { Resumed } from "./Resumed";
import type { SessionInfo } from "./SessionInfo";
import type { Settings } from "./Settings";
import type { SyncView } from "./SyncView";

/** Every command the page may call: its arguments (Tauri's camelCase names) and its result. */
export interface Commands {
  "quit": { args: Record<string, never>; returns: void };
  "app_info": { args: Record<string, never>; returns: AppInfo };
  "login": { args: { user: string; password: string }; returns: SessionInfo };
  "create_station": { args: { station: string; admin: string; password: string }; returns: FirstRun };
  "logout": { args: Record<string, never>; returns: void };
  "activity": { args: Record<string, never>; returns: void };
  "list_records": { args: { status: string | null; query: string | null }; returns: Array<RecordSummaryView> };
  "new_record": { args: Record<string, never>; returns: RecordView };
  "get_record": { args: { id: string }; returns: RecordView };
  "set_classification": { args: { id: string; level: string }; returns: RecordView };
  "access_report": { args: { user: string | null; recordId: string | null }; returns: AccessReportView };
  "save_record": { args: { id: string; record: JsonValue; reason: string | null; basedOn: number }; returns: RecordView };
  "confirm_field": { args: { id: string; pointer: string }; returns: RecordView };
  "confirm_all": { args: { id: string }; returns: RecordView };
  "history": { args: { id: string }; returns: HistoryView };
  "start_dictation": { args: { id: string; pointer: string | null }; returns: void };
  "stop_dictation": { args: Record<string, never>; returns: RecordView | null };
  "field_audio": { args: { id: string; pointer: string }; returns: AudioClip };
  "sign_and_submit": { args: { id: string; comment: string | null; password: string; pagesSeen: number }; returns: RecordView };
  "review_queue": { args: Record<string, never>; returns: Array<RecordSummaryView> };
  "return_record": { args: { id: string; comments: Array<FieldComment> }; returns: RecordView };
  "approve_and_countersign": { args: { id: string; password: string; pagesSeen: number }; returns: RecordView };
  "record_pdf": { args: { id: string }; returns: string };
  "sync_status": { args: Record<string, never>; returns: SyncView };
  "sync_now": { args: Record<string, never>; returns: boolean };
  "retry": { args: { key: string }; returns: boolean };
  "get_settings": { args: Record<string, never>; returns: Settings };
  "set_settings": { args: { settings: Settings }; returns: Settings };
  "list_microphones": { args: Record<string, never>; returns: Array<string> };
  "mic_test": { args: { start: boolean }; returns: void };
  "list_models": { args: Record<string, never>; returns: Array<ModelView> };
  "pending_resume": { args: Record<string, never>; returns: ResumeInfo | null };
  "resume": { args: { recordId: string }; returns: Resumed };
  "discard_resume": { args: { recordId: string }; returns: void };
  "idcard_read": { args: { id: string; arrestee: number }; returns: CardPreview };
  "idcard_fill": { args: { id: string; token: number; basedOn: number }; returns: RecordView };
  "idcard_cancel": { args: Record<string, never>; returns: void };
}

/** Every command the page may call. */
export type Command = keyof Commands;
