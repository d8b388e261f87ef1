import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * WCAG AA for the text of both themes: every colour pair the stylesheet sets text in, computed from
 * its custom properties, must reach 4.5:1.
 */
const css = readFileSync("src/app/styles.css", "utf8");

function properties(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf("}", start));
  return new Map([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}
const DARK = properties(":root");
// The light theme overrides the dark one's properties; the rest carry over.
const LIGHT = new Map([...DARK, ...properties(':root[data-theme="light"]')]);

type Rgba = [r: number, g: number, b: number, a: number];

function parseColour(text: string, theme: Map<string, string>): Rgba {
  const value = text.trim();
  const variable = /^var\((--[\w-]+)\)$/.exec(value);
  if (variable) return parseColour(theme.get(variable[1] ?? "") ?? "missing", theme);
  if (value === "transparent") return [0, 0, 0, 0];
  if (value === "#fff" || value === "white") return [255, 255, 255, 1];
  const hex = /^#([0-9a-f]{6})$/i.exec(value);
  if (hex) {
    const n = Number.parseInt(hex[1] ?? "", 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  const rgba = /^rgba\(([\d.]+),\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)\)$/.exec(value);
  if (rgba) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), Number(rgba[4])];
  const mix = /^color-mix\(in srgb, (.+) ([\d.]+)%, (.+)\)$/.exec(value);
  if (mix) {
    const a = parseColour(mix[1] ?? "", theme);
    const b = parseColour(mix[3] ?? "", theme);
    const p = Number(mix[2]) / 100;
    const alpha = a[3] * p + b[3] * (1 - p);
    // Premultiplied, as CSS mixes: a colour mixed with transparent keeps its hue.
    const channel = (i: number) => ((a[i] ?? 0) * a[3] * p + (b[i] ?? 0) * b[3] * (1 - p)) / alpha;
    return [channel(0), channel(1), channel(2), alpha];
  }
  throw new Error(`cannot read the colour ${value}`);
}

/** The colour seen where `layers` lie on each other, the first opaque. */
function composite(layers: Rgba[]): Rgba {
  return layers.reduce((under, [r, g, b, a]) => [
    r * a + under[0] * (1 - a),
    g * a + under[1] * (1 - a),
    b * a + under[2] * (1 - a),
    1,
  ]);
}

function luminance([r, g, b]: Rgba): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(text: string, layers: string[], theme: Map<string, string>): number {
  const background = composite(layers.map((l) => parseColour(l, theme)));
  const foreground = composite([background, parseColour(text, theme)]);
  const [lighter, darker] = [luminance(foreground), luminance(background)].sort((x, y) => y - x);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}

const SURFACES = ["var(--bg)", "var(--bg-raised)", "var(--bg-sunken)"];
const BANNER = "color-mix(in srgb, var(--violet) 18%, var(--bg))";
/** Text colour, and the backgrounds it is set on (bottom first), as the stylesheet pairs them. */
const PAIRS: [what: string, text: string, layers: string[]][] = [
  ...SURFACES.flatMap((s): [string, string, string[]][] => [
    [`text on ${s}`, "var(--text)", [s]],
    [`muted text on ${s}`, "var(--text-muted)", [s]],
    [`links, parameter names, a kept beam's new value on ${s}`, "var(--accent)", [s]],
  ]),
  ["selected tab, primary button", "var(--accent-ink)", ["var(--accent)"]],
  ["primary button, hovered", "var(--accent-ink)", ["var(--accent-strong)"]],
  ["chosen value chip, accent chip", "var(--accent)", ["var(--bg-raised)", "var(--accent-soft)"]],
  ["info callout, hovered row", "var(--text)", ["var(--bg-raised)", "var(--accent-soft)"]],
  [
    "warning callout",
    "var(--text)",
    ["var(--bg-raised)", "color-mix(in srgb, var(--warn) 10%, transparent)"],
  ],
  ["error callout", "var(--text)", ["var(--bg-raised)", "color-mix(in srgb, var(--bad) 10%, transparent)"]],
  ["error text, failure chips, masked values", "var(--bad)", ["var(--bg-raised)"]],
  ["danger button", "var(--bad-ink)", ["var(--bad)"]],
  ["demo banner", "var(--text)", [BANNER]],
  [
    "demo banner's Recorded chip",
    "var(--violet)",
    [BANNER, "color-mix(in srgb, var(--violet) 12%, transparent)"],
  ],
  // The training curves (loss, validation loss, accuracy, validation accuracy) and their legend's text.
  ...["violet", "amber", "rose", "accent"].map((c): [string, string, string[]] => [
    `the ${c} training curve and its legend on a card`,
    `var(--${c})`,
    ["var(--bg-raised)"],
  ]),
  // Heatmap cells (space maps, feature saliency) at both ends of their scale (Heatmap.tsx).
  ...[12, 46].map((p): [string, string, string[]] => [
    `heatmap cell text at ${p}% accent`,
    "var(--text)",
    [`color-mix(in srgb, var(--accent) ${p}%, var(--bg-sunken))`],
  ]),
  ["WGSL keywords", "var(--violet)", ["var(--bg-sunken)"]],
  ["WGSL numbers", "var(--amber)", ["var(--bg-sunken)"]],
  ["WGSL attributes", "var(--rose)", ["var(--bg-sunken)"]],
];

describe.each([
  ["dark", DARK],
  ["light", LIGHT],
])("the %s theme's text contrast", (_, theme) => {
  it.each(PAIRS)("%s reaches WCAG AA (4.5:1)", (_what, text, layers) => {
    expect(contrast(text, layers, theme)).toBeGreaterThanOrEqual(4.5);
  });
});
