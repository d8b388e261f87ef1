import { useEffect, useId, useRef, useState } from "react";
import type { MiopenDirection } from "../../../core/miopen/perfdb";
import type { NamedFile } from "../../../worker/model";
import type { TrainSummary } from "../../../worker/training";
import { ChartBox, TrainingCurves } from "../../charts";
import { Callout, Card, GuardedButton, Progress, Stat } from "../../components/ui";
import { downloadFile } from "../../download";
import { bytes, eta } from "../../format";
import { useLab } from "../../store";
import type { MiopenFile } from "../../store/records";
import { clampSetting, SETTING_BOUNDS, type TrainSettings } from "../../store/train";
import { useRecordedModelInDemo } from "./useRecordedModel";

type NumericSetting = keyof typeof SETTING_BOUNDS;
const NUMERIC_SETTINGS = Object.keys(SETTING_BOUNDS) as NumericSetting[];

export default function TrainPage() {
  const settings = useLab((s) => s.trainSettings);
  const setSettings = useLab((s) => s.setTrainSettings);
  const training = useLab((s) => s.training);
  const miopenFile = useLab((s) => s.miopenFile);
  const importFile = useLab((s) => s.importFile);
  const importState = useLab((s) => s.importState);
  const fileInput = useRef<HTMLInputElement>(null);
  const startTraining = useLab((s) => s.startTraining);
  const cancelTraining = useLab((s) => s.cancelTraining);
  const history = training.state === "idle" ? [] : training.history;
  const last = history.at(-1);
  const running = training.state === "running";
  const perEpoch = last ? last.seconds / last.epoch : null;
  return (
    <div className="page-grid sidebar">
      <div className="stack">
        <Card
          title="Hyperparameters"
          subtitle="A Seq2Seq GRU: the problem's features in, the fastest config's parameter values out, one token each."
        >
          <SettingsForm settings={settings} disabled={running} onChange={setSettings} />
          <div className="card-actions" style={{ marginTop: "0.75rem" }}>
            {running ? (
              <button type="button" className="button danger" onClick={() => cancelTraining()}>
                Cancel training
              </button>
            ) : (
              <GuardedButton
                blockedBy={
                  !miopenFile
                    ? "Choose the training data below first."
                    : !miopenFile.directions.length
                      ? "Choose at least one direction below."
                      : null
                }
                onClick={() => startTraining()}
              >
                Start training
              </GuardedButton>
            )}
          </div>
        </Card>
        <Card
          title="Training data"
          subtitle="A MIOpen performance database: each row is one problem and the tuned config of one solver."
        >
          {miopenFile ? (
            <>
              <p>
                <span className="mono">{miopenFile.name}</span> · {bytes(miopenFile.bytes.length)}
              </p>
              <SolverPicker file={miopenFile} disabled={running} />
            </>
          ) : (
            <p className="muted">No database chosen yet.</p>
          )}
          <button
            type="button"
            className="button secondary"
            disabled={running}
            onClick={() => fileInput.current?.click()}
          >
            Choose a perf database…
          </button>
          <input
            ref={fileInput}
            type="file"
            hidden
            aria-label="MIOpen perf database to train on"
            accept=".db,.gz"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) importFile(file);
              e.target.value = "";
            }}
          />
          {importState.state === "failed" && (
            <Callout tone="bad" title={`Could not read ${importState.name}`}>
              {importState.message}
            </Callout>
          )}
        </Card>
      </div>
      <div className="stack">
        <Card
          title="Training"
          subtitle="Loss and accuracy per epoch; the weights of the best validation loss are kept."
        >
          {training.state === "idle" && <p className="muted">Not trained yet in this session.</p>}
          {running && !last && (
            <p aria-live="polite" data-testid="training-started">
              Reading the database and running the first epoch…
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
        <ModelCard />
      </div>
    </div>
  );
}

function SettingsForm({
  settings,
  disabled,
  onChange,
}: {
  settings: TrainSettings;
  disabled: boolean;
  onChange(partial: Partial<TrainSettings>): void;
}) {
  const id = useId();
  return (
    <div className="fields">
      {NUMERIC_SETTINGS.map((name) => {
        const bounds = SETTING_BOUNDS[name];
        return (
          <div key={name}>
            <label className="field-label" htmlFor={`${id}-${name}`}>
              {bounds.label}
            </label>
            <input
              id={`${id}-${name}`}
              className="text-input mono"
              type="number"
              min={bounds.min}
              max={bounds.max}
              step={bounds.step}
              defaultValue={settings[name]}
              disabled={disabled}
              title={bounds.hint}
              // Commit while typing only when the number is already in range; clamp what's left on blur.
              onChange={(e) => {
                const v = e.target.valueAsNumber;
                if (v >= bounds.min && v <= bounds.max) onChange({ [name]: clampSetting(name, v) });
              }}
              onBlur={(e) => {
                const v = clampSetting(name, e.target.valueAsNumber);
                e.target.value = String(v);
                onChange({ [name]: v });
              }}
            />
          </div>
        );
      })}
      <label className="checkbox" title="dot-product attention over the encoder's states">
        <input
          type="checkbox"
          checked={settings.attention}
          disabled={disabled}
          onChange={(e) => onChange({ attention: e.target.checked })}
        />
        Attention
      </label>
    </div>
  );
}

const DIRECTION_NAMES: Record<MiopenDirection, string> = {
  F: "forward",
  B: "backward data",
  W: "backward weights",
};

/** Which of the file's solvers to learn, and which of its directions. */
function SolverPicker({ file, disabled }: { file: MiopenFile; disabled: boolean }) {
  const chooseSolver = useLab((s) => s.chooseTrainingSolver);
  const chooseDirections = useLab((s) => s.chooseTrainingDirections);
  const id = useId();
  const solver = file.solvers.find((s) => s.solver === file.solver);
  return (
    <div className="stack" style={{ marginBottom: "0.75rem" }}>
      <div>
        <label className="field-label" htmlFor={`${id}-solver`}>
          Solver
        </label>
        <select
          id={`${id}-solver`}
          className="select"
          value={file.solver}
          disabled={disabled}
          onChange={(e) => chooseSolver(e.target.value)}
        >
          {file.solvers.map((s) => (
            <option key={s.solver} value={s.solver}>
              {s.solver} · {s.rows.toLocaleString("en")} rows
            </option>
          ))}
        </select>
      </div>
      <fieldset className="strategy" disabled={disabled}>
        <legend className="field-label">Directions</legend>
        {solver?.directions.map((d) => (
          <label key={d} className="checkbox">
            <input
              type="checkbox"
              checked={file.directions.includes(d)}
              onChange={(e) =>
                chooseDirections(
                  solver.directions.filter((x) => (x === d ? e.target.checked : file.directions.includes(x))),
                )
              }
            />
            {DIRECTION_NAMES[d]} ({d})
          </label>
        ))}
      </fieldset>
    </div>
  );
}

function TrainedSummary({ summary }: { summary: TrainSummary }) {
  const { holdout } = summary;
  const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
  const yardsticks = (alone: number, nearest: number, frequent: number) =>
    `model alone ${percent(alone)} · nearest neighbour ${percent(nearest)} · most frequent ${percent(frequent)}`;
  return (
    <>
      <Callout tone="info" title="Trained">
        {summary.solver}: {summary.rows.train} training rows, {summary.rows.validation} for validation; best
        epoch {summary.bestEpoch} of {summary.history.length}, {eta(summary.seconds)} on the {summary.backend}{" "}
        backend.
      </Callout>
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

/** The model's files, as the CLI writes them. */
export function downloadFiles(files: readonly NamedFile[]): void {
  for (const file of files) {
    downloadFile(
      file.data,
      file.name,
      typeof file.data === "string" ? "application/json" : "application/octet-stream",
    );
  }
}

const NO_MODEL = "No model held yet: train one, or load one.";

/**
 * The model the engine holds: save it in this browser, download it as the CLI's files, load a saved
 * one or one served over HTTP.
 */
function ModelCard() {
  const id = useId();
  const model = useLab((s) => s.model);
  const saveModel = useLab((s) => s.saveModel);
  const modelFiles = useLab((s) => s.modelFiles);
  const [downloading, setDownloading] = useState(false);
  const loadModel = useLab((s) => s.loadModel);
  const listModels = useLab((s) => s.listModels);
  const demoData = useLab((s) => s.demoData);
  const loadRecordedModel = useLab((s) => s.loadRecordedModel);
  useRecordedModelInDemo();
  const [name, setName] = useState("my-model");
  const [url, setUrl] = useState("");
  useEffect(() => {
    listModels();
  }, [listModels]);
  return (
    <Card
      title="Model"
      subtitle="Kept in this browser (IndexedDB) under a name, downloaded as the CLI's model.json + weights.bin, or loaded from a folder the CLI wrote (…/model.json)."
    >
      <p data-testid="current-model">
        {model.current ? (
          <>
            Holding <span className="mono">{model.current.name}</span> ({model.current.solver})
          </>
        ) : (
          <span className="muted">No model loaded.</span>
        )}
      </p>
      <div className="fields">
        <div>
          <label className="field-label" htmlFor={`${id}-name`}>
            Save as
          </label>
          <input
            id={`${id}-name`}
            className="text-input mono"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div style={{ alignSelf: "end" }}>
          <GuardedButton
            className="button secondary"
            blockedBy={!model.current ? NO_MODEL : !name.trim() ? "Name it first." : null}
            onClick={() => saveModel(name.trim())}
          >
            Save model
          </GuardedButton>
        </div>
        <div>
          <label className="field-label" htmlFor={`${id}-url`}>
            Load from
          </label>
          <input
            id={`${id}-url`}
            className="text-input mono"
            list={`${id}-saved`}
            placeholder="indexeddb://my-model"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <datalist id={`${id}-saved`}>
            {model.saved.map((saved) => (
              <option key={saved} value={saved} />
            ))}
          </datalist>
        </div>
        <div style={{ alignSelf: "end" }}>
          <GuardedButton
            className="button secondary"
            blockedBy={url.trim() ? null : "Say where to load from first."}
            onClick={() => loadModel(url.trim())}
          >
            Load model
          </GuardedButton>
        </div>
      </div>
      <div className="card-actions" style={{ marginTop: "0.75rem" }}>
        <GuardedButton
          className="button secondary"
          blockedBy={model.current ? null : NO_MODEL}
          busy={downloading}
          title="model.json + weights.bin, the folder `npm run cli -- predict --model FOLDER` reads"
          onClick={async () => {
            setDownloading(true);
            const files = await modelFiles();
            setDownloading(false);
            if (files) downloadFiles(files);
          }}
        >
          Download model
        </GuardedButton>
        {demoData.state === "available" && demoData.recording.model && (
          <button type="button" className="button secondary" onClick={() => loadRecordedModel()}>
            Use the recorded model
          </button>
        )}
      </div>
      {model.message && <p aria-live="polite">{model.message}</p>}
    </Card>
  );
}
