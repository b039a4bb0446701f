// The world around the app under test: a fresh data home made with the real CLI, tauri-driver
// started with that home in its environment (the app inherits it), the app's processes, and
// composed Thai speech played into the PulseAudio virtual microphone (set up by run.sh).
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Session, sleep, waitUntil } from "./webdriver.mjs";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(repo, "target");
export const appBin = process.env.BANTHUEK_APP || join(target, "debug/banthuek-app");
export const cliBin = process.env.BANTHUEK_CLI || join(target, "debug/banthuek");
export const models = process.env.BANTHUEK_MODELS || join(repo, "models");
export const shots = resolve(process.env.OUT_DIR || join(repo, "target/e2e-shots"));
mkdirSync(shots, { recursive: true });

export const PASSWORD = "correct horse 2569";
export const USERS = {
  officer: { name: "somchai", role: "officer", fullName: "สมชาย ใจดี", rank: "ร.ต.อ." },
  supervisor: { name: "wichai", role: "supervisor", fullName: "วิชัย กล้าหาญ", rank: "พ.ต.ท." },
};
// Cheap key derivation for tests; the app and the CLI both honour it.
const KDF = "64,1,1";

export function log(...a) {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...a);
}

/** Runs the real `banthuek` CLI against `home`; returns stdout, throws with stderr on failure. */
export function cli(home, args, { user, password = PASSWORD, newPassword, allowFail = false } = {}) {
  const env = { ...process.env, BANTHUEK_HOME: home, BANTHUEK_KDF: KDF, BANTHUEK_PASSWORD: password };
  if (user) env.BANTHUEK_USER = user;
  else delete env.BANTHUEK_USER;
  if (newPassword) env.BANTHUEK_NEW_PASSWORD = newPassword;
  const r = spawnSync(cliBin, args, { env, encoding: "utf8" });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`banthuek ${args.join(" ")} exited ${r.status}: ${r.stderr}${r.stdout}`);
  }
  return allowFail ? r : r.stdout;
}

/** A new data home: `banthuek init` with an administrator, then an officer and a supervisor. */
export function makeHome(label) {
  const home = mkdtempSync(join(tmpdir(), `banthuek-e2e-${label}-`));
  cli(home, ["init", "--admin", "admin", "--station", "สถานีตำรวจภูธรทดสอบ"], { newPassword: PASSWORD });
  for (const u of Object.values(USERS)) {
    cli(home, ["user", "add", u.name, "--role", u.role, "--full-name", u.fullName, "--rank", u.rank], {
      user: "admin",
      newPassword: PASSWORD,
    });
  }
  return home;
}

let nextPort = 4544 + (process.pid % 200) * 2;

/** tauri-driver with `home` in its environment; every session it starts runs the app on that home. */
/** `extra`: more environment for the app (a test hook such as BANTHUEK_TEST_FAIL_SAVES). */
export async function startDriver(home, extra = {}) {
  for (const p of [appBin, cliBin]) if (!existsSync(p)) throw new Error(`${p} is missing: build the workspace first`);
  const port = nextPort;
  nextPort += 2;
  const env = {
    ...process.env,
    BANTHUEK_HOME: home,
    BANTHUEK_MODELS: models,
    BANTHUEK_KDF: KDF,
    BANTHUEK_LOG: process.env.BANTHUEK_LOG || "info",
    ...extra,
  };
  const child = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  for (const s of [child.stdout, child.stderr]) s.on("data", (d) => output.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${base}/status`)).ok, "tauri-driver to listen", 10_000);
  return {
    base,
    output,
    pid: child.pid,
    async session() {
      return Session.start(base, appBin);
    },
    async stop() {
      // An app whose session was never closed outlives tauri-driver and keeps its output pipes
      // open, so node would wait for them until the step's time limit: end the whole tree.
      const leftover = child.exitCode === null ? processTree(child.pid).map((p) => p.pid) : [];
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([new Promise((r) => child.once("exit", r)), sleep(3000)]);
      }
      for (const pid of leftover.slice(1)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
}

/** Ids of the app processes started under `rootPid` (this test's tauri-driver), not anyone else's. */
export function appPids(rootPid) {
  const want = realpathSync(appBin);
  return processTree(rootPid)
    .map((p) => p.pid)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, "") === want;
      } catch {
        return false; // gone meanwhile
      }
    });
}

/** `pid` and all its descendants, each with its name and resident memory (RSS and PSS, KiB). */
export function processTree(pid) {
  const parent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parent.set(Number(d), ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
  return tree.flatMap((p) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? "?";
      const rss = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      // PSS shares pages mapped by several processes (WebKit's libraries) among them, so sums
      // over the tree don't count them twice as RSS does.
      let pss = rss;
      try {
        pss = Number(/^Pss:\s*(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? rss);
      } catch {
        /* no smaps_rollup: fall back to RSS */
      }
      return [{ pid: p, name, rssKib: rss, pssKib: pss }];
    } catch {
      return [];
    }
  });
}

/** A WAV of the clock voice saying "HH นาฬิกา MM นาที" (stereo, as the virtual mic wants it). */
export function composeTime(hour, minute, { repeat = 1, gapMs = 1500 } = {}) {
  const out = join(tmpdir(), `banthuek-e2e-${hour}-${minute}-x${repeat}-${process.pid}.wav`);
  execFileSync("python3", [join(repo, "tests/e2e/compose_time.py"), "--cache", join(models, "cache"),
    "--repeat", String(repeat), "--gap-ms", String(gapMs), String(hour), String(minute), out], { stdio: "inherit" });
  return out;
}

/** A number (0–59) said alone in the clock's voice, as composeTime composes a time. */
export function composeNumber(n) {
  const out = join(tmpdir(), `banthuek-e2e-number-${n}-${process.pid}.wav`);
  execFileSync("python3", [join(repo, "tests/e2e/compose_time.py"), "--cache", join(models, "cache"),
    "--number", String(n), out], { stdio: "inherit" });
  return out;
}

/** Plays a WAV into the virtual microphone; resolves when it has been played. */
export function play(wav) {
  return new Promise((resolve, reject) => {
    const p = spawn("paplay", [wav], { stdio: "inherit" });
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}`))));
    p.on("error", reject);
  });
}

/** `v` as text with Thai digits written as Arabic ones. */
export function arabicDigits(v) {
  return String(v ?? "").replace(/[๐-๙]/g, (c) => String(c.charCodeAt(0) - 0x0e50));
}

/** A stored date ("2026-12-04") as a date field shows it, the way officers write dates:
 * "4/12/2569" (day/month/Buddhist Era). Any other text as it is. */
export function writtenDate(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(v));
  return m ? `${Number(m[3])}/${Number(m[2])}/${Number(m[1]) + 543}` : String(v);
}

/** Thai digits to Arabic and "14.30" to "14:30", so a time reads the same in either setting. */
export function normaliseTime(v) {
  return arabicDigits(v)
    .replace(/\s*น\.?$/, "")
    .replace(".", ":")
    .trim();
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
