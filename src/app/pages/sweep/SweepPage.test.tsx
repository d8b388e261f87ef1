import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createLabStore, setLabStore } from "../../store";
import { DEFAULT_VIEW } from "../../url";
import SweepPage from "./SweepPage";

describe("SweepPage's Start sweep", () => {
  afterEach(cleanup);

  it("says why it is disabled in demo mode", () => {
    setLabStore(createLabStore({ view: { ...DEFAULT_VIEW, page: "sweep", demo: true } }));
    render(<SweepPage />);
    const start = screen.getByRole("button", { name: "Start sweep", description: /recording: leave it/ });
    expect(start.hasAttribute("disabled")).toBe(true);
  });

  it("says why it is disabled without WebGPU", () => {
    const store = createLabStore({ view: { ...DEFAULT_VIEW, page: "sweep" } });
    store.setState({ device: { state: "unavailable", reason: "no-adapter", message: "no adapter" } });
    setLabStore(store);
    render(<SweepPage />);
    const start = screen.getByRole("button", { name: "Start sweep", description: /no WebGPU/ });
    expect(start.hasAttribute("disabled")).toBe(true);
  });

  it("names why a family cannot run the problem", () => {
    const problem = "1x64x56x56,64x3x3,pad=1,precision=f16";
    setLabStore(createLabStore({ view: { ...DEFAULT_VIEW, page: "sweep", problem } }));
    render(<SweepPage />);
    const direct = screen.getByRole("option", { name: /^Direct/ }) as HTMLOptionElement;
    expect(direct.disabled).toBe(true);
    expect(direct.textContent).toMatch(/— f32 problems only/);
  });
});
