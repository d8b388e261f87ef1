/** MIOpen perf-db rows as the model's examples, and what a solver's tuning space is. */
import { miopenFeatures } from "../model/features";
import type { Example } from "../model/tokenizer";
import type { TuningSpace } from "../space/space";
import { CONV_ASM_1X1U, CONV_ASM_1X1U_PARAMS, convAsm1x1uSpace } from "./conv-asm-1x1u";
import type { MiopenProblem, PerfRow } from "./perfdb";

export function miopenExample(row: PerfRow): Example {
  return { features: miopenFeatures(row.problem), family: row.solver, values: row.params };
}

/** The problem without its direction: a shape tuned forward and backward is one group when splitting. */
export function shapeKey(problem: MiopenProblem): string {
  const { direction: _, ...shape } = problem;
  return JSON.stringify(shape);
}

/** Parameter names of a solver: ConvAsm1x1U's own, else positional (p0, p1, ...). */
export function solverParamNames(solver: string, width: number): string[] {
  if (solver === CONV_ASM_1X1U) return [...CONV_ASM_1X1U_PARAMS];
  return Array.from({ length: width }, (_, i) => `p${i}`);
}

/**
 * The space a solver's configs live in for one problem: ConvAsm1x1U's rules, or for other solvers
 * just the positions' vocabularies (the values seen in training), which the caller passes.
 */
export function solverSpace(
  solver: string,
  problem: MiopenProblem,
  vocabulary: readonly (readonly number[])[],
): TuningSpace {
  if (solver === CONV_ASM_1X1U) return convAsm1x1uSpace(problem);
  const names = solverParamNames(solver, vocabulary.length);
  return {
    params: vocabulary.map((values, i) => ({
      name: names[i] as string,
      values,
      doc: `${solver} parameter ${i}`,
    })),
    rules: [],
  };
}
