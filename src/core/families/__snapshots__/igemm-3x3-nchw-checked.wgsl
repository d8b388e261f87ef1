
// Register-tiled GEMM for convolution: out[m][n] = sum_k A[m][k] * B[n][k] per group, where m runs
// over output pixels (N*P*Q), n over the group's output channels and k over its (channel, r, s).
// Each workgroup computes a BM x BN block of the output through BK-deep slices of A and B staged in
// workgroup memory (k-major, so the inner loop reads vec4s along m and n); each invocation owns a
// TM x TN micro-tile of accumulators, its rows and columns interleaved so that neighbouring
// invocations read neighbouring vec4s. x: blocks of m; y: blocks of n; z: the group (times the k slices under split-K).
const N: u32 = 1u;
const C: u32 = 3u;
const H: u32 = 23u;
const W: u32 = 23u;
const K: u32 = 10u;
const R: u32 = 3u;
const S: u32 = 3u;
const P: u32 = 12u;
const Q: u32 = 12u;
const PAD_H: i32 = 1i;
const PAD_W: i32 = 1i;
const STRIDE_H: u32 = 2u;
const STRIDE_W: u32 = 2u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 3u;
const KG: u32 = 10u;
const M_TOTAL: u32 = 144u;
const N_GROUP: u32 = 10u;
const K_GROUP: u32 = 27u;
const PQ: u32 = 144u;
const BM: u32 = 64u;
const BN: u32 = 16u;
const BK: u32 = 8u;
const TM: u32 = 4u;
const TN: u32 = 4u;
const THREADS: u32 = 64u;
const K_TILES: u32 = 4u;
const TILE_A_VEC4S: u32 = 128u;
const TILE_B_VEC4S: u32 = 32u;

@group(0) @binding(0) var<storage, read> input: array<f32>;
fn loadA(base: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> f32 {
  let c = kk / (R * S);
  let rs = kk % (R * S);
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(f32(0.0), input[base + c * H * W + u32(ih) * W + u32(iw)], (ok) & (kk < K_GROUP) & (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@group(0) @binding(1) var<storage, read> weights: array<f32>;
fn loadB(base: u32, ok: bool, kk: u32) -> f32 {
  return select(f32(0.0), weights[base + kk], (ok) & (kk < K_GROUP));
}

@group(0) @binding(2) var<storage, read_write> output: array<vec4<f32>>;

var<workgroup> tileA: array<vec4<f32>, TILE_A_VEC4S>;
var<workgroup> tileB: array<vec4<f32>, TILE_B_VEC4S>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let mBlock = wg.x * BM;
  let nBlock = wg.y * BN;
  let g = wg.z;
  let tm = t / (BN / TN);
  let tn = t % (BN / TN);
  let aRow0 = t % 64u + 0u;
  let aK = t / 64u;
  let a0_m = min(mBlock + aRow0, M_TOTAL - 1u);
  let a0_ok = mBlock + aRow0 < M_TOTAL;
  let a0_pq = a0_m % PQ;
  let a0_base = ((a0_m / PQ) * C + g * CG) * H * W;
  let a0_ih = i32((a0_pq / Q) * STRIDE_H) - PAD_H;
  let a0_iw = i32((a0_pq % Q) * STRIDE_W) - PAD_W;
  let bK = (t % 8u) * 1u;
  let bRow0 = t / 8u + 0u;
  let bRow1 = t / 8u + 8u;
  let b0_ok = nBlock + bRow0 < KG;
  let b0_base = (g * KG + min(nBlock + bRow0, KG - 1u)) * K_GROUP;
  let b1_ok = nBlock + bRow1 < KG;
  let b1_base = (g * KG + min(nBlock + bRow1, KG - 1u)) * K_GROUP;
  var acc_0_0_0 = vec4<f32>(0.0);
  var acc_0_1_0 = vec4<f32>(0.0);
  var acc_0_2_0 = vec4<f32>(0.0);
  var acc_0_3_0 = vec4<f32>(0.0);
  var a_0: vec4<f32>;
  var b_0: vec4<f32>;
  var aStage0: f32;
  var aStage1: f32;
  var aStage2: f32;
  var aStage3: f32;
  var aStage4: f32;
  var aStage5: f32;
  var aStage6: f32;
  var aStage7: f32;
  var bStage0: f32;
  var bStage1: f32;
  for (var kt = 0u; kt < K_TILES; kt++) {
    aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 0u);
    aStage1 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 1u);
    aStage2 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 2u);
    aStage3 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 3u);
    aStage4 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 4u);
    aStage5 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 5u);
    aStage6 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 6u);
    aStage7 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kt * BK + aK + 7u);
    bStage0 = loadB(b0_base, b0_ok, kt * BK + bK);
    bStage1 = loadB(b1_base, b1_ok, kt * BK + bK);
    tileA[(aK + 0u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage0;
    tileA[(aK + 1u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage1;
    tileA[(aK + 2u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage2;
    tileA[(aK + 3u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage3;
    tileA[(aK + 4u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage4;
    tileA[(aK + 5u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage5;
    tileA[(aK + 6u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage6;
    tileA[(aK + 7u) * 16u + aRow0 / 4u][aRow0 % 4u] = aStage7;
    tileB[(bK) * 4u + bRow0 / 4u][bRow0 % 4u] = bStage0;
    tileB[(bK) * 4u + bRow1 / 4u][bRow1 % 4u] = bStage1;
    workgroupBarrier();
    a_0 = tileA[(0u) * 16u + tm + 0u];
    b_0 = tileB[(0u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(1u) * 16u + tm + 0u];
    b_0 = tileB[(1u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(2u) * 16u + tm + 0u];
    b_0 = tileB[(2u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(3u) * 16u + tm + 0u];
    b_0 = tileB[(3u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(4u) * 16u + tm + 0u];
    b_0 = tileB[(4u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(5u) * 16u + tm + 0u];
    b_0 = tileB[(5u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(6u) * 16u + tm + 0u];
    b_0 = tileB[(6u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(7u) * 16u + tm + 0u];
    b_0 = tileB[(7u) * 4u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    workgroupBarrier();
  }
  let m_0 = mBlock + (tm + 0u) * 4u;
  let img_0 = m_0 / PQ;
  let pq_0 = m_0 % PQ;
  let n_0 = g * KG + nBlock + (tn + 0u) * 4u;
  if ((m_0 < M_TOTAL) & (n_0 + 0u - g * KG < KG)) { output[((img_0 * K + n_0 + 0u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.x, acc_0_1_0.x, acc_0_2_0.x, acc_0_3_0.x); }
  if ((m_0 < M_TOTAL) & (n_0 + 1u - g * KG < KG)) { output[((img_0 * K + n_0 + 1u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.y, acc_0_1_0.y, acc_0_2_0.y, acc_0_3_0.y); }
  if ((m_0 < M_TOTAL) & (n_0 + 2u - g * KG < KG)) { output[((img_0 * K + n_0 + 2u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.z, acc_0_1_0.z, acc_0_2_0.z, acc_0_3_0.z); }
  if ((m_0 < M_TOTAL) & (n_0 + 3u - g * KG < KG)) { output[((img_0 * K + n_0 + 3u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.w, acc_0_1_0.w, acc_0_2_0.w, acc_0_3_0.w); }
}
