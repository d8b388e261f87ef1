import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { downloadFile } from "../download";
import { ChartBox, chartFileName } from "./index";
import { chartTableCsv, useChartTable } from "./table";

vi.mock("../download", () => ({ downloadFile: vi.fn() }));

/** Stands for a recharts chart: a drawn surface, and the table of what it plots. */
function FakeChart() {
  useChartTable({ columns: ["BM", "runtime_ns", "config"], rows: [[64, 1500, "BM=64 BN=32"]] });
  return (
    <div className="recharts-wrapper">
      <svg className="recharts-surface" width="300" height="200" style={{ width: "100%" }}>
        <title>runtimes</title>
        <circle className="recharts-scatter-symbol" cx="10" cy="20" r="3" fill="#b19cfb" />
      </svg>
    </div>
  );
}

const exported = () => vi.mocked(downloadFile).mock.calls.at(-1) ?? [];

describe("a chart's export menu", () => {
  afterEach(() => {
    cleanup();
    vi.mocked(downloadFile).mockClear();
  });

  it("downloads the drawn chart as standalone SVG, on a background, named after the caption", () => {
    render(
      <ChartBox caption="Runtime of each candidate by BM">
        <FakeChart />
      </ChartBox>,
    );
    fireEvent.click(screen.getByText("Export"));
    fireEvent.click(screen.getByRole("button", { name: "SVG" }));
    const [svg, name, type] = exported();
    expect(name).toBe("tunelab-runtime-of-each-candidate-by-bm.svg");
    expect(type).toBe("image/svg+xml");
    const parsed = new DOMParser().parseFromString(String(svg), "image/svg+xml").documentElement;
    expect(parsed.querySelector("parsererror")).toBeNull();
    expect(parsed.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect(parsed.getAttribute("viewBox")).toBe("0 0 300 200");
    expect(parsed.getAttribute("style")).toBeNull();
    expect(parsed.firstElementChild?.tagName).toBe("rect");
    expect(parsed.querySelectorAll("circle.recharts-scatter-symbol")).toHaveLength(1);
  });

  it("downloads what the chart plots as CSV", () => {
    render(
      <ChartBox caption="Best so far">
        <FakeChart />
      </ChartBox>,
    );
    fireEvent.click(screen.getByRole("button", { name: "CSV" }));
    expect(exported()).toEqual([
      "BM,runtime_ns,config\n64,1500,BM=64 BN=32\n",
      "tunelab-best-so-far.csv",
      "text/csv",
    ]);
  });

  it("says why when the chart is not drawn yet", () => {
    render(
      <ChartBox caption="Roofline">
        <p>loading</p>
      </ChartBox>,
    );
    fireEvent.click(screen.getByRole("button", { name: "PNG" }));
    return expect
      .poll(() => screen.queryByRole("alert")?.textContent)
      .toBe("Export failed: the chart is not drawn yet");
  });
});

describe("chart tables as CSV", () => {
  it("writes text a spreadsheet would run as a formula after a quote mark, numbers as they are", () => {
    const csv = chartTableCsv({
      columns: ["problem", "score"],
      rows: [
        ['=HYPERLINK("http://x")', -1.5],
        ["1x8x8x8,8x3x3,pad=1", null],
      ],
    });
    expect(csv).toBe('problem,score\n"\'=HYPERLINK(""http://x"")",-1.5\n"1x8x8x8,8x3x3,pad=1",\n');
  });

  it("names files after the caption", () => {
    expect(chartFileName("Model score against measured runtime")).toBe(
      "tunelab-model-score-against-measured-runtime",
    );
    expect(chartFileName("??")).toBe("tunelab-chart");
  });
});
