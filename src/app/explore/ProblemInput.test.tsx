import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { ProblemInput } from "./ProblemInput";

function Harness({ initial }: { initial: string }) {
  const [text, setText] = useState(initial);
  return <ProblemInput value={text} onChange={setText} />;
}

describe("ProblemInput", () => {
  afterEach(cleanup);

  it("summarises a valid problem", () => {
    render(<Harness initial="1x8x8x8,8x3x3,pad=1" />);
    const input = screen.getByRole("textbox", { name: "Problem" });
    expect(input.getAttribute("aria-invalid")).toBe("false");
    expect(screen.getByText(/output 1×8×8×8/)).toBeTruthy();
  });

  it("names the bad part as you type, and marks the segment at fault", () => {
    render(<Harness initial="1x8x8x8,8x3x3,pad=1" />);
    const input = screen.getByRole("textbox", { name: "Problem" });
    fireEvent.change(input, { target: { value: "1x8x8x8,8x3x3,pad=1,strde=2" } });
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const status = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(status?.textContent).toMatch(/unknown option 'strde'/);
    expect(document.querySelector(".segment.bad")?.textContent).toBe("strde=2");
    fireEvent.change(input, { target: { value: "1x8x8x8,8x3x3,pad=1,stride=2" } });
    expect(input.getAttribute("aria-invalid")).toBe("false");
  });
});
