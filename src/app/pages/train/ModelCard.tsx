import { useEffect, useId, useState } from "react";
import { Card, GuardedButton } from "../../components/ui";
import { downloadNamedFiles } from "../../download";
import { useLab } from "../../store";
import { useRecordedModelInDemo } from "./useRecordedModel";

const NO_MODEL = "No model held yet: train one, or load one.";

/**
 * The model the engine holds: save it in this browser, download it as the CLI's files, load a saved
 * one or one served over HTTP.
 */
export function ModelCard() {
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
            Holding <span className="mono">{model.current.name}</span> ({model.current.families.join(", ")})
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
            if (files) downloadNamedFiles(files);
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
