// Thai conventions and whose records, in the real window (issue 14, items 2 and 6/7):
// - conventions: the Buddhist Era date picker (Thai month names, 2569) puts the stored form
//   (2026-12-04) into the date field; a custody notification typed as 4/12/2569 14.30 is stored
//   as 2026-12-04T14:30, not kept as unreadable text; screenshot 27 shows Thai line breaking in a
//   text box;
// - the PDF preview zooms (125 %) and goes to the next page;
// - own: "บันทึกของฉัน" lists only the logged-in officer's records.
import { PASSWORD, USERS, cli, log, makeHome, startDriver } from "./lib/harness.mjs";
import { Keys, waitUntil } from "./lib/webdriver.mjs";
import { assert, fieldValue, hasClass, login, logout, nav, openRecordId, shot, typeInto, waitSaved } from "./lib/app.mjs";

async function withApp(label, body, home = makeHome(label)) {
  const driver = await startDriver(home);
  let s;
  try {
    s = await driver.session();
    await body(s, home);
  } catch (e) {
    if (s) await shot(s, `failure-${label}`).catch(() => {});
    log("tauri-driver output:\n" + driver.output.join("").slice(-4000));
    throw e;
  } finally {
    if (s) await s.end().catch(() => {});
    await driver.stop();
  }
}

export async function conventionsFlow() {
  await withApp("conventions", async (s) => {
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    await openRecordId(s);

    // The picker: December 2569 in Thai, the 4th → 2026-12-04 in the field.
    await (await s.waitFor('[data-pick-date="/arrest/date"]')).click();
    await s.waitFor(".date-picker");
    await s.execute(
      "const p = document.querySelector('.date-picker'); const m = p.querySelector('select'); m.value = '11'; m.dispatchEvent(new Event('change')); const y = p.querySelector('.date-picker-year'); y.value = '2569'; y.dispatchEvent(new Event('change'));");
    const head = await s.execute(
      "const p = document.querySelector('.date-picker'); const m = p.querySelector('select'); return [m.options[m.selectedIndex].text, p.querySelector('.date-picker-year').value];");
    assert(head[0] === "ธันวาคม" && head[1] === "2569", `the picker shows ${head.join(" ")}, not ธันวาคม 2569`);
    await shot(s, "27a-be-date-picker");
    await (await s.waitFor('.date-picker [data-date="2026-12-04"]')).click();
    await waitUntil(async () => (await fieldValue(s, "/arrest/date")) === "2026-12-04", "/arrest/date to read 2026-12-04");
    const hint = await s.execute(
      "return document.querySelector('[data-pointer=\"/arrest/date\"] .hint').textContent;");
    assert(hint.includes("ธันวาคม 2569"), `the date's hint reads "${hint}"`);

    // The custody time as officers write it.
    const at = '[data-field="/custody/prosecutor_notified_at"]';
    await typeInto(s, at, "4/12/2569 14.30");
    await s.keys([{ type: "keyDown", value: Keys.TAB }, { type: "keyUp", value: Keys.TAB }]);
    await waitSaved(s, 30_000);
    await waitUntil(async () => (await fieldValue(s, "/custody/prosecutor_notified_at")) === "2026-12-04T14:30",
      "the custody time to be stored as 2026-12-04T14:30", 15_000);
    assert(!(await hasClass(s, '[data-pointer="/custody/prosecutor_notified_at"]', "invalid")),
      "4/12/2569 14.30 was kept as unreadable text");

    // The PDF preview zooms and goes page by page.
    await (await s.find("#record-pdf")).click();
    await waitUntil(async () => (await (await s.find("#record-pdf-view")).attribute("data-rendered")) === "true",
      "the PDF preview to be drawn", 60_000);
    const view = await s.find("#record-pdf-view");
    assert((await view.attribute("data-zoom")) === "100", "the preview does not start at the fitted width");
    await (await s.find('#record-pdf-view [data-pdf="zoom-in"]')).click();
    await waitUntil(async () => (await view.attribute("data-zoom")) === "125", "the preview to zoom to 125 %", 30_000);
    const pages = Number(await view.attribute("data-pages"));
    if (pages > 1) {
      await (await s.find('#record-pdf-view [data-pdf="next"]')).click();
      await waitUntil(async () => (await view.attribute("data-page")) === "2", "the preview to show page 2", 10_000);
    }
    await shot(s, "27b-pdf-zoom-pages");
    await s.keys([{ type: "keyDown", value: Keys.ESCAPE }, { type: "keyUp", value: Keys.ESCAPE }]);
    await waitUntil(async () => !(await s.isDisplayed("#pdf-dialog")), "the PDF preview to close", 10_000);

    // Thai line breaking in a text box, for the eye (screenshot 27): the box is lang="th" with
    // word-break: normal and line-break: strict, yet WebKitGTK's dictionary still breaks
    // เมทแอมเฟ|ตามีน (a loanword it does not know) — not fixed, see the issue.
    const words = "ตรวจค้นพบยาเสพติดให้โทษประเภท ๑ ชนิดเมทแอมเฟตามีน จำนวน ๒๐ เม็ด ";
    await typeInto(s, '[data-field="/circumstances"]', words.repeat(4));
    await waitUntil(async () => (await fieldValue(s, "/circumstances")).length >= words.repeat(4).trim().length,
      "the text to be typed", 30_000);
    await s.execute("document.querySelector('[data-field=\"/circumstances\"]').scrollIntoView({block: 'center'});");
    await shot(s, "27-thai-line-breaks");
  });
  log("conventions: the B.E. picker filled 2026-12-04, 4/12/2569 14.30 stored as 2026-12-04T14:30");
}

export async function ownRecordsFlow() {
  const home = makeHome("own");
  cli(home, ["user", "add", "somying", "--role", "officer", "--full-name", "สมหญิง ใจงาม", "--rank", "ร.ต.ท."], {
    user: "admin",
    newPassword: PASSWORD,
  });
  await withApp("own", async (s) => {
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    const id = await openRecordId(s);
    await nav(s, "#record-back", "#screen-list");
    await s.waitFor(`.record-row[data-id="${id}"]`);
    await logout(s);

    await login(s, "somying");
    await (await s.waitFor("#new-record")).click();
    const own = await openRecordId(s);
    await nav(s, "#record-back", "#screen-list");
    await s.waitFor(`.record-row[data-id="${own}"]`);
    const rows = await s.execute("return [...document.querySelectorAll('.record-row')].map((r) => r.dataset.id);");
    assert(rows.length === 1 && rows[0] === own, `somying's list holds ${rows.length} records, ${rows.includes(id) ? "with" : "without"} somchai's`);
    await shot(s, "28-my-records-own-only");
  }, home);
  log("own: a colleague's record is not in บันทึกของฉัน");
}
