import { type Config, enumerate, type TuningSpace } from "../../core/space/space";

/**
 * The valid config holding the `fixed` values that keeps the most of `current`'s other values (the
 * first such in enumeration order), or null when no valid config holds them. Looks at most `limit`
 * valid configs, so a huge space answers quickly with a good, not necessarily the best, neighbour.
 */
export function nearestValid(
  space: TuningSpace,
  current: Config,
  fixed: Config,
  limit = 200_000,
): Config | null {
  let best: Config | null = null;
  let bestShared = -1;
  let seen = 0;
  const others = space.params.filter((p) => !(p.name in fixed)).map((p) => p.name);
  const pinned = Object.entries(fixed);
  for (const config of enumerate(space)) {
    if (++seen > limit) break;
    if (pinned.some(([name, value]) => config[name] !== value)) continue;
    const shared = others.filter((n) => config[n] === current[n]).length;
    if (shared > bestShared) {
      best = config;
      bestShared = shared;
      if (shared === others.length) break;
    }
  }
  return best;
}
