import { planConfig } from "../../core/families/index";
import { CliError, type Command, requireString } from "../command";
import {
  FAMILY_OPTION,
  familiesFromArg,
  LIMITS_OPTION,
  limitsFromArg,
  parseConfigArg,
  parseProblemArg,
} from "../problem-args";

export const shaderCommand: Command = {
  name: "shader",
  summary: "Print the WGSL of one config of a kernel family for a problem (every pass, with its dispatch).",
  usage: "shader --problem P --family F --config NAME=VALUE,... [--limits spec|device] [--json]",
  options: {
    problem: { type: "string", value: "P", description: "the problem, e.g. 1x64x56x56,64x3x3,pad=1" },
    ...FAMILY_OPTION,
    config: {
      type: "string",
      value: "C",
      description: "the parameters, e.g. BM=64,BN=64,BK=16,TM=4,TN=4,...",
    },
    ...LIMITS_OPTION,
  },
  async run(ctx) {
    const problem = parseProblemArg(requireString(ctx, "problem"));
    const [family] = familiesFromArg(ctx, false);
    if (!family) throw new CliError("missing --family");
    const config = parseConfigArg(requireString(ctx, "config"));
    const planned = planConfig(family, problem, config, await limitsFromArg(ctx));
    if (!planned.ok) {
      const reasons = planned.violations.map((v) => `${v.rule}: ${v.message}`).join("; ");
      throw new CliError(`invalid ${family.id} config: ${reasons}`);
    }
    const { plan } = planned;
    const text = plan.passes
      .map(
        (p) =>
          `// pass ${p.label}: entry point ${p.entryPoint}, dispatch ${p.dispatch.join("x")}, bindings ${p.bindings.join(", ")}\n${p.wgsl}`,
      )
      .join("\n");
    return { result: plan, text };
  },
};
