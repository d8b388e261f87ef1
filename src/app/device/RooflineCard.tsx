import type { ReactNode } from "react";
import type { TuningRecord } from "../../core/dataset/record";
import { ChartBox, Roofline } from "../charts";
import { Card, Stat } from "../components/ui";
import { si } from "../format";
import { useLab } from "../store";
import { type Roofs, rooflinePoints } from "./roofline";

/** Peak compute, peak bandwidth, and where the fastest measured kernels sit under them. */
export function RooflineCard({
  peaks,
  records,
  actions,
  children,
  title = "Roofline",
}: {
  title?: string;
  peaks: Roofs | null;
  records: readonly TuningRecord[];
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const points = rooflinePoints(records);
  const openInExplore = useLab((s) => s.openInExplore);
  return (
    <Card
      title={title}
      className="span-2"
      subtitle="Attainable FLOP/s is the lower of the compute peak and bandwidth × arithmetic intensity. Points: the fastest kernel measured for each problem and family; click one to open its WGSL in Explore."
      actions={actions}
    >
      {children}
      {peaks ? (
        <>
          <div className="stat-row">
            <Stat
              label="Peak compute"
              value={si(peaks.peakGflops * 1e9, "FLOP/s")}
              testId="peak-flops"
              hint="FMA loop, f32"
            />
            <Stat
              label="Peak bandwidth"
              value={si(peaks.bandwidthGBps * 1e9, "B/s")}
              testId="peak-bandwidth"
              hint="buffer copy"
            />
            <Stat
              label="Ridge point"
              value={`${(peaks.peakGflops / peaks.bandwidthGBps).toPrecision(3)} FLOP/B`}
              hint="memory-bound to the left"
            />
            {peaks.matrixGflops && (
              <Stat
                label="Tensor cores"
                value={si(peaks.matrixGflops * 1e9, "FLOP/s")}
                testId="peak-matrix"
                hint="subgroup matrices, f16"
              />
            )}
            <Stat label="Kernels plotted" value={points.length} />
          </div>
          <ChartBox caption="Roofline with measured kernels" testId="roofline">
            <Roofline
              peakGflops={peaks.peakGflops}
              bandwidthGBps={peaks.bandwidthGBps}
              {...(peaks.matrixGflops ? { matrixGflops: peaks.matrixGflops } : {})}
              points={points}
              onOpen={(p) => openInExplore({ problem: p.problem, family: p.family, config: p.config })}
            />
          </ChartBox>
        </>
      ) : (
        <p className="muted">Measure the device's peaks to draw its roofline.</p>
      )}
    </Card>
  );
}
