// Implicit GEMM on subgroup matrices (tensor cores): out[m][n] = sum_k A[m][k] * B[n][k] per group,
// m over output pixels (N*P*Q), n over the group's output channels, k over (r, s, c). A workgroup of
// WM x WN subgroups computes a BM x BN block through BK-deep slices of A and B staged in f16
// workgroup memory (rows of BK + PAD), or read straight from memory where the operand is a plain
// matrix; each subgroup owns TM x TN result matrices of MM x MN in f32, fed by MM x MK left and
// MK x MN right matrices. The results leave through
// a small f32 tile per subgroup, where the invocations convert, bounds-check and store them.
// x: blocks of m; y: blocks of n; z: the group (times the k slices under split-K).
enable f16;
enable subgroups;
enable chromium_experimental_subgroup_matrix;
// Matrix operations run in subgroup-uniform control flow (every bound is a constant) at offsets
// from the subgroup's index, which the uniformity analysis cannot see as uniform across the workgroup.
diagnostic(off, chromium_experimental.subgroup_matrix_uniformity);

{{CONSTANTS}}

{{DECLARATIONS}}

@compute @workgroup_size(THREADS)
fn main(
  @builtin(local_invocation_index) t: u32,
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(subgroup_id) sg: u32,
  @builtin(subgroup_invocation_id) lane: u32,
) {
  let mBlock = wg.x * BM;
  let nBlock = wg.y * BN;
  let sgM = sg / WN;
  let sgN = sg % WN;
{{BLOCK_SETUP}}
{{LOAD_SETUP}}
{{ACCUMULATORS}}
{{MAIN_LOOP}}
{{STORE}}
}
