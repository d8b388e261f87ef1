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

const N: u32 = 2u;
const C: u32 = 64u;
const H: u32 = 14u;
const W: u32 = 14u;
const K: u32 = 128u;
const R: u32 = 1u;
const S: u32 = 1u;
const P: u32 = 14u;
const Q: u32 = 14u;
const PAD_H: i32 = 0i;
const PAD_W: i32 = 0i;
const STRIDE_H: u32 = 1u;
const STRIDE_W: u32 = 1u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 64u;
const KG: u32 = 128u;
const M_TOTAL: u32 = 392u;
const K_GROUP: u32 = 64u;
const PQ: u32 = 196u;
const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 32u;
const WN: u32 = 2u;
const SUBGROUP: u32 = 32u;
const THREADS: u32 = 128u;
const STRIDE: u32 = 32u;
const K_TILES: u32 = 2u;
const TILE_C: u32 = 1024u;

@group(0) @binding(0) var<storage, read> input: array<f16>;

@group(0) @binding(1) var<storage, read> weights: array<f16>;

@group(0) @binding(2) var<storage, read_write> output: array<vec4<f16>>;

var<workgroup> tileC: array<f32, TILE_C>;

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
  let g = wg.z;

  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_0_1 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_1 = subgroup_matrix_result<f32, 16, 16>();
  let aRow0 = (mBlock + sgM * 32u + 0u) * C;
  let aRow1 = (mBlock + sgM * 32u + 16u) * C;
  let bRow0 = (g * KG + nBlock + sgN * 32u + 0u) * K_GROUP;
  let bRow1 = (g * KG + nBlock + sgN * 32u + 16u) * K_GROUP;
  for (var kt = 0u; kt < K_TILES; kt++) {
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&input, aRow0 + kt * BK + 0u, C);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&input, aRow1 + kt * BK + 0u, C);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&weights, bRow0 + kt * BK + 0u, K_GROUP);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&weights, bRow1 + kt * BK + 0u, K_GROUP);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&input, aRow0 + kt * BK + 16u, C);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&input, aRow1 + kt * BK + 16u, C);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&weights, bRow0 + kt * BK + 16u, K_GROUP);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&weights, bRow1 + kt * BK + 16u, K_GROUP);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
    }
  }
  subgroupMatrixStore<row_major>(&tileC, sg * 256u, acc_0_0, 16u);
  workgroupBarrier();
  for (var e = lane; e < 64u; e += SUBGROUP) {
    let row = e / 4u;
    let col = (e % 4u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 2u + 0u) * 16u + col;
    let c = sg * 256u + row * 16u + col;
    if (m < M_TOTAL && n < KG) { output[(m * K + g * KG + n) / 4u] = vec4<f16>(vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u])); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 256u, acc_0_1, 16u);
  workgroupBarrier();
  for (var e = lane; e < 64u; e += SUBGROUP) {
    let row = e / 4u;
    let col = (e % 4u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 2u + 1u) * 16u + col;
    let c = sg * 256u + row * 16u + col;
    if (m < M_TOTAL && n < KG) { output[(m * K + g * KG + n) / 4u] = vec4<f16>(vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u])); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 256u, acc_1_0, 16u);
  workgroupBarrier();
  for (var e = lane; e < 64u; e += SUBGROUP) {
    let row = e / 4u;
    let col = (e % 4u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 2u + 0u) * 16u + col;
    let c = sg * 256u + row * 16u + col;
    if (m < M_TOTAL && n < KG) { output[(m * K + g * KG + n) / 4u] = vec4<f16>(vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u])); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 256u, acc_1_1, 16u);
  workgroupBarrier();
  for (var e = lane; e < 64u; e += SUBGROUP) {
    let row = e / 4u;
    let col = (e % 4u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 2u + 1u) * 16u + col;
    let c = sg * 256u + row * 16u + col;
    if (m < M_TOTAL && n < KG) { output[(m * K + g * KG + n) / 4u] = vec4<f16>(vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u])); }
  }
  workgroupBarrier();
}
