/**
 * One split, several initialisation seeds: trains a model per seed on the same training rows (the
 * CLI's defaults, ended by early stopping rather than the time budget), scores each on the held-out
 * rows as `eval` does, then the ensemble that averages their log-probabilities at every beam step
 * (re-ranked with the first model's neighbour blend). Prints one JSON object.
 *   node bench/run.mjs bench/model-seeds.ts [--data FILE.db.gz] [--seeds 1,2] [--split-seed 1]
 */
import { parseArgs } from "node:util";
import { readPerfRows, startNodeBackend } from "../src/cli/commands/model-node";
import { miopenCorpus, miopenLanguage } from "../src/core/corpora/miopen";
import { type BeamResult, beamSearchMany, type Scorer } from "../src/core/learn/beam";
import { DEFAULT_TRAIN_OPTIONS } from "../src/core/learn/defaults";
import {
  blendCandidates,
  evaluateModel,
  scoreCandidates,
  splitCorpus,
  type TrainedModel,
  trainModel,
} from "../src/core/learn/pipeline";
import { type FamilyCandidate, withModelScorer } from "../src/core/learn/predictor";
import type { TuningSpace } from "../src/core/space/space";

const SOLVER = "ConvAsm1x1U";
const WIDTH = 8;
const { values } = parseArgs({
  options: {
    data: { type: "string", default: "data/miopen/gfx906_60.db.gz" },
    seeds: { type: "string", default: "1,2" },
    "split-seed": { type: "string", default: "1" },
  },
});
const backend = await startNodeBackend();
const { rows } = await readPerfRows(values.data, SOLVER);
const corpus = miopenCorpus(rows, { file: values.data });
const split = splitCorpus(corpus, Number(values["split-seed"]));
const features = split.holdout.map((e) => miopenLanguage.features(e.query));
const round = (x: number) => Math.round(x * 1000) / 1000;

const trained: TrainedModel[] = [];
const single = [];
for (const seed of values.seeds.split(",").map(Number)) {
  // Early stopping ends every run: the budget only guards against a run that never stops.
  const model = await trainModel(
    corpus,
    split,
    { ...DEFAULT_TRAIN_OPTIONS, seed, maxSeconds: 3600 },
    backend,
  );
  const report = await evaluateModel(model, miopenLanguage, split.holdout, WIDTH);
  trained.push(model);
  single.push({
    seed,
    bestEpoch: model.bestEpoch,
    epochs: model.history.length,
    blended: { exact: round(report.exact), perValue: round(report.perValue) },
    alone: { exact: round(report.modelAlone.exact), perValue: round(report.modelAlone.perValue) },
  });
}

/** The beam over every held-out row, each step scored by the mean of the models' log-probabilities. */
async function ensembleBeams(i: number, scorers: Scorer[]): Promise<BeamResult[]> {
  const member = trained[i];
  if (!member) {
    const mean: Scorer = async (requests, candidates) => {
      const all = await Promise.all(scorers.map((s) => s(requests, candidates)));
      return (all[0] ?? []).map((row, r) =>
        row.map((_, j) => all.reduce((sum, scores) => sum + (scores[r]?.[j] ?? 0), 0) / all.length),
      );
    };
    const tokenizer = trained[0]?.tokenizer;
    if (!tokenizer) throw new Error("--seeds named no seed");
    const vocabulary = tokenizer.vocabulary(SOLVER);
    const searches = split.holdout.map((e) => ({
      space: miopenLanguage.spaces(e.query, tokenizer)[SOLVER] as TuningSpace,
      vocabulary,
    }));
    return beamSearchMany(searches, WIDTH, mean);
  }
  return withModelScorer(member.model, member.tokenizer, SOLVER, features, (scorer) =>
    ensembleBeams(i + 1, [...scorers, scorer]),
  );
}

const beams = (await ensembleBeams(0, [])).map((b) =>
  b.ok ? b.candidates.map((c): FamilyCandidate => ({ ...c, family: SOLVER })) : [],
);
const first = trained[0];
if (!first) throw new Error("--seeds named no seed");
const scored = (candidates: FamilyCandidate[][]) => {
  const s = scoreCandidates(first, miopenLanguage, split.holdout, candidates);
  return { exact: round(s.exact), perValue: round(s.perValue), valid: s.valid };
};
console.log(
  JSON.stringify({
    data: values.data,
    holdout: split.holdout.length,
    single,
    ensemble: {
      alone: scored(beams),
      blended: scored(
        beams.map((b, i) =>
          blendCandidates(first, miopenLanguage, features[i] ?? [], b, first.metadata.neighbours ?? null),
        ),
      ),
    },
  }),
);
