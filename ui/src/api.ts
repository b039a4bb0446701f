// The page's only door to the backend: typed Tauri commands in, events out. The page holds no
// rules; what is missing, what needs confirming and what may be done next all come from here.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Json } from "./pointer";
import type { AppError } from "./bindings/AppError";
import type { Command, Commands } from "./bindings/commands";
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

/** The arguments of command `C`: none, or exactly the object its Rust signature takes. */
type ArgList<C extends Command> =
  Commands[C]["args"] extends Record<string, never> ? [] : [Commands[C]["args"]];

/**
 * A command by its generated name, with the arguments and result generated from its Rust
 * signature (a name, an argument or a type the app does not have fails the type check).
 */
export function command<C extends Command>(cmd: C, ...args: ArgList<C>): Promise<Commands[C]["returns"]> {
  return invoke<Commands[C]["returns"]>(cmd, args[0] as InvokeArgs | undefined);
}

async function call<C extends Command>(cmd: C, ...args: ArgList<C>): Promise<Commands[C]["returns"]> {
  try {
    return await command(cmd, ...args);
  } catch (e) {
    const err = asAppError(e);
    // The session is gone (idle lock, or the app restarted under the page): show the lock screen.
    if (err.code === "locked" && cmd !== "login") document.dispatchEvent(new CustomEvent("banthuek:locked"));
    throw err;
  }
}

export const api = {
  appInfo: () => call("app_info"),
  login: (user: string, password: string) => call("login", { user, password }),
  logout: () => call("logout"),
  createStation: (station: string, admin: string, password: string) =>
    call("create_station", { station, admin, password }),
  activity: () => call("activity"),
  listRecords: (status?: string, query?: string) =>
    call("list_records", { status: status || null, query: query || null }),
  newRecord: () => call("new_record"),
  getRecord: (id: string) => call("get_record", { id }),
  setClassification: (id: string, level: string) => call("set_classification", { id, level }),
  accessReport: (user?: string, recordId?: string) =>
    call("access_report", { user: user || null, recordId: recordId || null }),
  saveRecord: (id: string, record: Json, reason: string, basedOn: number) =>
    call("save_record", { id, record, reason, basedOn }),
  confirmField: (id: string, pointer: string) => call("confirm_field", { id, pointer }),
  confirmAll: (id: string) => call("confirm_all", { id }),
  startDictation: (id: string, pointer?: string) =>
    call("start_dictation", { id, pointer: pointer ?? null }),
  stopDictation: () => call("stop_dictation"),
  fieldAudio: (id: string, pointer: string) => call("field_audio", { id, pointer }),
  history: (id: string) => call("history", { id }),
  signAndSubmit: (id: string, comment: string | undefined, password: string, pagesSeen: number) =>
    call("sign_and_submit", { id, comment: comment || null, password, pagesSeen }),
  reviewQueue: () => call("review_queue"),
  returnRecord: (id: string, comments: FieldComment[]) =>
    call("return_record", { id, comments }),
  approveAndCountersign: (id: string, password: string, pagesSeen: number) =>
    call("approve_and_countersign", { id, password, pagesSeen }),
  quit: () => call("quit"),
  recordPdf: (id: string) => call("record_pdf", { id }),
  syncStatus: () => call("sync_status"),
  syncNow: () => call("sync_now"),
  retry: (key: string) => call("retry", { key }),
  getSettings: () => call("get_settings"),
  setSettings: (settings: Settings) => call("set_settings", { settings }),
  listMicrophones: () => call("list_microphones"),
  micTest: (start: boolean) => call("mic_test", { start }),
  listModels: () => call("list_models"),
  pendingResume: () => call("pending_resume"),
  resume: (recordId: string) => call("resume", { recordId }),
  discardResume: (recordId: string) => call("discard_resume", { recordId }),
};

export type { Events };

export function on<K extends keyof Events>(name: K, handler: (payload: Events[K]) => void): Promise<UnlistenFn> {
  return listen<Events[K]>(name, (e) => handler(e.payload));
}
