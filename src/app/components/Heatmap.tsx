import { Fragment, type ReactNode } from "react";

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
  legend?: ReactNode;
}

/**
 * A grid over two parameters' domains, cells shaded by value: the tuning space seen from above. Drawn
 * with CSS grid (no chart library), so it renders instantly and every cell is a real button.
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
  legend,
}: HeatmapProps) {
  const values: number[] = [];
  for (let y = 0; y < yValues.length; y++)
    for (let x = 0; x < xValues.length; x++) {
      const v = cell(x, y);
      if (v !== null) values.push(v);
    }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const strength = (v: number) => {
    if (hi === lo) return 1;
    const t = better === "high" ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    return 0.12 + 0.88 * t;
  };
  return (
    <figure className="heatmap-figure" aria-label={label} style={{ margin: 0 }}>
      <div
        className="heatmap"
        style={{ gridTemplateColumns: `auto repeat(${xValues.length}, minmax(2rem, 1fr))` }}
      >
        <div className="heat-axis mono" aria-hidden="true">
          {yName} ↓ {xName} →
        </div>
        {xValues.map((x) => (
          <div key={`x${x}`} className="heat-axis" aria-hidden="true">
            {x}
          </div>
        ))}
        {yValues.map((y, yi) => (
          <Fragment key={`y${y}`}>
            <div className="heat-axis" aria-hidden="true">
              {y}
            </div>
            {xValues.map((x, xi) => {
              const v = cell(xi, yi);
              const isSelected = selected?.x === x && selected?.y === y;
              const text = v === null ? "" : format(v);
              const style =
                v === null
                  ? undefined
                  : {
                      background: `color-mix(in srgb, var(--accent) ${Math.round(strength(v) * 100)}%, var(--bg-sunken))`,
                      color: strength(v) > 0.55 ? "var(--accent-ink)" : "var(--text)",
                    };
              return (
                <button
                  key={`c${x}`}
                  type="button"
                  className={`heat-cell ${v === null ? "empty" : ""} ${isSelected ? "selected" : ""}`}
                  style={{ ...style, border: 0, font: "inherit", cursor: onSelect ? "pointer" : "default" }}
                  aria-label={`${xName}=${x}, ${yName}=${y}: ${v === null ? "none" : text}`}
                  aria-pressed={isSelected}
                  onClick={() => onSelect?.(x, y)}
                >
                  {text}
                </button>
              );
            })}
          </Fragment>
        ))}
      </div>
      {legend && <figcaption className="legend-note">{legend}</figcaption>}
    </figure>
  );
}
