// Thai first, English on a switch. All strings live in one dictionary per language.
import { th } from "./i18n/th";
import { en } from "./i18n/en";
import type { Language } from "./bindings/Language";

export type Key = keyof typeof th;
export type Lang = Language;

const DICTS: Record<Lang, Record<Key, string>> = { th, en };
let current: Lang = "th";

export function lang(): Lang {
  return current;
}

/** Chooses the language for every string looked up from now on. */
export function chooseLang(l: string): Lang {
  current = l === "en" ? "en" : "th";
  return current;
}

export function setLang(l: string): void {
  document.documentElement.lang = chooseLang(l);
  applyI18n(document.body);
}

/** Looks up `key`, filling "{name}" placeholders from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const s = DICTS[current][key] ?? th[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in vars ? String(vars[k]) : `{${k}}`));
}

/** A message in both languages, shaped like the backend's errors. */
export function both(key: Key): { en: string; th: string } {
  return { en: en[key], th: th[key] };
}

/** The backend's messages come in both languages; show the chosen one. */
export function pick(m: { en: string; th: string }): string {
  return current === "en" ? m.en : m.th;
}

/** Fills static markup: data-i18n (text), data-i18n-placeholder, data-i18n-aria (aria-label). */
export function applyI18n(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) el.textContent = t(el.dataset.i18n as Key);
  for (const el of root.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]"))
    el.placeholder = t(el.dataset.i18nPlaceholder as Key);
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-aria]"))
    el.setAttribute("aria-label", t(el.dataset.i18nAria as Key));
}
