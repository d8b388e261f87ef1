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
const K: u32 = 96u;
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
const CG: u32 = 64u;
const KG: u32 = 96u;
const M_TOTAL: u32 = 392u;
const K_GROUP: u32 = 576u;
const PQ: u32 = 196u;
const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 32u;
const WN: u32 = 2u;
const SUBGROUP: u32 = 32u;
const THREADS: u32 = 128u;
const STRIDE: u32 = 40u;
const K_TILES: u32 = 18u;
const TILE_C: u32 = 1024u;

@group(0) @binding(0) var<storage, read> input: array<vec4<f16>>;
fn loadA(base: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> vec4<f16> {
  let c = kk % CG;
  let rs = kk / CG;
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(vec4<f16>(0.0), input[(base + (u32(ih) * W + u32(iw)) * C + c) / 4u], (ok) & (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@group(0) @binding(1) var<storage, read> weights: array<vec4<f16>>;
fn loadB(base: u32, ok: bool, kk: u32) -> vec4<f16> {
  return select(vec4<f16>(0.0), weights[(base + kk) / 4u], ok);
}

@group(0) @binding(2) var<storage, read_write> output: array<vec4<f16>>;

var<workgroup> tileA: array<f16, 5120>;

var<workgroup> tileB: array<f16, 5120>;

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
  let aK = (t % 8u) * 4u;
  let aRow0 = t / 8u + 0u;
  let aRow1 = t / 8u + 16u;
  let aRow2 = t / 8u + 32u;
  let aRow3 = t / 8u + 48u;
  let a0_m = min(mBlock + aRow0, M_TOTAL - 1u);
  let a0_ok = mBlock + aRow0 < M_TOTAL;
  let a0_pq = a0_m % PQ;
  let a0_base = (a0_m / PQ) * H * W * C + g * CG;
  let a0_ih = i32((a0_pq / Q) * STRIDE_H) - PAD_H;
  let a0_iw = i32((a0_pq % Q) * STRIDE_W) - PAD_W;
  let a1_m = min(mBlock + aRow1, M_TOTAL - 1u);
  let a1_ok = mBlock + aRow1 < M_TOTAL;
  let a1_pq = a1_m % PQ;
  let a1_base = (a1_m / PQ) * H * W * C + g * CG;
  let a1_ih = i32((a1_pq / Q) * STRIDE_H) - PAD_H;
  let a1_iw = i32((a1_pq % Q) * STRIDE_W) - PAD_W;
  let a2_m = min(mBlock + aRow2, M_TOTAL - 1u);
  let a2_ok = mBlock + aRow2 < M_TOTAL;
  let a2_pq = a2_m % PQ;
  let a2_base = (a2_m / PQ) * H * W * C + g * CG;
  let a2_ih = i32((a2_pq / Q) * STRIDE_H) - PAD_H;
  let a2_iw = i32((a2_pq % Q) * STRIDE_W) - PAD_W;
  let a3_m = min(mBlock + aRow3, M_TOTAL - 1u);
  let a3_ok = mBlock + aRow3 < M_TOTAL;
  let a3_pq = a3_m % PQ;
  let a3_base = (a3_m / PQ) * H * W * C + g * CG;
  let a3_ih = i32((a3_pq / Q) * STRIDE_H) - PAD_H;
  let a3_iw = i32((a3_pq % Q) * STRIDE_W) - PAD_W;
  let bK = (t % 8u) * 4u;
  let bRow0 = t / 8u + 0u;
  let bRow1 = t / 8u + 16u;
  let bRow2 = t / 8u + 32u;
  let bRow3 = t / 8u + 48u;
  let b0_ok = nBlock + bRow0 < KG;
  let b0_base = (g * KG + min(nBlock + bRow0, KG - 1u)) * K_GROUP;
  let b1_ok = nBlock + bRow1 < KG;
  let b1_base = (g * KG + min(nBlock + bRow1, KG - 1u)) * K_GROUP;
  let b2_ok = nBlock + bRow2 < KG;
  let b2_base = (g * KG + min(nBlock + bRow2, KG - 1u)) * K_GROUP;
  let b3_ok = nBlock + bRow3 < KG;
  let b3_base = (g * KG + min(nBlock + bRow3, KG - 1u)) * K_GROUP;
  var acc_0_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_0_1 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_0 = subgroup_matrix_result<f32, 16, 16>();
  var acc_1_1 = subgroup_matrix_result<f32, 16, 16>();
  var aStage0: vec4<f16>;
  var aStage1: vec4<f16>;
  var aStage2: vec4<f16>;
  var aStage3: vec4<f16>;
  var bStage0: vec4<f16>;
  var bStage1: vec4<f16>;
  var bStage2: vec4<f16>;
  var bStage3: vec4<f16>;
  aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, 0u * BK + aK);
  aStage1 = loadA(a1_base, a1_ih, a1_iw, a1_ok, 0u * BK + aK);
  aStage2 = loadA(a2_base, a2_ih, a2_iw, a2_ok, 0u * BK + aK);
  aStage3 = loadA(a3_base, a3_ih, a3_iw, a3_ok, 0u * BK + aK);
  bStage0 = loadB(b0_base, b0_ok, 0u * BK + bK);
  bStage1 = loadB(b1_base, b1_ok, 0u * BK + bK);
  bStage2 = loadB(b2_base, b2_ok, 0u * BK + bK);
  bStage3 = loadB(b3_base, b3_ok, 0u * BK + bK);
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
  workgroupBarrier();
  for (var kt = 0u; kt < K_TILES; kt++) {
    let parity = (kt - 0u) & 1u;
    let more = kt + 1u < K_TILES;
    if (more) {
      aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, (kt + 1u) * BK + aK);
      aStage1 = loadA(a1_base, a1_ih, a1_iw, a1_ok, (kt + 1u) * BK + aK);
      aStage2 = loadA(a2_base, a2_ih, a2_iw, a2_ok, (kt + 1u) * BK + aK);
      aStage3 = loadA(a3_base, a3_ih, a3_iw, a3_ok, (kt + 1u) * BK + aK);
      bStage0 = loadB(b0_base, b0_ok, (kt + 1u) * BK + bK);
      bStage1 = loadB(b1_base, b1_ok, (kt + 1u) * BK + bK);
      bStage2 = loadB(b2_base, b2_ok, (kt + 1u) * BK + bK);
      bStage3 = loadB(b3_base, b3_ok, (kt + 1u) * BK + bK);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, parity * 2560u + (sgM * 32u + 0u) * STRIDE + 0u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, parity * 2560u + (sgM * 32u + 16u) * STRIDE + 0u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&tileB, parity * 2560u + (sgN * 32u + 0u) * STRIDE + 0u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&tileB, parity * 2560u + (sgN * 32u + 16u) * STRIDE + 0u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
    }
    {
      let a0 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, parity * 2560u + (sgM * 32u + 0u) * STRIDE + 16u, STRIDE);
      let a1 = subgroupMatrixLoad<subgroup_matrix_left<f16, 16, 16>, row_major>(&tileA, parity * 2560u + (sgM * 32u + 16u) * STRIDE + 16u, STRIDE);
      let b0 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&tileB, parity * 2560u + (sgN * 32u + 0u) * STRIDE + 16u, STRIDE);
      let b1 = subgroupMatrixLoad<subgroup_matrix_right<f16, 16, 16>, col_major>(&tileB, parity * 2560u + (sgN * 32u + 16u) * STRIDE + 16u, STRIDE);
      acc_0_0 = subgroupMatrixMultiplyAccumulate(a0, b0, acc_0_0);
      acc_0_1 = subgroupMatrixMultiplyAccumulate(a0, b1, acc_0_1);
      acc_1_0 = subgroupMatrixMultiplyAccumulate(a1, b0, acc_1_0);
      acc_1_1 = subgroupMatrixMultiplyAccumulate(a1, b1, acc_1_1);
    }
    if (more) {
      tileA[(1u - parity) * 2560u + aRow0 * STRIDE + aK + 0u] = aStage0.x;
      tileA[(1u - parity) * 2560u + aRow0 * STRIDE + aK + 1u] = aStage0.y;
      tileA[(1u - parity) * 2560u + aRow0 * STRIDE + aK + 2u] = aStage0.z;
      tileA[(1u - parity) * 2560u + aRow0 * STRIDE + aK + 3u] = aStage0.w;
      tileA[(1u - parity) * 2560u + aRow1 * STRIDE + aK + 0u] = aStage1.x;
      tileA[(1u - parity) * 2560u + aRow1 * STRIDE + aK + 1u] = aStage1.y;
      tileA[(1u - parity) * 2560u + aRow1 * STRIDE + aK + 2u] = aStage1.z;
      tileA[(1u - parity) * 2560u + aRow1 * STRIDE + aK + 3u] = aStage1.w;
      tileA[(1u - parity) * 2560u + aRow2 * STRIDE + aK + 0u] = aStage2.x;
      tileA[(1u - parity) * 2560u + aRow2 * STRIDE + aK + 1u] = aStage2.y;
      tileA[(1u - parity) * 2560u + aRow2 * STRIDE + aK + 2u] = aStage2.z;
      tileA[(1u - parity) * 2560u + aRow2 * STRIDE + aK + 3u] = aStage2.w;
      tileA[(1u - parity) * 2560u + aRow3 * STRIDE + aK + 0u] = aStage3.x;
      tileA[(1u - parity) * 2560u + aRow3 * STRIDE + aK + 1u] = aStage3.y;
      tileA[(1u - parity) * 2560u + aRow3 * STRIDE + aK + 2u] = aStage3.z;
      tileA[(1u - parity) * 2560u + aRow3 * STRIDE + aK + 3u] = aStage3.w;
      tileB[(1u - parity) * 2560u + bRow0 * STRIDE + bK + 0u] = bStage0.x;
      tileB[(1u - parity) * 2560u + bRow0 * STRIDE + bK + 1u] = bStage0.y;
      tileB[(1u - parity) * 2560u + bRow0 * STRIDE + bK + 2u] = bStage0.z;
      tileB[(1u - parity) * 2560u + bRow0 * STRIDE + bK + 3u] = bStage0.w;
      tileB[(1u - parity) * 2560u + bRow1 * STRIDE + bK + 0u] = bStage1.x;
      tileB[(1u - parity) * 2560u + bRow1 * STRIDE + bK + 1u] = bStage1.y;
      tileB[(1u - parity) * 2560u + bRow1 * STRIDE + bK + 2u] = bStage1.z;
      tileB[(1u - parity) * 2560u + bRow1 * STRIDE + bK + 3u] = bStage1.w;
      tileB[(1u - parity) * 2560u + bRow2 * STRIDE + bK + 0u] = bStage2.x;
      tileB[(1u - parity) * 2560u + bRow2 * STRIDE + bK + 1u] = bStage2.y;
      tileB[(1u - parity) * 2560u + bRow2 * STRIDE + bK + 2u] = bStage2.z;
      tileB[(1u - parity) * 2560u + bRow2 * STRIDE + bK + 3u] = bStage2.w;
      tileB[(1u - parity) * 2560u + bRow3 * STRIDE + bK + 0u] = bStage3.x;
      tileB[(1u - parity) * 2560u + bRow3 * STRIDE + bK + 1u] = bStage3.y;
      tileB[(1u - parity) * 2560u + bRow3 * STRIDE + bK + 2u] = bStage3.z;
      tileB[(1u - parity) * 2560u + bRow3 * STRIDE + bK + 3u] = bStage3.w;
    }
    workgroupBarrier();
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
