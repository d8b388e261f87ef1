import { type ConvProblem, ProblemError, parseProblem } from "../../core/problem";

export type ProblemCheck =
  | { ok: true; problem: ConvProblem }
  | {
      ok: false;
      message: string;
      part: string /** Index of the comma-separated segment at fault, or -1. */;
      segment: number;
    };

const INPUT_DIMS = new Set(["input", "N", "C", "H", "W"]);
const FILTER_DIMS = new Set(["filter", "K", "R", "S"]);

/** Which comma-separated segment of `text` a ProblemError's `part` points at (-1 when none does). */
export function locatePart(text: string, part: string): number {
  const segments = text.split(",").map((s) => s.trim());
  if (INPUT_DIMS.has(part)) return 0;
  if (FILTER_DIMS.has(part)) return segments.length > 1 ? 1 : 0;
  const exact = segments.indexOf(part);
  if (exact >= 0) return exact;
  return segments.findIndex((s, i) => i >= 2 && s.split("=")[0] === part);
}

/** Parses as-you-type text into a problem or a message that names the bad part and where it is. */
export function checkProblemText(text: string): ProblemCheck {
  try {
    return { ok: true, problem: parseProblem(text) };
  } catch (error) {
    if (error instanceof ProblemError) {
      return { ok: false, message: error.message, part: error.part, segment: locatePart(text, error.part) };
    }
    throw error;
  }
}
