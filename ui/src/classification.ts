// The record's classification select and juvenile note, shared by the record and review screens.
// Who may choose or raise which level is the backend's rule; a refusal comes back as its error.
import { api, asAppError, type RecordView } from "./api";
import { t, type Key } from "./i18n";
import { isSupervisor } from "./state";
import { $, showError } from "./ui";

export const LEVELS: [string, Key][] = [
  ["unclassified", "classUnclassified"],
  ["secret", "classSecret"],
  ["top_secret", "classTopSecret"],
];

export function levelLabel(code: string): string {
  const found = LEVELS.find(([c]) => c === code);
  return found ? t(found[1]) : code;
}

/** A small badge for a list row (nothing for an unclassified, non-juvenile record). */
export function classificationBadge(code: string, juvenile: boolean): HTMLElement | null {
  if (code === "unclassified" && !juvenile) return null;
  const b = document.createElement("span");
  b.className = `badge class-badge class-${code}`;
  b.dataset.classification = code;
  b.textContent = levelLabel(code) + (juvenile ? " · <18" : "");
  return b;
}

/** Wires a select (and its juvenile note) to the record that `current` returns. */
export function bindClassification(
  selectId: string,
  noteId: string,
  errorId: string,
  current: () => RecordView | null,
  changed: (v: RecordView) => void,
): { show: (v: RecordView) => void; relabel: () => void } {
  const sel = $<HTMLSelectElement>(selectId);
  const fill = () => {
    const cur = sel.value;
    sel.replaceChildren(...LEVELS.map(([code, key]) => new Option(t(key), code)));
    sel.value = cur;
  };
  const show = (v: RecordView) => {
    if (!sel.options.length) fill();
    sel.value = v.classification.level;
    sel.dataset.level = v.classification.level;
    // The officer chooses on an editable record; a supervisor may raise until countersigned.
    sel.disabled = !(v.editable || (isSupervisor() && !["signed", "queued", "synced"].includes(v.status)));
    const note = $(noteId);
    note.hidden = !v.classification.juvenile;
    note.textContent = t("juvenileNote");
  };
  sel.addEventListener("change", async () => {
    const v = current();
    if (!v) return;
    try {
      const updated = await api.setClassification(v.id, sel.value);
      showError($(errorId), null);
      changed(updated);
      show(updated);
    } catch (e) {
      showError($(errorId), asAppError(e));
      show(v);
    }
  });
  return {
    show,
    relabel: () => {
      fill();
      const v = current();
      if (v) show(v);
    },
  };
}
