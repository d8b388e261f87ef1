import { CliError, type Command, commandHelp, parseCommandArgs } from "./command";
import { compareCommand } from "./commands/compare";
import { curveCommand } from "./commands/curve";
import { devicesCommand } from "./commands/devices";
import { evalCommand } from "./commands/eval";
import { exportCommand } from "./commands/export";
import { importCommand } from "./commands/import";
import { predictCommand } from "./commands/predict";
import { shaderCommand } from "./commands/shader";
import { spaceCommand } from "./commands/space";
import { sweepCommand } from "./commands/sweep";
import { trainCommand } from "./commands/train";
import { verifyCommand } from "./commands/verify";
import { serveMeasuringWorker } from "./measure-pool";
import { enableDawnToggles, UNCHECKED_BOUNDS_TOGGLES, UNSAFE_TOGGLES } from "./node-gpu";

const COMMANDS: Command[] = [
  devicesCommand,
  trainCommand,
  predictCommand,
  evalCommand,
  sweepCommand,
  compareCommand,
  curveCommand,
  importCommand,
  exportCommand,
  spaceCommand,
  shaderCommand,
  verifyCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "tunelab: generate, verify, benchmark and predict WGSL convolution kernels.",
    "",
    "Usage: tunelab <command> [options]     (npm run cli -- <command> [options])",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --help and --json.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new CliError(`unknown command '${name}' (try --help)`);
  const { values, positionals } = parseCommandArgs(command, rest);
  if (values.help) {
    process.stdout.write(commandHelp(command));
    return 0;
  }
  const json = values.json === true;
  if (values["unsafe-features"]) {
    enableDawnToggles(UNSAFE_TOGGLES);
    process.stderr.write(`tunelab: asking Dawn for experimental features (${UNSAFE_TOGGLES.join(", ")})\n`);
  }
  if (values["unchecked-bounds"]) {
    enableDawnToggles(UNCHECKED_BOUNDS_TOGGLES);
    process.stderr.write(
      `tunelab: asking Dawn to compile without bounds checks (${UNCHECKED_BOUNDS_TOGGLES.join(", ")})\n`,
    );
  }
  const output = await command.run({
    values,
    positionals,
    json,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const printed = json ? JSON.stringify(output.result) : output.text;
  if (printed) process.stdout.write(`${printed}\n`);
  return output.exitCode ?? 0;
}

// This file is also the measuring workers' program (`sweep --workers`).
if (!serveMeasuringWorker())
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`tunelab: ${message.split("\n")[0]}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    },
  );
