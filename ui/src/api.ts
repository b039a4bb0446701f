// The page's only door to the backend: typed Tauri commands in, events out. The page holds no
// rules; what is missing, what needs confirming and what may be done next all come from here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Json } from "./pointer";

export interface AppError {
  code: string;
  en: string;
  th: string;
  retryAfterS?: number | null;
}

export interface SessionInfo {
  user: string;
  role: string;
  displayName: string | null;
}

export interface AppInfo {
  version: string;
  station: string | null;
  digits: string;
  language: string;
  idleLockMinutes: number;
  session: SessionInfo | null;
}

export interface RecordSummaryView {
  id: string;
  status: string;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  arrestees: string[];
  arrestDate: string | null;
  arrestTime: string | null;
  charges: string[];
}

export interface FieldIssue {
  pointer: string;
  rule: string;
  en: string;
  th: string;
}

export interface FieldComment {
  pointer: string;
  text: string;
  author?: string;
  at?: string;
}

export interface RecordView {
  id: string;
  status: string;
  version: number;
  record: Json;
  missing: FieldIssue[];
  lowConfidence: string[];
  comments: FieldComment[];
  editable: boolean;
  withAudio: string[];
}

export interface VersionView {
  version: number;
  author: string;
  savedAt: string;
  reason: string;
  source: string;
}

export interface FieldDiff {
  pointer: string;
  first: Json;
  current: Json;
}

export interface EventView {
  action: string;
  from: string | null;
  to: string;
  version: number;
  actor: string;
  at: string;
}

export interface HistoryView {
  versions: VersionView[];
  events: EventView[];
  firstDraftVersion: number;
  diffFromFirstDraft: FieldDiff[];
}

export interface AudioClip {
  mime: string;
  base64: string;
}

export interface SyncRowView {
  key: string;
  recordId: string;
  version: number;
  state: string;
  reason: string | null;
  attempts: number;
  updatedAt: string;
}

export interface SyncView {
  online: boolean;
  enrolled: boolean;
  running: boolean;
  lastError: AppError | null;
  lastAttemptAt: string | null;
  rows: SyncRowView[];
}

export interface Settings {
  microphone: string | null;
  model: string | null;
  digits: string;
  idleLockMinutes: number;
  language: string;
}

export interface ModelView {
  name: string;
  sizeMb: number;
  installed: boolean;
  default: boolean;
  measuredRtf: number | null;
}

export interface ResumeInfo {
  recordId: string;
  audioSeconds: number;
  startedAt: string;
  pointer: string | null;
}

export interface AudioLevel {
  rms: number;
  peak: number;
}
export interface TranscriptPartial {
  text: string;
}
export interface TranscriptFinal {
  text: string;
  filled: string[];
  problem: AppError | null;
}
export interface EngineStatus {
  state: string;
  en: string;
  th: string;
}
export interface DictationState {
  recording: boolean;
  recordId: string | null;
  pointer: string | null;
  error: AppError | null;
}
export interface SessionLocked {
  reason: string;
}

/** Every command error reaches the page as an AppError, whatever the backend threw. */
export function asAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "code" in e && "en" in e && "th" in e) {
    return e as AppError;
  }
  const text = e instanceof Error ? e.message : String(e);
  return { code: "internal", en: text, th: text };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
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
  activity: () => call<void>("activity"),
  listRecords: (status?: string, query?: string) =>
    call<RecordSummaryView[]>("list_records", { status: status || null, query: query || null }),
  newRecord: () => call<RecordView>("new_record"),
  getRecord: (id: string) => call<RecordView>("get_record", { id }),
  saveRecord: (id: string, record: Json, reason: string) =>
    call<RecordView>("save_record", { id, record, reason }),
  confirmField: (id: string, pointer: string) => call<RecordView>("confirm_field", { id, pointer }),
  confirmAll: (id: string) => call<RecordView>("confirm_all", { id }),
  startDictation: (id: string, pointer?: string) =>
    call<void>("start_dictation", { id, pointer: pointer ?? null }),
  stopDictation: () => call<RecordView | null>("stop_dictation"),
  fieldAudio: (id: string, pointer: string) => call<AudioClip>("field_audio", { id, pointer }),
  history: (id: string) => call<HistoryView>("history", { id }),
  signAndSubmit: (id: string, comment?: string) =>
    call<RecordView>("sign_and_submit", { id, comment: comment || null }),
  reviewQueue: () => call<RecordSummaryView[]>("review_queue"),
  returnRecord: (id: string, comments: FieldComment[]) =>
    call<RecordView>("return_record", { id, comments }),
  approveAndCountersign: (id: string) => call<RecordView>("approve_and_countersign", { id }),
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
  resume: (recordId: string) => call<RecordView>("resume", { recordId }),
  discardResume: (recordId: string) => call<void>("discard_resume", { recordId }),
};

export interface Events {
  "audio-level": AudioLevel;
  "transcript-partial": TranscriptPartial;
  "transcript-final": TranscriptFinal;
  "record-updated": RecordView;
  "engine-status": EngineStatus;
  "dictation-state": DictationState;
  "session-locked": SessionLocked;
  "sync-updated": SyncView;
}

export function on<K extends keyof Events>(name: K, handler: (payload: Events[K]) => void): Promise<UnlistenFn> {
  return listen<Events[K]>(name, (e) => handler(e.payload));
}
