// Nothing is lost when the app dies mid-dictation: type a field, start dictating, speak, kill -9
// the app while it records, start it again, log in, accept the resume offer: the typed value and
// the recorded audio are still there.
import { USERS, appPids, composeTime, log, makeHome, play, startDriver } from "./lib/harness.mjs";
import { sleep, waitUntil } from "./lib/webdriver.mjs";
import {
  assert, engineReady, ensureItem, fieldValue, fill, login, openRecordId, pressed, shot, waitSaved,
} from "./lib/app.mjs";
import { execFileSync } from "node:child_process";

export async function crashFlow() {
  // Said twice with a pause: the kill comes after the first saying, during the second.
  const wav = composeTime(9, 15, { repeat: 2, gapMs: 1500 });
  const seconds = Number(execFileSync("soxi", ["-D", wav], { encoding: "utf8" }));
  const home = makeHome("crash");
  const driver = await startDriver(home);
  const name = "ประยุทธ";
  let s;
  let id;
  try {
    s = await driver.session();
    await login(s, USERS.officer.name);
    await (await s.waitFor("#new-record")).click();
    id = await openRecordId(s);
    await ensureItem(s, "/arrestees", "first_name");
    await fill(s, "/arrestees/0/first_name", name);
    await waitSaved(s);
    await engineReady(s);

    await (await s.waitFor("#dictate-toggle")).click();
    await waitUntil(() => pressed(s, "#dictate-toggle"), "#dictate-toggle to be recording", 10_000);
    await sleep(300);
    const started = Date.now();
    const playing = play(wav);
    // Kill at about two thirds of the speech: the first saying is heard, the second is cut off.
    const killAt = (seconds * 1000 * 2) / 3;
    await sleep(killAt);
    await shot(s, "20-crash-before-kill");
    assert(await pressed(s, "#dictate-toggle"), "still recording when the app is killed");
    const pids = appPids(driver.pid);
    assert(pids.length >= 1, "the app process is running");
    for (const pid of pids) process.kill(pid, "SIGKILL");
    const heardMs = Date.now() - started;
    log(`killed app ${pids.join(",")} ${heardMs} ms into ${Math.round(seconds * 1000)} ms of speech`);
    await playing;
    await s.end().catch(() => {});
    s = undefined;
    await waitUntil(() => appPids(driver.pid).length === 0, "the killed app to be gone", 5000);

    // Start again on the same data home: the draft and the audio are offered back.
    s = await driver.session();
    await login(s, USERS.officer.name);
    const offer = await s.waitFor("#resume-offer", 15_000);
    await shot(s, "21-resume-offer");
    assert((await offer.attribute("data-record-id")) === id, "the resume offer names the record being dictated");
    const audioSeconds = Number(await offer.attribute("data-audio-seconds"));
    // The speech before the kill was captured: at least the first saying (half the file, less
    // the half second of quiet it starts with) must be on disk.
    const expected = seconds / 2 - 0.5;
    assert(audioSeconds >= expected, `kept ${audioSeconds} s of audio, at least ${expected.toFixed(1)} s was spoken`);
    await (await s.find("#resume-accept")).click();
    // Resuming transcribes the kept audio again before the record opens: allow a slow engine.
    assert((await openRecordId(s, 240_000)) === id, "resume opens the same record");
    const kept = String(await fieldValue(s, "/arrestees/0/first_name")).trim();
    assert(kept === name, `the typed arrestee name survived the crash (got "${kept}")`);
    await shot(s, "22-resumed");
    log(`crash flow: record ${id}: typed value kept, ${audioSeconds} s of audio kept after kill -9`);
  } catch (e) {
    if (s) await shot(s, "failure-crash").catch(() => {});
    log("tauri-driver output:\n" + driver.output.join("").slice(-4000));
    throw e;
  } finally {
    if (s) await s.end().catch(() => {});
    await driver.stop();
  }
}
