// What the whole page shares: who is logged in, the station's preferences, which screen shows.
import type { AppInfo, SessionInfo } from "./api";

export type ScreenName = "login" | "list" | "record" | "history" | "review" | "sync" | "settings" | "audit";

export interface Screen {
  /** Called when the screen becomes visible. */
  show(arg?: string): void | Promise<void>;
  /** Called before another screen replaces it; may finish saving first. */
  leave?(): void | Promise<void>;
  /** Re-render dynamic text after a language switch. */
  relabel?(): void;
}

export const state = {
  session: null as SessionInfo | null,
  info: null as AppInfo | null,
  digits: "thai",
  screen: "login" as ScreenName,
};

const screens = new Map<ScreenName, Screen>();
let navigate: (name: ScreenName, arg?: string) => Promise<void> = async () => {};

export function defineScreen(name: ScreenName, s: Screen): void {
  screens.set(name, s);
}

export function screen(name: ScreenName): Screen | undefined {
  return screens.get(name);
}

export function setNavigator(fn: typeof navigate): void {
  navigate = fn;
}

export function go(name: ScreenName, arg?: string): Promise<void> {
  return navigate(name, arg);
}

export function isAdmin(): boolean {
  return state.session?.role === "admin";
}

export function isSupervisor(): boolean {
  return state.session?.role === "supervisor" || state.session?.role === "admin";
}
