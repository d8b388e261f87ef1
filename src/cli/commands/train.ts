import type { LearnedModel } from "../../core/learn/artifacts";
import { DEFAULT_TRAIN_OPTIONS } from "../../core/learn/defaults";
import {
  type FineTuningFit,
  fineTuningSplit,
  type LeftOut,
  type Split,
  splitCorpus,
  splitHoldingOut,
  trainingExamples,
  trainModel,
} from "../../core/learn/pipeline";
import { HOLDOUT_FRACTION, keepShareOfGroups } from "../../core/learn/split";
import { cutShortByBudget } from "../../core/learn/train";
import { CliError, type Command, type CommandContext, optionalInt, requireString } from "../command";
import { corpusKindOf, readCorpusFile } from "./corpus-file";
import { BACKEND_OPTION, loadModelDir, saveModelDir, scoreHint, startNodeBackend } from "./model-node";

/** "F,B" -> ["F", "B"], checked. */
export function parseDirections(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== "string") return undefined;
  const directions = value.split(",").map((d) => d.trim().toUpperCase());
  for (const d of directions) {
    if (!["F", "B", "W"].includes(d))
      throw new CliError(`--direction: expected F, B or W (comma-separated), got '${d}'`);
  }
  return directions;
}

/** A share given as --name: in (0, 1), or from 0 with `zero`, or up to 1 with `one`. */
function fraction(
  ctx: CommandContext,
  name: string,
  { zero = false, one = false }: { zero?: boolean; one?: boolean } = {},
): number | undefined {
  const value = ctx.values[name];
  if (value === undefined) return undefined;
  const x = Number(value);
  if (
    typeof value !== "string" ||
    value.trim() === "" ||
    !((zero ? x >= 0 : x > 0) && (one ? x <= 1 : x < 1))
  )
    throw new CliError(
      `--${name} must be a number in ${zero ? "[0" : "(0"}, 1${one ? "]" : ")"}, got '${String(value)}'`,
    );
  return x;
}

/** --position-weights: "auto" or comma-separated weights (one per decoder position), checked. */
export function parsePositionWeights(value: string | boolean | undefined): "auto" | number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new CliError("--position-weights needs 'auto' or comma-separated weights (W1,W2,...)");
  if (value.trim() === "auto") return "auto";
  const parts = value.split(",").map((w) => w.trim());
  const weights = parts.map(Number);
  const bad = parts.findIndex(
    (w, i) => w === "" || !(Number.isFinite(weights[i]) && (weights[i] as number) >= 0),
  );
  if (bad >= 0)
    throw new CliError(
      `--position-weights: expected 'auto' or numbers of at least 0 (comma-separated, one per decoder position: the family token, each parameter, END), got '${parts[bad]}'`,
    );
  if (!weights.some((w) => w > 0))
    throw new CliError("--position-weights: at least one weight must be above 0");
  return weights;
}

/** The seed of --train-share's draw: apart from the split's (seed, seed + 1). */
export const SHARE_SEED_OFFSET = 2;

/** The model --from names, checked against the data it is to keep learning from. */
async function startingModel(dir: string, file: string, solver: string | undefined): Promise<LearnedModel> {
  const from = await loadModelDir(dir).catch((error: Error) => {
    throw new CliError(`--from: ${error.message}`);
  });
  const { kind, families } = from.metadata.source;
  const refuse = (message: string) => {
    from.model.dispose();
    return new CliError(`--from ${dir}: ${message}`);
  };
  if (corpusKindOf(file) !== kind)
    throw refuse(
      `the model learnt from ${kind === "miopen" ? "a MIOpen perf database" : "tunelab records"}; it cannot keep learning from ${file}`,
    );
  if (solver !== undefined && !families.includes(solver))
    throw refuse(
      `the model learnt ${families.join(", ")}, not ${solver}: it has no tokens for that solver's parameters (a model's tokens are fixed when it is first trained); train a new model on it`,
    );
  return from;
}

const leftOutText = (part: string, left: LeftOut) =>
  `left out ${left.examples} of ${left.of} ${part} rows: their tuned configs need ${left.tokens
    .slice(0, 6)
    .map((t) => `${t.token} (${t.examples})`)
    .join(", ")}${left.tokens.length > 6 ? ", ..." : ""}, which the model has no token for`;

export const trainCommand: Command = {
  name: "train",
  summary: "Train the Seq2Seq GRU on tuned configs; hold out a fifth of the problems for `eval`.",
  usage:
    "train --data FILE.jsonl|FILE.db[.gz] --out DIR [--solver S] [--direction F,B] [--epochs E] [--minutes M] [--seed S] [--holdout F | --holdout-data FILE] [--train-share F] [--from DIR [--fresh-neighbours]] [--near-best F] [--consensus F] [--no-cost-model] [--compute-units N] [--cost-seeds N] [--position-weights auto|W1,W2,...] [--no-attention] [--units U] [--backend B]",
  options: {
    data: {
      type: "string",
      value: "FILE",
      description: "tunelab benchmark records (.jsonl) or a MIOpen perf database (.db or .db.gz)",
    },
    out: {
      type: "string",
      value: "DIR",
      description: "folder for model.json, weights.bin, holdout.jsonl or holdout.db",
    },
    solver: { type: "string", value: "S", description: "MIOpen solver (default: the file's most common)" },
    direction: {
      type: "string",
      value: "F,B",
      description: "directions to learn (default: all the solver has)",
    },
    epochs: { type: "string", value: "E", description: "most epochs (early stopping may end sooner)" },
    seed: {
      type: "string",
      value: "S",
      description: "seed of the split, initializers and shuffles",
      default: "1",
    },
    "no-attention": { type: "boolean", description: "plain decoder: reads only the encoder's last state" },
    units: { type: "string", value: "U", description: "GRU units" },
    batch: { type: "string", value: "B", description: "batch size" },
    patience: {
      type: "string",
      value: "P",
      description: "epochs without a better validation loss before stopping",
    },
    lr: { type: "string", value: "R", description: "Adam learning rate" },
    holdout: {
      type: "string",
      value: "F",
      description: "share of the problems held out for eval (0: train on all but the validation share)",
      default: String(HOLDOUT_FRACTION),
    },
    "holdout-data": {
      type: "string",
      value: "FILE",
      description:
        "records: hold out every problem FILE has records of (another network's layers, say) in place of --holdout's random share; the model trains on the rest of --data",
    },
    "train-share": {
      type: "string",
      value: "F",
      description:
        "keep a seeded share in (0, 1] of the training problems (shapes, with all their rows); validation and held-out problems stay as without it",
    },
    "near-best": {
      type: "string",
      value: "F",
      description:
        "records: learn from every config within F of its problem's best time (0.03: 3%), not only the best",
    },
    consensus: {
      type: "string",
      value: "F",
      description:
        "records: each problem's target is, of its configs within F of its best time, the one within F of the best on the most training problems (ties: the faster), not its single fastest",
    },
    "no-cost-model": {
      type: "boolean",
      description:
        "records: train no cost model (by default one a family learns from every recorded time, saved in the model, and ranks configs beside the beam; its seconds count against --minutes)",
    },
    "compute-units": {
      type: "string",
      value: "N",
      description:
        "records: the recorded GPU's compute units (SMs, CUs; WebGPU does not say), so the cost model reads how full the last wave of workgroups is",
    },
    "cost-seeds": {
      type: "string",
      value: "N",
      description:
        "records: N cost models a family from successive seeds, their predictions averaged when ranking (default 3; each adds its training time)",
    },
    from: {
      type: "string",
      value: "DIR",
      description:
        "keep training the model in DIR (its weights, vocabulary and architecture; --units and --no-attention are ignored); rows needing a value it has no token for are left out of training and validation, and counted",
    },
    "fresh-neighbours": {
      type: "boolean",
      description:
        "with --from: the nearest-neighbour table (the beam's re-ranking and the baselines) holds only this run's training rows, not those the model learnt before (for a model moved to another GPU, whose tuned configs differ)",
    },
    "position-weights": {
      type: "string",
      value: "auto|W1,W2,...",
      description:
        "weight each decoder position's cross-entropy: 'auto' (its teacher-forced error rate on the validation problems, recomputed every epoch) or one weight per position (the family token, each parameter, END); normalised to mean 1. Off by default: it did not beat the plain loss (docs/MODEL.md)",
    },
    minutes: {
      type: "string",
      value: "M",
      description: `time budget: stop after the epoch that passes it (default ${(DEFAULT_TRAIN_OPTIONS.maxSeconds ?? 0) / 60})`,
    },
    ...BACKEND_OPTION,
  },
  async run(ctx) {
    const file = requireString(ctx, "data");
    const out = requireString(ctx, "out");
    const trainShare = fraction(ctx, "train-share", { one: true }) ?? 1;
    const options = {
      ...DEFAULT_TRAIN_OPTIONS,
      seed: optionalInt(ctx, "seed", 0) ?? DEFAULT_TRAIN_OPTIONS.seed,
      epochs: optionalInt(ctx, "epochs") ?? DEFAULT_TRAIN_OPTIONS.epochs,
      units: optionalInt(ctx, "units") ?? DEFAULT_TRAIN_OPTIONS.units,
      batchSize: optionalInt(ctx, "batch") ?? DEFAULT_TRAIN_OPTIONS.batchSize,
      patience: optionalInt(ctx, "patience") ?? DEFAULT_TRAIN_OPTIONS.patience,
      learningRate: fraction(ctx, "lr") ?? DEFAULT_TRAIN_OPTIONS.learningRate,
      attention: ctx.values["no-attention"] !== true,
      ...(ctx.values["near-best"] !== undefined ? { nearBest: fraction(ctx, "near-best") } : {}),
      ...(ctx.values.consensus !== undefined ? { consensus: fraction(ctx, "consensus") } : {}),
      ...(ctx.values["no-cost-model"] === true ? { costModel: false } : {}),
      ...(ctx.values["compute-units"] !== undefined
        ? { computeUnits: optionalInt(ctx, "compute-units", 1) }
        : {}),
      ...(ctx.values["cost-seeds"] !== undefined ? { costSeeds: optionalInt(ctx, "cost-seeds", 1) } : {}),
      ...(ctx.values["position-weights"] !== undefined
        ? { positionWeights: parsePositionWeights(ctx.values["position-weights"]) }
        : {}),
      ...(ctx.values.minutes !== undefined ? { maxSeconds: 60 * (optionalInt(ctx, "minutes") ?? 0) } : {}),
    };
    const holdoutFraction = fraction(ctx, "holdout", { zero: true }) ?? HOLDOUT_FRACTION;
    const backend = await startNodeBackend(ctx.values.backend);
    const fromDir = typeof ctx.values.from === "string" ? ctx.values.from : undefined;
    if (ctx.values.from !== undefined && !fromDir) throw new CliError("--from needs a model folder");
    const asked = typeof ctx.values.solver === "string" ? ctx.values.solver : undefined;
    const heldOutFile =
      typeof ctx.values["holdout-data"] === "string" ? ctx.values["holdout-data"] : undefined;
    if (ctx.values["holdout-data"] !== undefined && !heldOutFile)
      throw new CliError("--holdout-data needs a records file");
    const freshNeighbours = ctx.values["fresh-neighbours"] === true;
    if (freshNeighbours && !fromDir) throw new CliError("--fresh-neighbours goes with --from DIR");
    const from = fromDir ? await startingModel(fromDir, file, asked) : undefined;
    try {
      return await trainFrom(from);
    } finally {
      from?.model.dispose();
    }

    async function trainFrom(from: LearnedModel | undefined) {
      // A model keeps learning its own solver and directions unless told otherwise.
      const solver =
        asked ?? (from?.metadata.source.kind === "miopen" ? from.metadata.source.families[0] : undefined);
      const directions = parseDirections(ctx.values.direction) ?? from?.metadata.source.directions;
      const data = await readCorpusFile(file, { solver, directions, heldOut: heldOutFile });
      for (const option of ["near-best", "consensus", "compute-units", "cost-seeds"])
        if (ctx.values[option] !== undefined && data.corpus.source.kind !== "tunelab")
          throw new CliError(
            `--${option} needs this lab's records, with every config's time: ${file} holds one tuned config per problem`,
          );
      let split: Split<unknown>;
      try {
        split = data.heldOut
          ? splitHoldingOut(data.corpus, options.seed, data.heldOut)
          : splitCorpus(data.corpus, options.seed, holdoutFraction);
      } catch (error) {
        const files = heldOutFile ? `${file} with --holdout-data ${heldOutFile}` : file;
        throw new CliError(`${files}: ${(error as Error).message}`);
      }
      // The split is made on the whole file first, so the held-out and validation problems are the
      // same whatever share of the training problems is kept and whichever model training starts from.
      const groupsOf = (part: readonly { group: string }[]) => new Set(part.map((e) => e.group)).size;
      const allTrainingProblems = groupsOf(split.train);
      if (trainShare < 1)
        split = {
          ...split,
          train: keepShareOfGroups(split.train, (e) => e.group, trainShare, options.seed + SHARE_SEED_OFFSET),
        };
      let fit: FineTuningFit | null = null;
      if (from) {
        try {
          ({ split, fit } = fineTuningSplit(from, data.corpus, split));
        } catch (error) {
          throw new CliError(`--from ${fromDir}: ${file}'s ${(error as Error).message}`);
        }
        if (fit.train) ctx.progress(leftOutText("training", fit.train));
        if (fit.validation) ctx.progress(leftOutText("validation", fit.validation));
        if (fit.holdoutUnreachable)
          ctx.progress(
            `${fit.holdoutUnreachable} of ${split.holdout.length} held-out rows need a value the model has no token for (kept: scored as misses)`,
          );
      }
      const problems = {
        train: groupsOf(split.train),
        validation: groupsOf(split.validation),
        holdout: groupsOf(split.holdout),
      };
      // Near-best configs are extra examples of the training problems only.
      const examples = trainingExamples(split.train, options.nearBest, from).length;
      const counts = {
        train: split.train.length,
        validation: split.validation.length,
        holdout: split.holdout.length,
      };
      ctx.progress(
        `${file}: ${counts.train} training, ${counts.validation} validation, ${counts.holdout} held-out ${data.unit} (${backend} backend)${trainShare < 1 ? `; training on ${problems.train} of ${allTrainingProblems} training problems (--train-share ${trainShare})` : ""}${fromDir ? `; starting from ${fromDir}` : ""}`,
      );
      const trained = await trainModel(
        data.corpus,
        split,
        {
          ...options,
          onEpoch: (p) =>
            ctx.progress(
              `epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}  val loss ${p.valLoss.toFixed(4)}  val token accuracy ${p.valAccuracy.toFixed(4)}  ${p.seconds.toFixed(0)} s`,
            ),
        },
        backend,
        from ? { from, freshNeighbours } : {},
      );
      await saveModelDir(out, trained);
      trained.model.dispose();
      const holdout = await data.writeHoldout(out, split.holdout);
      const { families } = trained.metadata.source;
      const neighbours = trained.metadata.neighbours;
      const result = {
        model: out,
        holdout,
        families,
        ...data.about,
        [data.unit]: counts,
        problems,
        trainShare,
        trainingExamples: examples,
        ...(fromDir ? { from: fromDir, freshNeighbours, leftOut: fit } : {}),
        epochs: trained.history.length,
        bestEpoch: trained.bestEpoch,
        stoppedBy: trained.stoppedBy,
        valAccuracy: trained.history[trained.bestEpoch - 1]?.valAccuracy ?? null,
        seconds: Math.round(trained.seconds * 10) / 10,
        neighbours,
        costModels: (trained.metadata.costModels ?? []).map(({ family, examples, loss }) => ({
          family,
          examples,
          loss,
        })),
        backend,
        options: trained.metadata.options,
        history: trained.history,
      };
      // On a busy CPU the cost models, trained first on the same budget, can leave the Seq2Seq model a
      // few epochs: a model that looks trained but ranks configs little better than chance.
      if (cutShortByBudget(trained))
        ctx.progress(
          `warning: the time budget (${Math.round((options.maxSeconds ?? 0) / 6) / 10} min, the cost models' training included) ended training after ${trained.history.length} epoch(s) while the validation loss was still falling: the model is likely undertrained; give it more --minutes, or --cost-seeds 1`,
        );
      const text = [
        `trained on ${counts.train} ${data.unit} of ${file}${examples > counts.train ? ` (${examples} configs within ${Math.round((options.nearBest ?? 0) * 1000) / 10}% of their best)` : ""} (${families.join(", ")}) in ${result.seconds} s (${backend}), best epoch ${result.bestEpoch} of ${result.epochs}`,
        neighbours?.weight
          ? `beam re-ranked by the ${neighbours.count} nearest training problems, weight ${neighbours.weight} (chosen on the validation problems)`
          : "beam ranked by the model alone (no neighbour blend helped on the validation problems)",
        ...(trained.metadata.costModels ?? []).map(
          (c) =>
            `cost model of ${c.family}: learnt from ${c.examples} recorded times, final loss ${c.loss.toFixed(4)}`,
        ),
        scoreHint(out, holdout),
      ].join("\n");
      return { result, text };
    }
  },
};
