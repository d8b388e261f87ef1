import { describe, expect, it } from "vitest";
import { createLabStore } from "./index";

describe("opening a measured kernel in Explore", () => {
  it("moves to Explore with its problem, family and config, and asks for its WGSL to be shown once", () => {
    const store = createLabStore();
    store.getState().openInExplore({
      problem: "1x8x8x8,8x3x3,pad=1",
      family: "igemm",
      config: { BM: 16, BN: 32 },
    });
    expect(store.getState().view).toMatchObject({
      page: "explore",
      problem: "1x8x8x8,8x3x3,pad=1",
      family: "igemm",
      config: "BM=16;BN=32",
    });
    expect(store.getState().revealShader).toBe(true);
    store.getState().shaderRevealed();
    expect(store.getState().revealShader).toBe(false);
  });
});
