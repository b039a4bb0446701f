// The supervisor's queue and review: the record read-only with per-field comments and audio,
// return with comments, or approve and countersign; the rendered PDF previewed with pdf.js.
import { api, asAppError, type FieldComment, type RecordView } from "../api";
import { bindClassification } from "../classification";
import { RecordForm, fieldName } from "../form";
import { renderPdf as drawPdf } from "../pdf";
import { both, t } from "../i18n";
import { register } from "../shortcuts";
import { signingCeremony } from "../ceremony";
import { defineScreen, state } from "../state";
import { $, formatDay, formatWhen, showError, showOverlay, showStatus, toast, toastError } from "../ui";

let form: RecordForm;
let reviewClass: ReturnType<typeof bindClassification> | null = null;
let view: RecordView | null = null;
const comments = new Map<string, string>();
let commentPointer = "";

function pending(): FieldComment[] {
  const list = [...comments].map(([pointer, text]) => ({ pointer, text, author: state.session?.user }));
  const general = $<HTMLTextAreaElement>("review-comment").value.trim();
  // Pointer "" is the record as a whole.
  if (general) list.unshift({ pointer: "", text: general, author: state.session?.user });
  return list;
}

export function showQueueCount(n: number): void {
  const badge = $("review-count");
  badge.textContent = String(n);
  badge.hidden = n === 0;
}

/** Keeps the count on the review menu current for a supervisor on another screen. */
export async function refreshQueueCount(): Promise<void> {
  try {
    showQueueCount((await api.reviewQueue()).length);
  } catch {
    // The count is a hint; the queue screen shows errors when opened.
  }
}

async function loadQueue(focusFirst = false): Promise<void> {
  const list = $("review-queue");
  try {
    const rows = await api.reviewQueue();
    list.replaceChildren();
    for (const r of rows) {
      const li = document.createElement("li");
      li.className = "review-row";
      li.dataset.id = r.id;
      li.tabIndex = 0;
      li.setAttribute("role", "button");
      li.classList.toggle("selected", r.id === view?.id);
      const names = document.createElement("strong");
      names.textContent = r.arrestees.filter(Boolean).join(", ") || t("noName");
      const meta = document.createElement("span");
      meta.textContent = [formatDay(r.arrestDate), r.createdByName, formatWhen(r.updatedAt)]
        .filter(Boolean)
        .join(" · ");
      li.append(names, meta);
      li.addEventListener("click", () => void open(r.id));
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") void open(r.id);
        else if (e.key === "ArrowDown") (li.nextElementSibling as HTMLElement | null)?.focus();
        else if (e.key === "ArrowUp") (li.previousElementSibling as HTMLElement | null)?.focus();
        else return;
        e.preventDefault();
      });
      list.append(li);
    }
    $("review-empty").hidden = rows.length > 0;
    showQueueCount(rows.length);
    if (focusFirst) list.querySelector<HTMLElement>(".review-row")?.focus();
  } catch (e) {
    showError($("review-error"), asAppError(e));
  }
}

async function open(id: string): Promise<void> {
  try {
    const v = await api.getRecord(id);
    if (v.id !== view?.id) {
      comments.clear();
      $<HTMLTextAreaElement>("review-comment").value = "";
    }
    view = v;
    render();
    $("review-detail").hidden = false;
    showPdf(false);
    showError($("review-error"), null);
    for (const li of $("review-queue").querySelectorAll<HTMLElement>(".review-row"))
      li.classList.toggle("selected", li.dataset.id === id);
    $("approve").focus();
  } catch (e) {
    toastError(asAppError(e));
  }
}

function render(): void {
  if (!view) return;
  form.show(view, new Set(), pending());
  showStatus("screen-review", view.status);
  reviewClass?.show(view);
  $("return").classList.toggle("has-comments", comments.size > 0);
  // Approve and return apply to a submitted record only: once it moved on, they are off.
  const waiting = view.status === "submitted";
  $<HTMLButtonElement>("approve").disabled = !waiting;
  $<HTMLButtonElement>("return").disabled = !waiting;
}

function comment(pointer: string): void {
  commentPointer = pointer;
  $("comment-field").textContent = fieldName(pointer);
  $<HTMLTextAreaElement>("comment-text").value = comments.get(pointer) ?? "";
  showOverlay($("comment-dialog"), $("comment-text"));
}

function saveComment(): void {
  const text = $<HTMLTextAreaElement>("comment-text").value.trim();
  if (text) comments.set(commentPointer, text);
  else comments.delete(commentPointer);
  $("comment-dialog").hidden = true;
  render();
  document.querySelector<HTMLElement>(`#review-form [data-comment="${CSS.escape(commentPointer)}"]`)?.focus();
}

async function returnRecord(): Promise<void> {
  if (!view) return;
  try {
    view = await api.returnRecord(view.id, pending());
    comments.clear();
    $<HTMLTextAreaElement>("review-comment").value = "";
    render();
    toast(t("returned"));
    await loadQueue(true);
  } catch (e) {
    showError($("review-error"), asAppError(e));
  }
}

async function approve(): Promise<void> {
  if (!view || view.status !== "submitted") return;
  const id = view.id;
  const signed = await signingCeremony(id, "countersign", async (password, pages) => {
    view = await api.approveAndCountersign(id, password, pages);
  });
  if (!signed) {
    $("approve").focus();
    return;
  }
  comments.clear();
  render();
  toast(t("approved"));
  showError($("review-error"), null);
  await loadQueue();
  // Show the countersigned document at once.
  await renderPdf();
}

async function play(pointer: string): Promise<void> {
  if (!view) return;
  try {
    const audio = await api.fieldAudio(view.id, pointer);
    await new Audio(`data:${audio.mime};base64,${audio.base64}`).play();
  } catch (e) {
    const err = asAppError(e);
    toastError(err.code === "internal" ? { ...err, ...both("playFailed") } : err);
  }
}

function showPdf(on: boolean): void {
  const box = $("pdf-view");
  box.hidden = !on;
  if (!on) box.replaceChildren();
  $("pdf-preview").setAttribute("aria-pressed", String(on));
}

function togglePdf(): Promise<void> {
  if (!$("pdf-view").hidden) {
    showPdf(false);
    return Promise.resolve();
  }
  return renderPdf();
}

async function renderPdf(): Promise<void> {
  if (!view) return;
  showPdf(true);
  await drawPdf($("pdf-view"), view.id);
}

function focusedPointer(): string | undefined {
  const el = document.activeElement;
  return el instanceof HTMLElement ? el.closest<HTMLElement>("[data-pointer]")?.dataset.pointer : undefined;
}

export function initReview(): void {
  reviewClass = bindClassification("review-classification", "review-juvenile-note", "review-error", () => view, (v) => {
    view = v;
    render();
  });
  form = new RecordForm($("review-form"), "review", {
    change: () => {},
    play: (p) => void play(p),
    comment,
  });
  $("return").addEventListener("click", () => void returnRecord());
  $("approve").addEventListener("click", () => void approve());
  $("pdf-preview").addEventListener("click", () => void togglePdf());
  $("comment-form").addEventListener("submit", (e) => {
    e.preventDefault();
    saveComment();
  });
  $("comment-text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.ctrlKey) {
      e.preventDefault();
      saveComment();
    }
  });

  register({ id: "review.approve", keys: ["Alt+A"], label: "approve", scope: "review", notWhileTyping: true, run: () => void approve() });
  register({ id: "review.return", keys: ["Alt+R"], label: "returnRecord", scope: "review", run: () => void returnRecord() });
  register({ id: "review.pdf", keys: ["Alt+V"], label: "pdfPreview", scope: "review", run: () => void togglePdf() });
  register({
    id: "review.comment",
    keys: ["Alt+C"],
    label: "commentFocused",
    scope: "review",
    run: () => {
      const p = focusedPointer();
      if (p) comment(p);
    },
  });
  register({
    id: "review.play",
    keys: ["Alt+P"],
    label: "playFocused",
    scope: "review",
    run: () => {
      const p = focusedPointer();
      if (p) void play(p);
    },
  });
  register({
    id: "review.queue",
    keys: ["Alt+J"],
    label: "firstRow",
    scope: "review",
    run: () => $("review-queue").querySelector<HTMLElement>(".review-row")?.focus(),
  });

  defineScreen("review", {
    show: async (id) => {
      await loadQueue(!id);
      if (id) await open(id);
    },
    relabel: () => {
      reviewClass?.relabel();
      form.relabel();
      render();
      void loadQueue();
    },
  });
}
