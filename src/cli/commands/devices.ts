import { acquireDevice } from "../../gpu/device";
import { CliError, type Command } from "../command";
import { nodeGpu } from "../node-gpu";

export const devicesCommand: Command = {
  name: "devices",
  summary: "Show the WebGPU adapter Dawn finds: vendor, architecture, description, features and limits.",
  usage: "devices [--json]",
  options: {},
  async run() {
    const acquired = await acquireDevice(await nodeGpu());
    if (!acquired.ok) throw new CliError(acquired.message, 1);
    const { adapter } = acquired;
    acquired.device.destroy();
    const text = [
      `adapter      ${adapter.vendor || "?"} ${adapter.architecture || ""} ${adapter.description || adapter.device}`.trimEnd(),
      `fallback     ${adapter.isFallbackAdapter}`,
      `features     ${adapter.features.join(", ")}`,
      "limits",
      ...Object.entries(adapter.limits)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `  ${k.padEnd(44)} ${v}`),
    ].join("\n");
    return { result: { adapter }, text };
  },
};
