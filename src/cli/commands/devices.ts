import type { Command } from "../command";
import { nodeSession } from "../node-gpu";
import { devicePeaks, STORE_OPTION, storePath } from "./store";

export const devicesCommand: Command = {
  name: "devices",
  summary:
    "Show the WebGPU adapter Dawn finds (vendor, architecture, features, limits) and its measured FMA and copy peaks.",
  usage: "devices [--store FILE] [--json]",
  options: { ...STORE_OPTION },
  async run(ctx) {
    const session = await nodeSession();
    try {
      const { adapter } = await session.device();
      // Measured afresh (and cached beside the store for sweeps): the numbers every fraction of peak uses.
      const peaks = await devicePeaks(session, storePath(ctx), { remeasure: true });
      const text = [
        `adapter      ${adapter.vendor || "?"} ${adapter.architecture || ""} ${adapter.description || adapter.device}`.trimEnd(),
        `fallback     ${adapter.isFallbackAdapter}`,
        `peak         ${peaks.peakGflops.toFixed(1)} GFLOP/s (FMA), ${peaks.peakGBps.toFixed(1)} GB/s (copy)`,
        ...(peaks.peakMatrixGflops
          ? [
              `matrix peak  ${peaks.peakMatrixGflops.toFixed(1)} GFLOP/s (f16 subgroup matrices: tensor cores)`,
            ]
          : []),
        `features     ${adapter.features.join(", ")}`,
        `subgroups    ${adapter.subgroupMinSize}-${adapter.subgroupMaxSize} invocations`,
        ...(adapter.subgroupMatrixConfigs.length
          ? [
              `matrices     ${adapter.subgroupMatrixConfigs
                .map((c) => `${c.componentType}->${c.resultComponentType} ${c.M}x${c.N}x${c.K}`)
                .join(", ")}`,
            ]
          : []),
        "limits",
        ...Object.entries(adapter.limits)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `  ${k.padEnd(44)} ${v}`),
      ].join("\n");
      return { result: { adapter, peaks }, text };
    } finally {
      session.destroy();
    }
  },
};
