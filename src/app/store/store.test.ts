import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_VIEW } from "../url";
import { createLabStore } from "./index";
import { syncWithBrowser } from "./sync";

describe("the lab store", () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    window.history.replaceState(null, "", "/");
  });

  it("merges view changes and flips the theme", () => {
    const store = createLabStore({ theme: "dark" });
    store.getState().setView({ problem: "1x8x8x8,8x1x1" });
    store.getState().goTo("sweep");
    expect(store.getState().view).toEqual({ ...DEFAULT_VIEW, problem: "1x8x8x8,8x1x1", page: "sweep" });
    store.getState().toggleTheme();
    expect(store.getState().theme).toBe("light");
  });

  it("mirrors the view into the address bar: a page change is a history entry, other changes replace it", () => {
    const store = createLabStore({ theme: "light" });
    stop = syncWithBrowser(store);
    expect(document.documentElement.dataset.theme).toBe("light");
    const before = window.history.length;
    store.getState().goTo("explore");
    expect(window.location.search).toBe("?page=explore");
    expect(window.history.length).toBe(before + 1);
    store.getState().setView({ family: "igemm" });
    expect(window.location.search).toBe("?page=explore&family=igemm");
    expect(window.history.length).toBe(before + 1);
  });

  it("follows Back: a popstate reads the view from the URL", () => {
    const store = createLabStore();
    stop = syncWithBrowser(store);
    window.history.pushState(null, "", "/?page=dataset");
    window.dispatchEvent(new PopStateEvent("popstate"));
    expect(store.getState().view.page).toBe("dataset");
  });
});
