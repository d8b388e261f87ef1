import type { KernelFamily } from "../core/families/family";

/** The kernel families the lab offers, in the order the Explore page lists them. */
export const FAMILIES: readonly KernelFamily[] = [];
