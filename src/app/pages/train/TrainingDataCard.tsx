import { type ReactNode, useId } from "react";
import type { MiopenDirection } from "../../../core/miopen/perfdb";
import { Callout, Card, FilePicker } from "../../components/ui";
import { bytes } from "../../format";
import { useLab } from "../../store";
import { shownRecords } from "../../store/records";
import type { MiopenFile } from "../../store/train";

/**
 * What the model learns from (the records on show, this lab's kernels, or a MIOpen perf database), and
 * whether a new model learns it or the held one keeps learning (fine-tuning).
 */
export function TrainingDataCard({ disabled }: { disabled: boolean }) {
  const id = useId();
  const trainOn = useLab((s) => s.trainOn);
  const setTrainOn = useLab((s) => s.setTrainOn);
  const miopenFile = useLab((s) => s.miopenFile);
  const miopenFileError = useLab((s) => s.miopenFileError);
  const chooseTrainingFile = useLab((s) => s.chooseTrainingFile);
  const trainFrom = useLab((s) => s.trainFrom);
  const setTrainFrom = useLab((s) => s.setTrainFrom);
  const held = useLab((s) => s.model.current?.name);
  const records = useLab(shownRecords);
  const problems = new Set(records.filter((r) => r.status === "ok").map((r) => r.problem.text)).size;
  return (
    <Card
      title="Training data"
      subtitle="This lab's records (each problem's fastest verified kernel) or a MIOpen performance database (each row one problem and the tuned config of one solver)."
    >
      <fieldset className="strategy" disabled={disabled}>
        <legend className="field-label">Learn from</legend>
        <Choice group={`${id}-source`} checked={trainOn === "records"} onChoose={() => setTrainOn("records")}>
          This lab's records ({problems} problems with a verified kernel)
        </Choice>
        <Choice group={`${id}-source`} checked={trainOn === "miopen"} onChoose={() => setTrainOn("miopen")}>
          A MIOpen perf database
        </Choice>
      </fieldset>
      <fieldset className="strategy" disabled={disabled}>
        <legend className="field-label">Train</legend>
        <Choice group={`${id}-start`} checked={trainFrom === "new"} onChoose={() => setTrainFrom("new")}>
          A new model
        </Choice>
        <Choice group={`${id}-start`} checked={trainFrom === "held"} onChoose={() => setTrainFrom("held")}>
          {held ? `Fine-tune ${held} on this data` : "Fine-tune the held model on this data"}
        </Choice>
        {trainFrom === "held" && (
          <p className="muted">
            It keeps its vocabulary, hidden units and attention: problems whose fastest config needs a value
            it has no token for are left out, and named when it is done. Its scores before and after come from
            the same held-out problems.
          </p>
        )}
      </fieldset>
      {trainOn === "miopen" && (
        <>
          {miopenFile ? (
            <>
              <p>
                <span className="mono">{miopenFile.name}</span> · {bytes(miopenFile.bytes.length)}
              </p>
              <SolverPicker file={miopenFile} disabled={disabled} />
            </>
          ) : (
            <p className="muted">No database chosen yet.</p>
          )}
          <FilePicker
            label="MIOpen perf database to train on"
            accept=".db,.gz"
            disabled={disabled}
            onFile={chooseTrainingFile}
          >
            Choose a perf database…
          </FilePicker>
          {miopenFileError && (
            <Callout tone="bad" title="Could not read the database">
              {miopenFileError}
            </Callout>
          )}
        </>
      )}
    </Card>
  );
}

/** One option of a radio group, its label around it. */
function Choice({
  group,
  checked,
  onChoose,
  children,
}: {
  group: string;
  checked: boolean;
  onChoose(): void;
  children: ReactNode;
}) {
  return (
    <label className="checkbox">
      <input type="radio" name={group} checked={checked} onChange={onChoose} />
      {children}
    </label>
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
