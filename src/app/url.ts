/**
 * The view state that a link reproduces: which page, which problem and family, which config, which
 * parameters the charts plot. Everything else (records, models, runs) lives in IndexedDB or the worker.
 */

export const PAGES = ["device", "explore", "sweep", "dataset", "train", "predict"] as const;
export type PageId = (typeof PAGES)[number];

export const PAGE_TITLES: Record<PageId, string> = {
  device: "Device",
  explore: "Explore",
  sweep: "Sweep",
  dataset: "Dataset",
  train: "Train",
  predict: "Predict",
};

export interface ViewState {
  page: PageId;
  /** The problem in its text form, exactly as typed (it may be invalid while being edited). */
  problem: string;
  /** Kernel family id; empty means "the first family that supports the problem". */
  family: string;
  /** The chosen config as `name=value` pairs joined by `;` (empty: the first valid config). */
  config: string;
  /** The parameter plotted on the x axis of runtime-by-parameter charts and the space map. */
  xParam: string;
  /** The second axis of the space map. */
  yParam: string;
  /** Whether the app shows the recorded demo data instead of this device's. */
  demo: boolean;
  /** Presentation mode, for talks: larger type and charts, readable from the back of a room. */
  present: boolean;
}

export const DEFAULT_VIEW: ViewState = {
  page: "device",
  problem: "1x64x56x56,64x3x3,pad=1",
  family: "",
  config: "",
  xParam: "",
  yParam: "",
  demo: false,
  present: false,
};

const KEYS: Record<keyof ViewState, string> = {
  page: "page",
  problem: "problem",
  family: "family",
  config: "config",
  xParam: "x",
  yParam: "y",
  demo: "demo",
  present: "present",
};

function isPage(value: string | null): value is PageId {
  return (PAGES as readonly string[]).includes(value ?? "");
}

/** Reads a view from a query string; unknown or malformed values fall back to the defaults. */
export function viewFromSearch(search: string): ViewState {
  const params = new URLSearchParams(search);
  const text = (key: keyof ViewState) => params.get(KEYS[key]) ?? (DEFAULT_VIEW[key] as string);
  const page = params.get(KEYS.page);
  return {
    page: isPage(page) ? page : DEFAULT_VIEW.page,
    problem: text("problem"),
    family: text("family"),
    config: text("config"),
    xParam: text("xParam"),
    yParam: text("yParam"),
    demo: params.get(KEYS.demo) === "1",
    present: params.get(KEYS.present) === "1",
  };
}

/** Writes only what differs from the defaults, so links stay short and readable. */
export function searchFromView(view: ViewState): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof ViewState)[]) {
    const value = view[key];
    if (value === DEFAULT_VIEW[key]) continue;
    params.set(KEYS[key], typeof value === "boolean" ? (value ? "1" : "0") : value);
  }
  const search = params.toString().replaceAll("%2C", ",").replaceAll("%3D", "=").replaceAll("%3B", ";");
  return search ? `?${search}` : "";
}

/** `a=1;b=2` <-> { a: 1, b: 2 }; entries that are not name=number are dropped. */
export function parseConfigText(text: string): Record<string, number> {
  const config: Record<string, number> = {};
  for (const entry of text.split(";")) {
    const [name, value] = entry.split("=");
    if (!name || value === undefined || value.trim() === "") continue;
    const number = Number(value);
    if (Number.isFinite(number)) config[name.trim()] = number;
  }
  return config;
}

export function formatConfigText(config: Record<string, number>): string {
  return Object.entries(config)
    .map(([name, value]) => `${name}=${value}`)
    .join(";");
}
