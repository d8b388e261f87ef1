// The GPU reference: one invocation per output element, the plainest loop over (c, r, s) in f32.
// Every candidate of a problem is compared with its output, element by element; it is itself checked
// against the float64 CPU reference on sampled elements before it is trusted.
struct Problem {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, r: u32, s: u32, groups: u32,
  p: u32, q: u32, padH: u32, padW: u32,
  strideH: u32, strideW: u32, dilH: u32, dilW: u32,
  nhwc: u32, total: u32, rowWidth: u32, _unused: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<uniform> pr: Problem;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let o = id.y * pr.rowWidth + id.x;
  if (o >= pr.total) { return; }
  var n: u32; var k: u32; var p: u32; var q: u32;
  if (pr.nhwc == 1u) {
    k = o % pr.k; q = (o / pr.k) % pr.q; p = (o / (pr.k * pr.q)) % pr.p; n = o / (pr.k * pr.q * pr.p);
  } else {
    q = o % pr.q; p = (o / pr.q) % pr.p; k = (o / (pr.q * pr.p)) % pr.k; n = o / (pr.q * pr.p * pr.k);
  }
  let cg = pr.c / pr.groups;
  let c0 = (k / (pr.k / pr.groups)) * cg;
  var sum = 0.0;
  for (var c = 0u; c < cg; c++) {
    for (var r = 0u; r < pr.r; r++) {
      let h = i32(p * pr.strideH + r * pr.dilH) - i32(pr.padH);
      if (h < 0 || h >= i32(pr.h)) { continue; }
      for (var s = 0u; s < pr.s; s++) {
        let w = i32(q * pr.strideW + s * pr.dilW) - i32(pr.padW);
        if (w < 0 || w >= i32(pr.w)) { continue; }
        var x: u32;
        var f: u32;
        if (pr.nhwc == 1u) {
          x = ((n * pr.h + u32(h)) * pr.w + u32(w)) * pr.c + c0 + c;
          f = ((k * pr.r + r) * pr.s + s) * cg + c;
        } else {
          x = ((n * pr.c + c0 + c) * pr.h + u32(h)) * pr.w + u32(w);
          f = ((k * cg + c) * pr.r + r) * pr.s + s;
        }
        sum = fma(input[x], weights[f], sum);
      }
    }
  }
  output[o] = sum;
}
