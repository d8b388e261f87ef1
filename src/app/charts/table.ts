import { createContext, useContext, useEffect } from "react";
import { csvCell } from "../../core/dataset/io";

/** What a chart plots, as a table: one row per mark, in the chart's own units (named in the column). */
export interface ChartTable {
  columns: readonly string[];
  rows: readonly (readonly (string | number | null | undefined)[])[];
}

/** The chart table as CSV, its text cells escaped as the dataset export escapes them (no formulas). */
export function chartTableCsv(table: ChartTable): string {
  const cell = (value: unknown) => csvCell(value, typeof value === "number" ? "number" : "string");
  return [table.columns, ...table.rows].map((row) => `${row.map(cell).join(",")}\n`).join("");
}

/**
 * A chart hands its table to the ChartBox around it, whose CSV export reads it when pressed (a ref,
 * so handing it over re-renders nothing).
 */
export const ChartTableSink = createContext<{ current: ChartTable | null } | null>(null);

export function useChartTable(table: ChartTable): void {
  const sink = useContext(ChartTableSink);
  useEffect(() => {
    if (sink) sink.current = table;
  }, [sink, table]);
}
