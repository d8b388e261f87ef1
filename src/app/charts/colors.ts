import { useEffect, useState } from "react";
import { useLab } from "../store";

export interface ChartColors {
  accent: string;
  violet: string;
  amber: string;
  rose: string;
  text: string;
  muted: string;
  line: string;
  bg: string;
}

function read(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    accent: v("--accent"),
    violet: v("--violet"),
    amber: v("--amber"),
    rose: v("--rose"),
    text: v("--text"),
    muted: v("--text-muted"),
    line: v("--line"),
    bg: v("--bg-raised"),
  };
}

/** The theme's colours as plain strings (SVG attributes do not resolve CSS variables everywhere). */
export function useChartColors(): ChartColors {
  const theme = useLab((s) => s.theme);
  const [colors, setColors] = useState(read);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-read when the theme flips
  useEffect(() => setColors(read()), [theme]);
  return colors;
}
