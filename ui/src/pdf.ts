// The record's PDF drawn page by page on canvases with pdf.js: WebKitGTK has no PDF viewer.
import { api, asAppError } from "./api";
import { t } from "./i18n";
import { showError } from "./ui";

/** Fetches the record's PDF as it stands and draws every page into `box`. */
export async function renderPdf(box: HTMLElement, recordId: string, { focus = true } = {}): Promise<void> {
  box.removeAttribute("data-rendered");
  box.replaceChildren(Object.assign(document.createElement("p"), { className: "muted", textContent: t("pdfLoading") }));
  try {
    const b64 = await api.recordPdf(recordId);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    // pdf.js is large: load it only when someone first asks for a preview.
    const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const worker = await import("pdfjs-dist/legacy/build/pdf.worker.mjs?url");
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    const doc = await pdfjs.getDocument({ data: bytes }).promise;
    box.replaceChildren();
    box.dataset.pages = String(doc.numPages);
    const fit = Math.max(480, box.clientWidth - 24);
    const bar = toolbar(doc.numPages);
    const pages = document.createElement("div");
    pages.className = "pdf-pages";
    box.append(bar.el, pages);
    let zoom = 1;
    // Draws every page at the fitted width times `zoom` (pages are few: a record is 2–4).
    const draw = async () => {
      const canvases: HTMLCanvasElement[] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        const scale = (fit * zoom) / page.getViewport({ scale: 1 }).width;
        const vp = page.getViewport({ scale: scale * window.devicePixelRatio });
        const canvas = document.createElement("canvas");
        canvas.width = Math.floor(vp.width);
        canvas.height = Math.floor(vp.height);
        canvas.style.width = `${Math.floor(vp.width / window.devicePixelRatio)}px`;
        canvas.dataset.page = String(n);
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", t("pdfPage", { n, total: doc.numPages }));
        await page.render({ canvas, viewport: vp }).promise;
        canvases.push(canvas);
      }
      pages.replaceChildren(...canvases);
      bar.zoom.textContent = `${Math.round(zoom * 100)} %`;
    };
    const current = () => {
      const top = box.getBoundingClientRect().top + bar.el.offsetHeight + 8;
      const list = [...pages.querySelectorAll<HTMLCanvasElement>("canvas")];
      // The page whose top has reached the toolbar (a little slack: the toolbar is sticky).
      const seen = list.filter((c) => c.getBoundingClientRect().top <= top + 24).pop() ?? list[0];
      return Number(seen?.dataset.page ?? 1);
    };
    const goTo = (n: number) => {
      const c = pages.querySelector<HTMLElement>(`canvas[data-page="${Math.min(doc.numPages, Math.max(1, n))}"]`);
      if (c) box.scrollTop += c.getBoundingClientRect().top - box.getBoundingClientRect().top - bar.el.offsetHeight - 8;
      showPage();
    };
    const showPage = () => {
      const n = current();
      box.dataset.page = String(n);
      bar.page.textContent = t("pdfPage", { n, total: doc.numPages });
    };
    const setZoom = async (z: number) => {
      const n = current();
      zoom = Math.min(3, Math.max(0.5, z));
      await draw();
      goTo(n);
      box.dataset.zoom = String(Math.round(zoom * 100));
    };
    bar.on("zoom-in", () => void setZoom(zoom + 0.25));
    bar.on("zoom-out", () => void setZoom(zoom - 0.25));
    bar.on("fit", () => void setZoom(1));
    bar.on("prev", () => goTo(current() - 1));
    bar.on("next", () => goTo(current() + 1));
    box.addEventListener("scroll", showPage, { passive: true });
    await draw();
    box.dataset.zoom = "100";
    showPage();
    box.dataset.rendered = "true";
    if (focus) box.focus();
  } catch (e) {
    box.replaceChildren();
    const err = document.createElement("p");
    err.className = "error";
    box.append(err);
    showError(err, asAppError(e));
  }
}

/** The preview's own controls: zoom out/in, fit the width, previous/next page. */
function toolbar(total: number) {
  const el = document.createElement("div");
  el.className = "pdf-toolbar";
  const make = (action: string, text: string, label: string) => {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.pdf = action;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    return b;
  };
  const zoom = document.createElement("span");
  zoom.className = "pdf-zoom";
  const page = document.createElement("span");
  page.className = "pdf-page";
  page.setAttribute("aria-live", "polite");
  el.append(
    make("zoom-out", "−", t("pdfZoomOut")),
    zoom,
    make("zoom-in", "+", t("pdfZoomIn")),
    make("fit", "↔", t("pdfFit")),
    make("prev", "‹", t("pdfPrev")),
    page,
    make("next", "›", t("pdfNext")),
  );
  el.hidden = total < 1;
  return {
    el,
    zoom,
    page,
    on(action: string, run: () => void) {
      el.querySelector<HTMLElement>(`[data-pdf="${action}"]`)?.addEventListener("click", run);
    },
  };
}
