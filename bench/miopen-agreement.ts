/**
 * How reproducible MIOpen's tuned configs are, and what that bounds: the accuracy any predictor of
 * them can reach. Two views of the same solver's rows:
 * - the same problem at the next batch size of the same file (every other field equal);
 * - the same problem tuned on the other GPU of the same architecture (a second file).
 * If the best config were the same for both rows of a pair and a row's tuned config were that best
 * one with probability p, the pair would agree with probability a >= p^2. So p <= sqrt(a): a bound
 * on exact match (and, position by position, on per-value accuracy) under that assumption. The same
 * among pairs whose earlier values (in the decoding order, the database's) agree bounds the
 * teacher-forced token accuracy, each value predicted from the true previous ones; `eval` counts the
 * family token too (always right here), hence the second figure.
 *   node bench/run.mjs bench/miopen-agreement.ts [--solver S] FILE.db[.gz] [OTHER_GPU.db[.gz]]
 * Prints one JSON object.
 */
import { parseArgs } from "node:util";
import { readPerfRows } from "../src/cli/commands/model-node";
import type { MiopenProblem, PerfRow } from "../src/core/miopen/perfdb";

const { values, positionals } = parseArgs({
  options: { solver: { type: "string", default: "ConvAsm1x1U" } },
  allowPositionals: true,
});
const [file, otherFile] = positionals;
if (!file) {
  process.stderr.write(
    "usage: node bench/run.mjs bench/miopen-agreement.ts [--solver S] FILE [OTHER_GPU_FILE]\n",
  );
  process.exit(2);
}

/** Every field of the problem but those named: rows with one key differ only there. */
function keyWithout(problem: MiopenProblem, ...left: (keyof MiopenProblem)[]): string {
  return Object.entries(problem)
    .filter(([name]) => !left.includes(name as keyof MiopenProblem))
    .map(([name, value]) => `${name}=${value}`)
    .join(",");
}

interface Agreement {
  pairs: number;
  exact: number;
  perPosition: number[];
  perValue: number;
  /** sqrt of the agreements: the bounds on exact match and per-value accuracy described above. */
  bound: { exact: number; perValue: number };
  teacherForced: {
    /** Per position: the agreement among pairs equal in every earlier position. */
    perPosition: number[];
    bound: number;
    boundWithFamilyToken: number;
  };
}

function agreement(pairs: readonly (readonly [number[], number[]])[]): Agreement {
  const width = pairs[0]?.[0].length ?? 0;
  const same = new Array<number>(width).fill(0);
  // Pairs equal in every position before i, and of those, equal at i too.
  const prefixEqual = new Array<number>(width).fill(0);
  const prefixAndSame = new Array<number>(width).fill(0);
  let exact = 0;
  for (const [a, b] of pairs) {
    let all = true;
    a.forEach((value, i) => {
      if (all) prefixEqual[i] = (prefixEqual[i] as number) + 1;
      if (value === b[i]) {
        same[i] = (same[i] as number) + 1;
        if (all) prefixAndSame[i] = (prefixAndSame[i] as number) + 1;
      } else all = false;
    });
    if (all) exact++;
  }
  const share = (count: number) => count / Math.max(pairs.length, 1);
  const perPosition = same.map(share);
  const conditional = prefixAndSame.map((count, i) => count / Math.max(prefixEqual[i] as number, 1));
  const conditionalBound = conditional.reduce((s, x) => s + Math.sqrt(x), 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    pairs: pairs.length,
    exact: round(share(exact)),
    perPosition: perPosition.map(round),
    perValue: round(perPosition.reduce((s, x) => s + x, 0) / width),
    bound: {
      exact: round(Math.sqrt(share(exact))),
      perValue: round(perPosition.reduce((s, x) => s + Math.sqrt(x), 0) / width),
    },
    teacherForced: {
      perPosition: conditional.map(round),
      bound: round(conditionalBound / width),
      boundWithFamilyToken: round((1 + conditionalBound) / (width + 1)),
    },
  };
}

/** Pairs of rows equal in every field but N, at consecutive batch sizes. */
function nextBatchPairs(rows: readonly PerfRow[]): [number[], number[]][] {
  const byShape = new Map<string, PerfRow[]>();
  for (const row of rows) {
    const key = keyWithout(row.problem, "n");
    byShape.set(key, [...(byShape.get(key) ?? []), row]);
  }
  return [...byShape.values()].flatMap((group) => {
    const sorted = [...group].sort((a, b) => a.problem.n - b.problem.n);
    return sorted
      .slice(1)
      .map((row, i) => [(sorted[i] as PerfRow).params, row.params] as [number[], number[]]);
  });
}

/** Pairs of rows of the same problem in two files. */
function sameProblemPairs(rows: readonly PerfRow[], other: readonly PerfRow[]): [number[], number[]][] {
  const byProblem = new Map(other.map((row) => [keyWithout(row.problem), row.params]));
  return rows.flatMap((row) => {
    const params = byProblem.get(keyWithout(row.problem));
    return params ? [[row.params, params] as [number[], number[]]] : [];
  });
}

const { rows } = await readPerfRows(file, values.solver);
const report: Record<string, unknown> = {
  solver: values.solver,
  file,
  rows: rows.length,
  nextBatchSize: agreement(nextBatchPairs(rows)),
};
if (otherFile) {
  const { rows: other } = await readPerfRows(otherFile, values.solver);
  report.otherGpu = { file: otherFile, ...agreement(sameProblemPairs(rows, other)) };
}
console.log(JSON.stringify(report));
