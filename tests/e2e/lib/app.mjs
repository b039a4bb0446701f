// Steps a user takes in the app, written once for the officer, crash and benchmark scenarios.
import { join } from "node:path";
import { Keys, sleep, waitUntil } from "./webdriver.mjs";
import { PASSWORD, assert, log, makeHome, shots, startDriver } from "./harness.mjs";

/** Saves a screenshot as $OUT_DIR/<name>.png. */
export async function shot(s, name) {
  const file = await s.screenshot(join(shots, `${name}.png`));
  log("screenshot", file);
  return file;
}

export async function typeInto(s, selector, text) {
  const el = await s.waitFor(selector);
  await el.clear();
  await el.type(text);
  return el;
}

/** Logs in from the login screen and waits for the record list. */
export async function login(s, user, password = PASSWORD) {
  await s.waitFor("#screen-login", 30_000);
  await typeInto(s, "#login-user", user);
  await typeInto(s, "#login-password", password);
  await (await s.find("#login-submit")).click();
  await waitUntil(
    async () =>
      (await s.isDisplayed("#screen-list")) || (await s.isDisplayed("#screen-review")) || (await s.isDisplayed("#resume-offer")),
    `${user} to be logged in`,
    30_000,
  );
}

export async function logout(s) {
  await (await s.waitFor("#logout")).click();
  await s.waitFor("#screen-login");
}

/** The id of the record open on the record screen. */
export async function openRecordId(s, timeoutMs = 10_000) {
  let screen;
  try {
    screen = await s.waitFor("#screen-record", timeoutMs);
  } catch (e) {
    // Say what the window shows instead: the screen, and any error or message on it.
    const shown = await s.execute(`return {
      screen: [...document.querySelectorAll("[id^=screen-]")].filter((el) => !el.hidden).map((el) => el.id),
      errors: [...document.querySelectorAll(".error, [role=alert], #toast")].map((el) => el.textContent.trim()).filter(Boolean),
    };`).catch(() => null);
    throw new Error(`${e.message}; the window shows ${JSON.stringify(shown)}`);
  }
  return waitUntil(async () => screen.attribute("data-id"), "#screen-record[data-id]");
}

export async function recordStatus(s) {
  return (await (await s.find("#status-chip")).attribute("data-status")) ?? "";
}

export async function waitForStatus(s, wanted, timeoutMs = 30_000) {
  return waitUntil(async () => {
    const st = await recordStatus(s);
    return wanted.includes(st) ? st : null;
  }, `record status to become ${wanted.join(" or ")}`, timeoutMs);
}

/** Waits until the speech engine has loaded its model. */
export async function engineReady(s, timeoutMs = 120_000) {
  return waitUntil(async () => {
    const st = await (await s.find("#engine-status")).attribute("data-state");
    if (st === "crashed") log("engine crashed; waiting for it to restart");
    return st === "ready" || st === "restarted";
  }, "#engine-status to be ready", timeoutMs, 250);
}

/** What the dictation status under the microphone button says. */
export async function dictationStatus(s) {
  return s.execute("return document.getElementById('dictate-target').textContent;");
}

export async function pressed(s, selector) {
  return (await (await s.find(selector)).attribute("aria-pressed")) === "true";
}

/** What a field holds as typed: a text box shows the record's kept words with word joiners
 * (ui/src/keepwhole.ts), which are never part of the value. */
export async function fieldValue(s, pointer) {
  return String(await (await s.find(`[data-field="${pointer}"]`)).value()).replaceAll("\u2060", "");
}

/** Makes sure the inputs of list item `base/0` exist (clicking its "add" button if needed). */
export async function ensureItem(s, base, firstKey) {
  if ((await s.findAll(`[data-field="${base}/0/${firstKey}"]`)).length) return;
  await (await s.waitFor(`[data-add="${base}"]`)).click();
  await s.waitFor(`[data-field="${base}/0/${firstKey}"]`);
}

/** Types `value` into the field unless it already holds something; Tab leaves it (saves it). */
export async function fill(s, pointer, value, { overwrite = false } = {}) {
  const el = await s.waitFor(`[data-field="${pointer}"]`);
  const now = String(await el.value()).replaceAll("\u2060", "").trim();
  if (now && !overwrite) return now;
  await el.click();
  await el.clear();
  await el.type(value + Keys.TAB);
  await waitUntil(async () => String(await el.value()).trim() !== "", `${pointer} to hold what was typed`);
  return value;
}

export async function waitSaved(s, timeoutMs = 15_000) {
  return waitUntil(
    async () => (await (await s.find("#save-status")).attribute("data-state")) === "saved",
    "#save-status to be saved",
    timeoutMs,
  );
}

/** Clicks `selector`, then `confirm` if a confirmation appears within a moment. */
export async function clickAndConfirm(s, selector, confirm) {
  await (await s.waitFor(selector)).click();
  const until = Date.now() + 2000;
  while (Date.now() < until) {
    const all = await s.findAll(confirm);
    for (const el of all) {
      if (await el.displayed()) {
        await el.click();
        return;
      }
    }
    await sleep(100);
  }
}

/** The missing fields the record screen lists (empty when the record may be signed). */
export async function missing(s) {
  const items = await s.findAll("#missing-list [data-pointer]");
  return Promise.all(items.map((i) => i.attribute("data-pointer")));
}

/** Opens a screen by its navigation button and waits for it. */
export async function nav(s, button, screen) {
  await (await s.waitFor(button)).click();
  return s.waitFor(screen, 15_000);
}

export { assert };

/** The signing ceremony: opens it with `button`, waits for the rendered pages, ticks "I have
 * read", enters the password and signs. Returns the number of pages shown. */
export async function signWithCeremony(s, button, password = PASSWORD) {
  await (await s.waitFor(button)).click();
  await s.waitFor("#sign-dialog", 10_000);
  const pages = await waitUntil(
    async () => (await (await s.find("#sign-pdf-view")).attribute("data-rendered")) === "true"
      && (await (await s.find("#sign-pdf-view")).attribute("data-pages")),
    "the pages to be signed to be rendered",
    30_000,
  );
  assert(!(await (await s.find("#sign-confirm")).enabled()), "signing is possible before reading and the password");
  await (await s.find("#sign-read")).click();
  await typeInto(s, "#sign-password", password);
  await (await s.find("#sign-confirm")).click();
  await waitUntil(async () => !(await s.isDisplayed("#sign-dialog")), "the signing ceremony to close", 30_000);
  return Number(pages);
}

/** Asks the window to close as its close button does (the app intercepts it). */
export async function requestClose(s) {
  await s.execute(
    "window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' }).catch(() => {});",
  ).catch(() => {});
}

/** The element's classes contain `cls`. */
export async function hasClass(s, selector, cls) {
  const c = await (await s.find(selector)).attribute("class");
  return String(c ?? "").split(/\s+/).includes(cls);
}

// One app under test: a driver on `home` (a fresh one by default) with `env` added, the session
// in `ctx.s` (a test may end it and start another), a screenshot and the driver's output on
// failure, everything stopped after. Returns the home, for checks with the CLI afterwards.
export async function withApp(label, body, { home = makeHome(label), env = {} } = {}) {
  const driver = await startDriver(home, env);
  const ctx = { home, driver, s: null };
  try {
    ctx.s = await driver.session();
    await body(ctx);
  } catch (e) {
    if (ctx.s) await shot(ctx.s, `failure-${label}`).catch(() => {});
    log("tauri-driver output:\n" + driver.output.join("").slice(-4000));
    throw e;
  } finally {
    if (ctx.s) await ctx.s.end().catch(() => {});
    await driver.stop();
  }
  return home;
}
