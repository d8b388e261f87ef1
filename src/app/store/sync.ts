import { searchFromView, viewFromSearch } from "../url";
import type { LabStore } from "./index";
import type { Theme } from "./view";

const THEME_KEY = "tunelab.theme";

export function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === "light" || saved === "dark") return saved;
  return window.matchMedia?.("(prefers-color-scheme: light)").matches ? "light" : "dark";
}

/**
 * Keeps the address bar and the store in step: a page change is a history entry (Back works), other
 * view changes replace the current one. Also applies the theme and presentation mode to <html>.
 * Returns an unsubscribe.
 */
export function syncWithBrowser(store: LabStore): () => void {
  const applyTheme = (theme: Theme) => {
    document.documentElement.dataset.theme = theme;
  };
  const applyPresentation = (present: boolean) => {
    document.documentElement.toggleAttribute("data-present", present);
  };
  applyTheme(store.getState().theme);
  applyPresentation(store.getState().view.present);
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.view.present !== previous.view.present) applyPresentation(state.view.present);
    if (state.theme !== previous.theme) {
      applyTheme(state.theme);
      // Only a choice made here is remembered; otherwise the system's preference keeps deciding.
      localStorage.setItem(THEME_KEY, state.theme);
    }
    if (state.view === previous.view) return;
    const search = searchFromView(state.view);
    if (search === window.location.search) return;
    const url = `${window.location.pathname}${search}${window.location.hash}`;
    if (state.view.page !== previous.view.page) window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  });
  const onPopState = () => store.setState({ view: viewFromSearch(window.location.search) });
  window.addEventListener("popstate", onPopState);
  return () => {
    unsubscribe();
    window.removeEventListener("popstate", onPopState);
  };
}
