import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SuitePicker } from "./SuitePicker";

describe("SuitePicker", () => {
  afterEach(cleanup);

  it("offers the layers in the shown problem's layout, NHWC included", () => {
    render(<SuitePicker current="1x64x56x56,64x3x3,pad=1,layout=NHWC" onPick={() => {}} />);
    expect((screen.getByRole("combobox", { name: "Layout" }) as HTMLSelectElement).value).toBe("NHWC");
    const layer = screen.getByRole("combobox", { name: "Layer" }) as HTMLSelectElement;
    expect(layer.value).toBe("1x64x56x56,64x3x3,pad=1,layout=NHWC");
  });

  it("changes the problem's layout", () => {
    const onPick = vi.fn();
    render(<SuitePicker current="1x64x56x56,64x3x3,pad=1" onPick={onPick} />);
    fireEvent.change(screen.getByRole("combobox", { name: "Layout" }), { target: { value: "NHWC" } });
    expect(onPick).toHaveBeenCalledWith("1x64x56x56,64x3x3,pad=1,layout=NHWC");
  });
});
