import type { EvalReport } from "../../../core/learn/pipeline";
import type { TrainSummary } from "../../../worker/model";
import { ChartBox, TrainingCurves } from "../../charts";
import { Callout, Card, Progress, Stat } from "../../components/ui";
import { eta } from "../../format";
import { useLab } from "../../store";

/** The run: live progress, loss and accuracy per epoch, and the held-out scores once it is done. */
export function TrainingRunCard() {
  const training = useLab((s) => s.training);
  const history = training.state === "idle" ? [] : training.history;
  const last = history.at(-1);
  const running = training.state === "running";
  const perEpoch = last ? last.seconds / last.epoch : null;
  return (
    <Card
      title="Training"
      subtitle="Loss and accuracy per epoch; the weights of the best validation loss are kept."
    >
      {training.state === "idle" && <p className="muted">Not trained yet in this session.</p>}
      {running && !last && (
        <p aria-live="polite" data-testid="training-started">
          Reading the data and running the first epoch…
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
                {running && perEpoch !== null && (
                  <span>about {eta(perEpoch * (last.epochs - last.epoch))} left</span>
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
      {training.state === "done" && <TrainedSummary summary={training.summary} />}
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

function TrainedSummary({ summary }: { summary: TrainSummary }) {
  const { holdout, examples } = summary;
  const unit = summary.kind === "miopen" ? "rows" : "problems";
  return (
    <>
      <Callout tone="info" title="Trained">
        {summary.families.join(", ")}: {examples.train} training {unit}, {examples.validation} for validation;
        best epoch {summary.bestEpoch} of {summary.history.length}, {eta(summary.seconds)} on the{" "}
        {summary.backend} backend.
      </Callout>
      {holdout === null ? (
        <p className="muted">No problems were held out to score it on.</p>
      ) : (
        <HoldoutScores holdout={holdout} />
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
