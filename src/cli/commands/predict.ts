import { askedFor, predictFor } from "../../core/corpora/index";
import type { MiopenDirection } from "../../core/miopen/perfdb";
import { formatProblem, ProblemError, parseProblem } from "../../core/problem";
import { CliError, type Command, optionalInt, requireString } from "../command";
import { BACKEND_OPTION, loadModelDir, startNodeBackend } from "./model-node";
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
      description: "models trained on MIOpen data: the direction, F forward or B backward data",
      default: "F",
    },
    solver: {
      type: "string",
      value: "S",
      description: "models trained on MIOpen data: the solver (default: the model's first)",
    },
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
    const learned = await loadModelDir(dir);
    const ask = {
      problem,
      direction: direction as MiopenDirection,
      ...(typeof ctx.values.device === "string" ? { device: ctx.values.device } : {}),
      ...(typeof ctx.values.solver === "string" ? { family: ctx.values.solver } : {}),
    };
    let where: Record<string, string>;
    try {
      where = askedFor(learned, ask);
    } catch (error) {
      learned.model.dispose();
      throw new CliError(`${dir}: ${(error as Error).message}`);
    }
    const started = Date.now();
    let outcome: Awaited<ReturnType<typeof predictFor>>[number] | undefined;
    try {
      [outcome] = await predictFor(learned, [ask], width);
    } catch (error) {
      throw new CliError(`${dir}: ${(error as Error).message}`);
    } finally {
      learned.model.dispose();
    }
    const milliseconds = Date.now() - started;
    if (!outcome) throw new Error("the beam search returned nothing");
    const base = { problem: formatProblem(problem), ...where, beam: width, milliseconds };
    const on = `(${Object.values(where).join(", ")})`;
    if (!outcome.ok) {
      return {
        result: { ...base, ok: false, reason: outcome.reason, message: outcome.message, candidates: [] },
        text: `no valid config for ${base.problem} ${on}: ${outcome.message}`,
      };
    }
    const { rerankedBy } = outcome;
    const candidates = outcome.candidates.map((c) => ({
      family: c.family,
      config: c.config,
      values: c.values,
      logProb: c.logProb,
    }));
    const text = [
      `${base.problem} ${on}, beam ${width}${rerankedBy ? ` re-ranked by ${rerankedBy.count} nearest training problems` : ""}, ${milliseconds} ms:`,
      ...candidates.map((c, i) => {
        const config = Object.entries(c.config)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ");
        return `${String(i + 1).padStart(2)}. ${c.family.padEnd(7)} ${config.padEnd(48)} p=${Math.exp(c.logProb).toFixed(3)}`;
      }),
    ].join("\n");
    return { result: { ...base, ok: true, rerankedBy, candidates }, text };
  },
};
