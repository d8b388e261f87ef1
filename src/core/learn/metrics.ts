/** How well predicted configs match the tuned ones: exact, per value, in the top K, and validity. */

export interface Scores {
  n: number;
  /** Top-1 equals the tuned config. */
  exact: number;
  /** Mean fraction of positions where top-1 has the tuned value. */
  perValue: number;
  /** The tuned config is among the candidates. */
  topK: number;
  /** Fraction of emitted configs that obey every rule of their problem's space. */
  valid: number;
  /** Problems for which nothing was emitted (no valid completion). */
  unanswered: number;
}

export interface Scored {
  truth: readonly number[];
  /** Candidates best first; empty when there was no answer. */
  candidates: readonly (readonly number[])[];
  /** Whether a config is valid for this problem. */
  isValid: (values: readonly number[]) => boolean;
}

/** Whether two answers are the same config, value for value. */
export const sameValues = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export function valueMatches(truth: readonly number[], predicted: readonly number[] | undefined): number {
  if (!predicted || !truth.length) return 0;
  return truth.filter((v, i) => predicted[i] === v).length / truth.length;
}

export function score(items: readonly Scored[]): Scores {
  let exact = 0;
  let perValue = 0;
  let topK = 0;
  let emitted = 0;
  let valid = 0;
  let unanswered = 0;
  for (const { truth, candidates, isValid } of items) {
    const first = candidates[0];
    if (!first) unanswered++;
    if (first && sameValues(first, truth)) exact++;
    perValue += valueMatches(truth, first);
    if (candidates.some((c) => sameValues(c, truth))) topK++;
    for (const c of candidates) {
      emitted++;
      if (isValid(c)) valid++;
    }
  }
  const n = items.length;
  const share = (x: number) => (n ? x / n : 0);
  return {
    n,
    exact: share(exact),
    perValue: share(perValue),
    topK: share(topK),
    valid: emitted ? valid / emitted : 1,
    unanswered,
  };
}

/** The two numbers reported for a baseline's single guesses. */
export function scoreGuesses(
  truths: readonly (readonly number[])[],
  guesses: readonly (readonly number[] | undefined)[],
) {
  const n = truths.length;
  let exact = 0;
  let perValue = 0;
  truths.forEach((truth, i) => {
    const guess = guesses[i];
    if (guess && sameValues(guess, truth)) exact++;
    perValue += valueMatches(truth, guess);
  });
  return { exact: n ? exact / n : 0, perValue: n ? perValue / n : 0 };
}
