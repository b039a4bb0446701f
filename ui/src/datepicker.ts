// The Buddhist Era date picker of date fields: Thai month names (English ones in English), the
// year in B.E. (2569 for 2026), a grid of days. The chosen day goes into the field in its stored
// form (YYYY-MM-DD), as if typed; the officer may still type 4/12/2569 instead.
import { EN_MONTHS, THAI_MONTHS } from "./digits";
import { lang, t } from "./i18n";

const BE = 543;
const TH_DAYS = ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"];
const EN_DAYS = ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"];
let open: { box: HTMLElement; close: () => void } | null = null;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Opens the picker under `anchor` at the field's date (or today); `choose` gets YYYY-MM-DD. */
export function openDatePicker(anchor: HTMLElement, current: string, choose: (iso: string) => void): void {
  open?.close();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(current);
  const now = new Date();
  let year = m ? Number(m[1]) : now.getFullYear();
  let month = m ? Number(m[2]) - 1 : now.getMonth();
  const chosen = m ? current : "";

  const box = document.createElement("div");
  box.className = "date-picker";
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", t("datePicker"));
  const head = document.createElement("div");
  head.className = "date-picker-head";
  const prev = document.createElement("button");
  prev.type = "button";
  prev.textContent = "‹";
  prev.setAttribute("aria-label", t("prevMonth"));
  const next = document.createElement("button");
  next.type = "button";
  next.textContent = "›";
  next.setAttribute("aria-label", t("nextMonth"));
  const monthSel = document.createElement("select");
  monthSel.setAttribute("aria-label", t("month"));
  (lang() === "th" ? THAI_MONTHS : EN_MONTHS).forEach((name, i) => monthSel.append(new Option(name, String(i))));
  const yearIn = document.createElement("input");
  yearIn.type = "number";
  yearIn.className = "date-picker-year";
  yearIn.setAttribute("aria-label", t("yearBE"));
  const be = document.createElement("span");
  be.textContent = t("beShort");
  head.append(prev, monthSel, yearIn, be, next);
  const grid = document.createElement("div");
  grid.className = "date-picker-grid";
  box.append(head, grid);

  const render = () => {
    monthSel.value = String(month);
    yearIn.value = String(year + BE);
    grid.replaceChildren(
      ...(lang() === "th" ? TH_DAYS : EN_DAYS).map((d) => Object.assign(document.createElement("span"), { className: "dow", textContent: d })),
    );
    const first = new Date(year, month, 1).getDay();
    const days = new Date(year, month + 1, 0).getDate();
    for (let i = 0; i < first; i++) grid.append(document.createElement("span"));
    for (let d = 1; d <= days; d++) {
      const iso = `${year}-${pad(month + 1)}-${pad(d)}`;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = String(d);
      b.dataset.date = iso;
      if (iso === chosen) b.classList.add("chosen");
      b.addEventListener("click", () => {
        close();
        choose(iso);
      });
      grid.append(b);
    }
  };
  const step = (by: number) => {
    month += by;
    if (month < 0) [month, year] = [11, year - 1];
    if (month > 11) [month, year] = [0, year + 1];
    render();
  };
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  monthSel.addEventListener("change", () => {
    month = Number(monthSel.value);
    render();
  });
  yearIn.addEventListener("change", () => {
    const y = Number(yearIn.value);
    // The year is typed in B.E.; a Common Era year (below 2400) is taken as it is.
    if (Number.isInteger(y) && y > 1900) year = y >= 2400 ? y - BE : y;
    render();
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
      anchor.focus();
    }
  };
  const onOutside = (e: MouseEvent) => {
    if (!box.contains(e.target as Node) && e.target !== anchor) close();
  };
  const close = () => {
    box.remove();
    document.removeEventListener("mousedown", onOutside, true);
    box.removeEventListener("keydown", onKey);
    open = null;
  };
  box.addEventListener("keydown", onKey);
  document.addEventListener("mousedown", onOutside, true);
  render();
  anchor.closest(".field")?.append(box);
  open = { box, close };
  (grid.querySelector<HTMLElement>(".chosen") ?? monthSel).focus();
}
