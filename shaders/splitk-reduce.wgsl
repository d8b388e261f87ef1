{{ENABLES}}
// Split-K's second pass: each output element is the sum of its SPLITS partial sums, which the GEMM
// pass wrote in f32 as SPLITS consecutive copies of the output; the sum is stored in the output's
// type. One invocation per element (a vec4 where the output allows), spread over x and y of the dispatch.
{{CONSTANTS}}

@group(0) @binding(0) var<storage, read> partial: array<{{PARTIAL}}>;
@group(0) @binding(1) var<storage, read_write> output: array<{{OUTPUT}}>;

@compute @workgroup_size(WG)
fn reduce(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = id.y * groups.x * WG + id.x;
  if (i >= OUTPUT_SLOTS) {
    return;
  }
  var sum = partial[i];
  for (var s = 1u; s < SPLITS; s++) {
    sum += partial[s * OUTPUT_SLOTS + i];
  }
  output[i] = {{OUTPUT}}(sum);
}
