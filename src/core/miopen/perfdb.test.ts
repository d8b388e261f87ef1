import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import initSqlJs from "sql.js";
import { describe, expect, it } from "vitest";
import { openPerfDb, solverCounts } from "./perfdb";

describe("a perf database's solvers", () => {
  it("lists them by row count, with the directions each was tuned for", async () => {
    const db = await openPerfDb(await initSqlJs(), readFileSync("data/miopen/gfx906_60.db.gz"), {
      gunzip: gunzipSync,
    });
    const counts = solverCounts(db);
    db.close();
    expect(counts.slice(0, 5)).toEqual([
      { solver: "ConvMlirIgemmFwd", rows: 22008, directions: ["F"] },
      { solver: "ConvMlirIgemmBwd", rows: 21771, directions: ["B"] },
      { solver: "ConvMlirIgemmWrW", rows: 21476, directions: ["W"] },
      { solver: "ConvAsm1x1U", rows: 13872, directions: ["F", "B"] },
      { solver: "ConvBinWinogradRxSf2x3", rows: 9554, directions: ["F", "B", "W"] },
    ]);
  });
});
