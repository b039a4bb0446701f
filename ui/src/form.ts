// The record form, grouped like the paper บันทึกการจับกุม. Every input is bound to a JSON pointer
// into the exchange-format record (data-field). What is missing, low-confidence or commented on is
// decided by the backend and only shown here.
import { openDatePicker } from "./datepicker";
import { get, join, pattern, set, type Json } from "./pointer";
import { lang, pick, t, type Key } from "./i18n";
import { asWritten, readableDate, toArabicDigits } from "./digits";
import { KeptWords, keepWhole, typed } from "./keepwhole";
import type { FieldComment, RecordView } from "./api";

type Kind = "text" | "textarea" | "date" | "time" | "datetime" | "integer" | "number" | "select" | "bool";

interface FieldDef {
  key: string;
  kind: Kind;
  label: Key;
  options?: [string, Key][];
  wide?: boolean;
}

interface GroupDef {
  id: string;
  title: Key;
  /** Object groups live at `base`; list groups hold one item per array element at `base`. */
  base: string;
  list?: { item: Key; add: Key };
  fields: FieldDef[];
  rights?: boolean;
}

export const RIGHTS: [string, Key][] = [
  ["silence", "rightSilence"],
  ["statement_as_evidence", "rightStatementAsEvidence"],
  ["lawyer", "rightLawyer"],
  ["lawyer_present", "rightLawyerPresent"],
  ["notify_relative", "rightNotifyRelative"],
  ["visit", "rightVisit"],
  ["medical_care", "rightMedicalCare"],
];

const GROUPS: GroupDef[] = [
  {
    id: "arrest",
    title: "groupArrest",
    base: "",
    fields: [
      { key: "arrest/date", kind: "date", label: "fArrestDate" },
      { key: "arrest/time", kind: "time", label: "fArrestTime" },
      { key: "arrest/place", kind: "textarea", label: "fArrestPlace", wide: true },
      {
        key: "arrest/basis",
        kind: "select",
        label: "fBasis",
        options: [["in_the_act", "basisInTheAct"], ["warrant", "basisWarrant"], ["other", "basisOther"]],
      },
      { key: "arrest/warrant/number", kind: "text", label: "fWarrantNumber" },
      { key: "arrest/warrant/court", kind: "text", label: "fWarrantCourt" },
      { key: "arrest/warrant/date", kind: "date", label: "fWarrantDate" },
    ],
  },
  {
    id: "recorded",
    title: "groupRecorded",
    base: "",
    fields: [
      { key: "recorded/place", kind: "text", label: "fRecordedPlace", wide: true },
      { key: "recorded/date", kind: "date", label: "fRecordedDate" },
      { key: "recorded/time", kind: "time", label: "fRecordedTime" },
    ],
  },
  {
    id: "officers",
    title: "groupOfficers",
    base: "/officers",
    list: { item: "officerN", add: "addOfficer" },
    fields: [
      { key: "rank", kind: "text", label: "fRank" },
      { key: "first_name", kind: "text", label: "fFirstName" },
      { key: "last_name", kind: "text", label: "fLastName" },
      { key: "position", kind: "text", label: "fPosition" },
      { key: "unit", kind: "text", label: "fUnit" },
      {
        key: "role",
        kind: "select",
        label: "fRole",
        options: [["leader", "roleLeader"], ["member", "roleMember"], ["recorder", "roleRecorder"]],
      },
    ],
  },
  {
    id: "arrestees",
    title: "groupArrestees",
    base: "/arrestees",
    list: { item: "arresteeN", add: "addArrestee" },
    fields: [
      { key: "title", kind: "text", label: "fTitle" },
      { key: "first_name", kind: "text", label: "fFirstName" },
      { key: "last_name", kind: "text", label: "fLastName" },
      { key: "age", kind: "integer", label: "fAge" },
      { key: "national_id", kind: "text", label: "fNationalId" },
      { key: "passport", kind: "text", label: "fPassport" },
      { key: "nationality", kind: "text", label: "fNationality" },
      { key: "ethnicity", kind: "text", label: "fEthnicity" },
      { key: "address", kind: "textarea", label: "fAddress", wide: true },
      { key: "phone", kind: "text", label: "fPhone" },
      // What the national ID card holds besides the above (issue 17): editable like any field.
      { key: "birth_date", kind: "date", label: "fBirthDate" },
      { key: "sex", kind: "select", label: "fSex", options: [["male", "sexMale"], ["female", "sexFemale"]] },
      { key: "name_en/title", kind: "text", label: "fNameEnTitle" },
      { key: "name_en/first_name", kind: "text", label: "fNameEnFirst" },
      { key: "name_en/middle_name", kind: "text", label: "fNameEnMiddle" },
      { key: "name_en/last_name", kind: "text", label: "fNameEnLast" },
      { key: "address_parts/house_number", kind: "text", label: "fHouseNumber" },
      { key: "address_parts/moo", kind: "text", label: "fMoo" },
      { key: "address_parts/village", kind: "text", label: "fVillage" },
      { key: "address_parts/soi", kind: "text", label: "fSoi" },
      { key: "address_parts/road", kind: "text", label: "fRoad" },
      { key: "address_parts/subdistrict", kind: "text", label: "fSubdistrict" },
      { key: "address_parts/district", kind: "text", label: "fDistrict" },
      { key: "address_parts/province", kind: "text", label: "fProvince" },
      { key: "id_card/issued", kind: "date", label: "fCardIssued" },
      { key: "id_card/expires", kind: "date", label: "fCardExpires" },
    ],
  },
  {
    id: "charges",
    title: "groupCharges",
    base: "/charges",
    list: { item: "chargeN", add: "addCharge" },
    fields: [
      { key: "text", kind: "textarea", label: "fChargeText", wide: true },
      { key: "code", kind: "text", label: "fChargeCode" },
    ],
  },
  {
    id: "seized",
    title: "groupSeized",
    base: "/seized_items",
    list: { item: "seizedN", add: "addSeized" },
    fields: [
      { key: "description", kind: "text", label: "fItemDescription", wide: true },
      { key: "quantity", kind: "number", label: "fQuantity" },
      { key: "unit", kind: "text", label: "fItemUnit" },
      { key: "found_at", kind: "text", label: "fFoundAt", wide: true },
    ],
  },
  {
    id: "circumstances",
    title: "groupCircumstances",
    base: "",
    fields: [{ key: "circumstances", kind: "textarea", label: "fCircumstances", wide: true }],
  },
  {
    id: "rights",
    title: "groupRights",
    base: "",
    rights: true,
    fields: [],
  },
  {
    id: "statement",
    title: "groupStatement",
    base: "",
    fields: [
      {
        key: "arrestee_statement",
        kind: "select",
        label: "fStatement",
        options: [
          ["confessed", "stmtConfessed"],
          ["denied", "stmtDenied"],
          ["silent", "stmtSilent"],
          ["partial", "stmtPartial"],
        ],
      },
    ],
  },
  {
    id: "custody",
    title: "groupCustody",
    base: "",
    fields: [
      { key: "custody/recording_started", kind: "bool", label: "fRecordingStarted" },
      { key: "custody/recording_not_possible_reason", kind: "text", label: "fRecordingReason", wide: true },
      { key: "custody/prosecutor_notified_at", kind: "datetime", label: "fProsecutorNotified" },
      { key: "custody/district_chief_notified_at", kind: "datetime", label: "fDistrictChiefNotified" },
      { key: "custody/condition", kind: "textarea", label: "fCondition", wide: true },
      { key: "custody/handed_to", kind: "text", label: "fHandedTo" },
    ],
  },
];

const DEFS = new Map<string, { group: GroupDef; field?: FieldDef }>();
for (const g of GROUPS) {
  for (const f of g.fields) DEFS.set(g.list ? `${g.base}/#/${f.key}` : `/${f.key}`, { group: g, field: f });
  if (g.rights) DEFS.set("/rights_notified", { group: g });
}

/** A human name for a pointer, e.g. "ผู้ถูกจับคนที่ 1 · ชื่อ" for /arrestees/0/first_name. */
export function fieldName(pointer: string): string {
  if (pointer === "") return t("wholeRecord");
  const p = pattern(pointer);
  const d = DEFS.get(p) ?? DEFS.get(p.replace(/\/#.*$/, "")) ?? DEFS.get("/" + p.split("/")[1]);
  if (!d) return pointer;
  const m = /\/(\d+)/.exec(pointer);
  const parts: string[] = [];
  if (d.group.list && m) parts.push(t(d.group.list.item, { n: String(Number(m[1]) + 1) }));
  else parts.push(t(d.group.title));
  if (d.field) parts.push(t(d.field.label));
  return parts.join(" · ");
}

/** A value as the field at `pointer` shows it (dates and times as officers write them), for the
 * views that list values outside the form (the history's changes). */
export function shownValue(pointer: string, v: Json | undefined): string {
  return display(v, DEFS.get(pattern(pointer))?.field?.kind);
}

export function inputId(pointer: string): string {
  return "f" + pointer.replace(/[^a-zA-Z0-9_]/g, "-");
}

export type Mode = "edit" | "review";

export interface FormHandlers {
  /** The officer changed a value (already written into the form's record). */
  change(pointer: string): void;
  dictate?(pointer: string): void;
  play(pointer: string): void;
  confirm?(pointer: string): void;
  comment?(pointer: string): void;
  /** An item was added to or removed from the list at `base`: save immediately. */
  structure?(base: string): void;
  /** The "read ID card" button of arrestee `index` (idcard.ts). */
  cardButton?(index: number): HTMLElement;
}

/** A stored value as its input shows it: dates and times as officers write them (`asWritten`),
 * numbers and booleans as text, absent as "". */
function display(v: Json | undefined, kind: string | undefined): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string")
    return kind === "date" || kind === "time" || kind === "datetime" ? asWritten(kind, v) : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** What was typed, as the value to send: a number when it plainly is one, otherwise the text as
 * typed. Dates and times go as typed (4/12/2569, ๑๔.๓๐): the backend reads Thai conventions
 * and keeps what does not fit as typed, marked, so nothing typed is ever dropped here. The word
 * joiners a text box shows (keepwhole.ts) are never part of it. */
function parse(kind: Kind, shown: string): { value?: Json } {
  const raw = typed(shown);
  const text = raw.trim() === "" ? "" : raw.replace(/\s+/g, " ").trim();
  if (text === "") return { value: undefined };
  if (kind === "integer" || kind === "number") {
    const plain = toArabicDigits(text).replace(/,/g, "");
    const n = Number(plain);
    if (/^[0-9]+(\.[0-9]+)?$/.test(plain) && Number.isFinite(n) && (kind === "number" || Number.isInteger(n)))
      return { value: n };
    return { value: text };
  }
  return { value: kind === "textarea" ? raw.trim() : text };
}

export class RecordForm {
  private record: Json = {};
  private view?: RecordView;
  private shape = "";
  private pendingComments: FieldComment[] = [];
  private kept = new KeptWords();
  private flashes = new Map<HTMLElement, number>();

  constructor(
    private root: HTMLElement,
    private mode: Mode,
    private handlers: FormHandlers,
  ) {}

  get value(): Json {
    return this.record;
  }

  /** Shows `view`; inputs holding unsaved typing (in `keep`) are left alone. */
  show(view: RecordView, keep: Set<string> = new Set(), comments: FieldComment[] = []): void {
    this.view = view;
    this.pendingComments = comments;
    this.kept = new KeptWords(view.keepWhole);
    const record = structuredClone(view.record);
    for (const p of keep) set(record, p, get(this.record, p) ?? undefined);
    this.record = record;
    const shape = this.shapeKey();
    // Fresh inputs after a rebuild hold nothing yet: fill every one, kept values included
    // (they are already in this.record).
    if (shape !== this.shape) {
      this.build();
      this.fill(new Set());
    } else this.fill(keep);
  }

  /** Re-renders labels after a language switch. */
  relabel(): void {
    this.shape = "";
    if (this.view) this.show({ ...this.view, record: this.record });
  }

  /** Marks fields just filled by dictation for a moment. A still outline put on and taken off,
   * not an animation: under software rendering an animated shadow repainted 60 times a second
   * while the officer went on speaking, taking CPU from the speech engine. */
  flash(pointers: string[]): void {
    for (const p of pointers) {
      const wrap = this.root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(p)}"]`);
      if (!wrap) continue;
      wrap.classList.add("just-filled");
      clearTimeout(this.flashes.get(wrap));
      this.flashes.set(wrap, window.setTimeout(() => wrap.classList.remove("just-filled"), 1600));
    }
  }

  /** What dictation into a typed field heard, under the field (`null` removes it). */
  noteHeard(pointer: string, lines: string[] | null): void {
    const wrap = this.root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(pointer)}"]`);
    if (!wrap) return;
    wrap.querySelector(".field-heard")?.remove();
    if (!lines) return;
    const note = div("field-heard");
    note.setAttribute("role", "status");
    note.textContent = lines.join(" ");
    wrap.append(note);
  }

  /** Puts `value` into the field as if the officer typed it (saved as the person's choice). */
  enter(pointer: string, value: Json): void {
    const input = this.root.querySelector<HTMLInputElement>(`[data-field="${CSS.escape(pointer)}"]`);
    if (!input) return;
    input.value = display(value, input.dataset.kind);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  focusField(pointer: string): boolean {
    let el = this.root.querySelector<HTMLElement>(`[data-field="${CSS.escape(pointer)}"]`);
    if (!el && pointer === "/rights_notified") el = this.root.querySelector<HTMLElement>("[data-right]");
    if (!el) {
      // A missing item (e.g. no arrestee yet): add it, then focus its field.
      const m = /^(\/[a-z_]+)\/(\d+)\//.exec(pointer);
      if (m && this.mode === "edit") {
        set(this.record, `${m[1]}/${m[2]}`, {});
        this.build();
        this.fill(new Set());
        el = this.root.querySelector<HTMLElement>(`[data-field="${CSS.escape(pointer)}"]`);
      }
    }
    if (!el) return false;
    el.scrollIntoView({ block: "center" });
    el.focus();
    return true;
  }

  private count(base: string): number {
    const v = get(this.record, base);
    return Array.isArray(v) ? v.length : 0;
  }

  private shapeKey(): string {
    // What is drawn, not what is stored: an empty list still shows one item, so its first value
    // (0 → 1 items) must not rebuild the inputs under the officer's cursor.
    return GROUPS.filter((g) => g.list).map((g) => Math.max(1, this.count(g.base))).join(",") + lang();
  }

  private build(): void {
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.field : undefined;
    this.root.replaceChildren();
    for (const g of GROUPS) {
      const box = document.createElement("fieldset");
      box.className = "group";
      box.id = `group-${g.id}`;
      const legend = document.createElement("legend");
      legend.textContent = t(g.title);
      box.append(legend);
      if (g.rights) box.append(this.rights());
      else if (g.list) {
        // Always show at least one item so the officer can start typing at once.
        const n = Math.max(1, this.count(g.base));
        for (let i = 0; i < n; i++) box.append(this.item(g, i, n));
        if (this.mode === "edit") {
          const add = button(t(g.list.add), "add", () => {
            set(this.record, `${g.base}/${Math.max(n, this.count(g.base))}`, {});
            this.build();
            this.fill(new Set());
            this.handlers.structure?.(g.base);
            this.focusField(`${g.base}/${n}/${g.fields[0].key}`);
          });
          add.dataset.add = g.base;
          box.append(add);
        }
      } else {
        const grid = div("grid");
        for (const f of g.fields) grid.append(this.field(`/${f.key}`, f));
        box.append(grid);
      }
      this.root.append(box);
    }
    this.shape = this.shapeKey();
    if (focused) this.root.querySelector<HTMLElement>(`[data-field="${CSS.escape(focused)}"]`)?.focus();
  }

  private item(g: GroupDef, i: number, n: number): HTMLElement {
    const box = div("item");
    const head = div("item-head");
    const title = document.createElement("h3");
    title.textContent = t(g.list!.item, { n: String(i + 1) });
    head.append(title);
    if (g.id === "arrestees" && this.mode === "edit" && this.handlers.cardButton) head.append(this.handlers.cardButton(i));
    if (this.mode === "edit" && n > 1) {
      const rm = button(t("remove"), "remove", () => {
        const arr = get(this.record, g.base);
        if (Array.isArray(arr)) arr.splice(i, 1);
        this.build();
        this.fill(new Set());
        this.handlers.structure?.(g.base);
      });
      rm.setAttribute("aria-label", `${t("remove")} ${title.textContent}`);
      head.append(rm);
    }
    box.append(head);
    const grid = div("grid");
    for (const f of g.fields) grid.append(this.field(join(g.base.slice(1), i) + "/" + f.key, f));
    box.append(grid);
    return box;
  }

  private field(pointer: string, f: FieldDef): HTMLElement {
    const wrap = div(f.wide ? "field wide" : "field");
    wrap.dataset.pointer = pointer;
    const id = inputId(pointer);
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = t(f.label);
    const src = document.createElement("span");
    src.className = "source";
    label.append(" ", src);
    wrap.append(label);

    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (f.kind === "textarea") {
      input = document.createElement("textarea");
      input.rows = pointer === "/circumstances" ? 6 : 2;
      // What is written here is Thai whatever the page's language: Thai line breaking (between
      // words), and the record's kept words never split (เมทแอมเฟตามีน, its people's names).
      input.lang = "th";
      keepWhole(input, () => this.kept);
    } else if (f.kind === "select") {
      const sel = document.createElement("select");
      sel.append(new Option("—", ""));
      for (const [v, k] of f.options ?? []) sel.append(new Option(t(k), v));
      input = sel;
    } else {
      const inp = document.createElement("input");
      if (f.kind === "bool") inp.type = "checkbox";
      else {
        inp.type = "text";
        const ph: Partial<Record<Kind, Key>> = {
          date: "phDate",
          time: "phTime",
          datetime: "phDateTime",
          integer: "phNumber",
          number: "phNumber",
        };
        const k = ph[f.kind];
        if (k) inp.placeholder = t(k);
        if (f.kind === "integer" || f.kind === "number") inp.inputMode = "decimal";
      }
      input = inp;
    }
    input.id = id;
    input.dataset.field = pointer;
    input.dataset.kind = f.kind;
    if (this.mode === "review") {
      if (input instanceof HTMLSelectElement || (input instanceof HTMLInputElement && input.type === "checkbox"))
        input.disabled = true;
      else input.readOnly = true;
    } else {
      const onChange = () => {
        let value: Json | undefined;
        if (input instanceof HTMLInputElement && input.type === "checkbox") value = input.checked;
        else value = parse(f.kind, input.value).value;
        set(this.record, pointer, value);
        if (f.kind === "date") this.hint(wrap, value);
        this.handlers.change(pointer);
      };
      input.addEventListener(input instanceof HTMLSelectElement || f.kind === "bool" ? "change" : "input", onChange);
    }
    const line = div("field-line");
    line.append(input);
    wrap.append(line);
    if (f.kind === "date") wrap.append(div("hint"));

    const tools = div("field-tools");
    if (this.mode === "edit" && this.handlers.dictate) {
      const b = iconButton(ICON_MIC, t("dictateInto", { field: t(f.label) }), () => this.handlers.dictate!(pointer), "Alt+D");
      b.dataset.dictate = pointer;
      tools.append(b);
    }
    if (this.mode === "edit" && f.kind === "date") {
      const b = iconButton(ICON_CALENDAR, t("pickDate", { field: t(f.label) }), () =>
        openDatePicker(b, String(get(this.record, pointer) ?? ""), (iso) => this.enter(pointer, iso)),
      );
      b.dataset.pickDate = pointer;
      tools.append(b);
    }
    const play = iconButton(ICON_PLAY, t("playAudio", { field: t(f.label) }), () => this.handlers.play(pointer), "Alt+P");
    play.dataset.play = pointer;
    play.hidden = true;
    tools.append(play);
    if (this.mode === "edit" && this.handlers.confirm) {
      const c = iconButton(ICON_CHECK, t("confirmField", { field: t(f.label) }), () => this.handlers.confirm!(pointer), "Alt+C");
      c.dataset.confirm = pointer;
      c.hidden = true;
      c.classList.add("confirm");
      tools.append(c);
    }
    if (this.mode === "review" && this.handlers.comment) {
      const c = iconButton(ICON_COMMENT, `${t("commentBtn")}: ${fieldName(pointer)}`, () => this.handlers.comment!(pointer), "Alt+C");
      c.dataset.comment = pointer;
      c.classList.add("comment");
      tools.append(c);
    }
    line.append(tools);
    return wrap;
  }

  private rights(): HTMLElement {
    const box = div("rights");
    for (const [value, key] of RIGHTS) {
      const label = document.createElement("label");
      label.className = "check";
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.dataset.right = value;
      cb.id = `right-${value}`;
      if (this.mode === "review") cb.disabled = true;
      cb.addEventListener("change", () => {
        const cur = get(this.record, "/rights_notified");
        const list = Array.isArray(cur) ? cur.filter((v) => v !== value) : [];
        if (cb.checked) list.push(value);
        // Keep the statute's order, whatever order the boxes were ticked in.
        const order = RIGHTS.map(([v]) => v);
        list.sort((a, b) => order.indexOf(String(a)) - order.indexOf(String(b)));
        set(this.record, "/rights_notified", list.length ? list : undefined);
        this.handlers.change("/rights_notified");
      });
      label.append(cb, " ", t(key));
      box.append(label);
    }
    const wrap = div("field wide rights-wrap");
    wrap.dataset.pointer = "/rights_notified";
    wrap.append(box);
    if (this.mode === "review" && this.handlers.comment) {
      const c = iconButton(ICON_COMMENT, `${t("commentBtn")}: ${t("groupRights")}`, () =>
        this.handlers.comment!("/rights_notified"),
      );
      c.dataset.comment = "/rights_notified";
      c.classList.add("comment");
      wrap.append(c);
    }
    return wrap;
  }

  private hint(wrap: HTMLElement, value: Json | undefined): void {
    const h = wrap.querySelector(".hint");
    if (h) h.textContent = typeof value === "string" ? (readableDate(value, lang()) ?? "") : "";
  }

  private fill(keep: Set<string>): void {
    const view = this.view;
    const low = new Set(view?.lowConfidence ?? []);
    const missing = new Set((view?.missing ?? []).map((m) => m.pointer));
    const invalid = new Map((view?.missing ?? []).filter((m) => m.rule === "invalid_value").map((m) => [m.pointer, m]));
    const withAudio = new Set(view?.withAudio ?? []);
    const provenance = (get(this.record, "/provenance") ?? {}) as Record<string, Json>;
    const comments = [...(view?.comments ?? []), ...this.pendingComments];
    const active = document.activeElement;

    for (const input of this.root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
      "[data-field]",
    )) {
      const p = input.dataset.field!;
      const v = get(this.record, p);
      // Dictation may fill the very field that has focus, so focus alone does not protect it;
      // but text that already means the stored value is left as typed (e.g. "3." for 3).
      const same =
        input === active && JSON.stringify(parse(input.dataset.kind as Kind, input.value).value) === JSON.stringify(v);
      if (!keep.has(p) && !same) {
        if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = v === true;
        else {
          const text = display(v, input.dataset.kind);
          const shown = input instanceof HTMLTextAreaElement ? this.kept.show(text) : text;
          if (input.value !== shown) input.value = shown;
        }
      }
      const wrap = input.closest<HTMLElement>(".field")!;
      if (input.dataset.kind === "date") this.hint(wrap, v);
      const isLow = low.has(p);
      wrap.classList.toggle("low-confidence", isLow);
      wrap.classList.toggle("missing", missing.has(p));
      input.setAttribute("aria-invalid", missing.has(p) ? "true" : "false");
      // Typed text that does not fit the field: kept as typed, marked red, with what is expected.
      const bad = invalid.get(p);
      wrap.classList.toggle("invalid", !!bad);
      let note = wrap.querySelector<HTMLElement>(".field-error");
      if (bad) {
        if (!note) {
          note = div("field-error");
          note.id = `${input.id}-error`;
          note.setAttribute("role", "note");
          wrap.append(note);
        }
        note.textContent = pick(bad);
        input.setAttribute("aria-describedby", note.id);
      } else {
        note?.remove();
        input.removeAttribute("aria-describedby");
      }
      const prov = provenance[p] as { source?: string } | undefined;
      const src = wrap.querySelector(".source")!;
      src.textContent = prov?.source ? t(sourceKey(prov.source)) : "";
      src.className = `source ${prov?.source ?? ""}`;
      if (isLow) src.textContent += ` · ${t("lowConfidenceShort")}`;
      src.setAttribute("title", isLow ? t("lowConfidence") : "");
      const play = wrap.querySelector<HTMLElement>("[data-play]");
      if (play) play.hidden = !withAudio.has(p);
      const confirm = wrap.querySelector<HTMLElement>("[data-confirm]");
      if (confirm) confirm.hidden = !isLow;
      this.showComments(wrap, comments.filter((c) => c.pointer === p));
    }
    const rights = get(this.record, "/rights_notified");
    for (const cb of this.root.querySelectorAll<HTMLInputElement>("[data-right]"))
      cb.checked = Array.isArray(rights) && rights.includes(cb.dataset.right!);
    const rightsWrap = this.root.querySelector<HTMLElement>('[data-pointer="/rights_notified"]');
    if (rightsWrap) {
      rightsWrap.classList.toggle("missing", missing.has("/rights_notified"));
      this.showComments(rightsWrap, comments.filter((c) => c.pointer === "/rights_notified"));
    }
  }

  private showComments(wrap: HTMLElement, list: FieldComment[]): void {
    wrap.querySelector(".field-comments")?.remove();
    if (!list.length) return;
    const box = div("field-comments");
    box.setAttribute("role", "note");
    for (const c of list) {
      const p = document.createElement("p");
      p.textContent = c.author ? `${c.author}: ${c.text}` : c.text;
      box.append(p);
    }
    wrap.append(box);
  }
}

function sourceKey(source: string): Key {
  switch (source) {
    case "dictated":
      return "srcDictated";
    case "typed":
      return "srcTyped";
    case "edited":
      return "srcEdited";
    case "card":
      return "srcCard";
    default:
      return "srcDefault";
  }
}

function div(cls: string): HTMLDivElement {
  const d = document.createElement("div");
  d.className = cls;
  return d;
}

export function button(text: string, cls: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = cls;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

// Drawn icons: the station laptops have no emoji font.
const svg = (path: string) =>
  `<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
const ICON_MIC = svg('<rect x="9" y="3" width="6" height="11" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3"/>');
const ICON_CALENDAR = svg('<rect x="4" y="5" width="16" height="15" rx="2"/><path d="M4 10h16M9 3v4M15 3v4"/>');
const ICON_PLAY = svg('<path d="M7 5l12 7-12 7z" fill="currentColor"/>');
const ICON_CHECK = svg('<path d="M5 12l5 5 9-10"/>');
const ICON_COMMENT = svg('<path d="M4 5h16v11H9l-5 4z"/>');

/** `keys`: the shortcut that does the same from the field itself (shown in the tooltip). */
function iconButton(icon: string, label: string, onClick: () => void, keys?: string): HTMLButtonElement {
  const b = button("", "icon", onClick);
  b.innerHTML = icon;
  b.setAttribute("aria-label", label);
  b.title = keys ? `${label} (${keys})` : label;
  return b;
}
