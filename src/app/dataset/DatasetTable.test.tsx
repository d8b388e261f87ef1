import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { sampleRecord } from "../../core/dataset/fixtures";
import { DatasetTable } from "./DatasetTable";

const records = [
  sampleRecord({ config: { WGX: 2, WGY: 2 }, medianNs: 4000 }),
  sampleRecord({ config: { WGX: 8, WGY: 2 }, medianNs: 500 }),
  sampleRecord({
    config: { WGX: 16, WGY: 16 },
    status: "compile-failed",
    message: "storage",
    medianNs: null,
    gflops: null,
  }),
];

const firstColumn = (column: string) => {
  const header = screen.getAllByRole("columnheader").map((h) => h.textContent?.replace(/[▴▾]/g, "").trim());
  const index = header.indexOf(column);
  return screen
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[index]?.textContent);
};

describe("DatasetTable", () => {
  afterEach(cleanup);

  it("sorts by a header's button and says so with aria-sort", () => {
    render(<DatasetTable records={records} />);
    expect(firstColumn("Median")).toEqual(["500 ns", "4 µs", "—"]);
    fireEvent.click(screen.getByRole("button", { name: /Config/ }));
    expect(firstColumn("Config")).toEqual(["WGX=2 WGY=2", "WGX=8 WGY=2", "WGX=16 WGY=16"]);
    const configHeader = screen.getAllByRole("columnheader").find((h) => h.textContent?.startsWith("Config"));
    expect(configHeader?.getAttribute("aria-sort")).toBe("ascending");
    fireEvent.click(screen.getByRole("button", { name: /Config/ }));
    expect(configHeader?.getAttribute("aria-sort")).toBe("descending");
  });

  it("filters by text and by status", () => {
    render(<DatasetTable records={records} />);
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter records" }), {
      target: { value: "WGX=8" },
    });
    expect(screen.getByTestId("row-count").textContent).toMatch(/^1 of 3/);
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter records" }), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "compile-failed" }));
    expect(firstColumn("Status")).toEqual(["compile-failed"]);
  });

  it("shows % of peak against one peak per device, so two sweeps' rows compare", () => {
    const sweep = (peakGflops: number, medianNs: number) =>
      sampleRecord({
        device: { ...sampleRecord().device, peakGflops },
        gflops: 2,
        peakFraction: 2 / peakGflops,
        medianNs,
      });
    render(<DatasetTable records={[sweep(8, 100), sweep(10, 200)]} />);
    expect(firstColumn("% of peak")).toEqual(["20%", "20%"]);
  });

  it("pages through many records, with a count, and a new filter starts on the first page", () => {
    const many = Array.from({ length: 24 }, (_, i) =>
      sampleRecord({ config: { tileX: i, tileY: 1 }, medianNs: 1000 + i }),
    );
    render(<DatasetTable records={many} pageRows={10} />);
    const bodyRows = () => screen.getAllByRole("row").length - 1;
    expect(bodyRows()).toBe(10);
    expect(screen.getByTestId("row-count").textContent).toBe("24 of 24 records; rows 1–10");
    expect(screen.getByTestId("page-number").textContent).toBe("Page 1 of 3");
    expect(screen.getByRole("button", { name: "Previous page" }).hasAttribute("disabled")).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(screen.getByTestId("row-count").textContent).toBe("24 of 24 records; rows 11–20");
    // Sorted by runtime, page 2 goes on where page 1 stopped.
    expect(firstColumn("Config")[0]).toBe("tileX=10 tileY=1");
    fireEvent.click(screen.getByRole("button", { name: "Last page" }));
    expect(bodyRows()).toBe(4);
    expect(screen.getByRole("button", { name: "Next page" }).hasAttribute("disabled")).toBe(true);
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter records" }), {
      target: { value: "tileY=1" },
    });
    expect(screen.getByTestId("page-number").textContent).toBe("Page 1 of 3");
    expect(firstColumn("Config")[0]).toBe("tileX=0 tileY=1");
  });
});
