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
    const width = Math.max(480, box.clientWidth - 24);
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const scale = width / page.getViewport({ scale: 1 }).width;
      const vp = page.getViewport({ scale: scale * window.devicePixelRatio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(vp.width);
      canvas.height = Math.floor(vp.height);
      canvas.style.width = `${Math.floor(vp.width / window.devicePixelRatio)}px`;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", t("pdfPage", { n, total: doc.numPages }));
      box.append(canvas);
      await page.render({ canvas, viewport: vp }).promise;
    }
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
