/**
 * MIOpen's ConvAsm1x1U solver (GCN assembly 1x1 convolution): its 8 tuning parameters in the order of
 * its perf-db params string, and the rules a config must obey for one problem, each judged as soon as
 * the values it reads are decoded so the space doubles as the beam search's prefix validator.
 */
import { type Config, rule, type TuningSpace } from "../space/space";
import type { MiopenProblem } from "./perfdb";

export const CONV_ASM_1X1U = "ConvAsm1x1U";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const PARAMS = [
  { name: "read_size", values: range(1, 4), doc: "values each lane loads per read" },
  { name: "k_mult", values: [1, 4, 8, 12, 16, 20, 24, 28, 32], doc: "output channels per wave" },
  { name: "chunks_per_wave", values: range(1, 16), doc: "image chunks each wave walks" },
  { name: "chunk_size", values: [1, 2, 4, 8, 16, 32, 64], doc: "pixels per chunk (lanes per image row)" },
  { name: "n_mult", values: range(1, 8), doc: "images each wave handles" },
  { name: "c_mult", values: [1, 2, 4, 8, 16, 32], doc: "input channels per inner step" },
  { name: "waves_c_in_group", values: range(1, 8), doc: "waves splitting the input channels" },
  { name: "waves_k_in_group", values: [1, 2, 4, 8], doc: "waves splitting the output channels" },
] as const;

export const CONV_ASM_1X1U_PARAMS: readonly string[] = PARAMS.map((p) => p.name);

const ceilDiv = (a: number, b: number) => Math.ceil(a / b);

/** The image the kernel walks: the output for forward, the input for backward data. */
export function walkedPixels(problem: MiopenProblem): number {
  if (problem.direction === "B") return problem.h * problem.w;
  const ho = Math.floor((problem.h + 2 * problem.padH - 1) / problem.strideH) + 1;
  const wo = Math.floor((problem.w + 2 * problem.padW - 1) / problem.strideW) + 1;
  return ho * wo;
}

/** Vector registers a config needs (the kernel's own estimate). */
function vgprs(c: Config, e: number, hw: number): number {
  const inGprs = ceilDiv((c.chunks_per_wave as number) * (c.n_mult as number) * (c.c_mult as number), e);
  const accGprs = (c.chunks_per_wave as number) * (c.n_mult as number) * (c.k_mult as number);
  return 4 + 2 * inGprs + accGprs + (hw % e !== 0 ? 1 : 0) + 1;
}

export function convAsm1x1uSpace(problem: MiopenProblem): TuningSpace {
  if (problem.direction === "W")
    throw new Error("ConvAsm1x1U tunes forward (F) and backward-data (B) problems only");
  const e = problem.precision === "FP32" ? 1 : 2;
  const hw = walkedPixels(problem);
  const { c: C, k: K, n: N } = problem;
  const v = (config: Config, name: string) => config[name] as number;
  return {
    params: PARAMS,
    rules: [
      // Judged before any parameter: a model of this solver has nothing to offer another filter size.
      rule("one-by-one", [], () =>
        problem.r === 1 && problem.s === 1
          ? null
          : `ConvAsm1x1U is MIOpen's solver for 1x1 convolutions; this one is ${problem.r}x${problem.s}`,
      ),
      rule("k-mult-packing", ["k_mult"], (c) =>
        v(c, "k_mult") % e ? `k_mult=${v(c, "k_mult")} is not a multiple of ${e} values per register` : null,
      ),
      rule("k-mult-divides-k", ["k_mult"], (c) =>
        problem.direction === "B" && K % v(c, "k_mult")
          ? `K=${K} is not a multiple of k_mult=${v(c, "k_mult")}`
          : null,
      ),
      rule("read-size", ["read_size", "chunks_per_wave"], (c) =>
        v(c, "read_size") * e > v(c, "chunks_per_wave")
          ? `read_size=${v(c, "read_size")} x ${e} exceeds chunks_per_wave=${v(c, "chunks_per_wave")}`
          : null,
      ),
      rule("chunks-packing", ["chunks_per_wave"], (c) =>
        v(c, "chunks_per_wave") % e
          ? `chunks_per_wave=${v(c, "chunks_per_wave")} is not a multiple of ${e}`
          : null,
      ),
      rule("chunks-fit-image", ["chunks_per_wave", "chunk_size"], (c) =>
        v(c, "chunks_per_wave") > ceilDiv(hw, v(c, "chunk_size"))
          ? `chunks_per_wave=${v(c, "chunks_per_wave")} exceeds the ${ceilDiv(hw, v(c, "chunk_size"))} chunks of a ${hw}-pixel image`
          : null,
      ),
      rule("n-mult-fits-batch", ["chunk_size", "n_mult"], (c) => {
        const most = ceilDiv(N, 64 / v(c, "chunk_size"));
        return v(c, "n_mult") > most ? `n_mult=${v(c, "n_mult")} exceeds ${most} for batch ${N}` : null;
      }),
      rule("c-mult-packing", ["c_mult"], (c) =>
        v(c, "c_mult") % e ? `c_mult=${v(c, "c_mult")} is not a multiple of ${e}` : null,
      ),
      rule("vgprs", ["chunks_per_wave", "n_mult", "c_mult", "k_mult"], (c) => {
        const used = vgprs(c, e, hw);
        return used >= 256 ? `needs ${used} vector registers (at most 255)` : null;
      }),
      rule("sgprs", ["k_mult", "c_mult"], (c) =>
        25 + 2 * v(c, "k_mult") * v(c, "c_mult") >= 102
          ? `k_mult=${v(c, "k_mult")} x c_mult=${v(c, "c_mult")} needs too many scalar registers`
          : null,
      ),
      rule("c-split", ["c_mult", "waves_c_in_group"], (c) => {
        const waves = v(c, "waves_c_in_group");
        if (waves > C) return `waves_c_in_group=${waves} exceeds C=${C}`;
        const perWave = ceilDiv(C, waves);
        const last = C - perWave * (waves - 1);
        const cMult = v(c, "c_mult");
        return perWave % cMult || last % cMult
          ? `C=${C} over ${waves} waves gives ${perWave} and ${last} channels, not multiples of c_mult=${cMult}`
          : null;
      }),
      rule("k-split", ["k_mult", "waves_k_in_group"], (c) =>
        v(c, "k_mult") * v(c, "waves_k_in_group") > K
          ? `k_mult=${v(c, "k_mult")} x waves_k_in_group=${v(c, "waves_k_in_group")} exceeds K=${K}`
          : null,
      ),
      rule("group-size", ["waves_c_in_group", "waves_k_in_group"], (c) =>
        v(c, "waves_c_in_group") * v(c, "waves_k_in_group") > 16
          ? `${v(c, "waves_c_in_group")} x ${v(c, "waves_k_in_group")} waves exceed 16 per group`
          : null,
      ),
      rule(
        "occupancy",
        ["chunks_per_wave", "n_mult", "c_mult", "k_mult", "waves_c_in_group", "waves_k_in_group"],
        (c) => {
          const waves = v(c, "waves_c_in_group") * v(c, "waves_k_in_group");
          const fit = Math.floor(256 / vgprs(c, e, hw)) * 4;
          return fit < waves ? `${waves} waves per group but only ${fit} fit the register file` : null;
        },
      ),
    ],
  };
}
