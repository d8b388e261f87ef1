import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import initSqlJs from "sql.js";
import { describe, expect, it } from "vitest";
import { checkConfig, checkPrefix, spaceRefusal, toConfig } from "../space/space";
import { CONV_ASM_1X1U, convAsm1x1uSpace, walkedPixels } from "./conv-asm-1x1u";
import { type MiopenProblem, openPerfDb, type PerfRow, readSolverRows } from "./perfdb";

const DATA = "data/miopen";

async function rowsOf(gpu: string): Promise<PerfRow[]> {
  const SQL = await initSqlJs();
  const db = await openPerfDb(SQL, readFileSync(`${DATA}/${gpu}.db.gz`), { gunzip: gunzipSync, name: gpu });
  try {
    return readSolverRows(db, CONV_ASM_1X1U);
  } finally {
    db.close();
  }
}

describe("ConvAsm1x1U's space on the real perf databases", () => {
  // The data's own account: all but 6 and 8 rows obey every rule.
  for (const [gpu, exceptions] of [
    ["gfx906_60", 6],
    ["gfx900_56", 8],
  ] as const) {
    it(`accepts at least 99.9% of ${gpu}'s tuned configs, whole and as prefixes`, async () => {
      const rows = await rowsOf(gpu);
      expect(rows.length).toBeGreaterThan(13_000);
      const rejected = rows.filter((row) => {
        const space = convAsm1x1uSpace(row.problem);
        const whole = checkConfig(space, toConfig(space, row.params)).length > 0;
        expect(checkPrefix(space, row.params) !== null).toBe(whole);
        return whole;
      });
      expect(rejected.length / rows.length).toBeLessThanOrEqual(0.001);
      expect(rejected.length).toBe(exceptions);
      // The known exceptions are strided backward problems on tiny images.
      for (const row of rejected) expect(row.problem.direction).toBe("B");
    });
  }

  it("rejects configs that break a rule, naming the rule", () => {
    const problem: MiopenProblem = {
      ...{ layout: "NCHW", precision: "FP16", direction: "F", spatialDim: 2 },
      ...{ c: 64, h: 7, w: 7, d: 1, r: 1, s: 1, t: 1, k: 64, n: 1 },
      ...{ padH: 0, padW: 0, padD: 0, strideH: 1, strideW: 1, strideD: 1, dilH: 1, dilW: 1, dilD: 1 },
      ...{ bias: 0, groups: 1 },
    };
    expect(walkedPixels(problem)).toBe(49);
    const space = convAsm1x1uSpace(problem);
    expect(checkPrefix(space, [1, 1])?.rule).toBe("k-mult-packing");
    expect(checkPrefix(space, [2, 8, 2])?.rule).toBe("read-size");
    expect(checkPrefix(space, [1, 8, 2, 16, 2])?.rule).toBe("n-mult-fits-batch");
    // A 3x3 problem gets no configs, and says why (the lab's Predict page shows this).
    expect(spaceRefusal(convAsm1x1uSpace({ ...problem, r: 3, s: 3 }))).toBe(
      "ConvAsm1x1U is MIOpen's solver for 1x1 convolutions; this one is 3x3",
    );
    expect(spaceRefusal(space)).toBeNull();
  });
});
