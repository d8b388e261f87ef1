/**
 * Split-K implicit GEMM: igemm with the reduction cut into SK slices, each computed by its own
 * workgroups into its own copy of the output, and a second pass summing the copies. It trades SK
 * times the output's memory traffic for SK times the workgroups: the way to fill a large GPU when
 * the output is small and the reduction long (7x7 and 14x14 layers with thousands of channel-taps).
 */
import reduceTemplate from "../../../shaders/splitk-reduce.wgsl";
import { type ConvProblem, tensorElements } from "../problem";
import { type Config, type Rule, rule, type TuningSpace } from "../space/space";
import {
  ceilDiv,
  enablesFor,
  fillTemplate,
  param,
  shaderKey,
  spreadDispatch,
  storageScalar,
  storageType,
  wgslConstants,
} from "./codegen";
import type { DeviceLimits, KernelFamily, KernelPlan } from "./family";
import { gemmShape, outputVectorized } from "./gemm";
import { igemmSpace, igemmWgslFor } from "./igemm";

/** Workgroups from which an unsplit grid is taken to fill a GPU already: splitting it only adds a pass. */
const FULL_GRID = 1024;
export const REDUCE_WG = 256;
/** Two slices of two BK=4 tiles. */
const MIN_REDUCTION = 16;

/**
 * Rules of a reduction cut into SK slices of BK-deep tiles: shared by split-K igemm and the tensor-core
 * family, whose SK=1 (unsplit) they let pass. `tile` gives the workgroup tile and the parameters fixing it.
 */
export function splitRules(
  problem: ConvProblem,
  limits: DeviceLimits,
  tile: { needs: readonly string[]; m(c: Config): number; n(c: Config): number },
): Rule[] {
  const shape = gemmShape(problem);
  const partialBytes = tensorElements(problem).output * 4; // f32 partial sums
  const unsplit = (c: Config) => c.SK === 1;
  return [
    rule("split-grid", [...tile.needs, "SK"], (c) => {
      const grid = ceilDiv(shape.m, tile.m(c)) * ceilDiv(shape.n, tile.n(c)) * shape.groups;
      return unsplit(c) || grid < FULL_GRID
        ? null
        : `the unsplit grid has ${grid} workgroups (>= ${FULL_GRID}): it fills the GPU without split-K`;
    }),
    rule("split-depth", ["BK", "SK"], (c) => {
      const tiles = ceilDiv(shape.k, c.BK as number);
      const perSlice = ceilDiv(tiles, c.SK as number);
      return unsplit(c) || (perSlice >= 2 && (c.SK as number) * perSlice - tiles < perSlice)
        ? null
        : `${tiles} k tiles of BK=${c.BK} do not make SK=${c.SK} slices of at least 2 tiles each`;
    }),
    rule("split-dispatch", ["SK"], (c) =>
      shape.groups * (c.SK as number) <= limits.maxComputeWorkgroupsPerDimension
        ? null
        : `groups*SK=${shape.groups * (c.SK as number)} exceeds maxComputeWorkgroupsPerDimension=${limits.maxComputeWorkgroupsPerDimension}`,
    ),
    rule("split-scratch", ["SK"], (c) => {
      const bytes = (c.SK as number) * partialBytes;
      const most = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      return unsplit(c) || bytes <= most
        ? null
        : `SK=${c.SK} partial outputs take ${bytes} bytes, over the ${most}-byte buffer limit`;
    }),
  ];
}

function space(problem: ConvProblem, limits: DeviceLimits): TuningSpace {
  const base = igemmSpace(problem, limits);
  return {
    params: [
      ...base.params,
      { name: "SK", values: [2, 4, 8, 16, 32], doc: "slices of the reduction, each its own workgroups" },
    ],
    rules: [
      ...base.rules,
      ...splitRules(problem, limits, {
        needs: ["BM", "BN"],
        m: (c) => c.BM as number,
        n: (c) => c.BN as number,
      }),
    ],
  };
}

/** The reduce pass: its output slots (vec4s where the output is vectorised) and its WGSL, made when read. */
export function reduceWgsl(problem: ConvProblem, splits: number): { readonly wgsl: string; slots: number } {
  const vector = outputVectorized(problem, gemmShape(problem));
  const slots = tensorElements(problem).output / (vector ? 4 : 1);
  return {
    slots,
    get wgsl() {
      return fillTemplate(reduceTemplate, {
        ENABLES: enablesFor(storageScalar(problem)),
        CONSTANTS: wgslConstants({ SPLITS: splits, OUTPUT_SLOTS: slots, WG: REDUCE_WG }),
        PARTIAL: storageType("f32", vector ? 4 : 1),
        OUTPUT: storageType(storageScalar(problem), vector ? 4 : 1),
      });
    },
  };
}

export const splitkFamily: KernelFamily = {
  id: "splitk",
  title: "Split-K implicit GEMM",
  description:
    "igemm with the reduction (channels x filter taps) cut into SK slices: the workgroups of each slice write their own partial copy of the output and a second pass sums the copies. Small images with many channels (7x7 and 14x14 layers, or batch 1) give igemm only tens of workgroups, each walking thousands of channel-taps alone; SK multiplies the workgroups at the cost of SK partial outputs written and read once more. Only grids too small to fill a GPU are split.",
  unsupported: (problem) => {
    const reduction = gemmShape(problem).k;
    return reduction < MIN_REDUCTION
      ? `a reduction of ${reduction} (C/groups*R*S) is too short to split; it needs ${MIN_REDUCTION}`
      : null;
  },
  space,
  plan(problem, config, limits): KernelPlan {
    const shape = gemmShape(problem);
    const splits = param(config, "SK");
    const reduce = reduceWgsl(problem, splits);
    return {
      family: "splitk",
      shaderKey: shaderKey("splitk", problem, space(problem, limits), config),
      passes: [
        {
          label: "gemm",
          get wgsl() {
            return igemmWgslFor(problem, config, splits);
          },
          entryPoint: "main",
          dispatch: [
            ceilDiv(shape.m, param(config, "BM")),
            ceilDiv(shape.n, param(config, "BN")),
            shape.groups * splits,
          ],
          bindings: ["input", "filter", "partial"],
        },
        {
          label: "reduce",
          get wgsl() {
            return reduce.wgsl;
          },
          entryPoint: "reduce",
          dispatch: spreadDispatch(reduce.slots, REDUCE_WG, limits),
          bindings: ["partial", "output"],
        },
      ],
      scratch: [{ name: "partial", bytes: splits * tensorElements(problem).output * 4 }],
    };
  },
};
