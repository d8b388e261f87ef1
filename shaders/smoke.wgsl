// Smallest useful kernel: proves a device compiles WGSL, dispatches, and writes memory.
@group(0) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i < arrayLength(&out)) {
    var acc = f32(i);
    for (var k = 0u; k < 64u; k++) {
      acc = fma(acc, 0.5, 1.0);
    }
    out[i] = acc;
  }
}
