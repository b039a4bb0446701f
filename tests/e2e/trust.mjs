// The app trusted with work, in the real window (issue 14):
// - typed: nothing typed is lost — dates and times as officers write them (4/12/2569, ๑๔.๓๐)
//   are read, a value that fits nowhere (25:99) is kept as typed, marked red with what is
//   expected and listed, every other field still saves, and closing the window saves first;
// - ceremony: signing shows the pages, asks "I have read" and the password (a wrong one signs
//   nothing), Ctrl+Enter in a text field signs nothing, and both signatures are audited;
// - lockout: one officer's lockout leaves the login open to everyone else.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PASSWORD, USERS, cli, composeTime, log, normaliseTime, play, startDriver } from "./lib/harness.mjs";
import { Keys, sleep, waitUntil } from "./lib/webdriver.mjs";
import {
  assert, dictationStatus, engineReady, ensureItem, fieldValue, fill, hasClass, login, logout, missing, nav, openRecordId,
  pressed, requestClose, shot, signWithCeremony, typeInto, waitForStatus, waitSaved, withApp,
} from "./lib/app.mjs";
import { nationalId } from "./officer.mjs";


async function openRecord(s, id) {
  await nav(s, "#nav-list", "#screen-list");
  await (await s.waitFor(`.record-row[data-id="${id}"]`)).click();
  await openRecordId(s);
}

export async function typedFlow() {
  let id;
  const home = await withApp("typed", async (ctx) => {
    let s = ctx.s;
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    id = await openRecordId(s);

    await fill(s, "/arrest/date", "4/12/2569");
    await fill(s, "/arrest/time", "๑๔.๓๐");
    await fill(s, "/recorded/time", "25:99");
    await fill(s, "/arrest/place", "ตลาดวโรรส อำเภอเมืองเชียงใหม่");
    await waitSaved(s);
    // Read, and shown as officers write them (stored in the exchange format's form: checked
    // below); the impossible time kept as typed and marked.
    await waitUntil(async () => (await fieldValue(s, "/arrest/date")) === "4/12/2569", "/arrest/date to read 4/12/2569");
    await waitUntil(async () => (await fieldValue(s, "/arrest/time")) === "14.30", "/arrest/time (typed ๑๔.๓๐) to read 14.30");
    assert(!(await hasClass(s, '.field[data-pointer="/arrest/date"]', "invalid")), "4/12/2569 is marked as unreadable");
    assert((await fieldValue(s, "/recorded/time")) === "25:99", "the impossible time is not kept as typed");
    const bad = '.field[data-pointer="/recorded/time"]';
    assert(await hasClass(s, bad, "invalid"), "the impossible time is not marked");
    const why = await (await s.find(`${bad} .field-error`)).text();
    assert(/14\.30/.test(why), `the mark does not say what is expected: ${why}`);
    assert((await missing(s)).includes("/recorded/time"), "the impossible time is not in the checklist");
    assert((await (await s.find("#save-status")).attribute("data-state")) === "saved", "saving stopped");
    await sleep(300);
    await shot(s, "20-typed-kept-and-marked");

    // Signing is blocked (no ceremony opens), saving is not.
    await (await s.find("#sign-submit")).click();
    await sleep(500);
    assert(!(await s.isDisplayed("#sign-dialog")), "the signing ceremony opened on a record that cannot be signed");
    assert((await (await s.find("#record-error")).text()).trim() !== "", "no reason given why signing is blocked");

    // Away and back: everything typed is still there.
    await openRecord(s, id);
    assert((await fieldValue(s, "/recorded/time")) === "25:99", "the kept time is gone after reopening");
    assert((await fieldValue(s, "/arrest/place")).startsWith("ตลาดวโรรส"), "the place is gone after reopening");

    // Type and close the window at once: the typing is saved before the app leaves.
    await ensureItem(s, "/officers", "first_name");
    const el = await s.waitFor('[data-field="/officers/0/first_name"]');
    await el.click();
    await el.type("สมชาย");
    await requestClose(s);
    await waitUntil(async () => {
      try {
        await s.find("#screen-record");
        return false;
      } catch {
        return true;
      }
    }, "the app to close", 15_000);
    await ctx.s.end().catch(() => {});
    ctx.s = s = await ctx.driver.session();
    await login(s, USERS.officer.name);
    await openRecord(s, id);
    assert((await fieldValue(s, "/officers/0/first_name")) === "สมชาย", "what was typed just before closing is lost");
  });
  const stored = JSON.parse(cli(home, ["record", "export", id, "--json"], { user: USERS.officer.name }));
  assert(stored.arrest?.date === "2026-12-04", `stored /arrest/date is ${stored.arrest?.date}`);
  assert(stored.arrest?.time === "14:30", `stored /arrest/time is ${stored.arrest?.time}`);
  assert(stored.recorded?.time === undefined, "an impossible time went into the exchange format");
  assert(stored.provenance?.["/recorded/time"]?.as_typed === "25:99", "the impossible time is not kept as typed");
  log("typed flow: 4/12/2569 → 2026-12-04, ๑๔.๓๐ → 14:30, 25:99 kept as typed and marked, typing before close saved");
}

/** Types a record complete enough to sign (the arrest time as an officer writes it). */
async function typeComplete(s) {
  const yesterday = new Date(Date.now() - 86_400_000);
  const be = `${yesterday.getDate()}/${yesterday.getMonth() + 1}/${yesterday.getFullYear() + 543}`;
  await fill(s, "/arrest/date", be);
  await fill(s, "/arrest/time", "14.30");
  await fill(s, "/arrest/place", "หน้าร้านสะดวกซื้อ ถนนนิมมานเหมินท์ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่");
  await fill(s, "/recorded/place", "สถานีตำรวจภูธรเมืองเชียงใหม่");
  await fill(s, "/recorded/date", be);
  await fill(s, "/recorded/time", "23.00");
  await ensureItem(s, "/officers", "rank");
  await fill(s, "/officers/0/rank", USERS.officer.rank);
  await fill(s, "/officers/0/first_name", "สมชาย");
  await fill(s, "/officers/0/last_name", "ใจดี");
  await ensureItem(s, "/arrestees", "first_name");
  await fill(s, "/arrestees/0/first_name", "สมศักดิ์");
  await fill(s, "/arrestees/0/last_name", "รักสงบ");
  await fill(s, "/arrestees/0/national_id", nationalId("110170023070"));
  await ensureItem(s, "/charges", "text");
  await fill(s, "/charges/0/text", "มียาเสพติดให้โทษประเภท 1 (เมทแอมเฟตามีน) ไว้ในครอบครองโดยไม่ได้รับอนุญาต");
  await waitSaved(s);
  await waitUntil(async () => (await missing(s)).length === 0, "the checklist to empty", 15_000).catch(async (e) => {
    throw new Error(`${e.message}; still missing: ${(await missing(s)).join(", ")}`);
  });
}

export async function ceremonyFlow() {
  let id;
  const home = await withApp("ceremony", async ({ s }) => {
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    id = await openRecordId(s);
    await typeComplete(s);

    // Ctrl+Enter while typing in a text box signs nothing.
    const place = await s.find('[data-field="/arrest/place"]');
    await place.click();
    await s.keys([
      { type: "keyDown", value: Keys.CONTROL },
      { type: "keyDown", value: Keys.ENTER },
      { type: "keyUp", value: Keys.ENTER },
      { type: "keyUp", value: Keys.CONTROL },
    ]);
    await sleep(1000);
    assert(!(await s.isDisplayed("#sign-dialog")), "Ctrl+Enter in a text field opened signing");
    assert((await waitForStatus(s, ["draft"])) === "draft", "Ctrl+Enter in a text field signed");

    // The ceremony: pages first, confirm disabled until "I have read" and the password.
    await (await s.find("#sign-submit")).click();
    await s.waitFor("#sign-dialog");
    await waitUntil(async () => (await (await s.find("#sign-pdf-view")).attribute("data-rendered")) === "true",
      "the pages to be rendered", 30_000);
    assert(Number(await (await s.find("#sign-pdf-view")).attribute("data-pages")) >= 1, "no page shown");
    assert(!(await (await s.find("#sign-confirm")).enabled()), "sign enabled before reading and password");
    await shot(s, "21-signing-ceremony");
    await (await s.find("#sign-read")).click();
    await typeInto(s, "#sign-password", "not my password");
    await (await s.find("#sign-confirm")).click();
    await waitUntil(async () => (await (await s.find("#sign-error")).text()).trim() !== "", "a wrong password to be refused", 15_000);
    assert(await s.isDisplayed("#sign-dialog"), "the ceremony closed after a wrong password");
    await shot(s, "22-signing-wrong-password");
    await (await s.find("#sign-cancel")).click();
    assert((await waitForStatus(s, ["draft"])) === "draft", "a wrong password signed");

    await signWithCeremony(s, "#sign-submit");
    await waitForStatus(s, ["submitted"]);
    await logout(s);

    await login(s, USERS.supervisor.name);
    await nav(s, "#nav-review", "#screen-review");
    await (await s.waitFor(`.review-row[data-id="${id}"]`)).click();
    await s.waitFor("#approve");
    await signWithCeremony(s, "#approve");
    await waitForStatus(s, ["approved", "signed", "queued", "synced"]);
    assert(!(await (await s.find("#approve")).enabled()), "approve still active after the record moved on");
    assert(!(await (await s.find("#return")).enabled()), "return still active after the record moved on");
  });
  const audit = cli(home, ["audit", "log", "--record", id, "--json"], { user: USERS.supervisor.name });
  const ceremonies = (audit.match(/signing_ceremony/g) ?? []).length;
  assert(ceremonies >= 2, `the signing ceremonies are not audited (${ceremonies} entries)`);
  log(`ceremony flow: Ctrl+Enter signs nothing, wrong password refused, signed and countersigned, ${ceremonies} ceremonies audited`);
}

export async function lockoutFlow() {
  await withApp("lockout", async ({ s }) => {
    await s.waitFor("#screen-login", 30_000);
    await sleep(1000); // the first frame paints before the font is in
    const officer = USERS.officer.name;
    for (let i = 1; i <= 5; i++) {
      await typeInto(s, "#login-user", officer);
      await typeInto(s, "#login-password", `wrong ${i}`);
      await waitUntil(async () => (await s.find("#login-submit")).enabled(), "the login button", 10_000);
      await (await s.find("#login-submit")).click();
      await waitUntil(async () => (await (await s.find("#login-error")).text()).trim() !== "", `attempt ${i} refused`, 15_000);
    }
    await waitUntil(async () => (await s.findAll("#login-error .countdown")).length > 0, "the lockout countdown", 10_000);
    assert(!(await (await s.find("#login-submit")).enabled()), "the locked account may still try");
    await shot(s, "23-officer-locked-out");
    // Someone else at the same laptop logs in normally.
    await typeInto(s, "#login-user", USERS.supervisor.name);
    assert(await (await s.find("#login-submit")).enabled(), "the lockout of one officer blocks another user");
    await login(s, USERS.supervisor.name);
    await logout(s);
    await typeInto(s, "#login-user", officer);
    assert(!(await (await s.find("#login-submit")).enabled()), "the locked officer may try again at once");
  });
  log("lockout flow: the locked officer waits, the supervisor logs in");
}

const SIZES = [[1024, 768], [1280, 800]];

/** What sticks out of the window: the page scrolling sideways, top-bar items outside it or cut. */
function overflow(s) {
  return s.execute(`
    const w = window.innerWidth, bad = [];
    const sw = document.documentElement.scrollWidth;
    if (sw > w) bad.push("the page scrolls sideways (" + sw + " > " + w + ")");
    for (const el of document.querySelectorAll("#topbar button, #topbar .who, #topbar .engine, .screen:not([hidden]) button")) {
      if (el.offsetParent === null) continue;
      const r = el.getBoundingClientRect();
      const name = el.id || el.className || el.tagName;
      if (r.right > w + 0.5 || r.left < -0.5) bad.push(name + " lies outside the window");
      if (el.tagName === "BUTTON" && el.scrollWidth > el.clientWidth + 1) bad.push(name + " is cut: " + el.textContent.trim());
    }
    return bad;`);
}

async function resize(s, width, height) {
  await s.call("POST", `/session/${s.id}/window/rect`, { x: 0, y: 0, width, height });
  await waitUntil(async () => (await s.execute("return window.innerWidth;")) <= width, `the window to be ${width} wide`, 5000);
  await sleep(300);
}

export async function layoutFlow() {
  const problems = [];
  await withApp("layout", async ({ s }) => {
    const roles = [
      [USERS.officer.name, "officer", ["#screen-list"], true],
      [USERS.supervisor.name, "supervisor", ["#screen-review"], false],
      // Administrators countersign too: they land on the review queue.
      ["admin", "admin", ["#screen-review"], false],
    ];
    for (const [user, role, landing, record] of roles) {
      await login(s, user);
      for (const sel of landing)
        assert(await s.isDisplayed(sel), `${role} does not land on ${sel}`);
      const screens = [["home", null]];
      if (record) screens.push(["record", "#new-record"]);
      for (const [w, h] of SIZES) {
        await resize(s, w, h);
        for (const [name, open] of screens) {
          if (open) {
            await (await s.waitFor(open)).click();
            await openRecordId(s);
          } else if (role === "officer") await nav(s, "#nav-list", "#screen-list");
          const file = `30-layout-${role}-${w}x${h}-${name}`;
          await shot(s, file);
          for (const p of await overflow(s)) problems.push(`${file}: ${p}`);
        }
      }
      await resize(s, 1280, 800);
      await logout(s);
    }
  });
  assert(!problems.length, `layout overflows:\n  ${problems.join("\n  ")}`);
  log("layout: officer, supervisor and administrator whole at 1024×768 and 1280×800");
}

/** Finding 4: holding F2 (and F3) with the cursor in an empty time field dictates into that
 * field; the spoken time fills it. Before, F2 dictated into the whole record and the time field
 * stayed empty. Between the release and the value the window says the value is being read
 * (before, nothing showed for the seconds a number takes). */
export async function pushToTalkFlow() {
  const wav = composeTime(14, 30);
  await withApp("ptt", async ({ s }) => {
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    await openRecordId(s);
    await engineReady(s);
    let got = null;
    let reading = "";
    for (let attempt = 1; attempt <= 3 && !got; attempt++) {
      const field = await s.waitFor('[data-field="/arrest/time"]');
      await field.click();
      await s.keys([{ type: "keyDown", value: Keys.F2 }]);
      await waitUntil(() => pressed(s, '[data-dictate="/arrest/time"]'), "F2 to dictate into the focused field", 10_000);
      await sleep(300);
      await play(wav);
      await sleep(800);
      await s.keys([{ type: "keyUp", value: Keys.F2 }]);
      // Between the release and the value, the window says the field's value is being read.
      reading = await dictationStatus(s);
      got = await waitUntil(async () => {
        const v = normaliseTime(await fieldValue(s, "/arrest/time"));
        return v === "14:30" ? v : null;
      }, "/arrest/time to be filled by push-to-talk", 60_000, 250).catch(() => null);
      log(`push-to-talk attempt ${attempt}: /arrest/time = ${got}`);
    }
    assert(got === "14:30", "holding F2 in the time field did not fill it");
    assert(/กำลังอ่านค่าของช่อง|Reading the value for/.test(reading),
      `after F2 was let go the dictation status said "${reading}", not that the value was being read`);
    await waitUntil(async () => (await dictationStatus(s)) === "", "the reading status to clear once the value is in", 10_000);
    await shot(s, "24-push-to-talk-into-field");

    // The time came through the time field's constrained decoder: a value it is sure of carries
    // no "heard" note; one it is not sure of names what was heard (and F4 takes the other value).
    const note = await heardNote(s, "/arrest/time");
    const low = await s.execute(
      "return [...document.querySelectorAll('[data-pointer=\"/arrest/time\"].low-confidence')].length;");
    assert(note === "" ? low === 0 : low === 1 && /14[.:]30|ได้ยิน|Heard/.test(note),
      `the time field's note "${note}" and its low-confidence mark (${low}) disagree`);

    // Held in another empty time field with nothing said: the field stays empty and says so.
    const empty = await s.waitFor('[data-field="/recorded/time"]');
    await empty.click();
    await s.keys([{ type: "keyDown", value: Keys.F2 }]);
    await waitUntil(() => pressed(s, '[data-dictate="/recorded/time"]'), "F2 to dictate into /recorded/time", 10_000);
    await sleep(1500);
    await s.keys([{ type: "keyUp", value: Keys.F2 }]);
    const said = await waitUntil(async () => (await heardNote(s, "/recorded/time")) || null,
      "the empty time field to say nothing was heard", 60_000, 250);
    assert(/ไม่ได้ยิน|Nothing was heard/.test(said), `the note under the field says "${said}"`);
    assert((await fieldValue(s, "/recorded/time")) === "", "silence filled /recorded/time");
    await shot(s, "24b-push-to-talk-nothing-heard");
  });
  log("push-to-talk: F2 held in the time field filled 14:30; held in silence it said nothing was heard");
}

/** The note dictation left under a typed field ("" when none). */
async function heardNote(s, pointer) {
  return s.execute(
    "const n = document.querySelector(`[data-pointer=\"${arguments[0]}\"] .field-heard`); return n ? n.textContent : '';",
    [pointer]);
}

/** Finding 7: the first start with no station shows a first-run screen that creates the station
 * and its administrator in the window (before: a login that failed with "run banthuek init"). */
export async function firstRunFlow() {
  const home = mkdtempSync(join(tmpdir(), "banthuek-e2e-firstrun-"));
  const driver = await startDriver(home);
  let s;
  try {
    s = await driver.session();
    await s.waitFor("#first-run", 30_000);
    assert(!(await s.isDisplayed("#login-form")), "the login form shows on a laptop with no station");
    await sleep(1500); // the first frame paints before the font is in
    await shot(s, "25-first-run");
    await typeInto(s, "#first-station", "สถานีตำรวจภูธรทดสอบ");
    await typeInto(s, "#first-admin", "admin");
    await typeInto(s, "#first-password", PASSWORD);
    await typeInto(s, "#first-password2", PASSWORD);
    await (await s.find("#first-submit")).click();
    await s.waitFor("#recovery-dialog", 60_000);
    const key = (await (await s.find("#recovery-key")).text()).trim();
    assert(key.length >= 20, `no recovery key shown: "${key}"`);
    await shot(s, "26-first-run-recovery-key");
    await (await s.find("#recovery-done")).click();
    await waitUntil(async () => (await s.isDisplayed("#screen-review")) || (await s.isDisplayed("#screen-list")),
      "the administrator to be logged in", 15_000);
    await logout(s);
    await login(s, "admin");
  } catch (e) {
    if (s) await shot(s, "failure-firstrun").catch(() => {});
    log("tauri-driver output:\n" + driver.output.join("").slice(-4000));
    throw e;
  } finally {
    if (s) await s.end().catch(() => {});
    await driver.stop();
  }
  // The CLI sees the same station: its CA exports.
  cli(home, ["ca", "export", "-o", join(home, "ca.pem")], { user: "admin" });
  log("first run: station and administrator created in the window; the CLI exports its CA");
}
