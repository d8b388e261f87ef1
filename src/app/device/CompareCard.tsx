import { useMemo } from "react";
import type { TuningRecord } from "../../core/dataset/record";
import { ChartBox, Roofline } from "../charts";
import { Callout, Card, GuardedButton } from "../components/ui";
import { configText, count, duration } from "../format";
import { useLab } from "../store";
import { compareDevices } from "./compare";
import { recordedPeaks, rooflinePoints } from "./roofline";

/**
 * This GPU beside the recorded one (public/demo/): both rooflines with their kernels in one chart,
 * and every problem both measured with each one's fastest kernel and the ratio of their times.
 */
export function CompareCard({
  here,
  herePeaks,
}: {
  /** This GPU's records. */
  here: readonly TuningRecord[];
  /** This GPU's measured peaks, when known. */
  herePeaks: { peakGflops: number; bandwidthGBps: number } | null;
}) {
  const demoData = useLab((s) => s.demoData);
  const recorded = useLab((s) => s.demoRecords);
  const load = useLab((s) => s.demoRecordsLoad);
  const loadDemoRecords = useLab((s) => s.loadDemoRecords);
  const comparison = useMemo(() => compareDevices(here, recorded), [here, recorded]);
  const overlay = useMemo(() => {
    const peaks = recordedPeaks(recorded);
    return peaks && demoData.state === "available"
      ? { name: demoData.recording.device.description, ...peaks, points: rooflinePoints(recorded) }
      : null;
  }, [recorded, demoData]);
  if (demoData.state !== "available") return null;
  const theirs = demoData.recording.device.description;
  return (
    <Card
      title="Compare with the recorded GPU"
      className="span-2"
      subtitle={`This GPU's measurements beside the recording made on ${theirs}: both rooflines, and each problem both measured.`}
      actions={
        load.state !== "ready" && (
          <GuardedButton busy={load.state === "loading"} blockedBy={null} onClick={loadDemoRecords}>
            Load the recording
          </GuardedButton>
        )
      }
    >
      {load.state === "failed" && (
        <Callout tone="bad" title="The recording did not load">
          {load.message}
        </Callout>
      )}
      {load.state === "ready" && (
        <>
          {overlay && herePeaks ? (
            <ChartBox caption={`Rooflines: this GPU and ${theirs}`} testId="compare-roofline">
              <Roofline {...herePeaks} points={rooflinePoints(here)} overlay={overlay} />
            </ChartBox>
          ) : (
            <p className="muted">Measure this device's peaks to draw both rooflines.</p>
          )}
          <p data-testid="compare-summary">
            {count(comparison.shared.length)} problem{comparison.shared.length === 1 ? "" : "s"} measured on
            both; {count(comparison.onlyRecorded)} only in the recording, {count(comparison.onlyHere)} only
            here.
            {comparison.shared.length === 0 &&
              " Sweep one of the recorded problems (the Explore page's suites hold them) to compare it."}
          </p>
          {comparison.shared.length > 0 && (
            <div className="table-scroll">
              <table className="table" data-testid="compare-table">
                <caption className="sr-only">Fastest kernel per problem on this GPU and on {theirs}</caption>
                <thead>
                  <tr>
                    <th scope="col">Problem</th>
                    <th scope="col" className="num">
                      This GPU
                    </th>
                    <th scope="col" className="num">
                      Recorded
                    </th>
                    <th scope="col" className="num">
                      Ratio
                    </th>
                    <th scope="col">This GPU's kernel</th>
                    <th scope="col">Recorded kernel</th>
                  </tr>
                </thead>
                <tbody>
                  {comparison.shared.map((row) => (
                    <tr key={row.problem}>
                      <td className="mono">{row.problem}</td>
                      <td className="num">{duration(row.here.medianNs)}</td>
                      <td className="num">{duration(row.recorded.medianNs)}</td>
                      <td className="num">{ratioText(row.ratio)}</td>
                      <td className="mono wrap">
                        {row.here.family} {configText(row.here.config)}
                      </td>
                      <td className="mono wrap">
                        {row.recorded.family} {configText(row.recorded.config)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

/** 12.3 -> "12.3× slower", 0.5 -> "2.00× faster": always a factor of at least one, and which way. */
export function ratioText(ratio: number): string {
  const factor = ratio >= 1 ? ratio : 1 / ratio;
  const text = factor < 10 ? factor.toFixed(2) : factor < 100 ? factor.toFixed(1) : count(Math.round(factor));
  return `${text}× ${ratio >= 1 ? "slower" : "faster"}`;
}
