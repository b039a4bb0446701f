// The sync panel: each final record's way to the central system (queued / sending / synced /
// rejected with the reason), retry, and whether the central system can be reached.
import { api, asAppError, on, type SyncView } from "../api";
import type { SyncState } from "../bindings/SyncState";
import { t } from "../i18n";
import { register } from "../shortcuts";
import { defineScreen, state } from "../state";
import { $, formatDay, formatWhen, showError, toast } from "../ui";

const STATES: SyncState[] = ["queued", "sending", "synced", "rejected"];
/** Every state's label: a state the backend gains without one fails the build. */
const STATE_LABELS: Record<SyncState, Parameters<typeof t>[0]> = {
  queued: "sync_queued",
  sending: "sync_sending",
  synced: "sync_synced",
  rejected: "sync_rejected",
};
const POLL_MS = 4000;
let timer: number | undefined;
let last: SyncView | null = null;

export function showOnline(online: boolean | undefined): void {
  const dot = $("online-indicator");
  dot.dataset.online = online === undefined ? "unknown" : String(online);
  const label = online === undefined ? "" : online ? t("online") : t("offline");
  dot.setAttribute("aria-label", label);
  dot.title = label;
  const pill = $("sync-online");
  pill.textContent = label;
  pill.dataset.online = String(online);
}

function stateLabel(s: SyncState): string {
  return t(STATE_LABELS[s]);
}

export async function refresh(): Promise<void> {
  try {
    last = await api.syncStatus();
    showOnline(last.online);
    if (state.screen === "sync") render();
  } catch (e) {
    if (state.screen === "sync") showError($("sync-error"), asAppError(e));
  }
}

function render(): void {
  if (!last) return;
  const note = $("sync-note");
  const parts: string[] = [];
  if (!last.enrolled) parts.push(t("notEnrolled"));
  if (last.running) parts.push(t("syncRunning"));
  if (last.lastAttemptAt) parts.push(t("lastAttempt", { when: formatWhen(last.lastAttemptAt) }));
  note.textContent = parts.join(" · ");
  note.hidden = parts.length === 0;
  showError($("sync-error"), last.lastError);
  const counts = $("sync-counts");
  counts.replaceChildren(
    ...STATES.map((s) => {
      const n = last!.rows.filter((r) => r.state === s).length;
      const span = document.createElement("span");
      span.className = `count sync-${s}`;
      span.textContent = `${stateLabel(s)}: ${n}`;
      return span;
    }),
  );
  const body = $("sync-rows");
  body.replaceChildren();
  for (const r of last.rows) {
    const tr = document.createElement("tr");
    tr.className = "sync-row";
    tr.dataset.key = r.key;
    tr.dataset.state = r.state;
    // A waiting record by whom it is about, as the record lists show it, its arrest date and
    // id's start beneath; the id's start alone once synced or when the user may not open it.
    const who = r.arrestees.filter((n) => n !== "").join(", ");
    const cells = [who || r.recordId.slice(0, 8), stateLabel(r.state), String(r.attempts), r.reason ?? ""];
    for (const [i, text] of cells.entries()) {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 0) {
        td.title = r.recordId;
        td.className = "sync-record";
        if (who) {
          const sub = document.createElement("div");
          sub.className = "record-ref";
          sub.textContent = [formatDay(r.arrestDate), r.recordId.slice(0, 8)].filter((x) => x !== "").join(" · ");
          td.append(sub);
        }
      }
      if (i === 1) td.className = `state sync-${r.state}`;
      tr.append(td);
    }
    const td = document.createElement("td");
    // A queued row can be sent now; a rejected one shows why, and waits for its record to be fixed.
    if (r.state === "queued") {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary retry";
      b.dataset.retry = r.key;
      b.textContent = t("retry");
      b.addEventListener("click", () => void retry(r.key));
      td.append(b);
    }
    tr.append(td);
    body.append(tr);
  }
  $("sync-empty").hidden = last.rows.length > 0;
}

async function retry(key: string): Promise<void> {
  try {
    toast((await api.retry(key)) ? t("retryQueued") : t("syncRunning"));
    await refresh();
  } catch (e) {
    showError($("sync-error"), asAppError(e));
  }
}

async function syncNow(): Promise<void> {
  const b = $<HTMLButtonElement>("sync-now");
  b.disabled = true;
  try {
    toast((await api.syncNow()) ? t("syncStarted") : t("syncRunning"));
    await refresh();
  } catch (e) {
    showError($("sync-error"), asAppError(e));
  } finally {
    b.disabled = false;
  }
}

/** Keeps the online dot in the top bar current while someone is logged in. */
export function startPolling(): void {
  stopPolling();
  void refresh();
  timer = window.setInterval(() => void refresh(), POLL_MS);
}

export function stopPolling(): void {
  clearInterval(timer);
  timer = undefined;
}

export function initSync(): void {
  $("sync-now").addEventListener("click", () => void syncNow());
  void on("sync-updated", (v) => {
    last = v;
    showOnline(v.online);
    if (state.screen === "sync") render();
  });
  register({ id: "sync.now", keys: ["Alt+Y"], label: "syncNow", scope: "sync", run: () => void syncNow() });
  register({
    id: "sync.retry",
    keys: ["Alt+T"],
    label: "retryFirst",
    scope: "sync",
    run: () => $("sync-rows").querySelector<HTMLElement>("[data-retry]")?.click(),
  });
  defineScreen("sync", {
    show: async () => {
      await refresh();
      render();
      $("sync-now").focus();
    },
    relabel: () => {
      showOnline(last?.online);
      render();
    },
  });
}
