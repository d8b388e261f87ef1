import { Card } from "../../components/ui";
import { useLab } from "../../store";

/** Offers the recorded dataset and model, labelled with where and when they were measured. */
export function DemoOffer() {
  const demoData = useLab((s) => s.demoData);
  const demo = useLab((s) => s.view.demo);
  const setView = useLab((s) => s.setView);
  return (
    <Card
      title="Recorded demo"
      subtitle="Measurements from a real GPU, shipped with the lab, so every page works without one."
    >
      {demoData.state === "checking" && <p className="muted">Looking for the recording…</p>}
      {demoData.state === "absent" && <p className="muted">Not available: {demoData.message}.</p>}
      {demoData.state === "available" && (
        <>
          <p>
            Recorded on{" "}
            <strong>
              {[demoData.recording.device.vendor, demoData.recording.device.architecture]
                .filter(Boolean)
                .join(" ")}
            </strong>{" "}
            ({demoData.recording.device.description}),{" "}
            {new Date(demoData.recording.recordedAt).toLocaleDateString("en-GB")}.
          </p>
          <button
            type="button"
            className="button"
            aria-pressed={demo}
            onClick={() => setView({ demo: !demo })}
          >
            {demo ? "Back to this device" : "Show the recorded demo"}
          </button>{" "}
          {/* A talk's preset: the recording, large, on the Sweep page with its charts full. */}
          <button
            type="button"
            className="button secondary"
            onClick={() => setView({ demo: true, present: true, page: "sweep" })}
          >
            Present the recorded demo
          </button>
        </>
      )}
    </Card>
  );
}
