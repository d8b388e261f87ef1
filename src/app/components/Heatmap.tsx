import { type KeyboardEvent, type ReactNode, useRef, useState } from "react";
import { type Cell, stepInGrid } from "./gridKeys";

export interface HeatmapProps {
  label: string;
  xName: string;
  yName: string;
  xValues: readonly number[];
  yValues: readonly number[];
  /** The cell's value (null: no data, drawn hatched). */
  cell(xi: number, yi: number): number | null;
  /** Text inside a cell. */
  format(value: number): string;
  /** Higher is better (counts) or lower is better (runtimes): which end gets the strong colour. */
  better: "high" | "low";
  selected?: { x: number; y: number } | null;
  onSelect?(x: number, y: number): void;
  /** More about a cell than its value (the config behind it), for its accessible name and tooltip. */
  describe?(x: number, y: number): string | null;
  legend?: ReactNode;
  /** How an axis value reads (default: the number itself), for axes over named things. */
  xText?(x: number): string;
  yText?(y: number): string;
}

const HEAT_MIN = 0.12;
const HEAT_MAX = 0.46;

/**
 * A grid over two parameters' domains, cells shaded by value: the tuning space seen from above. Drawn
 * as a table (no chart library), so it renders instantly. A WAI-ARIA grid: one tab stop, arrow keys
 * between cells, Enter or Space (or a click) chooses one.
 */
export function Heatmap({
  label,
  xName,
  yName,
  xValues,
  yValues,
  cell,
  format,
  better,
  selected,
  onSelect,
  describe,
  legend,
  xText = String,
  yText = String,
}: HeatmapProps) {
  const values: number[] = [];
  for (let y = 0; y < yValues.length; y++)
    for (let x = 0; x < xValues.length; x++) {
      const v = cell(x, y);
      if (v !== null) values.push(v);
    }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // The share of accent in a cell's background. Past 46% no text colour reaches WCAG AA in the dark
  // theme (text loses, accent-ink has not yet won), so the scale stops there (src/app/theme.test.ts).
  const strength = (v: number) => {
    if (hi === lo) return HEAT_MAX;
    const t = better === "high" ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    return HEAT_MIN + (HEAT_MAX - HEAT_MIN) * t;
  };
  const selectedCell = selected && { x: xValues.indexOf(selected.x), y: yValues.indexOf(selected.y) };
  // The cell that holds the tab stop: the last one the arrows reached, else the selected one.
  const [moved, setMoved] = useState<Cell | null>(null);
  const active = clampCell(moved ?? selectedCell ?? { x: 0, y: 0 }, xValues.length, yValues.length);
  const cells = useRef(new Map<string, HTMLElement>());
  const onKeyDown = (event: KeyboardEvent, at: Cell) => {
    if ((event.key === "Enter" || event.key === " ") && onSelect) {
      event.preventDefault();
      onSelect(xValues[at.x] as number, yValues[at.y] as number);
      return;
    }
    const next = stepInGrid(event.key, at, xValues.length, yValues.length, event.ctrlKey || event.metaKey);
    if (!next) return;
    event.preventDefault();
    setMoved(next);
    cells.current.get(`${next.x},${next.y}`)?.focus();
  };
  return (
    <figure className="heatmap-figure" style={{ margin: 0 }}>
      {/* biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a table with role grid is the WAI-ARIA data grid's own markup */}
      <table role="grid" aria-label={label} className="heatmap">
        <thead>
          <tr>
            <th scope="col" className="heat-axis mono">
              {yName} ↓ {xName} →
            </th>
            {xValues.map((x) => (
              <th key={`x${x}`} scope="col" className="heat-axis" aria-label={`${xName}=${xText(x)}`}>
                {xText(x)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {yValues.map((y, yi) => (
            <tr key={`y${y}`}>
              <th scope="row" className="heat-axis" aria-label={`${yName}=${yText(y)}`}>
                {yText(y)}
              </th>
              {xValues.map((x, xi) => {
                const v = cell(xi, yi);
                const isSelected = selected?.x === x && selected?.y === y;
                const text = v === null ? "" : format(v);
                const detail = v === null ? null : describe?.(xi, yi);
                const name = `${xName}=${xText(x)}, ${yName}=${yText(y)}: ${v === null ? "none" : text}${detail ? `, ${detail}` : ""}`;
                const style =
                  v === null
                    ? undefined
                    : {
                        background: `color-mix(in srgb, var(--accent) ${Math.round(strength(v) * 100)}%, var(--bg-sunken))`,
                      };
                return (
                  <td
                    key={`c${x}`}
                    // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a grid's cells, named so that aria-selected may mark the chosen one
                    role="gridcell"
                    ref={(el) => {
                      if (el) cells.current.set(`${xi},${yi}`, el);
                      else cells.current.delete(`${xi},${yi}`);
                    }}
                    tabIndex={active.x === xi && active.y === yi ? 0 : -1}
                    className={`heat-cell ${v === null ? "empty" : ""} ${isSelected ? "selected" : ""} ${onSelect ? "choosable" : ""}`}
                    style={style}
                    aria-label={name}
                    title={name}
                    aria-selected={onSelect ? isSelected : undefined}
                    onClick={() => {
                      setMoved({ x: xi, y: yi });
                      onSelect?.(x, y);
                    }}
                    onKeyDown={(event) => onKeyDown(event, { x: xi, y: yi })}
                  >
                    {text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {legend && <figcaption className="legend-note">{legend}</figcaption>}
    </figure>
  );
}

/** A remembered cell stays inside the grid when its axes change. */
function clampCell(at: Cell, columns: number, rows: number): Cell {
  const inside = (v: number, n: number) => (v >= 0 && v < n ? v : 0);
  return { x: inside(at.x, columns), y: inside(at.y, rows) };
}
