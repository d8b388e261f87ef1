{{ENABLES}}
// Register-tiled GEMM for convolution: out[m][n] = sum_k A[m][k] * B[n][k] per group, where m runs
// over output pixels (N*P*Q), n over the group's output channels and k over its (channel, r, s).
// Each workgroup computes a BM x BN block of the output through BK-deep slices of A and B staged in
// workgroup memory (k-major, so the inner loop reads vec4s along m and n); each invocation owns a
// TM x TN micro-tile of accumulators, its rows and columns interleaved so that neighbouring
// invocations read neighbouring vec4s. x: blocks of m; y: blocks of n; z: the group (times the k slices under split-K).
{{CONSTANTS}}

{{DECLARATIONS}}

var<workgroup> tileA: array<vec4<f32>, TILE_A_VEC4S>;
var<workgroup> tileB: array<vec4<f32>, TILE_B_VEC4S>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let mBlock = wg.x * BM;
  let nBlock = wg.y * BN;
{{BLOCK_SETUP}}
  let tm = t / (BN / TN);
  let tn = t % (BN / TN);
{{LOAD_SETUP}}
{{ACCUMULATORS}}
{{MAIN_LOOP}}
{{STORE}}
}
