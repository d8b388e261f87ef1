import { parseArgs } from "node:util";

/** A failure the user can fix: printed as one line on stderr, exit status non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  /** Shown in help as the value's placeholder, e.g. FILE. */
  value?: string;
  default?: string | boolean;
}

export interface CommandContext {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  json: boolean;
  /** Human-readable progress; goes to stderr so stdout keeps a single JSON object under --json. */
  progress(line: string): void;
}

export interface CommandOutput {
  /** What `--json` prints as the last line of stdout. */
  result: object;
  /** What a person reads when `--json` is absent (nothing when empty: the command wrote its output itself). */
  text: string;
  /** Exit status after printing (default 0): non-zero when the command ran but found problems. */
  exitCode?: number;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments accepted (default: none). */
  positionals?: number;
  run(ctx: CommandContext): Promise<CommandOutput>;
}

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  "unsafe-features": {
    type: "boolean",
    description:
      "ask Dawn for its experimental features too: shader-f16 and subgroup matrices (tensor cores) where the GPU has them",
  },
  "unchecked-bounds": {
    type: "boolean",
    description:
      "compile WGSL without Dawn's bounds checks (its disable_robustness toggle); kernels are still verified, and records say so",
  },
  json: { type: "boolean", description: "print exactly one JSON object as the last line of stdout" },
  help: { type: "boolean", description: "show this help" },
};

export function commandHelp(command: Command): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const width = Math.max(
    ...Object.entries(options).map(([k, o]) => k.length + (o.value ? o.value.length + 1 : 0)),
  );
  const lines = Object.entries(options).map(([name, spec]) => {
    const flag = spec.value ? `${name} ${spec.value}` : name;
    const dflt = spec.default !== undefined ? ` (default ${spec.default})` : "";
    return `  --${flag.padEnd(width)}  ${spec.description}${dflt}`;
  });
  return `${command.summary}\n\nUsage: tunelab ${command.usage}\n\nOptions:\n${lines.join("\n")}\n`;
}

export function parseCommandArgs(
  command: Command,
  argv: string[],
): Pick<CommandContext, "values" | "positionals"> {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([name, spec]) => [
      name,
      spec.default === undefined ? { type: spec.type } : { type: spec.type, default: spec.default },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    const allowed = command.positionals ?? 0;
    if (positionals.length > allowed) {
      throw new CliError(`${command.name}: unexpected argument '${positionals[allowed]}' (see --help)`);
    }
    return { values: values as CommandContext["values"], positionals };
  } catch (error) {
    if (error instanceof CliError) throw error;
    // node:util's messages are long and mention internals; keep the first sentence.
    const message = String((error as Error).message).split(". ")[0];
    throw new CliError(`${command.name}: ${message} (see --help)`);
  }
}

/** Reads a required string option or fails with a message naming it. */
export function requireString(ctx: CommandContext, name: string): string {
  const value = ctx.values[name];
  if (typeof value !== "string" || value === "") throw new CliError(`missing --${name} (see --help)`);
  return value;
}

/** Reads an optional positive integer option. */
export function optionalInt(ctx: CommandContext, name: string, min = 1): number | undefined {
  const value = ctx.values[name];
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < min) {
    throw new CliError(`--${name} must be an integer >= ${min}, got '${String(value)}'`);
  }
  return n;
}
