// The national ID card on the record screen: "อ่านบัตรประชาชน" on each arrestee (and Alt+I for
// the arrestee whose field has the cursor), a dialog while the card is waited for and read
// (cancel with the button or Esc), then the values that will be filled with the card's photo
// beside them, for the officer to compare with the person. Confirming fills the arrestee: the
// backend saves a new version with provenance "card" and audits the read. The photo lives only
// in this dialog and is dropped when it closes, however it closes.
import { asAppError, command, type RecordView } from "./api";
import type { CardPreview } from "./bindings/CardPreview";
import { applyI18n, pick, t } from "./i18n";
import { withDigits } from "./digits";
import { decorate, register } from "./shortcuts";
import { state } from "./state";
import { $, formatDay, showError, showOverlay, toast } from "./ui";
import "./idcard.css";

export interface IdCardHooks {
  /** The record on screen. */
  view(): RecordView | null;
  /** Saves what is typed but not yet saved. */
  flush(): Promise<void>;
  /** Shows the record the backend saved. */
  apply(v: RecordView): void;
  /** Marks the fields just filled. */
  flash(pointers: string[]): void;
  /** The arrestee (0-based) whose field has the cursor, if any. */
  focusedArrestee(): number | undefined;
}

let hooks: IdCardHooks;
/** Bumped by every read and every close: an answer for an older one is ignored. */
let attempt = 0;
let preview: CardPreview | null = null;
let arrestee = 0;

const DIALOG = `
  <div class="card dialog wide">
    <h2 id="idcard-title"></h2>
    <p id="idcard-status" class="note idcard-status" role="status" aria-live="polite"></p>
    <div id="idcard-error" class="error" role="alert" aria-live="assertive"></div>
    <ul id="idcard-warnings" class="idcard-warnings" role="alert"></ul>
    <div id="idcard-result" class="idcard-result" hidden>
      <figure class="idcard-photo">
        <img id="idcard-photo" alt="" />
        <figcaption id="idcard-photo-note" class="muted small"></figcaption>
      </figure>
      <table class="table idcard-fields"><tbody id="idcard-fields"></tbody></table>
    </div>
    <div class="row-end">
      <button type="button" id="idcard-cancel" class="secondary"><span data-i18n="cancel"></span> <kbd>Esc</kbd></button>
      <button type="button" id="idcard-retry" class="secondary" hidden><span data-i18n="idcardRetry"></span></button>
      <button type="button" id="idcard-confirm" class="primary" hidden><span data-i18n="idcardConfirm"></span> <kbd>Enter</kbd></button>
    </div>
  </div>`;

function dialog(): HTMLElement {
  return $("idcard-dialog");
}

/** The button on arrestee `index` (placed by the form in the arrestee's heading). */
export function cardButton(index: number): HTMLElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "read-card";
  b.dataset.readCard = String(index);
  b.dataset.shortcut = "record.readCard";
  b.textContent = t("readIdCard");
  b.addEventListener("click", () => void readCard(index));
  const wrap = document.createElement("span");
  wrap.append(b);
  decorate(wrap);
  return b;
}

function reset(): void {
  preview = null;
  // The photo goes with the dialog: nothing of it stays on the page.
  const img = $<HTMLImageElement>("idcard-photo");
  img.removeAttribute("src");
  $("idcard-result").hidden = true;
  $("idcard-fields").replaceChildren();
  $("idcard-warnings").replaceChildren();
  $("idcard-photo-note").textContent = "";
  $("idcard-confirm").hidden = true;
  $("idcard-retry").hidden = true;
  ($("idcard-confirm") as HTMLButtonElement).disabled = false;
  showError($("idcard-error"), null);
}

/** Reads the card for arrestee `index` of the record on screen. */
export async function readCard(index: number): Promise<void> {
  const view = hooks.view();
  if (!view || !view.editable || state.screen !== "record") return;
  await hooks.flush();
  const mine = ++attempt;
  arrestee = index;
  reset();
  applyI18n(dialog());
  $("idcard-title").textContent = t("idcardTitle", { n: String(index + 1) });
  $("idcard-status").textContent = t("idcardWaiting");
  const d = dialog();
  d.dataset.state = "waiting";
  if (d.hidden) showOverlay(d, $("idcard-cancel"));
  let got: CardPreview;
  try {
    got = await command("idcard_read", { id: view.id, arrestee: index });
  } catch (e) {
    if (mine !== attempt) return;
    const err = asAppError(e);
    if (err.code === "cancelled") return;
    if (err.code === "locked") document.dispatchEvent(new CustomEvent("banthuek:locked"));
    d.dataset.state = "error";
    d.dataset.error = err.code;
    $("idcard-status").textContent = "";
    showError($("idcard-error"), err);
    $("idcard-retry").hidden = false;
    $("idcard-retry").focus();
    return;
  }
  if (mine !== attempt) return;
  show(got);
}

function row(key: string, name: string, value: string): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.dataset.card = key;
  const th = document.createElement("th");
  th.textContent = name;
  const td = document.createElement("td");
  td.textContent = value;
  tr.append(th, td);
  return tr;
}

function text(v: unknown): string {
  return typeof v === "string" || typeof v === "number" ? String(v) : "";
}

function date(v: unknown): string {
  return formatDay(text(v));
}

function show(p: CardPreview): void {
  preview = p;
  const v = p.values as Record<string, unknown>;
  const en = (v.name_en ?? {}) as Record<string, unknown>;
  const card = (v.id_card ?? {}) as Record<string, unknown>;
  const digits = (s: string) => withDigits(s, state.digits);
  const id = text(v.national_id);
  const sex = v.sex === "male" ? t("idcardMale") : v.sex === "female" ? t("idcardFemale") : "";
  const rows: [string, string, string][] = [
    ["name_th", t("idcardNameTh"), `${text(v.title)}${text(v.first_name)} ${text(v.last_name)}`.trim()],
    ["name_en", t("idcardNameEn"), [en.title, en.first_name, en.middle_name, en.last_name].map(text).filter(Boolean).join(" ")],
    ["national_id", t("fNationalId"), digits(id.replace(/^(\d)(\d{4})(\d{5})(\d{2})(\d)$/, "$1-$2-$3-$4-$5"))],
    ["birth_date", t("idcardBirthDate"), date(v.birth_date)],
    ["age", t("fAge"), digits(t("idcardAgeOn", { age: text(v.age), date: date(p.ageOn) }))],
    ["sex", t("idcardSex"), sex],
    ["nationality", t("fNationality"), text(v.nationality)],
    ["address", t("fAddress"), text(v.address)],
    ["issuer", t("idcardIssuer"), p.issuer],
    ["valid", t("idcardValid"), `${date(card.issued)} – ${card.expires ? date(card.expires) : t("idcardLifetime")}`],
  ];
  $("idcard-fields").replaceChildren(...rows.filter(([, , value]) => value !== "").map(([k, n, value]) => row(k, n, value)));
  const warnings = $("idcard-warnings");
  warnings.replaceChildren(
    ...p.warnings.map((w) => {
      const li = document.createElement("li");
      li.dataset.warning = w.code;
      // The expiry as the officer reads dates; the backend's sentence for the others.
      li.textContent = w.code === "expired" ? t("idcardExpired", { date: date(card.expires) }) : pick(w);
      return li;
    }),
  );
  if (p.juvenile) {
    const li = document.createElement("li");
    li.dataset.warning = "juvenile";
    li.textContent = digits(t("idcardJuvenile", { date: date(p.ageOn) }));
    warnings.append(li);
  }
  const img = $<HTMLImageElement>("idcard-photo");
  if (p.photo) {
    img.src = p.photo;
    img.alt = t("idcardPhotoNote");
  } else {
    img.removeAttribute("src");
    img.alt = "";
  }
  $("idcard-photo-note").textContent = `${p.photo ? t("idcardPhotoNote") : t("idcardNoPhoto")} · ${t("idcardReader")}: ${p.reader}`;
  $("idcard-status").textContent = t("idcardCheck");
  $("idcard-result").hidden = false;
  $("idcard-confirm").hidden = false;
  $("idcard-retry").hidden = false;
  const d = dialog();
  d.dataset.state = "read";
  delete d.dataset.error;
  $("idcard-confirm").focus();
}

async function confirm(): Promise<void> {
  const view = hooks.view();
  const p = preview;
  if (!view || !p) return;
  const button = $("idcard-confirm") as HTMLButtonElement;
  button.disabled = true;
  try {
    // The version on screen: a card field another save changed since is refused, not overwritten.
    const saved = await command("idcard_fill", { id: view.id, token: p.token, basedOn: view.version });
    hooks.apply(saved);
    dialog().hidden = true;
    hooks.flash(p.fields);
    toast(t("idcardFilled", { n: String(p.arrestee + 1) }));
  } catch (e) {
    button.disabled = false;
    const err = asAppError(e);
    if (err.code === "locked") document.dispatchEvent(new CustomEvent("banthuek:locked"));
    showError($("idcard-error"), err);
    if (err.code === "save_conflict") {
      // The read was used up: show the record as it now is, and offer to read the card again.
      const d = dialog();
      d.dataset.state = "error";
      d.dataset.error = err.code;
      button.hidden = true;
      $("idcard-retry").hidden = false;
      $("idcard-retry").focus();
      try {
        hooks.apply(await command("get_record", { id: view.id }));
      } catch {
        // The message above already says what happened; the page refreshes on its next save.
      }
    }
  }
}

/** However the dialog was closed (Esc, the backdrop, a lock): stop waiting, drop the read. */
function closed(): void {
  attempt++;
  reset();
  delete dialog().dataset.state;
  void command("idcard_cancel").catch(() => {});
}

export function initIdCard(h: IdCardHooks): void {
  hooks = h;
  const d = document.createElement("div");
  d.id = "idcard-dialog";
  d.className = "overlay";
  d.setAttribute("role", "dialog");
  d.setAttribute("aria-modal", "true");
  d.setAttribute("aria-labelledby", "idcard-title");
  d.hidden = true;
  d.innerHTML = DIALOG;
  document.body.append(d);
  $("idcard-cancel").addEventListener("click", () => (d.hidden = true));
  $("idcard-retry").addEventListener("click", () => void readCard(arrestee));
  $("idcard-confirm").addEventListener("click", () => void confirm());
  new MutationObserver(() => {
    if (d.hidden && d.dataset.state) closed();
  }).observe(d, { attributes: true, attributeFilter: ["hidden"] });
  register({
    id: "record.readCard",
    keys: ["Alt+I"],
    label: "readIdCard",
    scope: "record",
    run: () => void readCard(hooks.focusedArrestee() ?? 0),
  });
}
