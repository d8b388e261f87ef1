import { useLab } from "../../store";
import { adapterName } from "./adapter";

/** The top bar's always-visible answer to "what am I measuring on?". */
export function DeviceChip() {
  const device = useLab((s) => s.device);
  const demo = useLab((s) => s.view.demo);
  const goTo = useLab((s) => s.goTo);
  const [tone, text] =
    device.state === "probing"
      ? ["pending", "Looking for a GPU…"]
      : device.state === "ready"
        ? [device.report.hasTimestamps ? "ok" : "warn", adapterName(device.report.adapter)]
        : ["bad", "No WebGPU"];
  return (
    <button type="button" className={`chip device-chip tone-${tone}`} onClick={() => goTo("device")}>
      <span className="dot" aria-hidden="true" />
      <span className="chip-text">{demo ? "Recorded demo" : text}</span>
    </button>
  );
}
