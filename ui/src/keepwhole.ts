// Words kept whole in text boxes. The web engine breaks Thai lines with its own dictionary, which
// splits words it does not know (เมทแอมเฟ|ตามีน). The app sends the words to keep whole as they
// must be shown, with WORD JOINER (U+2060, no break on either side) between their characters
// (RecordView.keepWhole); here they are only put into the text shown and taken out of every value
// read back, so that no joiner is ever saved.

export const WORD_JOINER = "\u2060";
const JOINERS = /\u2060/g;

/** `text` without any word joiner: what was typed. */
export function typed(text: string): string {
  return text.replace(JOINERS, "");
}

/** The words of one record to keep whole, in the forms the app sent. */
export class KeptWords {
  private pattern: RegExp | null;
  private shown: Map<string, string>;

  constructor(joined: string[] = []) {
    this.shown = new Map(joined.map((w) => [typed(w), w]));
    // Longest first (as sent): at any position the longer word wins.
    const escaped = [...this.shown.keys()].filter((w) => w).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    this.pattern = escaped.length ? new RegExp(escaped.join("|"), "g") : null;
  }

  /** `text` as a text box shows it: every kept word joined. */
  show(text: string): string {
    const plain = typed(text);
    return this.pattern ? plain.replace(this.pattern, (w) => this.shown.get(w) ?? w) : plain;
  }
}

/** Where offset `offset` of `before` lies in `shown` (the same text with joiners put in or taken
 * out): just after the same typed characters, before any joiner that follows them. */
export function sameCaret(before: string, shown: string, offset: number): number {
  const n = typed(before.slice(0, offset)).length;
  let seen = 0;
  let i = 0;
  while (i < shown.length && seen < n) {
    if (shown[i] !== WORD_JOINER) seen++;
    i++;
  }
  return i;
}

/** Keeps `box` showing its text with `words()` joined while the officer types: the caret and
 * selection stay where they were among the typed characters; Backspace and Delete next to a joiner
 * remove the character beyond it; copying or cutting takes the text without joiners. */
export function keepWhole(box: HTMLTextAreaElement, words: () => KeptWords): void {
  box.addEventListener("input", (e) => {
    if ((e as InputEvent).isComposing) return;
    reshow(box, words());
  });
  box.addEventListener("compositionend", () => reshow(box, words()));
  box.addEventListener("keydown", (e) => {
    if (e.isComposing || box.selectionStart !== box.selectionEnd) return;
    let at = box.selectionStart;
    if (e.key === "Backspace") while (at > 0 && box.value[at - 1] === WORD_JOINER) at--;
    else if (e.key === "Delete") while (at < box.value.length && box.value[at] === WORD_JOINER) at++;
    else return;
    if (at !== box.selectionStart) box.setSelectionRange(at, at);
  });
  const copy = (e: ClipboardEvent, cut: boolean) => {
    if (!e.clipboardData || box.selectionStart === box.selectionEnd) return;
    const part = box.value.slice(box.selectionStart, box.selectionEnd);
    if (!part.includes(WORD_JOINER)) return;
    e.preventDefault();
    e.clipboardData.setData("text/plain", typed(part));
    // Removes the selection as cutting does (an input event follows, as for any edit).
    if (cut && !box.readOnly) document.execCommand("delete");
  };
  box.addEventListener("copy", (e) => copy(e, false));
  box.addEventListener("cut", (e) => copy(e, true));
}

/** Shows `box`'s text with `words` joined, keeping the caret among the same typed characters. */
function reshow(box: HTMLTextAreaElement, words: KeptWords): void {
  const now = box.value;
  const shown = words.show(now);
  if (shown === now) return;
  const focused = document.activeElement === box;
  const [start, end, direction] = [box.selectionStart, box.selectionEnd, box.selectionDirection];
  box.value = shown;
  if (focused)
    box.setSelectionRange(
      sameCaret(now, shown, start),
      sameCaret(now, shown, end),
      direction ?? undefined,
    );
}
