import type { StateCreator } from "zustand/vanilla";
import { DEFAULT_VIEW, type PageId, type ViewState } from "../url";
import type { LabState } from "./index";

export type Theme = "light" | "dark";

export interface ViewSlice {
  view: ViewState;
  theme: Theme;
  /** Merges a partial view; the URL follows (see syncUrl). */
  setView(partial: Partial<ViewState>): void;
  goTo(page: PageId): void;
  toggleTheme(): void;
}

export const createViewSlice =
  (initial: ViewState = DEFAULT_VIEW, theme: Theme = "dark"): StateCreator<LabState, [], [], ViewSlice> =>
  (set) => ({
    view: initial,
    theme,
    setView: (partial) => set((s) => ({ view: { ...s.view, ...partial } })),
    goTo: (page) => set((s) => ({ view: { ...s.view, page } })),
    toggleTheme: () => set((s) => ({ theme: s.theme === "dark" ? "light" : "dark" })),
  });
