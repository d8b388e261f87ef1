import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stepInGrid } from "./gridKeys";
import { Heatmap } from "./Heatmap";

const xValues = [1, 2, 4];
const yValues = [8, 16];

function renderMap(onSelect = vi.fn()) {
  render(
    <Heatmap
      label="Valid configs by TM and TN"
      xName="TM"
      yName="TN"
      xValues={xValues}
      yValues={yValues}
      cell={(x, y) => (x === 2 && y === 1 ? null : 10 * x + y + 1)}
      format={String}
      better="high"
      selected={{ x: 2, y: 8 }}
      onSelect={onSelect}
      describe={(x, y) => `config TM=${xValues[x]} TN=${yValues[y]}`}
    />,
  );
  return onSelect;
}

const tabStops = () => screen.getAllByRole("gridcell").filter((c) => c.tabIndex === 0);

describe("the heatmap as a grid", () => {
  afterEach(cleanup);

  it("is one tab stop, on the selected cell", () => {
    renderMap();
    expect(screen.getAllByRole("gridcell")).toHaveLength(6);
    expect(tabStops().map((c) => c.getAttribute("aria-label"))).toEqual(["TM=2, TN=8: 11, config TM=2 TN=8"]);
    expect(screen.getByRole("gridcell", { selected: true }).textContent).toBe("11");
  });

  it("moves focus and the tab stop with the arrows, and Enter chooses the cell", () => {
    const onSelect = renderMap();
    const start = tabStops()[0] as HTMLElement;
    start.focus();
    fireEvent.keyDown(start, { key: "ArrowDown" });
    expect(document.activeElement?.getAttribute("aria-label")).toBe("TM=2, TN=16: 12, config TM=2 TN=16");
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowRight" });
    // An empty cell is reachable too: it says there is nothing there.
    expect(document.activeElement?.getAttribute("aria-label")).toBe("TM=4, TN=16: none");
    expect(tabStops()).toEqual([document.activeElement]);
    fireEvent.keyDown(document.activeElement as Element, { key: "Home", ctrlKey: true });
    expect(document.activeElement?.getAttribute("aria-label")).toMatch(/^TM=1, TN=8:/);
    fireEvent.keyDown(document.activeElement as Element, { key: "Enter" });
    expect(onSelect).toHaveBeenCalledWith(1, 8);
  });
});

describe("grid keys", () => {
  it("stop at the edges, go to a row's ends with Home/End and to the corners with Ctrl", () => {
    expect(stepInGrid("ArrowLeft", { x: 0, y: 1 }, 3, 2)).toEqual({ x: 0, y: 1 });
    expect(stepInGrid("ArrowDown", { x: 1, y: 1 }, 3, 2)).toEqual({ x: 1, y: 1 });
    expect(stepInGrid("End", { x: 0, y: 1 }, 3, 2)).toEqual({ x: 2, y: 1 });
    expect(stepInGrid("End", { x: 0, y: 0 }, 3, 2, true)).toEqual({ x: 2, y: 1 });
    expect(stepInGrid("a", { x: 0, y: 0 }, 3, 2)).toBeNull();
  });
});
