import { useEffect } from "react";
import { useLab } from "../store";

/** While demo mode is on, every page says plainly that it shows a recording, not this device. */
export function DemoBanner() {
  const demo = useLab((s) => s.view.demo);
  const demoData = useLab((s) => s.demoData);
  const load = useLab((s) => s.demoRecordsLoad);
  const setView = useLab((s) => s.setView);
  const checkDemo = useLab((s) => s.checkDemo);
  const loadDemoRecords = useLab((s) => s.loadDemoRecords);
  const openRecordedProblem = useLab((s) => s.openRecordedProblem);
  useEffect(() => {
    if (demo && demoData.state === "checking") checkDemo();
    if (demo && demoData.state === "available" && load.state === "idle") loadDemoRecords();
  }, [demo, demoData, load, checkDemo, loadDemoRecords]);
  // On entering the demo (or once its records arrive), show a problem it has measurements of.
  useEffect(() => {
    if (demo && load.state === "ready") openRecordedProblem();
  }, [demo, load.state, openRecordedProblem]);
  if (!demo) return null;
  const where =
    demoData.state === "available"
      ? `${[demoData.recording.device.vendor, demoData.recording.device.architecture].filter(Boolean).join(" ")} (${demoData.recording.device.description}), ${new Date(demoData.recording.recordedAt).toLocaleDateString("en-GB")}`
      : null;
  return (
    <div className="demo-banner" role="status" data-testid="demo-banner">
      <span className="chip chip-violet">Recorded</span>
      <span>
        {demoData.state === "absent"
          ? `Demo mode, but ${demoData.message}.`
          : where
            ? `Showing measurements recorded on ${where} — not this device.`
            : "Looking for the recording…"}
        {load.state === "failed" && ` The recorded dataset failed to load: ${load.message}`}
      </span>
      <button type="button" className="button secondary" onClick={() => setView({ demo: false })}>
        Leave demo
      </button>
    </div>
  );
}
