import type { StateCreator } from "zustand/vanilla";
import { DEFAULT_VIEW, formatConfigText, type PageId, type ViewState } from "../url";
import type { LabState } from "./index";

export type Theme = "light" | "dark";

/** A measured kernel to look at: its problem (text form), family and config. */
export interface KernelRef {
  problem: string;
  family: string;
  config: Record<string, number>;
}

export interface ViewSlice {
  view: ViewState;
  theme: Theme;
  /** Set when a chart opened a config in Explore: the page brings its WGSL into view, then clears it. */
  revealShader: boolean;
  /** Merges a partial view; the URL follows (see syncUrl). */
  setView(partial: Partial<ViewState>): void;
  goTo(page: PageId): void;
  /** Explore with this kernel chosen, its generated WGSL in view. */
  openInExplore(kernel: KernelRef): void;
  shaderRevealed(): void;
  toggleTheme(): void;
}

export const createViewSlice =
  (initial: ViewState = DEFAULT_VIEW, theme: Theme = "dark"): StateCreator<LabState, [], [], ViewSlice> =>
  (set) => ({
    view: initial,
    theme,
    revealShader: false,
    setView: (partial) => set((s) => ({ view: { ...s.view, ...partial } })),
    goTo: (page) => set((s) => ({ view: { ...s.view, page } })),
    openInExplore: ({ problem, family, config }) =>
      set((s) => ({
        view: { ...s.view, page: "explore", problem, family, config: formatConfigText(config) },
        revealShader: true,
      })),
    shaderRevealed: () => set({ revealShader: false }),
    toggleTheme: () => set((s) => ({ theme: s.theme === "dark" ? "light" : "dark" })),
  });
