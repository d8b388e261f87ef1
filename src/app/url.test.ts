import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW, formatConfigText, parseConfigText, searchFromView, viewFromSearch } from "./url";

describe("view state in the URL", () => {
  it("round-trips a view through the query string, keeping the problem text readable", () => {
    const view = {
      ...DEFAULT_VIEW,
      page: "explore" as const,
      problem: "1x128x28x28,128x3x3,pad=1",
      family: "direct",
      config: "WGX=4;WGY=8",
      xParam: "WGX",
      demo: true,
      present: true,
    };
    const search = searchFromView(view);
    expect(search).toContain("problem=1x128x28x28,128x3x3,pad=1");
    expect(search).toContain("demo=1&present=1");
    expect(viewFromSearch(search)).toEqual(view);
  });

  it("writes nothing for the defaults and reads defaults from an empty or malformed query", () => {
    expect(searchFromView(DEFAULT_VIEW)).toBe("");
    expect(viewFromSearch("")).toEqual(DEFAULT_VIEW);
    expect(viewFromSearch("?page=nowhere&demo=yes").page).toBe("device");
    expect(viewFromSearch("?page=nowhere&demo=yes").demo).toBe(false);
  });

  it("parses config text, dropping entries that are not name=number", () => {
    expect(parseConfigText("a=1;b=2.5;c=;d=x;=3;e")).toEqual({ a: 1, b: 2.5 });
    expect(formatConfigText({ a: 1, b: 2 })).toBe("a=1;b=2");
  });
});
