// The page's entry: login and lock, navigation between screens, the engine banner, the resume
// offer after a crash, the language switch and the shortcut overlay.
import "./style.css";
import { api, asAppError, on, type AppError, type ResumeInfo, type SessionInfo } from "./api";
import { applyI18n, both, lang, pick, setLang, t, type Lang } from "./i18n";
import { decorate, install, register, renderHelp, type Scope } from "./shortcuts";
import { go, isAdmin, isSupervisor, screen, setNavigator, state, type ScreenName } from "./state";
import { $, clearToast, showError, showOverlay, toastError, type PageError } from "./ui";
import { initList } from "./screens/list";
import { currentRecordId, dictationStopped, initRecord, showView, stop, unsavedWork } from "./screens/record";
import { cancelCeremony, initCeremony } from "./ceremony";
import { initReview, refreshQueueCount } from "./screens/review";
import { initSettings } from "./screens/settings";
import { initAudit } from "./screens/audit";
import { initSync, startPolling, stopPolling } from "./screens/sync";

const SCREENS: ScreenName[] = ["login", "list", "record", "history", "review", "sync", "settings", "audit"];
const NAV: Partial<Record<ScreenName, string>> = {
  list: "nav-list",
  review: "nav-review",
  sync: "nav-sync",
  settings: "nav-settings",
  audit: "nav-audit",
};

/** Where the officer was when the screen locked, to return there after unlocking. */
let beforeLock: { user: string; screen: ScreenName; arg?: string } | null = null;
let lockoutTimer: number | undefined;
/** Accounts locked after wrong passwords, and until when (ms): only that account waits; anyone
 * else at the shared laptop logs in as usual. */
const lockedUntil = new Map<string, number>();
/** Whose login the error on show is about. */
let errorUser = "";

async function navigate(name: ScreenName, arg?: string): Promise<void> {
  const from = screen(state.screen);
  if (state.screen !== name || name === "record") await from?.leave?.();
  state.screen = name;
  closeOverlays();
  for (const s of SCREENS) $(`screen-${s}`).hidden = s !== name;
  for (const [s, id] of Object.entries(NAV))
    $(id).setAttribute("aria-current", String(s === name || (s === "list" && (name === "record" || name === "history"))));
  $("topbar").classList.toggle("anon", name === "login");
  await screen(name)?.show(arg);
}

// ---- login, lockout, idle lock -------------------------------------------------------------

function loginUser(): string {
  return $<HTMLInputElement>("login-user").value.trim();
}

/** The submit button and the countdown follow the name in the user field. */
function applyLockout(): void {
  const submit = $<HTMLButtonElement>("login-submit");
  const box = $("login-error");
  const user = loginUser();
  if (errorUser && user !== errorUser) {
    showError(box, null);
    errorUser = "";
  }
  for (const [u, until] of lockedUntil) if (until <= Date.now()) lockedUntil.delete(u);
  const until = lockedUntil.get(user) ?? 0;
  const left = Math.ceil((until - Date.now()) / 1000);
  submit.disabled = left > 0;
  let c = box.querySelector<HTMLElement>(".countdown");
  if (left > 0) {
    if (!c) {
      c = document.createElement("strong");
      c.className = "countdown";
      box.append(c);
    }
    const at = new Date(until).toLocaleTimeString(lang() === "th" ? "th-TH" : "en-GB");
    c.textContent = t("lockedOutUntil", { time: at, secs: left });
  } else c?.remove();
  clearInterval(lockoutTimer);
  if (lockedUntil.size) lockoutTimer = window.setInterval(applyLockout, 1000);
}

function loginError(e: AppError | PageError | null, user = ""): void {
  showError($("login-error"), e);
  errorUser = e ? user : "";
  if (e?.retryAfterS) lockedUntil.set(user, Date.now() + Number(e.retryAfterS) * 1000);
  else if (!e) lockedUntil.delete(user);
  applyLockout();
}

async function login(e: Event): Promise<void> {
  e.preventDefault();
  const user = $<HTMLInputElement>("login-user").value.trim();
  const password = $<HTMLInputElement>("login-password").value;
  if (!user || !password) {
    loginError({ code: "empty", ...both("loginEmpty") });
    return;
  }
  const submit = $<HTMLButtonElement>("login-submit");
  submit.disabled = true;
  submit.setAttribute("aria-busy", "true");
  try {
    const session = await api.login(user, password);
    $<HTMLInputElement>("login-password").value = "";
    loginError(null, user);
    await enter(session);
    const back = beforeLock && beforeLock.user === user ? beforeLock : null;
    beforeLock = null;
    if (!(await offerResume())) {
      if (back) await go(back.screen, back.arg);
      else await go(landing());
    }
  } catch (err) {
    loginError(asAppError(err), user);
    $("login-password").focus();
  } finally {
    submit.removeAttribute("aria-busy");
    applyLockout();
  }
}

/** Where each role starts: supervisors at the review queue, everyone else at the records. */
function landing(): ScreenName {
  return isSupervisor() ? "review" : "list";
}

/** Shows the logged-in frame: who, their role's menu, the sync dot. */
async function enter(session: SessionInfo): Promise<void> {
  state.session = session;
  $("lock-note").hidden = true;
  showWho();
  $("nav-review").hidden = !isSupervisor();
  $("nav-audit").hidden = !isAdmin();
  if (isSupervisor()) void refreshQueueCount();
  await loadInfo();
  startPolling();
}

function showWho(): void {
  const s = state.session;
  if (!s) return;
  $("who").textContent = `${s.displayName || s.user} · ${t(isSupervisor() ? "roleSupervisor" : "roleOfficer")}`;
}

async function loadInfo(): Promise<void> {
  try {
    state.info = await api.appInfo();
    state.digits = state.info.digits;
    $("station-name").textContent = state.info.station ?? "";
    $("app-version").textContent = `Banthuek ${state.info.version}${state.info.station ? " · " + state.info.station : ""}`;
    if (state.session && state.info.language && state.info.language !== lang()) {
      // A language chosen on the login screen is this person's latest choice: keep it and make
      // it the laptop's; otherwise the laptop's setting applies.
      if (choseAtLogin) saveLanguage(lang());
      else switchLanguage(state.info.language);
    }
    if (state.session) choseAtLogin = false;
  } catch (e) {
    // The login screen works without it; the station name is only shown.
    console.warn("app_info failed", asAppError(e).code);
  }
}

function showLock(note: boolean): void {
  clearInterval(lockoutTimer);
  stopPolling();
  dictationStopped();
  for (const o of document.querySelectorAll<HTMLElement>(".overlay")) o.hidden = true;
  $("lock-note").hidden = !note;
  // Locked: the same person unlocks, their name is filled in; logged out: the box stays empty.
  const user = note ? (state.session?.user ?? "") : "";
  state.session = null;
  void navigate("login").then(() => {
    $<HTMLInputElement>("login-user").value = user;
    (user ? $("login-password") : $("login-user")).focus();
  });
}

function locked(): void {
  if (state.session) {
    beforeLock = {
      user: state.session.user,
      screen: state.screen,
      arg: state.screen === "record" || state.screen === "history" ? currentRecordId() : undefined,
    };
  }
  clearToast();
  showLock(true);
}

async function logout(): Promise<void> {
  await screen(state.screen)?.leave?.();
  clearToast();
  try {
    await api.logout();
  } catch (e) {
    toastError(asAppError(e));
  }
  beforeLock = null;
  $<HTMLInputElement>("login-user").value = "";
  showLock(false);
  $("login-user").focus();
}

// ---- resume after a crash ------------------------------------------------------------------

async function offerResume(): Promise<boolean> {
  let info: ResumeInfo | null;
  try {
    info = await api.pendingResume();
  } catch (e) {
    toastError(asAppError(e));
    return false;
  }
  if (!info) return false;
  const r = info;
  const offer = $("resume-offer");
  offer.dataset.recordId = r.recordId;
  offer.dataset.audioSeconds = String(r.audioSeconds);
  $("resume-text").textContent = r.arrestee
    ? t("resumeTextNamed", { secs: Math.round(r.audioSeconds), name: r.arrestee })
    : t("resumeText", { secs: Math.round(r.audioSeconds), id: r.recordId.slice(0, 8) });
  const discard = $("resume-discard");
  discard.dataset.armed = "false";
  discard.querySelector("span")!.textContent = t("resumeDiscard");
  showOverlay($("resume-offer"), $("resume-accept"));
  const accept = $<HTMLButtonElement>("resume-accept");
  accept.disabled = false;
  accept.onclick = async () => {
    // The kept audio is stored and read again: this can take a few seconds.
    accept.disabled = true;
    accept.setAttribute("aria-busy", "true");
    $("resume-text").textContent = t("resuming");
    try {
      const resumed = await api.resume(r.recordId);
      $("resume-offer").hidden = true;
      await go("record", resumed.record.id);
      showView(resumed.record, resumed.transcript);
    } catch (e) {
      toastError(asAppError(e));
      accept.disabled = false;
    } finally {
      accept.removeAttribute("aria-busy");
    }
  };
  discard.onclick = async () => {
    // Throwing away evidence audio takes a second, deliberate press.
    if (discard.dataset.armed !== "true") {
      discard.dataset.armed = "true";
      discard.querySelector("span")!.textContent = t("resumeDiscardConfirm");
      return;
    }
    try {
      await api.discardResume(r.recordId);
      $("resume-offer").hidden = true;
      await go("list");
    } catch (e) {
      toastError(asAppError(e));
    }
  };
  return true;
}

// ---- engine status -------------------------------------------------------------------------

let bannerTimer: number | undefined;
function engineStatus(s: { state: string; en: string; th: string }): void {
  const el = $("engine-status");
  el.dataset.state = s.state;
  el.textContent = pick(s);
  el.title = `${t("engine")}: ${pick(s)}`;
  const banner = $("engine-banner");
  clearTimeout(bannerTimer);
  if (s.state === "crashed") {
    banner.dataset.kind = "error";
    banner.textContent = `${pick(s)} — ${t("engineRecovering")}`;
    banner.hidden = false;
    dictationStopped();
  } else if (s.state === "restarted") {
    banner.dataset.kind = "ok";
    banner.textContent = `${pick(s)} — ${t("engineRecovered")}`;
    banner.hidden = false;
    bannerTimer = window.setTimeout(() => (banner.hidden = true), 6000);
  } else {
    banner.hidden = true;
  }
}

// ---- language, help ------------------------------------------------------------------------

/** Set by the switch on the login screen (the laptop's setting needs a session to change). */
let choseAtLogin = false;

function switchLanguage(to?: string): void {
  const next: Lang = (to ?? (lang() === "th" ? "en" : "th")) === "en" ? "en" : "th";
  setLang(next);
  localStorage.setItem("banthuek.lang", next);
  clearToast(); // a message in the language left behind
  relabel();
  if (!to) {
    if (state.session) saveLanguage(next);
    else choseAtLogin = true;
  }
}

function saveLanguage(language: Lang): void {
  void api
    .getSettings()
    .then((s) => api.setSettings({ ...s, language }))
    .catch((e) => toastError(asAppError(e)));
}

function relabel(): void {
  $("lang-label").textContent = lang() === "th" ? "EN" : "ไทย";
  $("lang-toggle").setAttribute("aria-label", t("switchLanguage"));
  showWho();
  for (const el of document.querySelectorAll("kbd")) if (el.parentElement?.dataset.shortcut) el.remove();
  decorate();
  renderHelp($("help-list"));
  const es = $("engine-status");
  if (es.dataset.state === "unknown") es.textContent = "";
  for (const s of SCREENS) screen(s)?.relabel?.();
}

function help(): void {
  renderHelp($("help-list"));
  showOverlay($("help-dialog"));
}

function closeOverlays(): boolean {
  if (cancelCeremony()) return true;
  const open = [...document.querySelectorAll<HTMLElement>(".overlay")].filter((o) => !o.hidden && o.id !== "resume-offer");
  for (const o of open) o.hidden = true;
  return open.length > 0;
}

function scope(): Scope {
  return state.screen === "login" ? "global" : (state.screen as Scope);
}

function registerGlobal(): void {
  const nav = (s: ScreenName) => () => {
    if (state.session && !(s === "review" && !isSupervisor())) void go(s);
  };
  register({ id: "nav.list", keys: ["Alt+1"], label: "navRecords", scope: "global", run: nav("list") });
  register({ id: "nav.review", keys: ["Alt+2"], label: "navReview", scope: "global", run: nav("review") });
  register({ id: "nav.sync", keys: ["Alt+3"], label: "navSync", scope: "global", run: nav("sync") });
  register({ id: "nav.settings", keys: ["Alt+4"], label: "navSettings", scope: "global", run: nav("settings") });
  register({ id: "lang", keys: ["Alt+L"], label: "switchLanguage", scope: "global", inInputs: true, run: () => switchLanguage() });
  register({
    id: "logout",
    keys: ["Alt+Q"],
    label: "logout",
    scope: "global",
    run: () => {
      if (state.session) void logout();
    },
  });
  register({ id: "help", keys: ["F1", "?"], label: "shortcutsTitle", scope: "global", run: help });
  register({
    id: "escape",
    keys: ["Escape"],
    label: "closeOrStop",
    scope: "global",
    inInputs: true,
    run: () => {
      if (!closeOverlays() && state.screen === "record") void stop();
    },
  });
}

function wire(): void {
  $("login-form").addEventListener("submit", (e) => void login(e));
  $("lang-toggle").addEventListener("click", () => switchLanguage());
  $("logout").addEventListener("click", () => void logout());
  $("help-open").addEventListener("click", help);
  for (const [s, id] of Object.entries(NAV)) $(id).addEventListener("click", () => void go(s as ScreenName));
  for (const o of document.querySelectorAll<HTMLElement>(".overlay"))
    o.addEventListener("click", (e) => {
      if (e.target !== o || o.id === "resume-offer") return;
      if (o.id === "sign-dialog") cancelCeremony();
      else o.hidden = true;
    });
  for (const b of document.querySelectorAll<HTMLElement>("[data-close]"))
    b.addEventListener("click", () => (b.closest<HTMLElement>(".overlay")!.hidden = true));
  $("login-user").addEventListener("input", applyLockout);
  $("first-run").addEventListener("submit", (e) => void firstRun(e));
  $("close-anyway").addEventListener("click", () => void api.quit());
  $("resume-offer").addEventListener("keydown", (e) => {
    if (e.key === "Escape") $("resume-discard").click();
  });
}

async function main(): Promise<void> {
  setLang(localStorage.getItem("banthuek.lang") ?? "th");
  setNavigator(navigate);
  registerGlobal();
  initList();
  initRecord();
  initReview();
  initSync();
  initSettings();
  initAudit();
  initCeremony();
  wire();
  install(scope, () => true);
  applyI18n(document.body);
  relabel();
  document.addEventListener("banthuek:relabel", relabel);

  void on("engine-status", engineStatus);
  void on("session-locked", locked);
  void on("close-requested", () => void closeRequested());
  document.addEventListener("banthuek:locked", () => {
    if (state.session) locked();
  });
  watchActivity();

  await navigate("login");
  $("login-user").focus();
  // A page reload inside a running app keeps its session: carry on instead of asking again.
  try {
    const info = await api.appInfo();
    if (info.session) {
      await enter(info.session);
      if (!(await offerResume())) await go(landing());
    } else {
      state.info = info;
      $("station-name").textContent = info.station ?? "";
      if (!info.initialised) showFirstRun();
    }
  } catch (e) {
    console.warn("app_info failed", asAppError(e).code);
  }
}

/** First start with no station: create it and its administrator here, not on a command line. */
function showFirstRun(): void {
  $("login-form").hidden = true;
  $("first-run").hidden = false;
  $("first-station").focus();
}

async function firstRun(e: Event): Promise<void> {
  e.preventDefault();
  const station = $<HTMLInputElement>("first-station").value.trim();
  const admin = $<HTMLInputElement>("first-admin").value.trim();
  const password = $<HTMLInputElement>("first-password").value;
  const box = $("first-error");
  if (!station || !admin || !password) return showError(box, { code: "empty", ...both("loginEmpty") });
  if (password !== $<HTMLInputElement>("first-password2").value)
    return showError(box, { code: "mismatch", ...both("firstRunMismatch") });
  const submit = $<HTMLButtonElement>("first-submit");
  submit.disabled = true;
  try {
    const made = await api.createStation(station, admin, password);
    showError(box, null);
    $("recovery-key").textContent = made.recoveryKey;
    showOverlay($("recovery-dialog"), $("recovery-done"));
    $("recovery-done").onclick = async () => {
      $("recovery-dialog").hidden = true;
      $("recovery-key").textContent = "";
      $("first-run").hidden = true;
      $("login-form").hidden = false;
      await enter(made.session);
      await go(landing());
    };
  } catch (err) {
    showError(box, asAppError(err));
  } finally {
    submit.disabled = false;
  }
}

/** The window's close button: whatever is pending is saved first; if something still is not
 * saved, the person is warned and chooses. */
async function closeRequested(): Promise<void> {
  let unsaved = false;
  try {
    unsaved = state.screen === "record" && (await unsavedWork());
  } catch {
    unsaved = true;
  }
  if (!unsaved) {
    await api.quit();
    return;
  }
  showOverlay($("close-dialog"), $("close-cancel"));
}

/** Reading and scrolling count as use too, not only commands: tell the backend's idle lock,
 * at most twice a minute. */
function watchActivity(): void {
  let last = 0;
  const touch = () => {
    const now = Date.now();
    if (!state.session || now - last < 30_000) return;
    last = now;
    api.activity().catch(() => {});
  };
  for (const ev of ["keydown", "pointerdown", "wheel"]) document.addEventListener(ev, touch, { passive: true });
}

void main();
