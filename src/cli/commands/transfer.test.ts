import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { openPerfDb, type PerfRow, readSolverRows, writePerfDb } from "../../core/miopen/perfdb";

// train --from (keep training a saved model on another file) and --train-share (a share of the
// training problems), on small real extracts of the two MIOpen files: a few seconds a run.
const bundle = "dist-cli/tunelab.mjs";
const SOLVER = "ConvAsm1x1U";
const dir = mkdtempSync(join(tmpdir(), "tunelab-transfer-"));
const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
const SMALL = ["--units", "8", "--batch", "64", "--seed", "1", "--json"];

/** Trains; the run's JSON, or a failed expectation with its stderr. */
function train(...args: string[]) {
  const run = cli("train", ...args, ...SMALL);
  expect(run.status, run.stderr).toBe(0);
  return lastJson(run.stdout);
}

const gfx906 = join(dir, "gfx906-extract.db");
const gfx900 = join(dir, "gfx900-extract.db");
// For the vocabulary test: a model that only ever saw read_size 1, and rows that never have it.
const readSize1 = join(dir, "gfx906-read-size-1.db");
const readSizeOther = join(dir, "gfx900-read-size-not-1.db");
const source = join(dir, "source");

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
  const SQL = await initSqlJs();
  const rowsOf = async (file: string) => {
    const db = await openPerfDb(SQL, readFileSync(file), { gunzip: gunzipSync });
    try {
      return readSolverRows(db, SOLVER);
    } finally {
      db.close();
    }
  };
  const write = (file: string, rows: readonly PerfRow[]) => writeFileSync(file, writePerfDb(SQL, rows));
  const rows906 = await rowsOf("data/miopen/gfx906_60.db.gz");
  const rows900 = await rowsOf("data/miopen/gfx900_56.db.gz");
  write(
    gfx906,
    rows906.filter((_, i) => i % 25 === 0),
  );
  write(
    gfx900,
    rows900.filter((_, i) => i % 25 === 0),
  );
  write(
    readSize1,
    rows906.filter((r, i) => i % 20 === 0 && r.params[0] === 1),
  );
  write(
    readSizeOther,
    rows900.filter((r, i) => i % 20 === 0 && r.params[0] !== 1),
  );
  // The model to start from: a few epochs on the gfx906_60 extract.
  train("--data", gfx906, "--solver", SOLVER, "--epochs", "5", "--out", source);
}, 120_000);

describe("train --from DIR", () => {
  it("starts from the saved weights: its first epoch's loss is below a fresh model's, on the same held-out rows", () => {
    const fresh = train("--data", gfx900, "--epochs", "1", "--out", join(dir, "fresh"));
    // --units is the saved model's, whatever is asked.
    const tuned = train(
      "--data",
      gfx900,
      "--epochs",
      "1",
      "--from",
      source,
      "--units",
      "32",
      "--out",
      join(dir, "tuned"),
    );
    expect(tuned.from).toBe(source);
    expect(tuned.options.units).toBe(8);
    expect(tuned.solver).toBe(SOLVER);
    expect(tuned.history[0].loss).toBeLessThan(fresh.history[0].loss * 0.8);
    expect(tuned.history[0].valLoss).toBeLessThan(fresh.history[0].valLoss);
    // The split is the file's own: the same held-out rows (the same holdout.db) and validation shapes.
    expect(tuned.rows.holdout).toBe(fresh.rows.holdout);
    expect(tuned.problems.validation).toBe(fresh.problems.validation);
    expect(readFileSync(join(dir, "tuned", "holdout.db"))).toEqual(
      readFileSync(join(dir, "fresh", "holdout.db")),
    );
    // Training rows the model has no token for are left out, and counted.
    const left = tuned.leftOut.train?.examples ?? 0;
    expect(tuned.rows.train + left).toBe(fresh.rows.train);
    // The model's metadata names both files it learnt from.
    const { source: learnt } = JSON.parse(
      readFileSync(join(dir, "tuned", "model.json"), "utf8"),
    ).userDefinedMetadata;
    expect(learnt.file).toBe(`${gfx906}, then ${gfx900}`);
  });

  it("keeps the saved model's neighbour table and adds its new rows, or holds only them with --fresh-neighbours", () => {
    const points = (name: string) =>
      JSON.parse(readFileSync(join(dir, name, "model.json"), "utf8")).userDefinedMetadata.baselines.families[
        SOLVER
      ].points.length;
    const kept = train("--data", gfx900, "--epochs", "1", "--from", source, "--out", join(dir, "kept"));
    expect(kept.freshNeighbours).toBe(false);
    expect(points("kept")).toBe(points("source") + kept.rows.train);
    const fresh = train(
      "--data",
      gfx900,
      "--epochs",
      "1",
      "--from",
      source,
      "--fresh-neighbours",
      "--out",
      join(dir, "fresh-neighbours"),
    );
    expect(fresh.freshNeighbours).toBe(true);
    expect(points("fresh-neighbours")).toBe(fresh.rows.train);
    // The weights are the same run's either way: only the table differs.
    const losses = (run: { history: { loss: number; valLoss: number }[] }) =>
      run.history.map((h) => [h.loss, h.valLoss]);
    expect(losses(fresh)).toEqual(losses(kept));
    const alone = cli("train", "--data", gfx900, "--fresh-neighbours", "--out", join(dir, "x"));
    expect(alone.status).toBe(2);
    expect(alone.stderr.trim()).toBe("tunelab: --fresh-neighbours goes with --from DIR");
  });

  it("refuses a folder with no model, another solver, and data none of whose configs the vocabulary covers", () => {
    const missing = cli("train", "--data", gfx900, "--from", join(dir, "nowhere"), "--out", join(dir, "x"));
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `tunelab: --from: model file '${join(dir, "nowhere", "model.json")}' does not exist`,
    );
    const solver = cli(
      "train",
      "--data",
      gfx900,
      "--from",
      source,
      "--solver",
      "ConvOclDirectFwd1x1",
      "--out",
      join(dir, "x"),
    );
    expect(solver.status).toBe(2);
    expect(solver.stderr).toContain(
      `--from ${source}: the model learnt ConvAsm1x1U, not ConvOclDirectFwd1x1: it has no tokens for that solver's parameters`,
    );
    const narrow = join(dir, "narrow");
    train("--data", readSize1, "--epochs", "1", "--out", narrow);
    const vocabulary = cli(
      "train",
      "--data",
      readSizeOther,
      "--from",
      narrow,
      "--epochs",
      "1",
      "--out",
      join(dir, "x"),
    );
    expect(vocabulary.status).toBe(2);
    expect(vocabulary.stderr).toMatch(
      /--from .*narrow: .*gfx900-read-size-not-1\.db's training problems: none of the \d+ tuned problems here fits the model's vocabulary: their fastest configs need ConvAsm1x1U read_size=\d/,
    );
  });
});

describe("train --train-share F", () => {
  it("trains on that share of the training shapes; validation and held-out rows stay as they were", () => {
    const all = train("--data", gfx900, "--epochs", "1", "--out", join(dir, "all"));
    const half = train("--data", gfx900, "--epochs", "1", "--train-share", "0.5", "--out", join(dir, "half"));
    expect(all.trainShare).toBe(1);
    expect(half.trainShare).toBe(0.5);
    expect(half.problems.train).toBe(Math.round(all.problems.train * 0.5));
    expect(half.rows.train).toBeLessThan(all.rows.train);
    expect(half.rows.train).toBeGreaterThan(all.rows.train * 0.3);
    expect(half.rows.validation).toBe(all.rows.validation);
    expect(half.rows.holdout).toBe(all.rows.holdout);
    expect(half.problems.holdout).toBe(all.problems.holdout);
    expect(readFileSync(join(dir, "half", "holdout.db"))).toEqual(
      readFileSync(join(dir, "all", "holdout.db")),
    );
    // The baselines' table holds the training rows the model learnt from: the share's, not all.
    const points = (name: string) =>
      JSON.parse(readFileSync(join(dir, name, "model.json"), "utf8")).userDefinedMetadata.baselines.families[
        SOLVER
      ].points.length;
    expect(points("half")).toBe(half.rows.train);
    expect(points("all")).toBe(all.rows.train);
  });

  it.each(["0", "1.5", "half", "-0.1"])("refuses --train-share %s", (value) => {
    const run = cli("train", "--data", gfx900, `--train-share=${value}`, "--out", join(dir, "x"));
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`tunelab: --train-share must be a number in (0, 1], got '${value}'`);
  });
});
