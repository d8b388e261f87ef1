import { useEffect, useState } from "react";
import { engine } from "./engine";

type DeviceState = Awaited<ReturnType<typeof engine.device>> | undefined;
type SmokeState = Awaited<ReturnType<typeof engine.smoke>> | { error: string } | undefined;

export function App() {
  const [device, setDevice] = useState<DeviceState>();
  const [smoke, setSmoke] = useState<SmokeState>();
  useEffect(() => {
    engine.device().then(setDevice);
  }, []);
  const runSmoke = () =>
    engine.smoke().then(setSmoke, (error: unknown) => setSmoke({ error: String(error) }));
  return (
    <main>
      <h1>tunelab</h1>
      <section aria-label="Device">
        {!device && <p>Looking for a GPU…</p>}
        {device?.ok === false && <p role="alert">{device.message}</p>}
        {device?.ok && (
          <>
            <p data-testid="adapter">
              {device.adapter.vendor} {device.adapter.architecture} {device.adapter.description}
              {device.hasTimestamps ? " · timestamp-query" : " · no timestamp-query"}
            </p>
            <button type="button" onClick={runSmoke}>
              Time a test dispatch
            </button>
            {smoke && "error" in smoke && <p role="alert">{smoke.error}</p>}
            {smoke && "kernelNs" in smoke && (
              <p data-testid="smoke">
                {smoke.kernelNs === null ? "ran (untimed)" : `${smoke.kernelNs} ns`} for {smoke.elements}{" "}
                elements
              </p>
            )}
          </>
        )}
      </section>
    </main>
  );
}
