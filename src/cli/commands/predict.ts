import { solverSpace } from "../../core/miopen/examples";
import { miopenProblemOf } from "../../core/miopen/model";
import type { MiopenDirection } from "../../core/miopen/perfdb";
import { modelTokenizer, readMetadata } from "../../core/model/artifacts";
import { rankWithNeighbours } from "../../core/model/baselines";
import { miopenFeatures } from "../../core/model/features";
import { predictConfigs } from "../../core/model/predictor";
import { formatProblem, ProblemError, parseProblem } from "../../core/problem";
import { CliError, type Command, optionalInt, requireString } from "../command";
import { BACKEND_OPTION, loadModelDir, modelSolver, startNodeBackend } from "./model-node";
import { predictWithRecordModel } from "./records-model";
import { parseDirections } from "./train";

export const predictCommand: Command = {
  name: "predict",
  summary: "Predict the best tuning configs for a problem: constrained beam search, every candidate valid.",
  usage:
    "predict --model DIR --problem P [--beam K] [--device D] [--direction F|B] [--solver S] [--backend B]",
  options: {
    model: { type: "string", value: "DIR", description: "folder written by `train`" },
    problem: {
      type: "string",
      value: "P",
      description: "NxCxHxW,KxRxS[,pad=..][,stride=..][,precision=f16]",
    },
    direction: {
      type: "string",
      value: "D",
      description: "MIOpen direction: F forward, B backward data",
      default: "F",
    },
    solver: { type: "string", value: "S", description: "solver or family (default: the model's first)" },
    beam: { type: "string", value: "K", description: "beam width: how many candidates", default: "8" },
    device: {
      type: "string",
      value: "D",
      description: "models trained on records: the recorded device to predict for (default: the first)",
    },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const dir = requireString(ctx, "model");
    const width = optionalInt(ctx, "beam") ?? 8;
    let problem: ReturnType<typeof parseProblem>;
    try {
      problem = parseProblem(requireString(ctx, "problem"));
    } catch (error) {
      if (error instanceof ProblemError) throw new CliError(`--problem: ${error.message}`);
      throw error;
    }
    const [direction, ...more] = parseDirections(ctx.values.direction) ?? ["F"];
    if (more.length) throw new CliError("--direction: give one direction for a prediction");
    await startNodeBackend(ctx.values.backend);
    const { model, baselines } = await loadModelDir(dir);
    const metadata = readMetadata(model);
    if (metadata.source.kind === "tunelab") {
      try {
        const device = typeof ctx.values.device === "string" ? ctx.values.device : undefined;
        return await predictWithRecordModel(model, dir, problem, formatProblem(problem), width, device);
      } finally {
        model.dispose();
      }
    }
    const tokenizer = modelTokenizer(model);
    const solver = modelSolver(ctx, metadata, dir);
    if (metadata.source.kind !== "miopen")
      throw new CliError(`${dir} is not a MIOpen model; predict reads MIOpen models`);
    const miopenProblem = miopenProblemOf(problem, direction as MiopenDirection);
    let space: ReturnType<typeof solverSpace>;
    try {
      space = solverSpace(solver, miopenProblem, tokenizer.vocabulary(solver));
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const started = Date.now();
    const [outcome] = await predictConfigs(
      model,
      tokenizer,
      solver,
      [{ features: miopenFeatures(miopenProblem), space }],
      width,
    );
    const milliseconds = Date.now() - started;
    model.dispose();
    if (!outcome) throw new Error("the beam search returned nothing");
    const base = { problem: formatProblem(problem), direction, solver, beam: width, milliseconds };
    if (!outcome.ok) {
      return {
        result: { ...base, ok: false, reason: outcome.reason, message: outcome.message, candidates: [] },
        text: `no valid ${solver} config for ${base.problem} (${direction}): ${outcome.message}`,
      };
    }
    // The same re-ranking eval scores: the beam's candidates reordered by agreement with the nearest
    // training problems' configs, as chosen on validation shapes when the model was trained.
    const { candidates: ranked, rerankedBy: reranked } = rankWithNeighbours(
      outcome.candidates,
      baselines,
      metadata.neighbours,
      solver,
      miopenFeatures(miopenProblem),
    );
    const candidates = ranked.map((c) => ({
      config: c.config,
      values: c.values,
      logProb: c.logProb,
    }));
    const text = [
      `${solver} for ${base.problem} (${direction}), beam ${width}${reranked ? ` re-ranked by ${reranked.count} nearest training problems` : ""}, ${milliseconds} ms:`,
      ...candidates.map(
        (c, i) =>
          `${String(i + 1).padStart(2)}. ${c.values.join(",").padEnd(24)} p=${Math.exp(c.logProb).toFixed(3)}`,
      ),
    ].join("\n");
    return { result: { ...base, ok: true, rerankedBy: reranked, candidates }, text };
  },
};
