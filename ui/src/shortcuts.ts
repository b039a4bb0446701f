// Keyboard first: every action has a shortcut, shown on its button (tooltip, aria-keyshortcuts,
// <kbd>) and listed in the "?" overlay.
import { t, type Key } from "./i18n";

export type Scope = "global" | "list" | "record" | "history" | "review" | "sync" | "settings";

export interface Shortcut {
  id: string;
  /** As shown and as matched: modifiers then the key, e.g. "Alt+N", "Ctrl+Enter", "F3". */
  keys: string[];
  label: Key;
  scope: Scope;
  run(e: KeyboardEvent): void;
  /** Also fires while typing in an input (function keys and Ctrl combinations). */
  inInputs?: boolean;
  /** Never while the cursor is in a text field, whatever the keys (what signs is never one
   * key press away from typing). */
  notWhileTyping?: boolean;
}

const all: Shortcut[] = [];
let activeScope: () => Scope = () => "global";
let enabled: () => boolean = () => true;

export function register(s: Shortcut): void {
  all.push(s);
}

export function shortcuts(): readonly Shortcut[] {
  return all;
}

/** The key combination of an event, by physical key for letters and digits so that a Thai
 * keyboard layout does not change the shortcuts. */
export function combo(e: KeyboardEvent): string {
  let key = e.key;
  if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (key.length === 1) key = key.toUpperCase();
  const mods = [e.ctrlKey && "Ctrl", e.altKey && "Alt", e.shiftKey && key.length > 1 && "Shift"].filter(Boolean);
  return [...mods, key].join("+");
}

function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Whether shortcut `s`, pressed as `c`, fires (with the cursor in a text field or not). */
export function firesWhile(s: Shortcut, c: string, inTextField: boolean): boolean {
  if (!inTextField) return true;
  if (s.notWhileTyping) return false;
  return !!s.inInputs || c.startsWith("Alt+") || c.startsWith("Ctrl+") || /^F\d+$/.test(c);
}

export function install(scope: () => Scope, active: () => boolean): void {
  activeScope = scope;
  enabled = active;
  document.addEventListener("keydown", (e) => {
    if (!enabled()) return;
    const c = combo(e);
    const here = activeScope();
    const allowed = (s: Shortcut) => s.keys.includes(c) && firesWhile(s, c, typing(e.target));
    // The screen's own shortcut wins over a global one on the same keys.
    const hit = all.find((s) => s.scope === here && allowed(s)) ?? all.find((s) => s.scope === "global" && allowed(s));
    if (!hit) return;
    e.preventDefault();
    hit.run(e);
  });
}

/** Puts the shortcut on every [data-shortcut] button: tooltip, aria-keyshortcuts and a <kbd>. */
export function decorate(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-shortcut]")) {
    const s = all.find((x) => x.id === el.dataset.shortcut);
    if (!s) continue;
    const keys = s.keys[0];
    el.title = `${t(s.label)} (${keys})`;
    el.setAttribute("aria-keyshortcuts", s.keys.join(" "));
    if (el instanceof HTMLButtonElement && !el.querySelector("kbd")) {
      const k = document.createElement("kbd");
      k.textContent = keys;
      el.append(" ", k);
    }
  }
}

const SCOPE_TITLE: Record<Scope, Key> = {
  global: "scopeGlobal",
  list: "scopeList",
  record: "scopeRecord",
  history: "history",
  review: "scopeReview",
  sync: "scopeSync",
  settings: "scopeSettings",
};

export function renderHelp(tbody: HTMLElement): void {
  tbody.replaceChildren();
  for (const scope of Object.keys(SCOPE_TITLE) as Scope[]) {
    const list = all.filter((s) => s.scope === scope);
    if (!list.length) continue;
    const head = document.createElement("tr");
    const th = document.createElement("th");
    th.colSpan = 2;
    th.textContent = t(SCOPE_TITLE[scope]);
    head.append(th);
    tbody.append(head);
    for (const s of list) {
      const tr = document.createElement("tr");
      const keys = document.createElement("td");
      for (const k of s.keys) {
        const kbd = document.createElement("kbd");
        kbd.textContent = k;
        keys.append(kbd, " ");
      }
      const label = document.createElement("td");
      label.textContent = t(s.label);
      tr.append(keys, label);
      tbody.append(tr);
    }
  }
}
