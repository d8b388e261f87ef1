// mma
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

const N: u32 = 32u;
const C: u32 = 256u;
const H: u32 = 14u;
const W: u32 = 14u;
const K: u32 = 256u;
const R: u32 = 3u;
const S: u32 = 3u;
const P: u32 = 14u;
const Q: u32 = 14u;
const PAD_H: i32 = 1i;
const PAD_W: i32 = 1i;
const STRIDE_H: u32 = 1u;
const STRIDE_W: u32 = 1u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 256u;
const KG: u32 = 256u;
const M_TOTAL: u32 = 6272u;
const K_GROUP: u32 = 2304u;
const PQ: u32 = 196u;
const BM: u32 = 128u;
const BN: u32 = 128u;
const BK: u32 = 64u;
const WN: u32 = 2u;
const SUBGROUP: u32 = 32u;
const THREADS: u32 = 256u;
const STRIDE: u32 = 72u;
const K_TILES: u32 = 36u;
const TILE_C: u32 = 1024u;
const SPLITS: u32 = 4u;
const TILES_PER_SPLIT: u32 = 9u;
const OUTPUT_SLOTS: u32 = 401408u;

@group(0) @binding(0) var<storage, read> input: array<vec4<f16>>;
fn loadA(base: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> vec4<f16> {
  let c = kk % CG;
  let rs = kk / CG;
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(vec4<f16>(0.0), input[(base + (u32(ih) * W + u32(iw)) * C + c) / 4u], (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@group(0) @binding(1) var<storage, read> weights: array<vec4<f16>>;
fn loadB(base: u32, ok: bool, kk: u32) -> vec4<f16> {
  return weights[(base + kk) / 4u];
}

@group(0) @binding(2) var<storage, read_write> output: array<vec4<f32>>;

var<workgroup> tileA: array<f16, 9216>;

var<workgroup> tileB: array<f16, 9216>;

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
  let g = wg.z / SPLITS;
  let slice = wg.z % SPLITS;
  let kBegin = slice * TILES_PER_SPLIT;
  let kEnd = min(kBegin + TILES_PER_SPLIT, K_TILES);
  let sliceBase = slice * OUTPUT_SLOTS;
  let aK = (t % 16u) * 4u;
  let aRow0 = t / 16u + 0u;
  let aRow1 = t / 16u + 16u;
  let aRow2 = t / 16u + 32u;
  let aRow3 = t / 16u + 48u;
  let aRow4 = t / 16u + 64u;
  let aRow5 = t / 16u + 80u;
  let aRow6 = t / 16u + 96u;
  let aRow7 = t / 16u + 112u;
  let a0_m = mBlock + aRow0;
  let a0_ok = true;
  let a0_pq = a0_m % PQ;
  let a0_base = (a0_m / PQ) * H * W * C + g * CG;
  let a0_ih = i32((a0_pq / Q) * STRIDE_H) - PAD_H;
  let a0_iw = i32((a0_pq % Q) * STRIDE_W) - PAD_W;
  let a1_m = mBlock + aRow1;
  let a1_ok = true;
  let a1_pq = a1_m % PQ;
  let a1_base = (a1_m / PQ) * H * W * C + g * CG;
  let a1_ih = i32((a1_pq / Q) * STRIDE_H) - PAD_H;
  let a1_iw = i32((a1_pq % Q) * STRIDE_W) - PAD_W;
  let a2_m = mBlock + aRow2;
  let a2_ok = true;
  let a2_pq = a2_m % PQ;
  let a2_base = (a2_m / PQ) * H * W * C + g * CG;
  let a2_ih = i32((a2_pq / Q) * STRIDE_H) - PAD_H;
  let a2_iw = i32((a2_pq % Q) * STRIDE_W) - PAD_W;
  let a3_m = mBlock + aRow3;
  let a3_ok = true;
  let a3_pq = a3_m % PQ;
  let a3_base = (a3_m / PQ) * H * W * C + g * CG;
  let a3_ih = i32((a3_pq / Q) * STRIDE_H) - PAD_H;
  let a3_iw = i32((a3_pq % Q) * STRIDE_W) - PAD_W;
  let a4_m = mBlock + aRow4;
  let a4_ok = true;
  let a4_pq = a4_m % PQ;
  let a4_base = (a4_m / PQ) * H * W * C + g * CG;
  let a4_ih = i32((a4_pq / Q) * STRIDE_H) - PAD_H;
  let a4_iw = i32((a4_pq % Q) * STRIDE_W) - PAD_W;
  let a5_m = mBlock + aRow5;
  let a5_ok = true;
  let a5_pq = a5_m % PQ;
  let a5_base = (a5_m / PQ) * H * W * C + g * CG;
  let a5_ih = i32((a5_pq / Q) * STRIDE_H) - PAD_H;
  let a5_iw = i32((a5_pq % Q) * STRIDE_W) - PAD_W;
  let a6_m = mBlock + aRow6;
  let a6_ok = true;
  let a6_pq = a6_m % PQ;
  let a6_base = (a6_m / PQ) * H * W * C + g * CG;
  let a6_ih = i32((a6_pq / Q) * STRIDE_H) - PAD_H;
  let a6_iw = i32((a6_pq % Q) * STRIDE_W) - PAD_W;
  let a7_m = mBlock + aRow7;
  let a7_ok = true;
  let a7_pq = a7_m % PQ;
  let a7_base = (a7_m / PQ) * H * W * C + g * CG;
  let a7_ih = i32((a7_pq / Q) * STRIDE_H) - PAD_H;
  let a7_iw = i32((a7_pq % Q) * STRIDE_W) - PAD_W;
  let bK = (t % 16u) * 4u;
  let bRow0 = t / 16u + 0u;
  let bRow1 = t / 16u + 16u;
  let bRow2 = t / 16u + 32u;
  let bRow3 = t / 16u + 48u;
  let bRow4 = t / 16u + 64u;
  let bRow5 = t / 16u + 80u;
  let bRow6 = t / 16u + 96u;
  let bRow7 = t / 16u + 112u;
  let b0_ok = true;
  let b0_base = (g * KG + nBlock + bRow0) * K_GROUP;
  let b1_ok = true;
  let b1_base = (g * KG + nBlock + bRow1) * K_GROUP;
  let b2_ok = true;
  let b2_base = (g * KG + nBlock + bRow2) * K_GROUP;
  let b3_ok = true;
  let b3_base = (g * KG + nBlock + bRow3) * K_GROUP;
  let b4_ok = true;
  let b4_base = (g * KG + nBlock + bRow4) * K_GROUP;
  let b5_ok = true;
  let b5_base = (g * KG + nBlock + bRow5) * K_GROUP;
  let b6_ok = true;
  let b6_base = (g * KG + nBlock + bRow6) * K_GROUP;
  let b7_ok = true;
  let b7_base = (g * KG + nBlock + bRow7) * K_GROUP;
  var acc_0_0 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_1 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_2 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_3 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_4 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_5 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_6 = subgroup_matrix_result<f32, 8, 16>();
  var acc_0_7 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_1 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_2 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_3 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_4 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_5 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_6 = subgroup_matrix_result<f32, 8, 16>();
  var acc_1_7 = subgroup_matrix_result<f32, 8, 16>();
  var aStage0: vec4<f16>;
  var aStage1: vec4<f16>;
  var aStage2: vec4<f16>;
  var aStage3: vec4<f16>;
  var aStage4: vec4<f16>;
  var aStage5: vec4<f16>;
  var aStage6: vec4<f16>;
  var aStage7: vec4<f16>;
  var bStage0: vec4<f16>;
  var bStage1: vec4<f16>;
  var bStage2: vec4<f16>;
  var bStage3: vec4<f16>;
  var bStage4: vec4<f16>;
  var bStage5: vec4<f16>;
  var bStage6: vec4<f16>;
  var bStage7: vec4<f16>;
  for (var kt = kBegin; kt < kEnd; kt++) {
    aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK);
    aStage1 = loadA(a1_base, a1_ih, a1_iw, a1_ok, kt * BK + aK);
    aStage2 = loadA(a2_base, a2_ih, a2_iw, a2_ok, kt * BK + aK);
    aStage3 = loadA(a3_base, a3_ih, a3_iw, a3_ok, kt * BK + aK);
    aStage4 = loadA(a4_base, a4_ih, a4_iw, a4_ok, kt * BK + aK);
    aStage5 = loadA(a5_base, a5_ih, a5_iw, a5_ok, kt * BK + aK);
    aStage6 = loadA(a6_base, a6_ih, a6_iw, a6_ok, kt * BK + aK);
    aStage7 = loadA(a7_base, a7_ih, a7_iw, a7_ok, kt * BK + aK);
    bStage0 = loadB(b0_base, b0_ok, kt * BK + bK);
    bStage1 = loadB(b1_base, b1_ok, kt * BK + bK);
    bStage2 = loadB(b2_base, b2_ok, kt * BK + bK);
    bStage3 = loadB(b3_base, b3_ok, kt * BK + bK);
    bStage4 = loadB(b4_base, b4_ok, kt * BK + bK);
    bStage5 = loadB(b5_base, b5_ok, kt * BK + bK);
    bStage6 = loadB(b6_base, b6_ok, kt * BK + bK);
    bStage7 = loadB(b7_base, b7_ok, kt * BK + bK);
    tileA[aRow0 * STRIDE + aK + 0u] = aStage0.x;
    tileA[aRow0 * STRIDE + aK + 1u] = aStage0.y;
    tileA[aRow0 * STRIDE + aK + 2u] = aStage0.z;
    tileA[aRow0 * STRIDE + aK + 3u] = aStage0.w;
    tileA[aRow1 * STRIDE + aK + 0u] = aStage1.x;
    tileA[aRow1 * STRIDE + aK + 1u] = aStage1.y;
    tileA[aRow1 * STRIDE + aK + 2u] = aStage1.z;
    tileA[aRow1 * STRIDE + aK + 3u] = aStage1.w;
    tileA[aRow2 * STRIDE + aK + 0u] = aStage2.x;
    tileA[aRow2 * STRIDE + aK + 1u] = aStage2.y;
    tileA[aRow2 * STRIDE + aK + 2u] = aStage2.z;
    tileA[aRow2 * STRIDE + aK + 3u] = aStage2.w;
    tileA[aRow3 * STRIDE + aK + 0u] = aStage3.x;
    tileA[aRow3 * STRIDE + aK + 1u] = aStage3.y;
    tileA[aRow3 * STRIDE + aK + 2u] = aStage3.z;
    tileA[aRow3 * STRIDE + aK + 3u] = aStage3.w;
    tileA[aRow4 * STRIDE + aK + 0u] = aStage4.x;
    tileA[aRow4 * STRIDE + aK + 1u] = aStage4.y;
    tileA[aRow4 * STRIDE + aK + 2u] = aStage4.z;
    tileA[aRow4 * STRIDE + aK + 3u] = aStage4.w;
    tileA[aRow5 * STRIDE + aK + 0u] = aStage5.x;
    tileA[aRow5 * STRIDE + aK + 1u] = aStage5.y;
    tileA[aRow5 * STRIDE + aK + 2u] = aStage5.z;
    tileA[aRow5 * STRIDE + aK + 3u] = aStage5.w;
    tileA[aRow6 * STRIDE + aK + 0u] = aStage6.x;
    tileA[aRow6 * STRIDE + aK + 1u] = aStage6.y;
    tileA[aRow6 * STRIDE + aK + 2u] = aStage6.z;
    tileA[aRow6 * STRIDE + aK + 3u] = aStage6.w;
    tileA[aRow7 * STRIDE + aK + 0u] = aStage7.x;
    tileA[aRow7 * STRIDE + aK + 1u] = aStage7.y;
    tileA[aRow7 * STRIDE + aK + 2u] = aStage7.z;
    tileA[aRow7 * STRIDE + aK + 3u] = aStage7.w;
    tileB[bRow0 * STRIDE + bK + 0u] = bStage0.x;
    tileB[bRow0 * STRIDE + bK + 1u] = bStage0.y;
    tileB[bRow0 * STRIDE + bK + 2u] = bStage0.z;
    tileB[bRow0 * STRIDE + bK + 3u] = bStage0.w;
    tileB[bRow1 * STRIDE + bK + 0u] = bStage1.x;
    tileB[bRow1 * STRIDE + bK + 1u] = bStage1.y;
    tileB[bRow1 * STRIDE + bK + 2u] = bStage1.z;
    tileB[bRow1 * STRIDE + bK + 3u] = bStage1.w;
    tileB[bRow2 * STRIDE + bK + 0u] = bStage2.x;
    tileB[bRow2 * STRIDE + bK + 1u] = bStage2.y;
    tileB[bRow2 * STRIDE + bK + 2u] = bStage2.z;
    tileB[bRow2 * STRIDE + bK + 3u] = bStage2.w;
    tileB[bRow3 * STRIDE + bK + 0u] = bStage3.x;
    tileB[bRow3 * STRIDE + bK + 1u] = bStage3.y;
    tileB[bRow3 * STRIDE + bK + 2u] = bStage3.z;
    tileB[bRow3 * STRIDE + bK + 3u] = bStage3.w;
    tileB[bRow4 * STRIDE + bK + 0u] = bStage4.x;
    tileB[bRow4 * STRIDE + bK + 1u] = bStage4.y;
    tileB[bRow4 * STRIDE + bK + 2u] = bStage4.z;
    tileB[bRow4 * STRIDE + bK + 3u] = bStage4.w;
    tileB[bRow5 * STRIDE + bK + 0u] = bStage5.x;
    tileB[bRow5 * STRIDE + bK + 1u] = bStage5.y;
    tileB[bRow5 * STRIDE + bK + 2u] = bStage5.z;
    tileB[bRow5 * STRIDE + bK + 3u] = bStage5.w;
    tileB[bRow6 * STRIDE + bK + 0u] = bStage6.x;
    tileB[bRow6 * STRIDE + bK + 1u] = bStage6.y;
    tileB[bRow6 * STRIDE + bK + 2u] = bStage6.z;
    tileB[bRow6 * STRIDE + bK + 3u] = bStage6.w;
    tileB[bRow7 * STRIDE + bK + 0u] = bStage7.x;
    tileB[bRow7 * STRIDE + bK + 1u] = bStage7.y;
    tileB[bRow7 * STRIDE + bK + 2u] = bStage7.z;
    tileB[bRow7 * STRIDE + bK + 3u] = bStage7.w;
    workgroupBarrier();
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 0u) * STRIDE + 0u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 16u) * STRIDE + 0u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 0u) * STRIDE + 0u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 8u) * STRIDE + 0u, STRIDE);
      let b2 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 16u) * STRIDE + 0u, STRIDE);
      let b3 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 24u) * STRIDE + 0u, STRIDE);
      let b4 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 32u) * STRIDE + 0u, STRIDE);
      let b5 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 40u) * STRIDE + 0u, STRIDE);
      let b6 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 48u) * STRIDE + 0u, STRIDE);
      let b7 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 56u) * STRIDE + 0u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_0_2 = subgroupMatrixMultiplyAccumulate(a0, b2, acc_0_2);
      acc_0_3 = subgroupMatrixMultiplyAccumulate(a0, b3, acc_0_3);
      acc_0_4 = subgroupMatrixMultiplyAccumulate(a0, b4, acc_0_4);
      acc_0_5 = subgroupMatrixMultiplyAccumulate(a0, b5, acc_0_5);
      acc_0_6 = subgroupMatrixMultiplyAccumulate(a0, b6, acc_0_6);
      acc_0_7 = subgroupMatrixMultiplyAccumulate(a0, b7, acc_0_7);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
      acc_1_2 = subgroupMatrixMultiplyAccumulate(a1, b2, acc_1_2);
      acc_1_3 = subgroupMatrixMultiplyAccumulate(a1, b3, acc_1_3);
      acc_1_4 = subgroupMatrixMultiplyAccumulate(a1, b4, acc_1_4);
      acc_1_5 = subgroupMatrixMultiplyAccumulate(a1, b5, acc_1_5);
      acc_1_6 = subgroupMatrixMultiplyAccumulate(a1, b6, acc_1_6);
      acc_1_7 = subgroupMatrixMultiplyAccumulate(a1, b7, acc_1_7);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 0u) * STRIDE + 16u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 16u) * STRIDE + 16u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 0u) * STRIDE + 16u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 8u) * STRIDE + 16u, STRIDE);
      let b2 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 16u) * STRIDE + 16u, STRIDE);
      let b3 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 24u) * STRIDE + 16u, STRIDE);
      let b4 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 32u) * STRIDE + 16u, STRIDE);
      let b5 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 40u) * STRIDE + 16u, STRIDE);
      let b6 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 48u) * STRIDE + 16u, STRIDE);
      let b7 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 56u) * STRIDE + 16u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_0_2 = subgroupMatrixMultiplyAccumulate(a0, b2, acc_0_2);
      acc_0_3 = subgroupMatrixMultiplyAccumulate(a0, b3, acc_0_3);
      acc_0_4 = subgroupMatrixMultiplyAccumulate(a0, b4, acc_0_4);
      acc_0_5 = subgroupMatrixMultiplyAccumulate(a0, b5, acc_0_5);
      acc_0_6 = subgroupMatrixMultiplyAccumulate(a0, b6, acc_0_6);
      acc_0_7 = subgroupMatrixMultiplyAccumulate(a0, b7, acc_0_7);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
      acc_1_2 = subgroupMatrixMultiplyAccumulate(a1, b2, acc_1_2);
      acc_1_3 = subgroupMatrixMultiplyAccumulate(a1, b3, acc_1_3);
      acc_1_4 = subgroupMatrixMultiplyAccumulate(a1, b4, acc_1_4);
      acc_1_5 = subgroupMatrixMultiplyAccumulate(a1, b5, acc_1_5);
      acc_1_6 = subgroupMatrixMultiplyAccumulate(a1, b6, acc_1_6);
      acc_1_7 = subgroupMatrixMultiplyAccumulate(a1, b7, acc_1_7);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 0u) * STRIDE + 32u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 16u) * STRIDE + 32u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 0u) * STRIDE + 32u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 8u) * STRIDE + 32u, STRIDE);
      let b2 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 16u) * STRIDE + 32u, STRIDE);
      let b3 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 24u) * STRIDE + 32u, STRIDE);
      let b4 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 32u) * STRIDE + 32u, STRIDE);
      let b5 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 40u) * STRIDE + 32u, STRIDE);
      let b6 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 48u) * STRIDE + 32u, STRIDE);
      let b7 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 56u) * STRIDE + 32u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_0_2 = subgroupMatrixMultiplyAccumulate(a0, b2, acc_0_2);
      acc_0_3 = subgroupMatrixMultiplyAccumulate(a0, b3, acc_0_3);
      acc_0_4 = subgroupMatrixMultiplyAccumulate(a0, b4, acc_0_4);
      acc_0_5 = subgroupMatrixMultiplyAccumulate(a0, b5, acc_0_5);
      acc_0_6 = subgroupMatrixMultiplyAccumulate(a0, b6, acc_0_6);
      acc_0_7 = subgroupMatrixMultiplyAccumulate(a0, b7, acc_0_7);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
      acc_1_2 = subgroupMatrixMultiplyAccumulate(a1, b2, acc_1_2);
      acc_1_3 = subgroupMatrixMultiplyAccumulate(a1, b3, acc_1_3);
      acc_1_4 = subgroupMatrixMultiplyAccumulate(a1, b4, acc_1_4);
      acc_1_5 = subgroupMatrixMultiplyAccumulate(a1, b5, acc_1_5);
      acc_1_6 = subgroupMatrixMultiplyAccumulate(a1, b6, acc_1_6);
      acc_1_7 = subgroupMatrixMultiplyAccumulate(a1, b7, acc_1_7);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 0u) * STRIDE + 48u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, (sgM * 32u + 16u) * STRIDE + 48u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 0u) * STRIDE + 48u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 8u) * STRIDE + 48u, STRIDE);
      let b2 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 16u) * STRIDE + 48u, STRIDE);
      let b3 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 24u) * STRIDE + 48u, STRIDE);
      let b4 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 32u) * STRIDE + 48u, STRIDE);
      let b5 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 40u) * STRIDE + 48u, STRIDE);
      let b6 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 48u) * STRIDE + 48u, STRIDE);
      let b7 = subgroupMatrixLoad<subgroup_matrix_right<f16, 8, 16>, col_major>(&tileB, (sgN * 64u + 56u) * STRIDE + 48u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_0_2 = subgroupMatrixMultiplyAccumulate(a0, b2, acc_0_2);
      acc_0_3 = subgroupMatrixMultiplyAccumulate(a0, b3, acc_0_3);
      acc_0_4 = subgroupMatrixMultiplyAccumulate(a0, b4, acc_0_4);
      acc_0_5 = subgroupMatrixMultiplyAccumulate(a0, b5, acc_0_5);
      acc_0_6 = subgroupMatrixMultiplyAccumulate(a0, b6, acc_0_6);
      acc_0_7 = subgroupMatrixMultiplyAccumulate(a0, b7, acc_0_7);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
      acc_1_2 = subgroupMatrixMultiplyAccumulate(a1, b2, acc_1_2);
      acc_1_3 = subgroupMatrixMultiplyAccumulate(a1, b3, acc_1_3);
      acc_1_4 = subgroupMatrixMultiplyAccumulate(a1, b4, acc_1_4);
      acc_1_5 = subgroupMatrixMultiplyAccumulate(a1, b5, acc_1_5);
      acc_1_6 = subgroupMatrixMultiplyAccumulate(a1, b6, acc_1_6);
      acc_1_7 = subgroupMatrixMultiplyAccumulate(a1, b7, acc_1_7);
    }
    workgroupBarrier();
  }
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_0, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 0u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_1, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 1u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_2, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 2u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_3, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 3u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_4, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 4u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_5, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 5u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_6, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 6u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_0_7, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 0u) * 16u + row;
    let n = nBlock + (sgN * 8u + 7u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_0, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 0u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_1, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 1u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_2, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 2u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_3, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 3u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_4, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 4u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_5, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 5u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_6, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 6u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
  subgroupMatrixStore<row_major>(&tileC, sg * 128u, acc_1_7, 8u);
  workgroupBarrier();
  for (var e = lane; e < 32u; e += SUBGROUP) {
    let row = e / 2u;
    let col = (e % 2u) * 4u;
    let m = mBlock + (sgM * 2u + 1u) * 16u + row;
    let n = nBlock + (sgN * 8u + 7u) * 8u + col;
    let c = sg * 128u + row * 8u + col;
    if (m < M_TOTAL && n < KG) { output[sliceBase + (m * K + g * KG + n) / 4u] = vec4<f32>(tileC[c], tileC[c + 1u], tileC[c + 2u], tileC[c + 3u]); }
  }
  workgroupBarrier();
}

// reduce
enable f16;
// Split-K's second pass: each output element is the sum of its SPLITS partial sums, which the GEMM
// pass wrote in f32 as SPLITS consecutive copies of the output; the sum is stored in the output's
// type. One invocation per element (a vec4 where the output allows), spread over x and y of the dispatch.
const SPLITS: u32 = 4u;
const OUTPUT_SLOTS: u32 = 401408u;
const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> partial: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> output: array<vec4<f16>>;

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
  output[i] = vec4<f16>(sum);
}
