// When each stage of a dictated utterance's way to the screen happened, kept for the app
// benchmark (tests/e2e/bench.mjs reads `window.banthuekStages`): the backend's times (audio end,
// cut, final, saved, sent) and the page's (event received, field shown), ms since the epoch. Times
// only, never what was said; the last 50 utterances.
import type { StageTimes } from "./bindings/StageTimes";

export type PageStages = StageTimes & { receivedAt: number; shownAt: number | null };

const KEEP = 50;
const kept: PageStages[] = [];
(window as unknown as { banthuekStages: PageStages[] }).banthuekStages = kept;

/** A final reached the page; returns the entry to complete when its value is on screen. */
export function noteFinal(stages: StageTimes | null): PageStages | null {
  if (!stages) return null;
  const entry = { ...stages, receivedAt: Date.now(), shownAt: null };
  kept.push(entry);
  if (kept.length > KEEP) kept.shift();
  return entry;
}

/** The record the final filled is on screen. */
export function noteShown(entry: PageStages | null): void {
  if (entry && entry.shownAt === null) entry.shownAt = Date.now();
}
