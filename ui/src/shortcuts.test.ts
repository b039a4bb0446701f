import { describe, expect, it } from "vitest";
import { combo, firesWhile, type Shortcut } from "./shortcuts";

const key = (k: Partial<KeyboardEvent>) => ({ ctrlKey: false, altKey: false, shiftKey: false, ...k }) as KeyboardEvent;

describe("shortcut keys", () => {
  it("reads letters by physical key, so a Thai keyboard layout gives the same shortcut", () => {
    // Alt+N on a Kedmanee layout reports the Thai letter "ื" but the code KeyN.
    expect(combo(key({ key: "ื", code: "KeyN", altKey: true }))).toBe("Alt+N");
    expect(combo(key({ key: "n", code: "KeyN", altKey: true }))).toBe("Alt+N");
    expect(combo(key({ key: "ๅ", code: "Digit1", altKey: true }))).toBe("Alt+1");
  });
  it("keeps function keys and symbols as typed", () => {
    expect(combo(key({ key: "F2", code: "F2" }))).toBe("F2");
    expect(combo(key({ key: "?", code: "Slash", shiftKey: true }))).toBe("?");
    expect(combo(key({ key: "Enter", code: "Enter", ctrlKey: true }))).toBe("Ctrl+Enter");
    expect(combo(key({ key: "F3", code: "F3", shiftKey: true }))).toBe("Shift+F3");
  });
});

describe("shortcuts while typing", () => {
  const sc = (k: Partial<Shortcut>): Shortcut => ({ id: "x", keys: [], label: "signSubmit", scope: "record", run: () => {}, ...k });
  it("signing never fires from a text field, other Ctrl combinations do", () => {
    expect(firesWhile(sc({ notWhileTyping: true }), "Ctrl+Enter", true)).toBe(false);
    expect(firesWhile(sc({ notWhileTyping: true }), "Ctrl+Enter", false)).toBe(true);
    expect(firesWhile(sc({}), "Ctrl+S", true)).toBe(true);
    expect(firesWhile(sc({}), "N", true)).toBe(false);
  });
});
