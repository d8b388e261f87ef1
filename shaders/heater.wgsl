// Keeps the GPU busy between timed candidates, so its clock stays up while the next ones compile:
// independent FMA chains, `iterations` long (a uniform, calibrated to a dispatch of a few ms). The
// store is never taken but keeps the chains live.
@group(0) @binding(0) var<storage, read_write> sink: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> iterations: u32;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let m = vec4<f32>(0.9999, 0.9998, 0.9997, 0.9996);
  let c = vec4<f32>(1e-4, 2e-4, 3e-4, 4e-4);
  var a0 = vec4<f32>(f32(id.x) * 1e-7);
  var a1 = a0 + 1.0;
  var a2 = a0 + 2.0;
  var a3 = a0 + 3.0;
  for (var i = 0u; i < iterations; i++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
  }
  let sum = a0 + a1 + a2 + a3;
  if (sum.x == 12345.678) { sink[0] = sum; }
}
