import type { EvalReport, LeftOut, TrainingPhase } from "../../../core/learn/pipeline";
import type { TrainSummary } from "../../../worker/model";
import { ChartBox, TrainingCurves } from "../../charts";
import { Callout, Card, Progress, Stat } from "../../components/ui";
import { eta } from "../../format";
import { useLab } from "../../store";

/** What the run does between and after its epochs, which have no count to estimate a time from. */
const PHASES: Record<Exclude<TrainingPhase, "training">, (from: string | null) => string> = {
  reading: () => "Reading the data…",
  "scoring-before": (from) => `Scoring ${from} on the held-out problems before fine-tuning…`,
  "learning-costs": () => "Learning cost models from every recorded time…",
  "choosing-blend": () => "Choosing the neighbour blend on the validation problems…",
  evaluating: () => "Evaluating on held-out problems…",
};

/** The run: live progress, loss and accuracy per epoch, and the held-out scores once it is done. */
export function TrainingRunCard() {
  const training = useLab((s) => s.training);
  const history = training.state === "idle" ? [] : training.history;
  const last = history.at(-1);
  const running = training.state === "running" ? training : null;
  const perEpoch = last ? last.seconds / last.epoch : null;
  const phase = running && running.phase !== "training" ? PHASES[running.phase](running.from) : null;
  return (
    <Card
      title="Training"
      subtitle="Loss and accuracy per epoch; the weights of the best validation loss are kept."
    >
      {training.state === "idle" && <p className="muted">Not trained yet in this session.</p>}
      {running && !last && (
        <p aria-live="polite" data-testid="training-phase">
          {phase ?? "Running the first epoch…"}
        </p>
      )}
      {last && (
        <>
          <Progress
            label="Training progress"
            value={last.epoch}
            max={last.epochs}
            detail={
              <>
                <span>
                  epoch {last.epoch} of {last.epochs}
                </span>
                {/* After the epochs an estimate from their pace would freeze: name the step instead. */}
                {phase ? (
                  <span aria-live="polite" data-testid="training-phase">
                    {phase}
                  </span>
                ) : (
                  running &&
                  perEpoch !== null && <span>about {eta(perEpoch * (last.epochs - last.epoch))} left</span>
                )}
              </>
            }
          />
          <div className="stat-row" style={{ marginTop: "0.75rem" }}>
            <Stat label="Loss" value={last.loss.toPrecision(3)} />
            <Stat label="Validation loss" value={last.valLoss.toPrecision(3)} />
            <Stat
              label="Validation accuracy"
              value={`${(last.valAccuracy * 100).toFixed(1)}%`}
              testId="val-accuracy"
              hint="per token, teacher-forced"
            />
          </div>
        </>
      )}
      {training.state === "done" && <TrainedSummary summary={training.summary} from={training.from} />}
      {training.state === "cancelled" && (
        <Callout tone="warn" title="Cancelled">
          Training stopped; the partial curves stay for reference.
        </Callout>
      )}
      {training.state === "failed" && (
        <Callout tone="bad" title="Training failed">
          {training.message}
        </Callout>
      )}
      {history.length > 0 && (
        <ChartBox caption="Loss and accuracy" testId="chart-training">
          <TrainingCurves
            epochs={history.map((h) => ({
              epoch: h.epoch,
              loss: h.loss,
              valLoss: h.valLoss,
              valAccuracy: h.valAccuracy,
            }))}
          />
        </ChartBox>
      )}
    </Card>
  );
}

function TrainedSummary({ summary, from }: { summary: TrainSummary; from: string | null }) {
  const { holdout, examples, fineTuned } = summary;
  const unit = summary.kind === "miopen" ? "rows" : "problems";
  const epochs = summary.history.length;
  return (
    <>
      <Callout tone="info" title={from === null ? "Trained" : `Fine-tuned ${from}`}>
        {summary.families.join(", ")}: {examples.train} training {unit}, {examples.validation} for validation;{" "}
        {summary.bestEpoch === 0
          ? `no epoch of ${epochs} beat the validation loss it started with, so its own weights are kept`
          : `best epoch ${summary.bestEpoch} of ${epochs}`}
        , {eta(summary.seconds)} on the {summary.backend} backend.
        {summary.costModels.length > 0 && (
          <>
            {" "}
            Beside it, a cost model of{" "}
            {summary.costModels.map((c) => `${c.family} (${c.examples} recorded times)`).join(", ")} ranks
            whole spaces for the Dataset page's replays.
          </>
        )}
      </Callout>
      {fineTuned?.leftOut && <LeftOutNote leftOut={fineTuned.leftOut} unit={unit} />}
      {holdout === null ? (
        <p className="muted">No problems were held out to score it on.</p>
      ) : (
        <>
          <HoldoutScores holdout={holdout} />
          {fineTuned?.before && <BeforeAfter before={fineTuned.before} after={holdout} from={from} />}
          {holdout.exact < holdout.baselines.nearestNeighbour.exact && (
            <BelowNearestNeighbour summary={summary} holdout={holdout} unit={unit} />
          )}
        </>
      )}
    </>
  );
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const yardsticks = (alone: number, nearest: number, frequent: number) =>
  `model alone ${percent(alone)} · nearest neighbour ${percent(nearest)} · most frequent ${percent(frequent)}`;

/** The held-out scores beside the model alone (without the neighbour blend) and the two baselines. */
function HoldoutScores({ holdout }: { holdout: EvalReport }) {
  return (
    <>
      <h3>On {holdout.n} held-out problems</h3>
      <div className="stat-row">
        <Stat
          label="Exact (top-1)"
          value={percent(holdout.exact)}
          testId="holdout-exact"
          hint={yardsticks(
            holdout.modelAlone.exact,
            holdout.baselines.nearestNeighbour.exact,
            holdout.baselines.mostFrequent.exact,
          )}
        />
        <Stat
          label="Per value"
          value={percent(holdout.perValue)}
          hint={yardsticks(
            holdout.modelAlone.perValue,
            holdout.baselines.nearestNeighbour.perValue,
            holdout.baselines.mostFrequent.perValue,
          )}
        />
        <Stat label="In the top K" value={percent(holdout.topK)} />
        <Stat
          label="Tokens, teacher-forced"
          value={percent(holdout.teacherForced.accuracy)}
          hint="each value predicted from the true previous ones"
        />
        <Stat
          label="Valid configs"
          value={percent(holdout.valid)}
          hint="every emitted config obeys the rules"
        />
      </div>
    </>
  );
}

/** A fine-tuned model beside the one it started from, on the same held-out problems. */
function BeforeAfter({
  before,
  after,
  from,
}: {
  before: EvalReport;
  after: EvalReport;
  from: string | null;
}) {
  const rows: [string, (r: EvalReport) => number][] = [
    ["Exact (top-1)", (r) => r.exact],
    ["Per value", (r) => r.perValue],
    ["In the top K", (r) => r.topK],
    ["Tokens, teacher-forced", (r) => r.teacherForced.accuracy],
  ];
  return (
    <table className="table" data-testid="before-after">
      <caption>
        {from} before and after fine-tuning, on the same {after.n} held-out problems
      </caption>
      <thead>
        <tr>
          <th scope="col">Score</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, score]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="mono">{percent(score(before))}</td>
            <td className="mono">{percent(score(after))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Which problems fine-tuning could not learn from, and why: the tokens its vocabulary lacks. */
function LeftOutNote({ leftOut, unit }: { leftOut: LeftOut; unit: string }) {
  const tokens = leftOut.tokens.map((t) => `${t.token} (${t.examples})`).join(", ");
  return (
    <Callout tone="warn" title={`${leftOut.examples} of ${leftOut.of} ${unit} left out`}>
      <span data-testid="left-out">
        Their fastest configs need values this model has no token for: {tokens}. A model's vocabulary is fixed
        when it is first trained; to learn these, train a new model on the records.
      </span>
    </Callout>
  );
}

/** A headline below the nearest-neighbour baseline, explained from what the run shows, and what to do. */
function BelowNearestNeighbour({
  summary,
  holdout,
  unit,
}: {
  summary: TrainSummary;
  holdout: EvalReport;
  unit: string;
}) {
  const few = summary.examples.train < FEW_EXAMPLES;
  // Still improving at its last epoch: stopped by the epoch count or the time budget, not by patience.
  const short = summary.bestEpoch > 0 && summary.bestEpoch === summary.history.length;
  return (
    <Callout tone="warn" title="Below the nearest-neighbour baseline">
      <p data-testid="below-baseline">
        On these {holdout.n} problems the model's first answer was the tuned config {percent(holdout.exact)}{" "}
        of the time; copying the config of the most similar training problem was right{" "}
        {percent(holdout.baselines.nearestNeighbour.exact)} of the time. The model has not yet learnt more
        than its closest example tells.
      </p>
      <ul>
        {few && (
          <li>
            This run learnt from {summary.examples.train} {unit}: a nearest neighbour needs one close example,
            a sequence model needs many to generalize. Sweep or import more problems, then train again.
          </li>
        )}
        {short && (
          <li>
            Its validation loss was still falling at the last epoch ({summary.bestEpoch}): raise Epochs or the
            time budget.
          </li>
        )}
        {!few && !short && (
          <li>
            {summary.bestEpoch > 0
              ? `Its validation loss stopped improving at epoch ${summary.bestEpoch}`
              : "No epoch improved on the validation loss it started with"}
            , so more epochs will not help: more {unit}, or more hidden units, may.
          </li>
        )}
        <li>Until then, the nearest neighbour's config is the better first guess.</li>
      </ul>
    </Callout>
  );
}

/** Fewer training examples than this is too few for the GRU to generalize beyond its neighbours. */
const FEW_EXAMPLES = 200;
