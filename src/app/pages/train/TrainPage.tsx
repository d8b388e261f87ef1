import { Card, GuardedButton } from "../../components/ui";
import { useLab } from "../../store";
import { whyNoTraining } from "../../store/train";
import { ModelCard } from "./ModelCard";
import { SettingsForm } from "./SettingsForm";
import { TrainingDataCard } from "./TrainingDataCard";
import { TrainingRunCard } from "./TrainingRunCard";

/** The Train page: hyperparameters and data on the left, the run and the held model on the right. */
export default function TrainPage() {
  const settings = useLab((s) => s.trainSettings);
  const setSettings = useLab((s) => s.setTrainSettings);
  const running = useLab((s) => s.training.state === "running");
  const fineTuning = useLab((s) => s.trainFrom === "held");
  const blockedBy = useLab(whyNoTraining);
  const trainOn = useLab((s) => s.trainOn);
  const startTraining = useLab((s) => s.startTraining);
  const cancelTraining = useLab((s) => s.cancelTraining);
  return (
    <div className="page-grid sidebar">
      <div className="stack">
        <Card
          title="Hyperparameters"
          subtitle="A Seq2Seq GRU: the problem's features in, the fastest config's family and parameter values out, one token each."
        >
          <SettingsForm
            settings={settings}
            disabled={running}
            fineTuning={fineTuning}
            timedData={trainOn === "records"}
            onChange={setSettings}
          />
          <div className="card-actions" style={{ marginTop: "0.75rem" }}>
            {running ? (
              <button type="button" className="button danger" onClick={() => cancelTraining()}>
                Cancel training
              </button>
            ) : (
              <GuardedButton blockedBy={blockedBy} onClick={() => startTraining()}>
                Start training
              </GuardedButton>
            )}
          </div>
        </Card>
        <TrainingDataCard disabled={running} />
      </div>
      <div className="stack">
        <TrainingRunCard />
        <ModelCard />
      </div>
    </div>
  );
}
