import { familyRefusal } from "../../core/families/index";
import { formatProblem } from "../../core/problem";
import { rawSize, spaceSize } from "../../core/space/space";
import type { Command } from "../command";
import { requireString } from "../command";
import {
  FAMILY_OPTION,
  familiesFromArg,
  LIMITS_OPTION,
  limitsFromArg,
  parseProblemArg,
} from "../problem-args";

export const spaceCommand: Command = {
  name: "space",
  summary: "Show each kernel family's tuning space for a problem: parameters, domains, rules, and its size.",
  usage: "space --problem P --family F|all [--limits spec|device] [--json]",
  options: {
    problem: { type: "string", value: "P", description: "the problem, e.g. 1x64x56x56,64x3x3,pad=1" },
    ...FAMILY_OPTION,
    ...LIMITS_OPTION,
  },
  async run(ctx) {
    const problem = parseProblemArg(requireString(ctx, "problem"));
    const families = familiesFromArg(ctx);
    const limits = await limitsFromArg(ctx);
    const spaces = families.map((family) => {
      const unsupported = familyRefusal(family, problem, limits);
      if (unsupported) return { family: family.id, unsupported };
      const space = family.space(problem, limits);
      return {
        family: family.id,
        size: spaceSize(space),
        rawSize: rawSize(space),
        params: space.params.map((p) => ({ name: p.name, values: [...p.values], doc: p.doc })),
        rules: space.rules.map((r) => r.id),
      };
    });
    const text = [
      `problem ${formatProblem(problem)} (limits: ${ctx.values.limits ?? "spec"})`,
      ...spaces.flatMap((s) =>
        "unsupported" in s
          ? [`\n${s.family}: unsupported: ${s.unsupported}`]
          : [
              `\n${s.family}: ${s.size} valid configs of ${s.rawSize}`,
              ...s.params.map((p) => `  ${p.name.padEnd(4)} ${p.values.join(",").padEnd(22)} ${p.doc}`),
              `  rules: ${s.rules.join(", ")}`,
            ],
      ),
    ].join("\n");
    return { result: { problem: formatProblem(problem), spaces }, text };
  },
};
