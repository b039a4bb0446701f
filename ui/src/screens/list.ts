// The officer's records: status filter, search by arrestee name, ID or date, new record.
import { api, asAppError, type RecordSummaryView } from "../api";
import { t } from "../i18n";
import { register } from "../shortcuts";
import { defineScreen, go, state } from "../state";
import { $, formatDay, formatWhen, showError, statusLabel } from "../ui";
import type { RecordStatus } from "../bindings/RecordStatus";
import { clockTime, withDigits } from "../digits";
import { lang } from "../i18n";
import { classificationBadge } from "../classification";

export const STATUSES: RecordStatus[] = ["draft", "submitted", "returned", "approved", "signed", "queued", "synced"];

let searchTimer: number | undefined;
let loadSeq = 0;
/** Whether the error on show is the list's own (a refresh that works clears only that one, not
 * a "new record" that failed meanwhile). */
let loadFailed = false;

function fillFilter(): void {
  const sel = $<HTMLSelectElement>("status-filter");
  const cur = sel.value;
  sel.replaceChildren(new Option(t("allStatuses"), ""), ...STATUSES.map((s) => new Option(statusLabel(s), s)));
  sel.value = cur;
}

async function load(): Promise<void> {
  const seq = ++loadSeq;
  const status = $<HTMLSelectElement>("status-filter").value;
  const query = $<HTMLInputElement>("search").value.trim();
  try {
    const rows = await api.listRecords(status, query);
    if (seq !== loadSeq) return;
    if (loadFailed) showError($("list-error"), null);
    loadFailed = false;
    render(rows);
  } catch (e) {
    loadFailed = true;
    showError($("list-error"), asAppError(e));
  }
}

function render(rows: RecordSummaryView[]): void {
  const body = $("record-list");
  body.replaceChildren();
  for (const r of rows) {
    // Rows are plain elements, not <tr>: WebKit's WebDriver will not click table rows.
    const tr = document.createElement("div");
    tr.setAttribute("role", "row");
    tr.className = "record-row";
    tr.dataset.id = r.id;
    tr.dataset.status = r.status;
    tr.dataset.classification = r.classification;
    if (r.restricted) tr.classList.add("restricted");
    tr.tabIndex = 0;
    const names = r.restricted ? t("restricted") : r.arrestees.filter(Boolean).join(", ") || t("noName");
    const cells = [names, formatDay(r.arrestDate), statusLabel(r.status), formatWhen(r.updatedAt)];
    for (const [i, text] of cells.entries()) {
      const td = document.createElement("span");
      td.setAttribute("role", "cell");
      td.textContent = text;
      if (i === 0 && r.charges.length) {
        const c = document.createElement("small");
        c.className = "charges";
        c.textContent = r.charges.join(" · ");
        td.append(c);
      }
      if (i === 0) {
        const badge = classificationBadge(r.classification, r.juvenile);
        if (badge) td.prepend(badge, " ");
      }
      if (i === 1 && r.arrestTime) td.append(` ${withDigits(clockTime(r.arrestTime, lang()), state.digits)}`);
      if (i === 2) td.className = `status status-${r.status}`;
      tr.append(td);
    }
    tr.setAttribute("aria-label", `${names}, ${statusLabel(r.status)}`);
    tr.addEventListener("click", () => go("record", r.id));
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter") go("record", r.id);
      else if (e.key === "ArrowDown") (tr.nextElementSibling as HTMLElement | null)?.focus();
      else if (e.key === "ArrowUp") (tr.previousElementSibling as HTMLElement | null)?.focus();
      else return;
      e.preventDefault();
    });
    body.append(tr);
  }
  $("list-empty").hidden = rows.length > 0;
}

async function create(): Promise<void> {
  try {
    const view = await api.newRecord();
    await go("record", view.id);
  } catch (e) {
    loadFailed = false;
    showError($("list-error"), asAppError(e));
  }
}

export function initList(): void {
  fillFilter();
  $("status-filter").addEventListener("change", load);
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = window.setTimeout(load, 250);
  });
  $("search").addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      $("record-list").querySelector<HTMLElement>(".record-row")?.focus();
    }
  });
  $("new-record").addEventListener("click", create);

  register({ id: "list.new", keys: ["Alt+N", "Ctrl+N"], label: "newRecord", scope: "list", run: create });
  register({ id: "list.search", keys: ["/", "Ctrl+F"], label: "search", scope: "list", run: () => $("search").focus() });
  register({
    id: "list.filter",
    keys: ["Alt+F"],
    label: "statusFilter",
    scope: "list",
    run: () => $("status-filter").focus(),
  });
  register({
    id: "list.first",
    keys: ["Alt+J"],
    label: "firstRow",
    scope: "list",
    run: () => $("record-list").querySelector<HTMLElement>(".record-row")?.focus(),
  });

  defineScreen("list", {
    show: async () => {
      showError($("list-error"), null);
      await load();
      const first = $("record-list").querySelector<HTMLElement>(".record-row");
      (first ?? $("new-record")).focus();
    },
    relabel: () => {
      fillFilter();
      void load();
    },
  });
}
