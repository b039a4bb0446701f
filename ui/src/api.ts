// The page's only door to the backend: typed Tauri commands in, events out. The page holds no
// rules; what is missing, what needs confirming and what may be done next all come from here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Json } from "./pointer";
import type { AppError } from "./bindings/AppError";
import type { Command } from "./bindings/commands";
import type { Events } from "./bindings/events";
import { both } from "./i18n";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { AppInfo } from "./bindings/AppInfo";
import type { FirstRun } from "./bindings/FirstRun";
import type { RecordSummaryView } from "./bindings/RecordSummaryView";
import type { FieldIssue } from "./bindings/FieldIssue";
import type { FieldComment } from "./bindings/FieldComment";
import type { RecordView } from "./bindings/RecordView";
import type { VersionView } from "./bindings/VersionView";
import type { FieldDiff } from "./bindings/FieldDiff";
import type { EventView } from "./bindings/EventView";
import type { HistoryView } from "./bindings/HistoryView";
import type { AudioClip } from "./bindings/AudioClip";
import type { SyncRowView } from "./bindings/SyncRowView";
import type { SyncView } from "./bindings/SyncView";
import type { Settings } from "./bindings/Settings";
import type { ModelView } from "./bindings/ModelView";
import type { ResumeInfo } from "./bindings/ResumeInfo";
import type { Resumed } from "./bindings/Resumed";
import type { AudioLevel } from "./bindings/AudioLevel";
import type { TranscriptPartial } from "./bindings/TranscriptPartial";
import type { TranscriptFinal } from "./bindings/TranscriptFinal";
import type { EngineStatus } from "./bindings/EngineStatus";
import type { DictationState } from "./bindings/DictationState";
import type { SessionLocked } from "./bindings/SessionLocked";
import type { ClassificationView } from "./bindings/ClassificationView";
import type { AccessReportView } from "./bindings/AccessReportView";
import type { AccessEventView } from "./bindings/AccessEventView";

export type {
  AppError,
  SessionInfo,
  AppInfo,
  FirstRun,
  RecordSummaryView,
  FieldIssue,
  FieldComment,
  RecordView,
  VersionView,
  FieldDiff,
  EventView,
  HistoryView,
  AudioClip,
  SyncRowView,
  SyncView,
  Settings,
  ModelView,
  ResumeInfo,
  Resumed,
  AudioLevel,
  TranscriptPartial,
  TranscriptFinal,
  EngineStatus,
  DictationState,
  SessionLocked,
  ClassificationView,
  AccessReportView,
  AccessEventView,
};

/** Every command error reaches the page as an AppError, whatever the backend threw. */
export function asAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "code" in e && "en" in e && "th" in e) {
    return e as AppError;
  }
  // Not one of the app's errors (a broken invoke, a script error): its text is for the
  // developer's console, the person reads what to do.
  console.warn("unexpected error", e);
  return { code: "internal", ...both("unexpectedError") };
}

/** A command by its generated name (a name the app does not register fails the type check). */
export function command<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  return invoke<T>(cmd, args);
}

async function call<T>(cmd: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await command<T>(cmd, args);
  } catch (e) {
    const err = asAppError(e);
    // The session is gone (idle lock, or the app restarted under the page): show the lock screen.
    if (err.code === "locked" && cmd !== "login") document.dispatchEvent(new CustomEvent("banthuek:locked"));
    throw err;
  }
}

export const api = {
  appInfo: () => call<AppInfo>("app_info"),
  login: (user: string, password: string) => call<SessionInfo>("login", { user, password }),
  logout: () => call<void>("logout"),
  createStation: (station: string, admin: string, password: string) =>
    call<FirstRun>("create_station", { station, admin, password }),
  activity: () => call<void>("activity"),
  listRecords: (status?: string, query?: string) =>
    call<RecordSummaryView[]>("list_records", { status: status || null, query: query || null }),
  newRecord: () => call<RecordView>("new_record"),
  getRecord: (id: string) => call<RecordView>("get_record", { id }),
  setClassification: (id: string, level: string) => call<RecordView>("set_classification", { id, level }),
  accessReport: (user?: string, recordId?: string) =>
    call<AccessReportView>("access_report", { user: user || null, recordId: recordId || null }),
  saveRecord: (id: string, record: Json, reason: string, basedOn: number) =>
    call<RecordView>("save_record", { id, record, reason, basedOn }),
  confirmField: (id: string, pointer: string) => call<RecordView>("confirm_field", { id, pointer }),
  confirmAll: (id: string) => call<RecordView>("confirm_all", { id }),
  startDictation: (id: string, pointer?: string) =>
    call<void>("start_dictation", { id, pointer: pointer ?? null }),
  stopDictation: () => call<RecordView | null>("stop_dictation"),
  fieldAudio: (id: string, pointer: string) => call<AudioClip>("field_audio", { id, pointer }),
  history: (id: string) => call<HistoryView>("history", { id }),
  signAndSubmit: (id: string, comment: string | undefined, password: string, pagesSeen: number) =>
    call<RecordView>("sign_and_submit", { id, comment: comment || null, password, pagesSeen }),
  reviewQueue: () => call<RecordSummaryView[]>("review_queue"),
  returnRecord: (id: string, comments: FieldComment[]) =>
    call<RecordView>("return_record", { id, comments }),
  approveAndCountersign: (id: string, password: string, pagesSeen: number) =>
    call<RecordView>("approve_and_countersign", { id, password, pagesSeen }),
  quit: () => call<void>("quit"),
  recordPdf: (id: string) => call<string>("record_pdf", { id }),
  syncStatus: () => call<SyncView>("sync_status"),
  syncNow: () => call<boolean>("sync_now"),
  retry: (key: string) => call<boolean>("retry", { key }),
  getSettings: () => call<Settings>("get_settings"),
  setSettings: (settings: Settings) => call<Settings>("set_settings", { settings }),
  listMicrophones: () => call<string[]>("list_microphones"),
  micTest: (start: boolean) => call<void>("mic_test", { start }),
  listModels: () => call<ModelView[]>("list_models"),
  pendingResume: () => call<ResumeInfo | null>("pending_resume"),
  resume: (recordId: string) => call<Resumed>("resume", { recordId }),
  discardResume: (recordId: string) => call<void>("discard_resume", { recordId }),
};

export type { Events };

export function on<K extends keyof Events>(name: K, handler: (payload: Events[K]) => void): Promise<UnlistenFn> {
  return listen<Events[K]>(name, (e) => handler(e.payload));
}
