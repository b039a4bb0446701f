// A small W3C WebDriver client over fetch (Node ≥ 18), enough to drive the app through
// tauri-driver: sessions, elements, typing, clicks, scripts and screenshots. No dependencies.
import { writeFileSync } from "node:fs";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const Keys = { TAB: "\uE004", ENTER: "\uE007", ESCAPE: "\uE00C", F2: "\uE032", CONTROL: "\uE009", BACKSPACE: "\uE003" };

export class WebDriverError extends Error {}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ value: null }));
  if (!res.ok) {
    const v = json.value || {};
    throw new WebDriverError(`${method} ${path}: ${res.status} ${v.error || ""} ${v.message || ""}`.trim());
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws `what` (with the last error) after `timeoutMs`. */
export async function waitUntil(fn, what, timeoutMs = 10_000, everyMs = 100) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await sleep(everyMs);
  }
}

export class Element {
  constructor(session, id, selector) {
    this.s = session;
    this.id = id;
    this.selector = selector;
  }
  #p(rest) {
    return `/session/${this.s.id}/element/${this.id}${rest}`;
  }
  // WebKitWebDriver does not scroll an element inside a pane that scrolls on its own into view
  // ("element not interactable"), so scroll it to the middle first, as a person would.
  async click() {
    await this.s.execute("arguments[0].scrollIntoView({block: 'center'});", [this.ref()]);
    return this.s.call("POST", this.#p("/click"), {});
  }
  ref() { return { [ELEMENT]: this.id }; }
  clear() { return this.s.call("POST", this.#p("/clear"), {}); }
  type(text) { return this.s.call("POST", this.#p("/value"), { text }); }
  text() { return this.s.call("GET", this.#p("/text")); }
  property(name) { return this.s.call("GET", this.#p(`/property/${name}`)); }
  attribute(name) { return this.s.call("GET", this.#p(`/attribute/${name}`)); }
  displayed() { return this.s.call("GET", this.#p("/displayed")); }
  enabled() { return this.s.call("GET", this.#p("/enabled")); }
  value() { return this.property("value"); }
}

export class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  /** Starts the app through tauri-driver; resolves once its window is up. */
  static async start(base, application, args = []) {
    const v = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, v.sessionId, v.capabilities);
  }

  call(method, path, body) { return call(this.base, method, path, body); }
  end() { return this.call("DELETE", `/session/${this.id}`); }

  async find(selector) {
    const v = await this.call("POST", `/session/${this.id}/element`, { using: "css selector", value: selector });
    return new Element(this, v[ELEMENT], selector);
  }
  async findAll(selector) {
    const v = await this.call("POST", `/session/${this.id}/elements`, { using: "css selector", value: selector });
    return v.map((e) => new Element(this, e[ELEMENT], selector));
  }
  /** The element once it exists and is displayed. */
  waitFor(selector, timeoutMs = 10_000) {
    return waitUntil(async () => {
      const el = await this.find(selector);
      return (await el.displayed()) ? el : null;
    }, `${selector} to be displayed`, timeoutMs);
  }
  async isDisplayed(selector) {
    const all = await this.findAll(selector);
    for (const el of all) if (await el.displayed()) return true;
    return false;
  }
  execute(script, args = []) {
    return this.call("POST", `/session/${this.id}/execute/sync`, { script, args });
  }
  executeAsync(script, args = []) {
    return this.call("POST", `/session/${this.id}/execute/async`, { script, args });
  }
  /** Presses and releases keys on the focused element (e.g. Keys.F2 held for push-to-talk). */
  keys(actions) {
    return this.call("POST", `/session/${this.id}/actions`, {
      actions: [{ type: "key", id: "keyboard", actions }],
    });
  }
  /** A PNG of the window. WebKit painting without its compositor (as the app has it) answers a
   * screenshot at its next paint, which never comes while the page is still: the page is asked
   * to change something invisible (a transparent outline, on then off) just after. */
  async screenshot(file) {
    await this.execute(`setTimeout(() => {
      const root = document.documentElement;
      root.style.outline = "1px solid transparent";
      setTimeout(() => root.style.removeProperty("outline"), 200);
    }, 100);`);
    const png = await this.call("GET", `/session/${this.id}/screenshot`);
    writeFileSync(file, Buffer.from(png, "base64"));
    return file;
  }
}
