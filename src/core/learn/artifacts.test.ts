import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modelFromFiles, readMetadata } from "./artifacts";

// The recorded demo's model: real files as the trainer writes them.
const modelJson = readFileSync("public/demo/model/model.json", "utf8");
const weights = new Uint8Array(readFileSync("public/demo/model/weights.bin"));

/** weights.bin with the float32 at `index` (of the whole file) replaced. */
function withFloat(index: number, value: number): Uint8Array {
  const copy = weights.slice();
  new DataView(copy.buffer).setFloat32(index * 4, value, true);
  return copy;
}

describe("loading a model's files", () => {
  it("loads the files as written", async () => {
    const model = await modelFromFiles({ modelJson, weights });
    expect(readMetadata(model).format).toBe("tunelab-seq2seq");
    model.dispose();
  });

  it.each([NaN, Infinity, -Infinity])("refuses weights holding %s, naming the weight", async (value) => {
    // Float 46*64 + 10 is the tenth of the second weight, feature_projection/bias.
    await expect(modelFromFiles({ modelJson, weights: withFloat(46 * 64 + 10, value) })).rejects.toThrow(
      `weights.bin: weight feature_projection/bias holds ${value}: the model is damaged`,
    );
  });

  it("refuses a weights.bin longer or shorter than model.json describes", async () => {
    const n = weights.byteLength;
    const longer = new Uint8Array(n + 1);
    longer.set(weights);
    await expect(modelFromFiles({ modelJson, weights: longer })).rejects.toThrow(
      `weights.bin holds ${n + 1} bytes where model.json describes ${n}: it belongs to another model or is damaged`,
    );
    await expect(modelFromFiles({ modelJson, weights: weights.subarray(0, n - 4) })).rejects.toThrow(
      /holds \d+ bytes where model.json describes/,
    );
  });
});
