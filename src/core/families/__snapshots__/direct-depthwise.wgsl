// Direct convolution: each invocation accumulates TQ adjacent output pixels of one output row times
// TK output channels of one group, reading the input and filter straight from storage.
// x: tiles of (image, output row, TQ columns); y: tiles of TK channels in the group; z: the group.
const N: u32 = 1u;
const C: u32 = 32u;
const H: u32 = 14u;
const W: u32 = 14u;
const K: u32 = 32u;
const R: u32 = 3u;
const S: u32 = 3u;
const P: u32 = 14u;
const Q: u32 = 14u;
const PAD_H: u32 = 1u;
const PAD_W: u32 = 1u;
const STRIDE_H: u32 = 1u;
const STRIDE_W: u32 = 1u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 32u;
const CG: u32 = 1u;
const KG: u32 = 1u;
const TK: u32 = 1u;
const TQ: u32 = 4u;
const WGX: u32 = 64u;
const WGY: u32 = 1u;
const Q_TILES: u32 = 4u;
const PIXEL_TILES: u32 = 56u;

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
  var acc_0_0 = 0.0;
  var acc_0_1 = 0.0;
  var acc_0_2 = 0.0;
  var acc_0_3 = 0.0;
  for (var c = 0u; c < CG; c++) {
    for (var r = 0u; r < R; r++) {
      let ih = ih0 + i32(r * DIL_H);
      if (ih < 0 || ih >= i32(H)) { continue; }
      for (var s = 0u; s < S; s++) {
        let f_0 = weights[((g * KG + k0 + 0u) * CG + c) * R * S + r * S + s];
        let iw_0 = iw0 + i32(0u + s * DIL_W);
        var x_0 = 0.0;
        if ((iw_0 >= 0) & (iw_0 < i32(W))) { x_0 = input[((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw_0)]; }
        let iw_1 = iw0 + i32(1u + s * DIL_W);
        var x_1 = 0.0;
        if ((iw_1 >= 0) & (iw_1 < i32(W))) { x_1 = input[((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw_1)]; }
        let iw_2 = iw0 + i32(2u + s * DIL_W);
        var x_2 = 0.0;
        if ((iw_2 >= 0) & (iw_2 < i32(W))) { x_2 = input[((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw_2)]; }
        let iw_3 = iw0 + i32(3u + s * DIL_W);
        var x_3 = 0.0;
        if ((iw_3 >= 0) & (iw_3 < i32(W))) { x_3 = input[((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw_3)]; }
        acc_0_0 = fma(f_0, x_0, acc_0_0);
        acc_0_1 = fma(f_0, x_1, acc_0_1);
        acc_0_2 = fma(f_0, x_2, acc_0_2);
        acc_0_3 = fma(f_0, x_3, acc_0_3);
      }
    }
  }
  if (q0 + 0u < Q) { output[((n * K + g * KG + k0 + 0u) * P + p) * Q + q0 + 0u] = acc_0_0; }
  if (q0 + 1u < Q) { output[((n * K + g * KG + k0 + 0u) * P + p) * Q + q0 + 1u] = acc_0_1; }
  if (q0 + 2u < Q) { output[((n * K + g * KG + k0 + 0u) * P + p) * Q + q0 + 2u] = acc_0_2; }
  if (q0 + 3u < Q) { output[((n * K + g * KG + k0 + 0u) * P + p) * Q + q0 + 3u] = acc_0_3; }
}
