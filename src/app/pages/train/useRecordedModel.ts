import { useEffect } from "react";
import { useLab } from "../../store";

/** In demo mode the recorded model is the one to show, unless a model is held already. */
export function useRecordedModelInDemo(): void {
  const demo = useLab((s) => s.view.demo);
  const shipsModel = useLab((s) => s.demoData.state === "available" && Boolean(s.demoData.recording.model));
  const held = useLab((s) => s.model.current !== null);
  const loadRecordedModel = useLab((s) => s.loadRecordedModel);
  useEffect(() => {
    if (demo && shipsModel && !held) loadRecordedModel();
  }, [demo, shipsModel, held, loadRecordedModel]);
}
