// The signing ceremony: before a signature (the officer's, or the supervisor's countersignature)
// the person sees the pages that will be signed, confirms they read them, and re-enters their
// password, which opens their signing key in the backend. Nothing signs from a single key press.
import type { AppError } from "./api";
import { asAppError } from "./api";
import { t } from "./i18n";
import { renderPdf } from "./pdf";
import { $, showError, showOverlay } from "./ui";

type Sign = (password: string, pagesSeen: number) => Promise<void>;

let pending: { sign: Sign; done: (signed: boolean) => void } | null = null;

function ready(): void {
  const view = $("sign-pdf-view");
  const ok =
    view.dataset.rendered === "true" &&
    $<HTMLInputElement>("sign-read").checked &&
    $<HTMLInputElement>("sign-password").value.length > 0;
  $<HTMLButtonElement>("sign-confirm").disabled = !ok;
}

function close(signed: boolean): void {
  $("sign-dialog").hidden = true;
  $<HTMLInputElement>("sign-password").value = "";
  const p = pending;
  pending = null;
  p?.done(signed);
}

/** Runs the ceremony for record `id`; `sign` makes the signature with the password entered.
 * Resolves true once signed, false when the person cancels. */
export function signingCeremony(id: string, kind: "sign" | "countersign", sign: Sign): Promise<boolean> {
  if (pending) close(false);
  $("sign-title").textContent = t(kind === "sign" ? "ceremonySignTitle" : "ceremonyCountersignTitle");
  $("sign-confirm-label").textContent = t(kind === "sign" ? "signSubmit" : "approve");
  $<HTMLInputElement>("sign-read").checked = false;
  $<HTMLInputElement>("sign-password").value = "";
  showError($("sign-error"), null);
  ready();
  const shown = new Promise<boolean>((done) => (pending = { sign, done }));
  showOverlay($("sign-dialog"), $("sign-pdf-view"));
  void renderPdf($("sign-pdf-view"), id, { focus: false }).then(ready);
  return shown;
}

async function submit(e: Event): Promise<void> {
  e.preventDefault();
  if (!pending) return;
  const btn = $<HTMLButtonElement>("sign-confirm");
  if (btn.disabled) return;
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  const pages = Number($("sign-pdf-view").dataset.pages ?? "0");
  try {
    await pending.sign($<HTMLInputElement>("sign-password").value, pages);
    close(true);
  } catch (err) {
    const error: AppError = asAppError(err);
    showError($("sign-error"), error);
    $<HTMLInputElement>("sign-password").value = "";
    $("sign-password").focus();
  } finally {
    btn.removeAttribute("aria-busy");
    ready();
  }
}

export function initCeremony(): void {
  $("sign-form").addEventListener("submit", (e) => void submit(e));
  $("sign-read").addEventListener("change", ready);
  $("sign-password").addEventListener("input", ready);
  $("sign-cancel").addEventListener("click", () => close(false));
}

/** Whether the ceremony is open (Escape closes it as a cancel). */
export function cancelCeremony(): boolean {
  if (!pending) return false;
  close(false);
  return true;
}
