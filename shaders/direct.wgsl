// Direct convolution: each invocation accumulates TQ adjacent output pixels of one output row times
// TK output channels of one group, reading the input and filter straight from storage.
// x: tiles of (image, output row, TQ columns); y: tiles of TK channels in the group; z: the group.
{{CONSTANTS}}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WGX, WGY, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let tile = gid.x;
  let k0 = gid.y * TK;
  if (tile >= PIXEL_TILES || k0 >= KG) {
    return;
  }
  let g = gid.z;
  let q0 = (tile % Q_TILES) * TQ;
  let p = (tile / Q_TILES) % P;
  let n = tile / (Q_TILES * P);
  let ih0 = i32(p * STRIDE_H) - i32(PAD_H);
  let iw0 = i32(q0 * STRIDE_W) - i32(PAD_W);
{{ACCUMULATORS}}
{{LOOPS}}
{{STORE}}
}
