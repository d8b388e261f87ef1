import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { RooflineTooltip, RuntimeTooltip } from "../charts/Charts";
import { RooflineCard } from "./RooflineCard";

const COLORS = { accent: "", violet: "", amber: "", rose: "", text: "", muted: "", line: "", bg: "" };

describe("the roofline", () => {
  afterEach(cleanup);

  it("says it plots one point per problem and family", () => {
    render(<RooflineCard peaks={null} records={[]} />);
    expect(
      screen.getByText(/the fastest kernel measured for each problem and family; click one to open its WGSL/),
    ).toBeTruthy();
  });

  it("names a point's problem and kernel, its FLOP/byte and its FLOP/s", () => {
    const point = {
      intensity: 28.1,
      gflops: 17_600,
      problem: "32x64x56x56,64x3x3,pad=1,layout=NHWC",
      kernel: "igemm BM=64 BN=64",
      family: "igemm",
      config: { BM: 64, BN: 64 },
    };
    render(<RooflineTooltip shown={point} colors={COLORS} />);
    expect(screen.getByText(point.problem)).toBeTruthy();
    expect(screen.getByText(point.kernel)).toBeTruthy();
    expect(screen.getByText("17.6 TFLOP/s at 28.1 FLOP/byte")).toBeTruthy();
  });

  it("gives the attainable FLOP/s on the roof", () => {
    render(<RooflineTooltip shown={{ intensity: 4, roof: 8000 }} colors={COLORS} />);
    expect(screen.getByText("attainable 8 TFLOP/s at 4 FLOP/byte")).toBeTruthy();
  });
});

describe("a sweep's runtime tooltip", () => {
  afterEach(cleanup);

  it("names the candidate's full config and its runtime, and says a click opens it", () => {
    render(
      <RuntimeTooltip
        shown={{ x: 64, ns: 19_200, label: "BM=64 BN=32 BK=32 TM=4 TN=4" }}
        colors={COLORS}
        opens
      />,
    );
    expect(screen.getByText("BM=64 BN=32 BK=32 TM=4 TN=4")).toBeTruthy();
    expect(screen.getByText("19.2 µs")).toBeTruthy();
    expect(screen.getByText("Click to open its WGSL in Explore")).toBeTruthy();
  });
});
