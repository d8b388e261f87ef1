import { describe, expect, it } from "vitest";
import { makeProblem } from "../problem";
import { sampleRecord } from "./fixtures";
import { DATASET_FORMATS, DatasetError, readRecordItems, readRecords, writeRecords } from "./io";
import { problemEntry, recordKey, tuningRecordSchema } from "./record";
import { summarize } from "./summary";

const records = [
  sampleRecord(),
  sampleRecord({
    config: { WGX: 8, WGY: 2 },
    status: "compile-failed",
    message: 'error: unresolved "x",\nline 2',
    medianNs: null,
    iqrNs: null,
    samplesNs: [],
    gflops: null,
    peakFraction: null,
    verification: null,
    timing: null,
    baseline: { library: "tfjs", medianNs: 2000, gflops: 0.25 },
    phasesMs: undefined, // optional: records from before it existed still read
  }),
];

describe("dataset files", () => {
  it.each(DATASET_FORMATS)("round-trips %s without loss", (format) => {
    expect(readRecords(writeRecords(records, format), format)).toEqual(records);
  });

  it("writes JSON in pieces exactly as one stringified array", () => {
    for (const some of [[], records.slice(0, 1), records]) {
      expect(writeRecords(some, "json")).toBe(`${JSON.stringify(some, null, 1)}\n`);
    }
  });

  it("names the bad line and field of a JSONL file", () => {
    const lines = writeRecords(records, "jsonl").split("\n");
    const broken = JSON.parse(lines[1] as string);
    broken.status = "fast";
    lines[1] = JSON.stringify(broken);
    const read = () => readRecords(lines.join("\n"), "jsonl");
    expect(read).toThrow(DatasetError);
    expect(read).toThrow(/^line 2, field status: /);
    lines[1] = "{not json";
    expect(() => readRecords(lines.join("\n"), "jsonl")).toThrow(/^line 2: not JSON/);
  });

  it("names the record of a JSON file and the line of a CSV row whose cell spans lines", () => {
    const json = JSON.parse(writeRecords(records, "json"));
    json[0].problem.fields.k = 0;
    expect(() => readRecords(JSON.stringify(json), "json")).toThrow(/^record 1, field problem\.fields\.k: /);

    // The failed record's message spans lines 2-3, so the ok record's row starts on line 4.
    const csv = writeRecords([records[1], records[0]] as typeof records, "csv").replace(",ok,", ",fast,");
    expect(() => readRecords(csv, "csv")).toThrow(/^line 4, field status: /);
    expect(() => readRecords("schema,family\n1,x\n", "csv")).toThrow(/missing column 'tunelab'/);
  });

  it("writes CSV that a spreadsheet cannot run as formulas, and reads it back as it was", () => {
    const messages = [
      '=HYPERLINK("http://x.example","open")',
      "+1",
      "-1",
      "@SUM(A1)",
      "\tx",
      "\rx",
      "'=x",
      "'a",
    ];
    const tricky = messages.map((message, i) =>
      sampleRecord({ status: "invalid", message, medianNs: null, config: { WGX: i, WGY: 1 } }),
    );
    const csv = writeRecords(tricky, "csv");
    expect(csv).toContain(`,"'=HYPERLINK(""http://x.example"",""open"")",`);
    for (const line of csv.split("\n")) expect(line).not.toMatch(/(^|,)"?[=+\-@\t]/);
    expect(readRecords(csv, "csv")).toEqual(tricky);
  });

  it("refuses a CSV column given twice and a number that is not plain decimal", () => {
    const csv = writeRecords(records.slice(0, 1), "csv");
    const [header = "", row = ""] = csv.split("\n");
    expect(() => readRecords(`${header},family\n${row},im2col\n`, "csv")).toThrow(
      /^line 1: column 'family' appears twice/,
    );
    for (const bad of ["0x10", "1e", " 1000", "Infinity", "1_000"]) {
      expect(() => readRecords(csv.replace(",1000,", `,${bad},`), "csv")).toThrow(
        `line 2, field medianNs: '${bad}' is not a decimal number`,
      );
    }
    expect(readRecords(csv.replace(",1000,", ",1e3,"), "csv")).toEqual(records.slice(0, 1));
  });

  it.each(DATASET_FORMATS)(
    "reads each good record of a %s file and says why each bad one is none",
    (format) => {
      const text = writeRecords([records[0], records[0], records[1]] as typeof records, format).replace(
        /"status": ?"ok"|,ok,/,
        (m) => m.replace("ok", "fast"),
      );
      const items = readRecordItems(text, format);
      const first = format === "csv" ? 2 : 1;
      expect(items.map((i) => i.line)).toEqual(format === "csv" ? [2, 3, 4] : [1, 2, 3]);
      expect(items[0]).toMatchObject({
        error: { message: expect.stringMatching(/field status: /), line: first },
      });
      expect(items.slice(1).map((i) => ("record" in i ? i.record : i.error))).toEqual([
        records[0],
        records[1],
      ]);
    },
  );

  it("insists an ok record has a time and a failed one has none", () => {
    const bad = { ...sampleRecord(), medianNs: null };
    expect(tuningRecordSchema.safeParse(bad).success).toBe(false);
  });

  it("keys records by device, problem, family and config, in any key order", () => {
    const a = sampleRecord({ config: { WGX: 4, WGY: 4 } });
    const b = sampleRecord({ config: { WGY: 4, WGX: 4 }, medianNs: 5 });
    expect(recordKey(a)).toBe(recordKey(b));
    expect(recordKey(a)).not.toBe(recordKey(sampleRecord({ family: "im2col" })));
  });
});

describe("summaries", () => {
  it("counts failures by kind and reads the best per problem against tfjs", () => {
    const other = problemEntry(makeProblem({ c: 8, h: 8, w: 8, k: 8, r: 1, s: 1 }));
    const baseline = { library: "tfjs" as const, medianNs: 4000, gflops: 1 };
    const summary = summarize([
      ...records,
      sampleRecord({ medianNs: 500, config: { WGX: 2, WGY: 2 }, baseline }),
      sampleRecord({ problem: other, medianNs: 1000, baseline: { ...baseline, medianNs: 1000 } }),
    ]);
    expect(summary).toMatchObject({ problems: 2, candidates: 4, timed: 3, failed: { "compile-failed": 1 } });
    expect(summary.best.map((b) => [b.medianNs, b.speedup])).toEqual([
      [500, 8],
      [1000, 1],
    ]);
    expect(summary.geomeanSpeedup).toBeCloseTo(Math.sqrt(8), 10);
  });
});
