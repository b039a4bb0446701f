// JSON pointers (RFC 6901) bind form inputs to places in the record, the same pointers the backend
// uses for missing fields, low-confidence values, provenance and comments.
import type { JsonValue } from "./bindings/serde_json/JsonValue";

/** A record in the exchange format, as the backend sends it (serde_json::Value). */
export type Json = JsonValue;
type Container = Json[] | { [key in string]?: Json };

export function tokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function join(...parts: (string | number)[]): string {
  return parts.map((p) => "/" + String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

function isContainer(v: Json | undefined): v is Container {
  return typeof v === "object" && v !== null;
}

function child(c: Container, key: string): Json | undefined {
  if (Array.isArray(c)) {
    const i = Number(key);
    return Number.isInteger(i) ? c[i] : undefined;
  }
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

export function get(root: Json, pointer: string): Json | undefined {
  let cur: Json | undefined = root;
  for (const t of tokens(pointer)) {
    if (!isContainer(cur)) return undefined;
    cur = child(cur, t);
  }
  return cur;
}

/** Sets the value at `pointer`, creating objects and arrays on the way (a numeric token makes an
 * array). `undefined` removes the key, so that an emptied field is absent, not "". */
export function set(root: Json, pointer: string, value: Json | undefined): void {
  const ts = tokens(pointer);
  if (ts.length === 0) throw new Error("cannot replace the root");
  let cur: Json = root;
  for (let i = 0; i < ts.length - 1; i++) {
    if (!isContainer(cur)) throw new Error(`${pointer}: not a container at ${ts[i]}`);
    let next = child(cur, ts[i]);
    if (!isContainer(next)) {
      if (value === undefined) return;
      next = /^\d+$/.test(ts[i + 1]) ? [] : {};
      put(cur, ts[i], next);
    }
    cur = next;
  }
  if (!isContainer(cur)) throw new Error(`${pointer}: parent is not a container`);
  const last = ts[ts.length - 1];
  if (value === undefined) {
    if (Array.isArray(cur)) {
      const i = Number(last);
      if (Number.isInteger(i) && i < cur.length) cur[i] = {};
    } else {
      delete cur[last];
    }
  } else {
    put(cur, last, value);
  }
}

function put(c: Container, key: string, value: Json): void {
  if (Array.isArray(c)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0) throw new Error(`bad array index ${key}`);
    while (c.length < i) c.push({});
    c[i] = value;
  } else {
    c[key] = value;
  }
}

/** Replaces array indices with "#" so that "/arrestees/2/age" finds the form definition "/arrestees/#/age". */
export function pattern(pointer: string): string {
  return pointer.replace(/\/\d+(?=\/|$)/g, "/#");
}

/** The first array index in a pointer, e.g. 2 for "/arrestees/2/age". */
export function firstIndex(pointer: string): number | undefined {
  const m = /\/(\d+)(?:\/|$)/.exec(pointer);
  return m ? Number(m[1]) : undefined;
}
