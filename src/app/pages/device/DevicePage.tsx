import { useEffect } from "react";
import { recordedDescription } from "../../../core/dataset/device";
import { WANTED_FEATURES } from "../../../core/families/adapter";
import { DEVICE_LIMIT_NAMES } from "../../../core/families/family";
import { Callout, Card, GuardedButton, Stat } from "../../components/ui";
import { CompareCard } from "../../device/CompareCard";
import { RooflineCard } from "../../device/RooflineCard";
import { byDevice, recordedPeaks } from "../../device/roofline";
import { bytes, count, duration } from "../../format";
import { useLab } from "../../store";
import { adapterName, LIMIT_MEANINGS } from "./adapter";
import { DemoOffer } from "./DemoOffer";

const BYTE_LIMITS = new Set([
  "maxComputeWorkgroupStorageSize",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
]);

export function DevicePage() {
  const device = useLab((s) => s.device);
  const smoke = useLab((s) => s.smoke);
  const runSmoke = useLab((s) => s.runSmoke);
  const checkDemo = useLab((s) => s.checkDemo);
  const peaks = useLab((s) => s.peaks);
  const measurePeaks = useLab((s) => s.measurePeaks);
  const records = useLab((s) => s.records);
  const demo = useLab((s) => s.view.demo);
  useEffect(() => {
    checkDemo();
  }, [checkDemo]);

  if (device.state === "probing") {
    return (
      <div className="page-grid">
        <Card title="Device">
          <p className="muted">Looking for a GPU…</p>
        </Card>
      </div>
    );
  }
  if (device.state === "unavailable") {
    return (
      <div className="page-grid">
        <Card title="Device">
          <Callout tone="bad" title="No WebGPU device here">
            <p>{device.message}</p>
          </Callout>
          <h3>What to do</h3>
          <ul className="steps">
            <li>
              Use Chrome or Edge 113 or newer on Windows, macOS or ChromeOS; on Linux start Chrome with WebGPU
              enabled at <code>chrome://flags/#enable-unsafe-webgpu</code>.
            </li>
            <li>Firefox Nightly and Safari Technology Preview have WebGPU behind their own settings.</li>
            <li>
              Headless or GPU-less Linux: Chromium with{" "}
              <code>
                --enable-unsafe-webgpu --enable-unsafe-swiftshader --use-webgpu-adapter=swiftshader
                --enable-features=Vulkan
              </code>{" "}
              runs WebGPU on the CPU (slow, but every page works).
            </li>
          </ul>
        </Card>
        <DemoOffer />
        {demo && <RecordedRoofline />}
      </div>
    );
  }

  const { adapter, hasTimestamps } = device.report;
  const wanted = new Set<string>(WANTED_FEATURES);
  const here = records.filter(
    (r) => r.device.description === recordedDescription(adapter) && r.device.vendor === adapter.vendor,
  );
  const herePeaks =
    peaks.state === "done"
      ? {
          peakGflops: peaks.peakGflops,
          bandwidthGBps: peaks.peakGBps,
          ...(peaks.peakMatrixGflops ? { matrixGflops: peaks.peakMatrixGflops } : {}),
        }
      : recordedPeaks(here);
  return (
    <div className="page-grid device-page">
      <Card
        title="Device"
        className="span-2"
        subtitle="The GPU this tab measures on. Every kernel runs in a Web Worker, timed by the GPU itself with timestamp queries."
      >
        <div className="device-hero">
          <div>
            <div className="device-name">{adapterName(adapter)}</div>
            <p data-testid="adapter" className="mono muted">
              {adapter.vendor} {adapter.architecture} {adapter.description}
              {hasTimestamps ? " · timestamp-query" : " · no timestamp-query"}
            </p>
            {adapter.isFallbackAdapter && (
              <p className="muted">
                This is a fallback (software) adapter: correct, but far slower than a GPU.
              </p>
            )}
          </div>
          <div className="smoke">
            <button type="button" className="button" onClick={runSmoke} disabled={smoke.state === "running"}>
              Time a test dispatch
            </button>
            {smoke.state === "running" && <span className="muted">running…</span>}
            {smoke.state === "failed" && <p role="alert">{smoke.message}</p>}
            {smoke.state === "done" && (
              <p
                data-testid="smoke"
                title={smoke.result.kernelNs === null ? undefined : duration(smoke.result.kernelNs)}
              >
                {smoke.result.kernelNs === null ? "ran (untimed)" : `${smoke.result.kernelNs} ns`} for{" "}
                {smoke.result.elements} elements
              </p>
            )}
          </div>
        </div>
        {!hasTimestamps && (
          <Callout tone="warn" title="No timestamp-query">
            This adapter cannot time kernels on the GPU, so sweeps cannot measure runtimes here. In Chrome,
            enable <code>chrome://flags/#enable-webgpu-developer-features</code>, or use the recorded demo.
          </Callout>
        )}
      </Card>
      {demo && <RecordedRoofline />}
      <RooflineCard
        peaks={herePeaks}
        records={here}
        actions={
          <GuardedButton
            blockedBy={hasTimestamps ? null : "This adapter cannot time kernels (no timestamp-query)."}
            busy={peaks.state === "measuring"}
            onClick={measurePeaks}
          >
            {peaks.state === "done" ? "Measure again" : "Measure peak FLOPS and bandwidth"}
          </GuardedButton>
        }
      >
        {peaks.state === "measuring" && <p aria-live="polite">Running the FMA and copy microbenchmarks…</p>}
        {peaks.state === "failed" && (
          <Callout tone="bad" title="The microbenchmarks failed">
            {peaks.message}
          </Callout>
        )}
      </RooflineCard>
      {!demo && <CompareCard here={here} herePeaks={herePeaks} />}
      <div className="stack">
        <Card
          title="Features"
          subtitle="Optional WebGPU features; the lab uses the highlighted ones when present."
        >
          <ul className="chips" aria-label="Adapter features">
            {adapter.features.map((feature) => (
              <li key={feature} className={`chip ${wanted.has(feature) ? "chip-accent" : ""}`}>
                {feature}
              </li>
            ))}
            {[...wanted]
              .filter((f) => !adapter.features.includes(f))
              .map((feature) => (
                <li key={feature} className="chip chip-missing" title="not offered by this adapter">
                  no {feature}
                </li>
              ))}
          </ul>
        </Card>
        <DemoOffer />
      </div>
      <div className="stack">
        <Card
          title="Compute limits"
          subtitle="Requested at the adapter's maximum: these bound the tuning spaces."
        >
          <div className="stat-row">
            <Stat
              label="Threads / workgroup"
              value={count(adapter.limits.maxComputeInvocationsPerWorkgroup ?? 0)}
            />
            <Stat label="Shared memory" value={bytes(adapter.limits.maxComputeWorkgroupStorageSize ?? 0)} />
            <Stat label="Largest tensor" value={bytes(adapter.limits.maxStorageBufferBindingSize ?? 0)} />
          </div>
          <table className="table compact">
            <caption className="sr-only">Compute limits and what they bound</caption>
            <thead>
              <tr>
                <th scope="col">Limit</th>
                <th scope="col" className="num">
                  Value
                </th>
                <th scope="col">Bounds</th>
              </tr>
            </thead>
            <tbody>
              {DEVICE_LIMIT_NAMES.map((name) => {
                const value = adapter.limits[name];
                return (
                  <tr key={name}>
                    <td className="mono">{name}</td>
                    <td className="num mono">
                      {value === undefined ? "—" : BYTE_LIMITS.has(name) ? bytes(value) : count(value)}
                    </td>
                    <td className="muted">{LIMIT_MEANINGS[name]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
      </div>
    </div>
  );
}

/** In demo mode: each recorded GPU's roofline, with the fastest recorded kernel of every problem. */
function RecordedRoofline() {
  const demoRecords = useLab((s) => s.demoRecords);
  return (
    <>
      {byDevice(demoRecords).map(({ name, records }) => (
        <RooflineCard
          key={name}
          peaks={recordedPeaks(records)}
          records={records}
          title={`Recorded roofline: ${name}`}
        >
          <p className="muted">Measured on the recorded GPU, not this one.</p>
        </RooflineCard>
      ))}
    </>
  );
}
