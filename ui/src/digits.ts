// Thai digits (๐–๙) for display when the station prefers them; inputs accept both.

import { lang } from "./i18n";

const THAI_ZERO = 0x0e50;

export function toThaiDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(THAI_ZERO + Number(d)));
}

export function toArabicDigits(s: string): string {
  return s.replace(/[\u0e50-\u0e59]/g, (d) => String(d.charCodeAt(0) - THAI_ZERO));
}

/** Thai digits when the station prefers them and the page is in Thai; English text always
 * keeps Arabic digits ("4 December 2026", never "๔ December ๒๐๒๖"). */
export function withDigits(s: string, digits: string): string {
  return digits === "thai" && lang() === "th" ? toThaiDigits(s) : s;
}

export const THAI_MONTHS = [
  "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
  "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
];
export const EN_MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** "2026-11-24" → "24 พฤศจิกายน 2569" (Buddhist Era) in Thai, "24 November 2026" in English;
 * undefined when the text is not an ISO date. */
export function readableDate(iso: string, lang: string): string | undefined {
  const ymd = isoDate(iso);
  if (!ymd) return undefined;
  const [y, mo, d] = ymd;
  return lang === "th" ? `${d} ${THAI_MONTHS[mo - 1]} ${y + 543}` : `${d} ${EN_MONTHS[mo - 1]} ${y}`;
}

/** Year, month and day of an ISO date ("2026-11-24"); undefined for any other text. */
function isoDate(iso: string): [number, number, number] | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo < 1 || mo > 12 || d < 1 || d > 31 ? undefined : [y, mo, d];
}

/** A stored date, time or moment as officers write it in a field: "2026-12-04" → "4/12/2569"
 * (day/month/Buddhist Era), "14:30" → "14.30", "2026-12-04T14:30" → "4/12/2569 14.30". The
 * backend reads these forms back into the stored one; anything else (text kept as typed because
 * it fits no date or time) is shown unchanged. */
export function asWritten(kind: "date" | "time" | "datetime", stored: string): string {
  const date = (iso: string) => {
    const ymd = isoDate(iso);
    return ymd && `${ymd[2]}/${ymd[1]}/${ymd[0] + 543}`;
  };
  const time = (hm: string) => {
    const m = /^(\d{2}):(\d{2})$/.exec(hm);
    return m && Number(m[1]) < 24 && Number(m[2]) < 60 ? `${m[1]}.${m[2]}` : undefined;
  };
  if (kind === "date") return date(stored) ?? stored;
  if (kind === "time") return time(stored) ?? stored;
  const [d, hm] = stored.split("T");
  const shown = hm === undefined ? undefined : [date(d), time(hm)];
  return shown?.[0] && shown[1] ? `${shown[0]} ${shown[1]}` : stored;
}

/** A time of day as a sentence writes it: "14.30 น." in Thai, "14.30" in English; text that is
 * no time as it is. */
export function clockTime(hm: string, lang: string): string {
  const shown = asWritten("time", hm);
  return shown !== hm && lang === "th" ? `${shown} น.` : shown;
}
