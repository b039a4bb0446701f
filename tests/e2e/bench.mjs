// Benchmark of the real app under Xvfb (prints medians, asserts nothing):
// - cold start: from asking tauri-driver for a session (which spawns the app) to #login-user being
//   displayed and enabled, median of 5 fresh processes;
// - memory: resident set of the app and every process under it (WebKit web and network
//   processes, speech engine), idle on the record list and while dictating, median of 5 samples.
import { USERS, appPids, composeTime, log, makeHome, play, processTree, startDriver } from "./lib/harness.mjs";
import { sleep, waitUntil } from "./lib/webdriver.mjs";
import { engineReady, ensureItem, login, openRecordId, pressed } from "./lib/app.mjs";

const RUNS = Number(process.env.BENCH_RUNS || 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function memory(driverPid) {
  const [app] = appPids(driverPid);
  if (!app) throw new Error("the app is not running");
  const procs = processTree(app);
  const byName = {};
  for (const p of procs) byName[p.name] = (byName[p.name] || 0) + p.rssKib;
  return {
    totalMib: procs.reduce((a, p) => a + p.rssKib, 0) / 1024,
    pssMib: procs.reduce((a, p) => a + p.pssKib, 0) / 1024,
    byName,
  };
}

const home = makeHome("bench");
const driver = await startDriver(home);
try {
  const starts = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const s = await driver.session();
    await waitUntil(async () => {
      const el = await s.find("#login-user");
      return (await el.displayed()) && (await el.enabled());
    }, "#login-user to be interactive", 30_000, 10);
    starts.push(performance.now() - t0);
    await s.end();
    await waitUntil(() => appPids(driver.pid).length === 0, "the app to exit", 10_000);
  }
  log("cold start runs (ms):", starts.map((x) => x.toFixed(0)).join(", "));

  const s = await driver.session();
  await login(s, USERS.officer.name);
  await sleep(3000);
  const idle = [];
  for (let i = 0; i < RUNS; i++) {
    idle.push(memory(driver.pid));
    await sleep(500);
  }

  await (await s.waitFor("#new-record")).click();
  await openRecordId(s);
  await ensureItem(s, "/arrestees", "first_name");
  await engineReady(s);
  const wav = composeTime(14, 30, { repeat: 3 });
  await (await s.waitFor("#dictate-toggle")).click();
  await waitUntil(() => pressed(s, "#dictate-toggle"), "dictation to start", 10_000);
  const playing = play(wav);
  await sleep(2000);
  const dictating = [];
  for (let i = 0; i < RUNS; i++) {
    dictating.push(memory(driver.pid));
    await sleep(1000);
  }
  await playing;
  await (await s.find("#dictate-toggle")).click();
  await s.end();

  const med = (xs) => median(xs.map((m) => m.totalMib));
  const medPss = (xs) => median(xs.map((m) => m.pssMib));
  const last = dictating[dictating.length - 1].byName;
  console.log(`\napp bench (${RUNS} runs, Xvfb, ${process.env.BENCH_NOTE || "debug build"})`);
  console.log(`cold start to an interactive login screen: median ${median(starts).toFixed(0)} ms (target ≤ 1500 ms)`);
  console.log(`memory idle (record list): median ${med(idle).toFixed(0)} MiB RSS (app + WebKit processes), ${medPss(idle).toFixed(0)} MiB PSS`);
  console.log(`memory while dictating: median ${med(dictating).toFixed(0)} MiB RSS (app + WebKit + speech engine), ${medPss(dictating).toFixed(0)} MiB PSS`);
  console.log("  while dictating, by process (MiB):",
    Object.entries(last).map(([n, k]) => `${n} ${(k / 1024).toFixed(0)}`).join(", "));
} finally {
  await driver.stop();
}
