/**
 * Where a key moves focus inside a WAI-ARIA grid, so that the grid is one tab stop and its cells are
 * reached with the arrows.
 */

export interface Cell {
  x: number;
  y: number;
}

/**
 * The next cell of a `columns` x `rows` grid: arrows move one cell (stopping at the edges, as the grid
 * pattern asks), Home/End go to the row's ends, Ctrl+Home/End to the grid's corners.
 */
export function stepInGrid(key: string, at: Cell, columns: number, rows: number, ctrl = false): Cell | null {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case "ArrowRight":
      return { x: clamp(at.x + 1, columns), y: at.y };
    case "ArrowLeft":
      return { x: clamp(at.x - 1, columns), y: at.y };
    case "ArrowDown":
      return { x: at.x, y: clamp(at.y + 1, rows) };
    case "ArrowUp":
      return { x: at.x, y: clamp(at.y - 1, rows) };
    case "Home":
      return ctrl ? { x: 0, y: 0 } : { x: 0, y: at.y };
    case "End":
      return ctrl ? { x: columns - 1, y: rows - 1 } : { x: columns - 1, y: at.y };
    default:
      return null;
  }
}
