/**
 * Suites of real network layers: every distinct convolution of a network once, with how often it
 * occurs. A network is written as its full list of convolutions (in order); identical shapes merge,
 * keeping the first occurrence's name.
 */
import { type ConvProblem, formatProblem, makeProblem, parseProblem } from "./problem";

export interface SuiteLayer {
  /** Where the shape first occurs in the network, e.g. "layer2.0.conv2". */
  name: string;
  problem: ConvProblem;
  /** How many convolutions of the network have exactly this shape. */
  count: number;
}

export interface Suite {
  id: string;
  title: string;
  layers(batch: number): SuiteLayer[];
}

type Conv = [name: string, problem: ConvProblem];

/** A KxRxS convolution of C channels at HxW, "same" padding for odd filters. */
function conv(
  name: string,
  n: number,
  c: number,
  hw: number,
  k: number,
  rs: number,
  stride = 1,
  groups = 1,
): Conv {
  const pad = (rs - 1) >> 1;
  return [
    name,
    makeProblem({
      n,
      c,
      h: hw,
      w: hw,
      k,
      r: rs,
      s: rs,
      padH: pad,
      padW: pad,
      strideH: stride,
      strideW: stride,
      groups,
    }),
  ];
}

function distinct(convs: Conv[]): SuiteLayer[] {
  const byShape = new Map<string, SuiteLayer>();
  for (const [name, problem] of convs) {
    const key = formatProblem(problem);
    const seen = byShape.get(key);
    if (seen) seen.count++;
    else byShape.set(key, { name, problem, count: 1 });
  }
  return [...byShape.values()];
}

/** ResNet with basic blocks (two 3x3 convs), torchvision layout at 224x224. */
function resnetBasic(n: number, blocks: number[]): Conv[] {
  const convs: Conv[] = [conv("conv1", n, 3, 224, 64, 7, 2)];
  let channels = 64;
  let size = 56;
  blocks.forEach((count, stage) => {
    const width = 64 << stage;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const at = `layer${stage + 1}.${b}`;
      convs.push(conv(`${at}.conv1`, n, channels, size, width, 3, stride));
      convs.push(conv(`${at}.conv2`, n, width, size / stride, width, 3));
      if (channels !== width) convs.push(conv(`${at}.downsample`, n, channels, size, width, 1, stride));
      size /= stride;
      channels = width;
    }
  });
  return convs;
}

/** ResNet with bottleneck blocks (1x1, 3x3, 1x1; stride on the 3x3 as in torchvision's v1.5). */
function resnetBottleneck(n: number, blocks: number[]): Conv[] {
  const convs: Conv[] = [conv("conv1", n, 3, 224, 64, 7, 2)];
  let channels = 64;
  let size = 56;
  blocks.forEach((count, stage) => {
    const width = 64 << stage;
    const out = width * 4;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && stage > 0 ? 2 : 1;
      const at = `layer${stage + 1}.${b}`;
      convs.push(conv(`${at}.conv1`, n, channels, size, width, 1));
      convs.push(conv(`${at}.conv2`, n, width, size, width, 3, stride));
      convs.push(conv(`${at}.conv3`, n, width, size / stride, out, 1));
      if (b === 0) convs.push(conv(`${at}.downsample`, n, channels, size, out, 1, stride));
      size /= stride;
      channels = out;
    }
  });
  return convs;
}

function vgg16(n: number): Conv[] {
  const stages = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ] as const;
  const convs: Conv[] = [];
  let channels = 3;
  let size = 224;
  stages.forEach(([width, count], stage) => {
    for (let i = 0; i < count; i++) {
      convs.push(conv(`conv${stage + 1}_${i + 1}`, n, channels, size, width, 3));
      channels = width;
    }
    size /= 2;
  });
  return convs;
}

/** MobileNetV2 at 224x224: inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project). */
function mobilenetV2(n: number): Conv[] {
  // expansion t, output channels c, repeats, first stride
  const settings = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ] as const;
  const convs: Conv[] = [conv("features.0", n, 3, 224, 32, 3, 2)];
  let channels = 32;
  let size = 112;
  let block = 1;
  for (const [t, c, repeats, firstStride] of settings) {
    for (let i = 0; i < repeats; i++, block++) {
      const stride = i === 0 ? firstStride : 1;
      const hidden = channels * t;
      const at = `features.${block}`;
      if (t !== 1) convs.push(conv(`${at}.expand`, n, channels, size, hidden, 1));
      convs.push(conv(`${at}.depthwise`, n, hidden, size, hidden, 3, stride, hidden));
      size /= stride;
      convs.push(conv(`${at}.project`, n, hidden, size, c, 1));
      channels = c;
    }
  }
  convs.push(conv("features.18", n, channels, size, 1280, 1));
  return convs;
}

/** YOLOv3-tiny at 416x416 (80 classes: 255 = 3 x 85 output channels per head). */
function yolov3Tiny(n: number): Conv[] {
  const convs: Conv[] = [];
  let channels = 3;
  let size = 416;
  [16, 32, 64, 128, 256, 512].forEach((width, i) => {
    convs.push(conv(`conv${i}`, n, channels, size, width, 3));
    channels = width;
    if (i < 5) size /= 2; // the sixth maxpool has stride 1
  });
  convs.push(
    conv("conv6", n, 512, 13, 1024, 3),
    conv("conv7", n, 1024, 13, 256, 1),
    conv("conv8", n, 256, 13, 512, 3),
    conv("head13", n, 512, 13, 255, 1),
    conv("conv10", n, 256, 13, 128, 1),
    conv("conv11", n, 128 + 256, 26, 256, 3), // after upsampling and concatenation with conv4's output
    conv("head26", n, 256, 26, 255, 1),
  );
  return convs;
}

export const SUITES: readonly Suite[] = [
  { id: "resnet18", title: "ResNet-18 (224x224)", layers: (n) => distinct(resnetBasic(n, [2, 2, 2, 2])) },
  {
    id: "resnet50",
    title: "ResNet-50 v1.5 (224x224)",
    layers: (n) => distinct(resnetBottleneck(n, [3, 4, 6, 3])),
  },
  { id: "vgg16", title: "VGG-16 (224x224)", layers: (n) => distinct(vgg16(n)) },
  { id: "mobilenetv2", title: "MobileNetV2 (224x224)", layers: (n) => distinct(mobilenetV2(n)) },
  { id: "yolov3-tiny", title: "YOLOv3-tiny (416x416)", layers: (n) => distinct(yolov3Tiny(n)) },
];

/** The suite's layers at a batch size, or an error naming the known suites. */
export function suiteLayers(id: string, batch = 1): SuiteLayer[] {
  const suite = SUITES.find((s) => s.id === id);
  if (!suite) throw new Error(`unknown suite '${id}' (${SUITES.map((s) => s.id).join(", ")})`);
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`batch must be a whole number >= 1, got ${batch}`);
  return suite.layers(batch);
}

/** The problems (text form) of one suite, as `problemsBySuite` groups them. */
export interface SuiteProblems {
  suite: Suite;
  problems: string[];
}

/**
 * Groups problems (text form) by the suite a layer of theirs belongs to, at any batch, layout and
 * precision. A layer of several suites (resnet18 shares five with resnet50) goes to the first of
 * `preferred` that has it, else to the first in SUITES' order: so a network a model trained on keeps
 * its shared layers, and a network it never saw holds only layers it never saw. Problems of no suite
 * are in no group. Groups come in SUITES' order, problems in the order given; suites with none are left out.
 */
export function problemsBySuite(
  problems: readonly string[],
  preferred: readonly string[] = [],
): SuiteProblems[] {
  const order = [
    ...preferred.flatMap((id) => SUITES.filter((s) => s.id === id)),
    ...SUITES.filter((s) => !preferred.includes(s.id)),
  ];
  const groups = new Map<Suite, string[]>();
  for (const text of problems) {
    const problem = parseProblem(text);
    const key = formatProblem(problem);
    const suite = order.find((s) =>
      s
        .layers(problem.n)
        .some(
          (l) =>
            formatProblem({ ...l.problem, layout: problem.layout, precision: problem.precision }) === key,
        ),
    );
    if (suite) groups.set(suite, [...(groups.get(suite) ?? []), text]);
  }
  return SUITES.flatMap((suite) => {
    const held = groups.get(suite);
    return held ? [{ suite, problems: held }] : [];
  });
}
