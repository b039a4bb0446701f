import { describe, expect, it } from "vitest";
import { KeptWords, WORD_JOINER, sameCaret, typed } from "./keepwhole";

// The forms the app sends (crates/document linebreak::joined_kept_words): a joiner between the
// grapheme clusters of each word, longest first.
const j = (clusters: string[]) => clusters.join(WORD_JOINER);
const METH = j(["เ", "ม", "ท", "แ", "อ", "ม", "เ", "ฟ", "ต", "า", "มี", "น"]);
const AMPH = j(["แ", "อ", "ม", "เ", "ฟ", "ต", "า", "มี", "น"]);
const words = new KeptWords([METH, AMPH]);

describe("words kept whole in text boxes", () => {
  it("shows each kept word joined and reads back exactly what was typed", () => {
    const text = "ชนิดเมทแอมเฟตามีน และแอมเฟตามีน ๒๐ เม็ด";
    const shown = words.show(text);
    expect(shown).toBe(`ชนิด${METH} และ${AMPH} ๒๐ เม็ด`);
    expect(typed(shown)).toBe(text);
    // Showing what is already shown changes nothing.
    expect(words.show(shown)).toBe(shown);
  });
  it("takes the joiners out of a word that is no longer whole", () => {
    expect(words.show(`ชนิด${METH.slice(0, -2)}`)).toBe("ชนิดเมทแอมเฟตามี");
  });
  it("keeps the caret after the same typed characters", () => {
    // The last letter typed completes the word: the caret stays after it.
    const before = "ชนิดเมทแอมเฟตามีน";
    const shown = words.show(before);
    expect(sameCaret(before, shown, before.length)).toBe(shown.length);
    // A caret between ช and นิด, and one inside the word (after เมท), map to the same letters.
    expect(sameCaret(before, shown, 1)).toBe(1);
    const inside = sameCaret(before, shown, "ชนิดเมท".length);
    expect(typed(shown.slice(0, inside))).toBe("ชนิดเมท");
    expect(shown[inside]).toBe(WORD_JOINER);
    // Back again: joiners taken out.
    expect(sameCaret(shown, before, inside)).toBe("ชนิดเมท".length);
  });
  it("shows text as typed when there is nothing to keep", () => {
    expect(new KeptWords().show(`a${WORD_JOINER}b`)).toBe("ab");
  });
});
