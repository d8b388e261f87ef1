import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import initSqlJs from "sql.js";
import { beforeAll, describe, expect, it } from "vitest";
import { openPerfDb, readSolverRows, writePerfDb } from "../../core/miopen/perfdb";

const bundle = "dist-cli/tunelab.mjs";
const cli = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { encoding: "utf8" });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");

/**
 * The model commands on tfjs's WebGPU backend (Dawn over SwiftShader here), which in Node can only read
 * tensors back asynchronously: the same seeded training and beam search as on wasm, same numbers.
 */
describe("train and predict with --backend webgpu", () => {
  const dir = mkdtempSync(join(tmpdir(), "tunelab-webgpu-"));
  const data = join(dir, "subset.db");
  const train = (backend: string) =>
    cli(
      "train",
      ...["--data", data, "--solver", "ConvAsm1x1U", "--direction", "F", "--out", join(dir, backend)],
      ...["--epochs", "2", "--units", "8", "--batch", "64", "--backend", backend, "--json"],
    );
  const predict = (backend: string) =>
    cli(
      "predict",
      ...["--model", join(dir, "webgpu"), "--problem", "16x256x14x14,512x1x1", "--beam", "4"],
      ...["--backend", backend, "--json"],
    );

  beforeAll(async () => {
    execFileSync(process.execPath, ["scripts/build-cli.mjs"], { stdio: "inherit" });
    // Every 30th forward row of a real file: a couple of batches per epoch, so SwiftShader keeps up.
    const SQL = await initSqlJs();
    const db = await openPerfDb(SQL, readFileSync("data/miopen/gfx900_56.db.gz"), { gunzip: gunzipSync });
    const rows = readSolverRows(db, "ConvAsm1x1U").filter(
      (r, i) => r.problem.direction === "F" && i % 30 === 0,
    );
    db.close();
    writeFileSync(data, writePerfDb(SQL, rows));
  });

  it("trains to the same losses as wasm, and the model predicts the same candidates on either", () => {
    const onGpu = train("webgpu");
    expect(onGpu.status, onGpu.stderr).toBe(0);
    const onWasm = train("wasm");
    expect(onWasm.status, onWasm.stderr).toBe(0);
    const [gpu, wasm] = [lastJson(onGpu.stdout), lastJson(onWasm.stdout)];
    expect(gpu).toMatchObject({ backend: "webgpu", epochs: 2 });
    expect(wasm).toMatchObject({ backend: "wasm", epochs: 2 });
    expect(gpu.valAccuracy).toBeCloseTo(wasm.valAccuracy, 3);
    const valLosses = (stderr: string) => [...stderr.matchAll(/val loss (\S+)/g)].map((m) => Number(m[1]));
    const gpuLosses = valLosses(onGpu.stderr);
    expect(gpuLosses).toHaveLength(2);
    valLosses(onWasm.stderr).forEach((loss, i) => {
      expect(gpuLosses[i]).toBeCloseTo(loss, 3);
    });

    const [gpuPrediction, wasmPrediction] = [predict("webgpu"), predict("wasm")].map((run) => {
      expect(run.status, run.stderr).toBe(0);
      return lastJson(run.stdout);
    });
    expect(gpuPrediction.ok).toBe(true);
    expect(gpuPrediction.candidates).toHaveLength(4);
    const configs = (p: { candidates: { values: number[] }[] }) => p.candidates.map((c) => c.values);
    expect(configs(gpuPrediction)).toEqual(configs(wasmPrediction));
  });

  it("names a backend it does not know", () => {
    const run = cli(
      "predict",
      "--model",
      join(dir, "webgpu"),
      "--problem",
      "1x8x8x8,8x1x1",
      "--backend",
      "cuda",
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--backend: expected one of wasm, cpu, webgpu, got 'cuda'");
  });
});
