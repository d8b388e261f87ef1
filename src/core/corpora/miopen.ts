/**
 * MIOpen perf-db rows as a corpus: each row is a problem (one direction) and the tuned config of the
 * solver it names, so the model is told the family and decodes its parameters. A solver's space is
 * ConvAsm1x1U's rules where known, else the values each parameter took in training.
 */
import type { ModelMetadata } from "../learn/artifacts";
import type { Corpus, ProblemLanguage } from "../learn/corpus";
import type { Tokenizer } from "../learn/tokenizer";
import { CONV_ASM_1X1U, CONV_ASM_1X1U_PARAMS, convAsm1x1uSpace } from "../miopen/conv-asm-1x1u";
import type { MiopenDirection, MiopenProblem, PerfRow } from "../miopen/perfdb";
import type { ConvProblem } from "../problem";
import type { TuningSpace } from "../space/space";
import { miopenFeatures } from "./conv-features";

/** A problem in one direction, and the solver asked to tune it. */
export interface MiopenQuery {
  problem: MiopenProblem;
  solver: string;
}

/** The problem without its direction: a shape tuned forward and backward is one group when splitting. */
export function shapeKey(problem: MiopenProblem): string {
  const { direction: _, ...shape } = problem;
  return JSON.stringify(shape);
}

/** Parameter names of a solver: ConvAsm1x1U's own, else positional (p0, p1, ...). */
function solverParamNames(solver: string, width: number): string[] {
  if (solver === CONV_ASM_1X1U) return [...CONV_ASM_1X1U_PARAMS];
  return Array.from({ length: width }, (_, i) => `p${i}`);
}

/**
 * The space a solver's configs live in for one problem: ConvAsm1x1U's rules, or for other solvers
 * just the values each parameter took in the model's training (its vocabulary).
 */
export function solverSpace(solver: string, problem: MiopenProblem, tokenizer: Tokenizer): TuningSpace {
  if (solver === CONV_ASM_1X1U) return convAsm1x1uSpace(problem);
  const vocabulary = tokenizer.vocabulary(solver);
  return {
    params: tokenizer.params(solver).map((name) => ({
      name,
      values: vocabulary[name] ?? [],
      doc: `${solver} parameter ${name}`,
    })),
    rules: [],
  };
}

export const miopenLanguage: ProblemLanguage<MiopenQuery> = {
  kind: "miopen",
  choosesFamily: false,
  features: (query) => miopenFeatures(query.problem),
  spaces: ({ problem, solver }, tokenizer) => ({ [solver]: solverSpace(solver, problem, tokenizer) }),
  refusal: ({ solver }) => `the prediction is asked of the solver ${solver}`,
};

/** The rows of the chosen directions (all when none are given) as a corpus. */
export function miopenCorpus(
  rows: readonly PerfRow[],
  source: { file: string; directions?: readonly string[] | undefined },
): Corpus<MiopenQuery> {
  const { directions } = source;
  const chosen = directions?.length ? rows.filter((r) => directions.includes(r.problem.direction)) : rows;
  if (!chosen.length) throw new Error(`no rows with direction ${directions?.join(" or ")}`);
  const widths = new Map(chosen.map((r) => [r.solver, r.params.length]));
  const names = (solver: string) => solverParamNames(solver, widths.get(solver) ?? 0);
  return {
    language: miopenLanguage,
    examples: chosen.map((row) => {
      const params = names(row.solver);
      if (row.params.length !== params.length) {
        throw new Error(
          `${row.solver} has ${params.length} parameters, a row has ${row.params.length} values`,
        );
      }
      return {
        query: { problem: row.problem, solver: row.solver },
        group: shapeKey(row.problem),
        family: row.solver,
        config: Object.fromEntries(params.map((name, i) => [name, row.params[i] as number])),
      };
    }),
    paramNames: names,
    source: { kind: "miopen", file: source.file, ...(directions ? { directions: [...directions] } : {}) },
  };
}

/** tunelab's problem text form as a MIOpen problem of one direction (2-D rows keep 0 in the depth fields). */
export function miopenProblemOf(problem: ConvProblem, direction: MiopenDirection): MiopenProblem {
  return {
    layout: problem.layout,
    precision: problem.precision === "f16" ? "FP16" : "FP32",
    direction,
    spatialDim: 2,
    c: problem.c,
    h: problem.h,
    w: problem.w,
    d: 1,
    r: problem.r,
    s: problem.s,
    t: 1,
    k: problem.k,
    n: problem.n,
    padH: problem.padH,
    padW: problem.padW,
    padD: 0,
    strideH: problem.strideH,
    strideW: problem.strideW,
    strideD: 0,
    dilH: problem.dilH,
    dilW: problem.dilW,
    dilD: 0,
    bias: 0,
    groups: problem.groups,
  };
}

/** The solver a prediction decodes: the one asked for, else the model's first. */
export function modelSolver(metadata: ModelMetadata, wanted?: string): string {
  const solver = wanted ?? metadata.source.families[0];
  if (!solver || !metadata.source.families.includes(solver)) {
    throw new Error(`the model knows ${metadata.source.families.join(", ")}, not '${solver}'`);
  }
  return solver;
}
