// Small DOM helpers shared by the screens: lookups, error display, the toast.
import type { AppError } from "./api";
import { lang, t, type Key } from "./i18n";
import type { RecordStatus } from "./bindings/RecordStatus";
import { clockTime, readableDate, withDigits } from "./digits";
import { state } from "./state";
import { fieldName } from "./form";

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el as T;
}

/** Shows an error in the chosen language only (the AppError carries both; the other one never
 * mixes into the sentence). */
/** A refusal the page makes itself before asking the backend: an empty login form, two
 * passwords that differ. Every other code is the backend's (`ErrorCode`). */
export type PageError = Omit<AppError, "code"> & { code: AppError["code"] | "empty" | "mismatch" };

export function showError(target: HTMLElement, e: AppError | PageError | null): void {
  target.replaceChildren();
  if (!e) return;
  const main = document.createElement("span");
  main.textContent = lang() === "en" ? e.en : e.th;
  target.append(main);
  if (e.fields?.length) {
    const which = document.createElement("small");
    which.className = "error-fields";
    which.textContent = e.fields.map(fieldName).join(", ");
    target.append(which);
  }
}

let toastTimer: number | undefined;
export function toast(text: string, kind: "ok" | "error" = "ok"): void {
  const el = $("toast");
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (el.hidden = true), kind === "error" ? 8000 : 3500);
}

/** Hides the toast at once: what it said belongs to the session that is ending. */
export function clearToast(): void {
  clearTimeout(toastTimer);
  $("toast").hidden = true;
}

export function toastError(e: AppError): void {
  toast(lang() === "en" ? e.en : e.th, "error");
}

/** How often a meter is redrawn at most (ms). */
const METER_MS = 200;
const meters = new WeakMap<HTMLElement, { rms: number; peak: number; last: number; timer?: number }>();

/** Shows a level on a meter (#level-meter, #mic-meter): at most five times a second, in steps of
 * 5 %, touching the page only when a step changes. Under software rendering every change
 * repaints, and a meter redrawn at the capture's 33 frames a second kept a whole core busy while
 * the officer spoke — a core the speech engine needs; at ten a second it still took about 0.5 %
 * of a core more than at five (2.6–2.7 % against 2.0–2.2 % while speech was heard). The bar is
 * scaled, not resized, so nothing around it is laid out again. */
export function setMeter(el: HTMLElement, rms: number, peak: number): void {
  const m = meters.get(el) ?? { rms, peak, last: 0 };
  m.rms = rms;
  m.peak = peak;
  meters.set(el, m);
  if (m.timer !== undefined) return;
  m.timer = window.setTimeout(() => {
    m.timer = undefined;
    m.last = performance.now();
    drawMeter(el, m.rms, m.peak);
  }, Math.max(0, m.last + METER_MS - performance.now()));
}

/** A level in 0..1 (linear RMS) shown on a dB scale from −60 dBFS to 0. */
function drawMeter(el: HTMLElement, rms: number, peak: number): void {
  const step = (v: number) => Math.round(Math.max(0, Math.min(1, (20 * Math.log10(Math.max(v, 1e-6)) + 60) / 60)) * 20) * 5;
  const level = step(rms);
  const mark = step(peak);
  if (el.dataset.level === String(level) && el.dataset.peak === String(mark)) return;
  el.dataset.level = String(level);
  el.dataset.peak = String(mark);
  (el.querySelector(".meter-bar") as HTMLElement).style.transform = `scaleX(${level / 100})`;
  const peakMark = el.querySelector(".meter-peak") as HTMLElement;
  peakMark.style.left = `${mark}%`;
  peakMark.style.opacity = mark > 0 ? "1" : "0";
  el.setAttribute("aria-valuenow", String(level));
  el.dataset.active = level > 5 ? "true" : "false";
}

/** One status chip (#status-chip[data-status], the contract's) shown in whichever screen shows a record. */
export function showStatus(screenId: string, status: RecordStatus): void {
  const chip = $("status-chip");
  const slot = $(screenId).querySelector(".status-slot");
  if (slot && chip.parentElement !== slot) slot.append(chip);
  // The code is for machines (tests read data-status); people read the label in their language.
  chip.dataset.status = status;
  $("record-status-label").textContent = statusLabel(status);
}

/** Every status the backend sends has its label: the type makes a missing one a build error. */
const STATUS_LABELS: Record<RecordStatus, Key> = {
  draft: "status_draft",
  submitted: "status_submitted",
  returned: "status_returned",
  approved: "status_approved",
  signed: "status_signed",
  queued: "status_queued",
  synced: "status_synced",
};

export function statusLabel(status: RecordStatus): string {
  return t(STATUS_LABELS[status]);
}

/** A stored date as a sentence reads it ("6 ธันวาคม ๒๕๖๙"), in the station's digits; text that
 * is no date as it is. */
export function formatDay(iso: string | null | undefined): string {
  if (!iso) return "";
  return withDigits(readableDate(iso, lang()) ?? iso, state.digits);
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // Thai writing puts a dot in the time and น. after it ("7 ธ.ค. 2569 23.51 น."), where the
  // th-TH locale writes 23:51.
  const hm = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  const text =
    lang() === "th"
      ? `${d.toLocaleDateString("th-TH", { dateStyle: "medium" })} ${clockTime(hm, "th")}`
      : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
  return withDigits(text, state.digits);
}

export function showOverlay(el: HTMLElement, focus?: HTMLElement): void {
  el.hidden = false;
  (focus ?? el.querySelector<HTMLElement>("button, textarea, input"))?.focus();
}
