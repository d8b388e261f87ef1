/**
 * What a record means, beyond its shape: the schema admits any family name, problem text and config,
 * but train, eval and the charts read them as a family tunelab has, the problem its fields describe and
 * a config of that family's space. A record that says otherwise is refused before it is stored.
 */
import { FAMILIES } from "../families/index";
import { type ConvProblem, parseProblem } from "../problem";
import { checkConfig } from "../space/space";
import { recordLimits } from "./device";
import { type DatasetFormat, type RecordItem, recordPlace } from "./io";
import type { TuningRecord } from "./record";

/** What the CLI's --config accepts and the families name their parameters with. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Text from the file, quoted and cut short: a key may hold a whole shader. */
const clip = (text: string, max = 24) =>
  JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);

/**
 * Why a (schema-valid) record cannot be what it says, or null. A record that ran (any status but
 * invalid) holds a config its family could plan for its problem on the device's recorded limits; an
 * invalid record says its config was refused, so only its parameter names are checked.
 */
export function recordIssue(record: TuningRecord): string | null {
  const family = FAMILIES.find((f) => f.id === record.family);
  if (!family)
    return `family: unknown family ${clip(record.family)} (${FAMILIES.map((f) => f.id).join(", ")})`;
  const { text, fields } = record.problem;
  let problem: ConvProblem;
  try {
    problem = parseProblem(text);
  } catch (error) {
    return `problem.text: ${(error as Error).message}`;
  }
  const differs = (Object.keys(problem) as (keyof ConvProblem)[]).filter((k) => problem[k] !== fields[k]);
  if (differs.length) {
    const pairs = differs.map((k) => `${k} ${problem[k]} in the text, ${fields[k]} in the fields`);
    return `problem.text ${clip(text, 80)} does not match problem.fields: ${pairs.join("; ")}`;
  }
  const badName = Object.keys(record.config).find((name) => !PARAM_NAME.test(name));
  if (badName !== undefined) return `config: ${clip(badName)} is not a parameter name`;
  if (record.status === "invalid") return null;
  const unsupported = family.unsupported(problem);
  if (unsupported) return `family: ${family.id} cannot run this problem (${unsupported})`;
  let limits: ReturnType<typeof recordLimits>;
  try {
    limits = recordLimits(record.device);
  } catch (error) {
    return `device.limits: ${(error as Error).message}`;
  }
  const violations = checkConfig(family.space(problem, limits), record.config);
  if (violations.length) {
    return `config: ${violations.map((v) => v.message).join("; ")} (${family.id} on ${record.problem.text})`;
  }
  return null;
}

/** A record refused on import: its line (or row, or array index) and why. */
export interface Rejected {
  line: number;
  reason: string;
}

/** A read item as a record that holds together and means what it says, or why it is refused. */
export function checkItem(item: RecordItem, format: DatasetFormat): { record: TuningRecord } | Rejected {
  if ("error" in item) return { line: item.line, reason: item.error.message };
  const issue = recordIssue(item.record);
  return issue
    ? { line: item.line, reason: `${recordPlace(format, item.line)}: ${issue}` }
    : { record: item.record };
}
