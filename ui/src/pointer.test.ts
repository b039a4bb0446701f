import { describe, expect, it } from "vitest";
import { get, join, pattern, set, firstIndex, type Json } from "./pointer";
import { asWritten, clockTime, readableDate, toArabicDigits, toThaiDigits } from "./digits";

describe("JSON pointer form binding", () => {
  it("creates the arrays and objects a new arrestee field needs", () => {
    const record: Json = { schema: "banthuek.arrest-record/1" };
    set(record, "/arrestees/1/first_name", "สมชาย");
    expect(record).toEqual({ schema: "banthuek.arrest-record/1", arrestees: [{}, { first_name: "สมชาย" }] });
    expect(get(record, "/arrestees/1/first_name")).toBe("สมชาย");
    expect(get(record, "/arrestees/0/first_name")).toBeUndefined();
  });

  it("removes an emptied field instead of storing an empty string", () => {
    const record: Json = { arrest: { time: "14:30", place: "ตลาด" } };
    set(record, "/arrest/time", undefined);
    expect(record).toEqual({ arrest: { place: "ตลาด" } });
    set(record, "/charges/0/text", undefined);
    expect(record).toEqual({ arrest: { place: "ตลาด" } });
  });

  it("escapes ~ and / in keys and maps indices to patterns", () => {
    const record: Json = {};
    const p = join("provenance", "/arrest/time");
    set(record, p, { source: "typed" });
    expect(record).toEqual({ provenance: { "/arrest/time": { source: "typed" } } });
    expect(pattern("/arrestees/12/age")).toBe("/arrestees/#/age");
    expect(firstIndex("/seized_items/3/unit")).toBe(3);
  });
});

describe("digits and dates", () => {
  it("converts between Thai and Arabic digits", () => {
    expect(toThaiDigits("14:30")).toBe("๑๔:๓๐");
    expect(toArabicDigits("๒๕๖๙")).toBe("2569");
  });
  it("prints dates in the Buddhist Era in Thai", () => {
    expect(readableDate("2026-11-24", "th")).toBe("24 พฤศจิกายน 2569");
    expect(readableDate("2026-11-24", "en")).toBe("24 November 2026");
    expect(readableDate("24/11/2026", "th")).toBeUndefined();
  });
});

describe("digits follow the page's language", () => {
  it("English keeps Arabic digits even when the station prints Thai ones", async () => {
    const { chooseLang } = await import("./i18n");
    const { withDigits } = await import("./digits");
    chooseLang("en");
    expect(withDigits("4 December 2026", "thai")).toBe("4 December 2026");
    chooseLang("th");
    expect(withDigits("4 ธันวาคม 2569", "thai")).toBe("๔ ธันวาคม ๒๕๖๙");
  });
});

describe("stored dates and times shown as officers write them", () => {
  it("shows dates as day/month/Buddhist Era year and times with a dot", () => {
    expect(asWritten("date", "2026-12-04")).toBe("4/12/2569");
    expect(asWritten("date", "1990-01-31")).toBe("31/1/2533");
    expect(asWritten("time", "14:30")).toBe("14.30");
    expect(asWritten("time", "09:05")).toBe("09.05");
    expect(asWritten("datetime", "2026-12-04T14:30")).toBe("4/12/2569 14.30");
  });

  it("shows text kept as typed unchanged", () => {
    expect(asWritten("time", "25:99")).toBe("25:99");
    expect(asWritten("date", "2026-13-04")).toBe("2026-13-04");
    expect(asWritten("date", "4 ธ.ค.")).toBe("4 ธ.ค.");
    expect(asWritten("datetime", "พรุ่งนี้ 14.30")).toBe("พรุ่งนี้ 14.30");
    expect(asWritten("datetime", "2026-12-04")).toBe("2026-12-04");
  });
});

describe("times of day in sentences", () => {
  it("writes น. after a Thai time, nothing after an English one or after text that is no time", () => {
    expect(clockTime("14:30", "th")).toBe("14.30 น.");
    expect(clockTime("14:30", "en")).toBe("14.30");
    expect(clockTime("25:99", "th")).toBe("25:99");
  });
});
