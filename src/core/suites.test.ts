import { describe, expect, it } from "vitest";
import { formatProblem, problemErrors } from "./problem";
import { problemsBySuite, SUITES, suiteLayers } from "./suites";

const summary = (id: string, batch = 1) =>
  suiteLayers(id, batch).map((l) => `${l.name} ${formatProblem(l.problem)} x${l.count}`);

describe("network suites", () => {
  it("counts distinct shapes and total convolutions of each network", () => {
    const counts = Object.fromEntries(
      SUITES.map((s) => {
        const layers = s.layers(1);
        return [s.id, [layers.length, layers.reduce((sum, l) => sum + l.count, 0)]];
      }),
    );
    // [distinct shapes, convolutions]: resnet50 = 1 stem + 16 blocks x 3 + 4 downsamples = 53.
    expect(counts).toEqual({
      resnet18: [11, 20],
      resnet50: [23, 53],
      vgg16: [9, 13],
      mobilenetv2: [30, 52],
      "yolov3-tiny": [12, 13],
    });
  });

  it("lists resnet50's shapes with their multiplicities", () => {
    const layers = summary("resnet50");
    expect(layers.slice(0, 6)).toEqual([
      "conv1 1x3x224x224,64x7x7,pad=3,stride=2 x1",
      "layer1.0.conv1 1x64x56x56,64x1x1 x1",
      "layer1.0.conv2 1x64x56x56,64x3x3,pad=1 x3",
      "layer1.0.conv3 1x64x56x56,256x1x1 x4", // conv3 of three blocks and the downsample
      "layer1.1.conv1 1x256x56x56,64x1x1 x2",
      "layer2.0.conv1 1x256x56x56,128x1x1 x1",
    ]);
    expect(layers).toContain("layer2.0.downsample 1x256x56x56,512x1x1,stride=2 x1");
    expect(layers).toContain("layer3.1.conv2 1x256x14x14,256x3x3,pad=1 x5");
    expect(layers.at(-1)).toBe("layer4.1.conv2 1x512x7x7,512x3x3,pad=1 x2");
  });

  it("has depthwise layers in mobilenetv2 and odd channel counts in yolov3-tiny", () => {
    expect(summary("mobilenetv2")).toContain(
      "features.2.depthwise 1x96x112x112,96x3x3,pad=1,stride=2,groups=96 x1",
    );
    expect(summary("yolov3-tiny")).toContain("head26 1x256x26x26,255x1x1 x1");
  });

  it("scales the batch and keeps every problem valid", () => {
    for (const s of SUITES) {
      for (const l of s.layers(32)) {
        expect(l.problem.n).toBe(32);
        expect(problemErrors(l.problem)).toEqual([]);
      }
    }
    expect(() => suiteLayers("alexnet")).toThrow(/unknown suite 'alexnet' \(resnet18, resnet50/);
    expect(() => suiteLayers("vgg16", 0)).toThrow(/batch/);
  });

  it("groups problems by network: a shared layer to the preferred network, else to the first suite", () => {
    const shared = "1x64x56x56,64x3x3,pad=1,layout=NHWC"; // in resnet18 and resnet50
    const only18 = "1x64x56x56,128x1x1,stride=2,layout=NHWC";
    const vgg = "32x512x14x14,512x3x3,pad=1"; // any batch and layout
    const half = "1x3x416x416,16x3x3,pad=1,layout=NHWC,precision=f16";
    const none = "1x7x9x9,5x3x3";
    const problems = [shared, only18, vgg, half, none];
    const groups = (preferred?: string[]) =>
      problemsBySuite(problems, preferred).map((g) => [g.suite.id, g.problems]);
    expect(groups()).toEqual([
      ["resnet18", [shared, only18]],
      ["vgg16", [vgg]],
      ["yolov3-tiny", [half]],
    ]);
    expect(groups(["resnet50"])).toEqual([
      ["resnet18", [only18]],
      ["resnet50", [shared]],
      ["vgg16", [vgg]],
      ["yolov3-tiny", [half]],
    ]);
  });
});
