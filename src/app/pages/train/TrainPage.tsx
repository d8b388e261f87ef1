import { useId, useRef } from "react";
import { ChartBox, TrainingCurves } from "../../charts";
import { Callout, Card, Progress, Stat } from "../../components/ui";
import { bytes, eta } from "../../format";
import { useLab } from "../../store";
import { clampSetting, SETTING_BOUNDS, type TrainSettings } from "../../store/train";

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
        </Card>
        <Card
          title="Training data"
          subtitle="A MIOpen performance database: each row is one problem and the tuned config of one solver."
        >
          {miopenFile ? (
            <p>
              <span className="mono">{miopenFile.name}</span> · {bytes(miopenFile.bytes.length)}
            </p>
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
          {training.state === "done" && (
            <Callout tone="info" title="Trained">
              Best epoch {training.bestEpoch} of {history.length}
              {training.stoppedEarly ? " (stopped early: validation loss stopped improving)" : ""},{" "}
              {eta(training.seconds)}.
            </Callout>
          )}
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
