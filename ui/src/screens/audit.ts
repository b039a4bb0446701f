// The access report for administrators: who opened, changed, signed, exported or synced which
// record and when, from the store's hash-chained audit log (filtered by user and/or record).
import { api, asAppError, type AccessEventView } from "../api";
import { t, type Key } from "../i18n";
import { defineScreen, state } from "../state";
import { $, formatWhen, showError } from "../ui";
import { withDigits } from "../digits";

const KINDS: Record<string, Key> = {
  opened: "kindOpened",
  changed: "kindChanged",
  signed: "kindSigned",
  exported: "kindExported",
  synced: "kindSynced",
  denied: "kindDenied",
  purged: "kindPurged",
  account: "kindAccount",
};

let last: AccessEventView[] = [];

function render(events: AccessEventView[]): void {
  const body = $("audit-rows");
  body.replaceChildren();
  // Newest first: what an administrator looks for.
  for (const e of [...events].reverse()) {
    const tr = document.createElement("tr");
    tr.dataset.kind = e.kind;
    const kind = KINDS[e.kind];
    const cells = [
      withDigits(formatWhen(e.at), state.digits),
      e.user,
      `${kind ? t(kind) : e.kind} (${e.action})`,
      e.recordId ?? "",
    ];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  $("audit-empty").hidden = events.length > 0;
}

async function load(): Promise<void> {
  const user = $<HTMLInputElement>("audit-user").value.trim();
  const record = $<HTMLInputElement>("audit-record").value.trim();
  try {
    const report = await api.accessReport(user, record);
    showError($("audit-error"), null);
    $("audit-chain").hidden = report.chainWhole;
    last = report.events;
    render(last);
  } catch (e) {
    showError($("audit-error"), asAppError(e));
  }
}

export function initAudit(): void {
  $("audit-filter").addEventListener("submit", (e) => {
    e.preventDefault();
    void load();
  });
  defineScreen("audit", {
    show: async () => {
      await load();
      $("audit-user").focus();
    },
    relabel: () => render(last),
  });
}
