// The dictation screen: push-to-talk (hold F2) or toggle (F3), level meter, live transcript with
// partial text greyed, the form filling beside it, the checklist of what is still missing,
// per-field dictation, audio playback, confirmation, history and sign & submit.
import { api, asAppError, on, type DictationState, type RecordView } from "../api";
import type { SpokenValue } from "../bindings/SpokenValue";
import { bindClassification } from "../classification";
import { RecordForm, fieldName, shownValue } from "../form";
import { both, pick, t } from "../i18n";
import { register } from "../shortcuts";
import { defineScreen, go, state } from "../state";
import { $, formatWhen, setMeter, showError, showOverlay, showStatus, statusLabel, toast, toastError } from "../ui";
import type { Json } from "../pointer";
import { renderPdf } from "../pdf";
import { signingCeremony } from "../ceremony";
import { cardButton, initIdCard } from "../idcard";
import { noteFinal, noteShown, type PageStages } from "../stages";

const SAVE_DELAY_MS = 600;

let form: RecordForm;
let view: RecordView | null = null;
const dirty = new Set<string>();
let saveTimer: number | undefined;
let saving: Promise<void> = Promise.resolve();
/** The dictation in progress: into one field (`pointer`) or the whole record; `reading` while
 * the value of what was said into the field is being read. */
let dictating: { pointer?: string; reading?: boolean } | null = null;
let pushToTalk = false;
let startingDictation: Promise<void> | null = null;
let stopping: Promise<void> = Promise.resolve();

export function currentRecordId(): string | undefined {
  return view?.id;
}

export function isDictating(): boolean {
  return dictating !== null;
}

function apply(v: RecordView): void {
  // Events and replies may cross: never step back to an older version.
  if (view && v.id === view.id && v.version < view.version) return;
  view = v;
  form.show(v, dirty);
  showStatus("screen-record", v.status);
  $("screen-record").dataset.id = v.id;
  $("screen-record").classList.remove("loading");
  const editable = v.editable;
  $("screen-record").classList.toggle("readonly", !editable);
  setEditable(editable);
  renderMissing();
  renderRecordComments();
  classCtl?.show(v);
}

let classCtl: ReturnType<typeof bindClassification> | null = null;

function setEditable(editable: boolean): void {
  for (const el of $("record-form").querySelectorAll<HTMLInputElement>(
    "input, textarea, select, button:not([data-play])",
  ))
    el.disabled = !editable;
  for (const id of ["dictate-toggle", "confirm-all", "sign-submit", "sign-comment"])
    ($(id) as HTMLButtonElement).disabled = !editable;
}

function renderMissing(): void {
  const list = $("missing-list");
  list.replaceChildren();
  const issues = view?.missing ?? [];
  for (const issue of issues) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = `missing-item rule-${issue.rule}`;
    li.dataset.pointer = issue.pointer;
    const name = document.createElement("strong");
    name.textContent = fieldName(issue.pointer);
    const why = document.createElement("span");
    why.textContent = pick(issue);
    b.append(name, why);
    b.addEventListener("click", () => form.focusField(issue.pointer));
    li.append(b);
    list.append(li);
  }
  if (!issues.length || !view?.editable) {
    const li = document.createElement("li");
    li.className = view?.editable ? "ready" : "locked";
    li.textContent = view?.editable ? t("readyToSign") : t("notEditable", { status: view ? statusLabel(view.status) : "" });
    list.prepend(li);
  }
  $("confirm-all").hidden = !(view?.lowConfidence.length);
}

function renderRecordComments(): void {
  const box = $("record-comments");
  const comments = view?.comments ?? [];
  box.hidden = comments.length === 0;
  box.replaceChildren();
  if (!comments.length) return;
  const h = document.createElement("h2");
  h.textContent = t("supervisorComments");
  box.append(h);
  const ul = document.createElement("ul");
  for (const c of comments) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = fieldName(c.pointer);
    b.addEventListener("click", () => form.focusField(c.pointer));
    li.append(b, `: ${c.text}`);
    ul.append(li);
  }
  box.append(ul);
}

function setSaveState(key: "saving" | "saved" | "unsaved" | "error" | "conflict"): void {
  const el = $("save-status");
  el.textContent = t(key === "error" ? "saveFailed" : key === "conflict" ? "saveConflict" : key);
  el.dataset.state = key;
}

/** The other value dictation heard for a field that was not sure, for F4. */
let alternative: { pointer: string; value: Json } | null = null;

function changed(pointer: string): void {
  if (alternative?.pointer === pointer) alternative = null;
  form.noteHeard(pointer, null);
  dirty.add(pointer);
  setSaveState("unsaved");
  clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => void flush(), SAVE_DELAY_MS);
}

/** Saves whatever was typed; the store, not the page, is the truth, so save early and often. */
export function flush(): Promise<void> {
  clearTimeout(saveTimer);
  saving = saving.then(async () => {
    if (!view || dirty.size === 0) return;
    const sent = new Set(dirty);
    dirty.clear();
    setSaveState("saving");
    try {
      // The version the page shows: the backend merges what changed since (a dictated value)
      // and refuses, naming the field, when both changed the same one.
      const v = await api.saveRecord(view.id, form.value as Json, "typed", view.version);
      apply(v);
      setSaveState(dirty.size ? "unsaved" : "saved");
      showError($("record-error"), null);
    } catch (e) {
      for (const p of sent) dirty.add(p);
      const err = asAppError(e);
      setSaveState(err.code === "save_conflict" ? "conflict" : "error");
      showError($("record-error"), err);
      if (err.code === "save_conflict" && view) {
        // Show what the other save brought; the typing stays in its field (dirty) and is saved
        // on the person's next change or when they leave the field.
        try {
          apply(await api.getRecord(view.id));
        } catch {
          /* the error above is already showing */
        }
      }
    }
  });
  return saving;
}

/** The status under the microphone button: what dictation listens for, or reads. */
function renderDictationStatus(): void {
  const pointer = dictating?.pointer;
  $("dictate-target").textContent = !dictating
    ? ""
    : !pointer
      ? t("dictatingWhole")
      : t(dictating.reading ? "readingInto" : "dictatingInto", { field: fieldName(pointer) });
}

function renderDictation(): void {
  const on = dictating !== null;
  const btn = $("dictate-toggle");
  btn.setAttribute("aria-pressed", String(on));
  btn.classList.toggle("recording", on);
  $("dictate-label").textContent = on ? t("dictateStop") : t("dictateStart");
  renderDictationStatus();
  for (const b of $("record-form").querySelectorAll<HTMLElement>("[data-dictate]")) {
    const active = on && dictating?.pointer === b.dataset.dictate;
    b.classList.toggle("recording", active);
    b.setAttribute("aria-pressed", String(active));
  }
  if (!on) setMeter($("level-meter"), 0, 0);
}

async function start(pointer?: string): Promise<void> {
  if (!view || !view.editable) return;
  if (dictating) await stop();
  await stopping;
  await flush();
  const id = view.id;
  startingDictation = (async () => {
    try {
      await api.startDictation(id, pointer);
      dictating = { pointer };
      showError($("record-error"), null);
    } catch (e) {
      showError($("record-error"), asAppError(e));
    }
    renderDictation();
  })();
  await startingDictation;
  startingDictation = null;
}

export async function stop(): Promise<void> {
  if (startingDictation) await startingDictation;
  if (!dictating) return stopping;
  const { pointer } = dictating;
  dictating = null;
  renderDictation();
  // The backend finishes the last utterance before it answers (a number's value takes seconds):
  // say so meanwhile. A start waits for it.
  const target = $("dictate-target");
  target.textContent = pointer ? t("readingInto", { field: fieldName(pointer) }) : t("readingRest");
  stopping = (async () => {
    try {
      const v = await api.stopDictation();
      if (v) apply(v);
    } catch (e) {
      showError($("record-error"), asAppError(e));
    }
    $("transcript").querySelector(".partial")?.remove();
    if (!dictating) target.textContent = "";
  })();
  return stopping;
}

/** The backend stopped dictation by itself (e.g. after a lock or a device loss). */
export function dictationStopped(): void {
  dictating = null;
  pushToTalk = false;
  renderDictation();
}

/** The backend says whether it is recording: trust it over what the page last asked for. */
function dictationState(s: DictationState): void {
  if (s.recording && s.recordId === view?.id) dictating = { pointer: s.pointer ?? undefined };
  else if (!s.recording) {
    dictating = null;
    pushToTalk = false;
    $("transcript").querySelector(".partial")?.remove();
  }
  if (s.error) showError($("record-error"), s.error);
  renderDictation();
}

/** F3 (and F2 held): into the field that has the cursor, if any, else the whole record. */
function toggle(): Promise<void> {
  return dictating ? stop() : start(focusedPointerInForm());
}

function dictateField(pointer: string): Promise<void> {
  if (dictating && dictating.pointer === pointer) return stop();
  form.focusField(pointer);
  return start(pointer);
}

async function play(pointer: string): Promise<void> {
  if (!view) return;
  try {
    const audio = await api.fieldAudio(view.id, pointer);
    const el = new Audio(`data:${audio.mime};base64,${audio.base64}`);
    await el.play();
    toast(t("playing", { field: fieldName(pointer) }));
  } catch (e) {
    const err = asAppError(e);
    // A browser error from play() (no sound device) is not an AppError with Thai text.
    toastError(err.code === "internal" ? { ...err, ...both("playFailed") } : err);
  }
}

async function confirm(pointer: string): Promise<void> {
  if (!view) return;
  await flush();
  try {
    apply(await api.confirmField(view.id, pointer));
  } catch (e) {
    showError($("record-error"), asAppError(e));
  }
}

async function confirmAll(): Promise<void> {
  if (!view) return;
  await flush();
  try {
    apply(await api.confirmAll(view.id));
    toast(t("allConfirmed"));
  } catch (e) {
    showError($("record-error"), asAppError(e));
  }
}

async function sign(): Promise<void> {
  if (!view) return;
  if (dictating) await stop();
  await flush();
  if (dirty.size) return; // the save failed; its error is showing
  if (view.missing.length) {
    // The checklist says what stops signing: bring the first one into view.
    showError($("record-error"), { code: "not_signable", ...both("notSignableYet") });
    const first = $("missing-list").querySelector<HTMLElement>("[data-pointer] button");
    first?.focus();
    return;
  }
  const id = view.id;
  const comment = $<HTMLTextAreaElement>("sign-comment").value.trim();
  const signed = await signingCeremony(id, "sign", async (password, pages) => {
    apply(await api.signAndSubmit(id, comment || undefined, password, pages));
  });
  if (!signed) {
    $("sign-submit").focus();
    return;
  }
  $<HTMLTextAreaElement>("sign-comment").value = "";
  showError($("record-error"), null);
  toast(t("submitted"));
}

/** Before the window closes: saves what is pending; true when something still is not saved. */
export async function unsavedWork(): Promise<boolean> {
  if (dictating) await stop();
  await flush();
  return dirty.size > 0;
}

async function showHistory(id?: string): Promise<void> {
  if (!id) return;
  try {
    const h = await api.history(id);
    const diff = $("history-diff");
    diff.replaceChildren();
    for (const d of h.diffFromFirstDraft) {
      const tr = document.createElement("tr");
      for (const text of [fieldName(d.pointer), show(d.pointer, d.first), show(d.pointer, d.current)]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      tr.children[1].className = "del";
      tr.children[2].className = "ins";
      diff.append(tr);
    }
    if (!h.diffFromFirstDraft.length) diff.append(row([t("noChanges"), "", ""]));
    const versions = $("history-versions");
    versions.replaceChildren(
      ...h.versions.map((v) =>
        row([
          String(v.version) + (v.version === h.firstDraftVersion ? ` (${t("firstDraft")})` : ""),
          formatWhen(v.savedAt),
          v.author,
          `${reasonLabel(v.reason)} · ${sourceLabel(v.source)}`,
        ]),
      ),
    );
    $("history-events").replaceChildren(
      ...h.events.map((ev) =>
        row([formatWhen(ev.at), ev.actor, `${ev.from ? statusLabel(ev.from) + " → " : ""}${statusLabel(ev.to)}`, String(ev.version)]),
      ),
    );
    $("history-back").focus();
  } catch (e) {
    toastError(asAppError(e));
  }
}

async function showPdf(): Promise<void> {
  if (!view) return;
  await flush();
  showOverlay($("pdf-dialog"), $("record-pdf-view"));
  await renderPdf($("record-pdf-view"), view.id);
}

function openHistory(): Promise<void> {
  return view ? go("history", view.id) : Promise.resolve();
}

function sourceLabel(source: string): string {
  const k = `versionSource_${source}`;
  const s = t(k as Parameters<typeof t>[0]);
  return s === k ? source : s;
}

function reasonLabel(reason: string): string {
  const k = `reason_${reason}`;
  const s = t(k as Parameters<typeof t>[0]);
  return s === k ? reason : s;
}

function show(pointer: string, v: Json | undefined): string {
  if (v === undefined || v === null) return "—";
  return shownValue(pointer, v);
}

function row(cells: string[]): HTMLTableRowElement {
  const tr = document.createElement("tr");
  for (const c of cells) {
    const td = document.createElement("td");
    td.textContent = c;
    tr.append(td);
  }
  return tr;
}

function focusedPointer(): string | undefined {
  const el = document.activeElement;
  return el instanceof HTMLElement ? (el.dataset.field ?? el.closest<HTMLElement>("[data-pointer]")?.dataset.pointer) : undefined;
}

/** Marks a typed field with what its dictation heard: nothing (the field is unchanged), or a
 * value that is not sure, with what was heard and the alternatives (F4 takes the first). */
function showSpoken(s: SpokenValue): void {
  const shown = (v: Json) => shownValue(s.pointer, v);
  alternative = null;
  if (s.value === null) form.noteHeard(s.pointer, [t("nothingHeard")]);
  else if (s.confident) form.noteHeard(s.pointer, null);
  else {
    const lines = [t("heardAs", { heard: s.heard })];
    const first = s.alternatives[0];
    if (first !== undefined) {
      lines.push(t("heardOthers", { values: s.alternatives.map(shown).join(", "), first: shown(first) }));
      alternative = { pointer: s.pointer, value: first as Json };
    }
    form.noteHeard(s.pointer, lines);
  }
}

function takeAlternative(): void {
  const a = alternative;
  if (!a || !view?.editable) return;
  form.enter(a.pointer, a.value);
  form.focusField(a.pointer);
}

function appendTranscript(text: string): void {
  const box = $("transcript");
  box.querySelector(".partial")?.remove();
  const p = document.createElement("p");
  p.className = "final";
  p.textContent = text;
  box.append(p);
  box.scrollTop = box.scrollHeight;
}

function setPartial(text: string): void {
  const box = $("transcript");
  let span = box.querySelector<HTMLElement>(".partial");
  if (!span) {
    span = document.createElement("p");
    span.className = "partial";
    // Partial text changes many times a second: keep screen readers to the final text.
    span.setAttribute("aria-hidden", "true");
    box.append(span);
  }
  span.textContent = text;
  box.scrollTop = box.scrollHeight;
}

async function open(id?: string): Promise<void> {
  if (!id) return;
  if (view?.id !== id) {
    // Nothing of the record shown before (perhaps another officer's, before a logout) shows, nor
    // its id, while this one loads.
    delete $("screen-record").dataset.id;
    $("screen-record").classList.add("loading");
    dirty.clear();
    $("transcript").replaceChildren();
    setSaveState("saved");
    $("save-status").textContent = "";
  }
  try {
    apply(await api.getRecord(id));
    showError($("record-error"), null);
  } catch (e) {
    toastError(asAppError(e));
    await go("list");
    return;
  }
  renderDictation();
  // Typing that could not be saved before a lock is saved now.
  if (dirty.size) void flush();
  const first = view?.missing[0]?.pointer;
  if (!(first && form.focusField(first))) $("dictate-toggle").focus();
}

/** Shows a record that the backend just handed over (e.g. after resuming a crashed dictation). */
export function showView(v: RecordView, transcript: string[] = []): void {
  view = null;
  dirty.clear();
  apply(v);
  // What was read again from the kept audio.
  for (const text of transcript) appendTranscript(text);
}

export function initRecord(): void {
  form = new RecordForm($("record-form"), "edit", {
    change: changed,
    dictate: (p) => void dictateField(p),
    play: (p) => void play(p),
    confirm: (p) => void confirm(p),
    structure: (base) => {
      dirty.add(base);
      void flush();
    },
    cardButton,
  });
  initIdCard({
    view: () => view,
    flush,
    apply,
    flash: (p) => form.flash(p),
    focusedArrestee: () => {
      const m = /^\/arrestees\/(\d+)\//.exec(focusedPointerInForm() ?? "");
      return m ? Number(m[1]) : undefined;
    },
  });
  // Leaving a field saves at once rather than after the pause.
  $("record-form").addEventListener("focusout", () => {
    if (dirty.size) void flush();
  });
  classCtl = bindClassification("classification", "juvenile-note", "record-error", () => view, apply);
  $("dictate-toggle").addEventListener("click", () => void toggle());
  $("confirm-all").addEventListener("click", () => void confirmAll());
  $("sign-submit").addEventListener("click", () => void sign());
  $("nav-history").addEventListener("click", () => void openHistory());
  $("record-pdf").addEventListener("click", () => void showPdf());
  $("history-back").addEventListener("click", () => void go("record", view?.id));
  $("record-back").addEventListener("click", () => void go("list"));

  // The final that filled fields, until the record it changed is on screen.
  let filling: PageStages | null = null;
  void on("record-updated", (v) => {
    if (view && v.id === view.id) apply(v);
    noteShown(filling);
    filling = null;
  });
  void on("transcript-partial", (p) => {
    if (state.screen === "record") setPartial(p.text);
  });
  void on("transcript-final", (f) => {
    const entry = noteFinal(f.stages);
    if (state.screen !== "record") return;
    appendTranscript(f.text);
    if (f.filled.length) filling = entry;
    form.flash(f.filled);
    if (f.spoken) showSpoken(f.spoken);
    if (f.problem) showError($("record-error"), f.problem);
  });
  void on("dictation-state", dictationState);
  void on("value-reading", (r) => {
    // After a stop the page already says the value is being read (see `stop`).
    if (!dictating || r.recordId !== view?.id || r.pointer !== dictating.pointer) return;
    // Only the status changes: the engine is reading meanwhile, and the page keeps off its cores.
    dictating.reading = r.reading;
    renderDictationStatus();
  });
  void on("audio-level", (l) => {
    if (state.screen === "record" && dictating) setMeter($("level-meter"), l.rms, l.peak);
  });

  // Push-to-talk: hold F2. Key repeat must not restart it; releasing anywhere stops it.
  document.addEventListener("keydown", (e) => {
    if (e.key !== "F2" || state.screen !== "record") return;
    e.preventDefault();
    if (e.repeat || pushToTalk || dictating) return;
    pushToTalk = true;
    void start(focusedPointerInForm());
  });
  document.addEventListener("keyup", (e) => {
    if (e.key !== "F2" || !pushToTalk) return;
    e.preventDefault();
    pushToTalk = false;
    void stop();
  });
  window.addEventListener("blur", () => {
    if (pushToTalk) {
      pushToTalk = false;
      void stop();
    }
  });

  register({ id: "record.ptt", keys: ["F2"], label: "pushToTalk", scope: "record", inInputs: true, run: () => {} });
  register({ id: "record.toggle", keys: ["F3"], label: "dictateToggle", scope: "record", inInputs: true, run: () => void toggle() });
  register({
    id: "record.dictateField",
    keys: ["Alt+D"],
    label: "dictateFocused",
    scope: "record",
    run: () => {
      const p = focusedPointerInForm();
      if (p) void dictateField(p);
    },
  });
  register({
    id: "record.play",
    keys: ["Alt+P"],
    label: "playFocused",
    scope: "record",
    run: () => {
      const p = focusedPointer();
      if (p) void play(p);
    },
  });
  register({
    id: "record.confirm",
    keys: ["Alt+C"],
    label: "confirmFocused",
    scope: "record",
    run: () => {
      const p = focusedPointer();
      if (p) void confirm(p);
    },
  });
  register({ id: "record.takeAlternative", keys: ["F4"], label: "takeAlternative", scope: "record", inInputs: true, run: takeAlternative });
  register({ id: "record.confirmAll", keys: ["Alt+K"], label: "confirmAll", scope: "record", run: () => void confirmAll() });
  register({
    id: "record.missing",
    keys: ["Alt+M"],
    label: "nextMissing",
    scope: "record",
    run: () => {
      const f = view?.missing[0]?.pointer;
      if (f) form.focusField(f);
    },
  });
  register({ id: "record.save", keys: ["Ctrl+S"], label: "saveNow", scope: "record", inInputs: true, run: () => void flush() });
  register({ id: "record.pdf", keys: ["Alt+V"], label: "pdfPreview", scope: "record", run: () => void showPdf() });
  register({ id: "record.history", keys: ["Alt+H"], label: "history", scope: "record", run: () => void openHistory() });
  register({
    id: "history.back",
    keys: ["Alt+B", "Escape"],
    label: "backToRecord",
    scope: "history",
    run: () => void go("record", view?.id),
  });
  // Opens the signing ceremony (pages, confirmation, password); never from inside a text field.
  register({ id: "record.sign", keys: ["Ctrl+Enter"], label: "signSubmit", scope: "record", notWhileTyping: true, run: () => void sign() });
  register({ id: "back", keys: ["Alt+B"], label: "back", scope: "record", run: () => void go("list") });

  defineScreen("history", { show: (id) => showHistory(id) });

  defineScreen("record", {
    show: (id) => open(id),
    leave: async () => {
      if (dictating) await stop();
      await flush();
    },
    relabel: () => {
      classCtl?.relabel();
      form.relabel();
      if (view) apply(view);
      renderDictation();
    },
  });
}

function focusedPointerInForm(): string | undefined {
  const el = document.activeElement;
  if (!(el instanceof HTMLElement) || !$("record-form").contains(el)) return undefined;
  return el.dataset.field;
}
