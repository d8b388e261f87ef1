// gemm

// Register-tiled GEMM for convolution: out[m][n] = sum_k A[m][k] * B[n][k] per group, where m runs
// over output pixels (N*P*Q), n over the group's output channels and k over its (channel, r, s).
// Each workgroup computes a BM x BN block of the output through BK-deep slices of A and B staged in
// workgroup memory (k-major, so the inner loop reads vec4s along m and n); each invocation owns a
// TM x TN micro-tile of accumulators, its rows and columns interleaved so that neighbouring
// invocations read neighbouring vec4s. x: blocks of m; y: blocks of n; z: the group (times the k slices under split-K).
const N: u32 = 1u;
const C: u32 = 512u;
const H: u32 = 7u;
const W: u32 = 7u;
const K: u32 = 512u;
const R: u32 = 3u;
const S: u32 = 3u;
const P: u32 = 7u;
const Q: u32 = 7u;
const PAD_H: i32 = 1i;
const PAD_W: i32 = 1i;
const STRIDE_H: u32 = 1u;
const STRIDE_W: u32 = 1u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 512u;
const KG: u32 = 512u;
const M_TOTAL: u32 = 49u;
const N_GROUP: u32 = 512u;
const K_GROUP: u32 = 4608u;
const PQ: u32 = 49u;
const BM: u32 = 32u;
const BN: u32 = 64u;
const BK: u32 = 16u;
const TM: u32 = 4u;
const TN: u32 = 4u;
const THREADS: u32 = 128u;
const K_TILES: u32 = 288u;
const SPLITS: u32 = 8u;
const TILES_PER_SPLIT: u32 = 36u;
const OUTPUT_SLOTS: u32 = 6272u;
const TILE_A_VEC4S: u32 = 256u;
const TILE_B_VEC4S: u32 = 512u;

@group(0) @binding(0) var<storage, read> input: array<vec4<f32>>;
fn loadA(base: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> vec4<f32> {
  let c = kk % CG;
  let rs = kk / CG;
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(vec4<f32>(0.0), input[(base + (u32(ih) * W + u32(iw)) * C + c) / 4u], (ok) & (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@group(0) @binding(1) var<storage, read> weights: array<vec4<f32>>;
fn loadB(base: u32, ok: bool, kk: u32) -> vec4<f32> {
  return weights[(base + kk) / 4u];
}

@group(0) @binding(2) var<storage, read_write> output: array<vec4<f32>>;

var<workgroup> tileA: array<vec4<f32>, TILE_A_VEC4S>;
var<workgroup> tileB: array<vec4<f32>, TILE_B_VEC4S>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let mBlock = wg.x * BM;
  let nBlock = wg.y * BN;
  let g = wg.z / SPLITS;
  let slice = wg.z % SPLITS;
  let kBegin = slice * TILES_PER_SPLIT;
  let kEnd = min(kBegin + TILES_PER_SPLIT, K_TILES);
  let sliceBase = slice * OUTPUT_SLOTS;
  let tm = t / (BN / TN);
  let tn = t % (BN / TN);
  let aK = (t % 4u) * 4u;
  let aRow0 = t / 4u + 0u;
  let a0_m = min(mBlock + aRow0, M_TOTAL - 1u);
  let a0_ok = mBlock + aRow0 < M_TOTAL;
  let a0_pq = a0_m % PQ;
  let a0_base = (a0_m / PQ) * H * W * C + g * CG;
  let a0_ih = i32((a0_pq / Q) * STRIDE_H) - PAD_H;
  let a0_iw = i32((a0_pq % Q) * STRIDE_W) - PAD_W;
  let bK = (t % 4u) * 4u;
  let bRow0 = t / 4u + 0u;
  let bRow1 = t / 4u + 32u;
  let b0_ok = true;
  let b0_base = (g * KG + nBlock + bRow0) * K_GROUP;
  let b1_ok = true;
  let b1_base = (g * KG + nBlock + bRow1) * K_GROUP;
  var acc_0_0_0 = vec4<f32>(0.0);
  var acc_0_1_0 = vec4<f32>(0.0);
  var acc_0_2_0 = vec4<f32>(0.0);
  var acc_0_3_0 = vec4<f32>(0.0);
  var a_0: vec4<f32>;
  var b_0: vec4<f32>;
  var aStage0: vec4<f32>;
  var bStage0: vec4<f32>;
  var bStage1: vec4<f32>;
  aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, kBegin * BK + aK);
  bStage0 = loadB(b0_base, b0_ok, kBegin * BK + bK);
  bStage1 = loadB(b1_base, b1_ok, kBegin * BK + bK);
  tileA[(aK) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.x;
  tileA[(aK + 1u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.y;
  tileA[(aK + 2u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.z;
  tileA[(aK + 3u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.w;
  tileB[(bK) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.x;
  tileB[(bK + 1u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.y;
  tileB[(bK + 2u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.z;
  tileB[(bK + 3u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.w;
  tileB[(bK) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.x;
  tileB[(bK + 1u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.y;
  tileB[(bK + 2u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.z;
  tileB[(bK + 3u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.w;
  workgroupBarrier();
  for (var kt = kBegin; kt < kEnd; kt++) {
    let current = ((kt - kBegin) & 1u) * 16u;
    let next = 16u - current;
    let more = kt + 1u < kEnd;
    if (more) {
      aStage0 = loadA(a0_base, a0_ih, a0_iw, a0_ok, (kt + 1u) * BK + aK);
      bStage0 = loadB(b0_base, b0_ok, (kt + 1u) * BK + bK);
      bStage1 = loadB(b1_base, b1_ok, (kt + 1u) * BK + bK);
    }
    a_0 = tileA[(current + 0u) * 8u + tm + 0u];
    b_0 = tileB[(current + 0u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 1u) * 8u + tm + 0u];
    b_0 = tileB[(current + 1u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 2u) * 8u + tm + 0u];
    b_0 = tileB[(current + 2u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 3u) * 8u + tm + 0u];
    b_0 = tileB[(current + 3u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 4u) * 8u + tm + 0u];
    b_0 = tileB[(current + 4u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 5u) * 8u + tm + 0u];
    b_0 = tileB[(current + 5u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 6u) * 8u + tm + 0u];
    b_0 = tileB[(current + 6u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 7u) * 8u + tm + 0u];
    b_0 = tileB[(current + 7u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 8u) * 8u + tm + 0u];
    b_0 = tileB[(current + 8u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 9u) * 8u + tm + 0u];
    b_0 = tileB[(current + 9u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 10u) * 8u + tm + 0u];
    b_0 = tileB[(current + 10u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 11u) * 8u + tm + 0u];
    b_0 = tileB[(current + 11u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 12u) * 8u + tm + 0u];
    b_0 = tileB[(current + 12u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 13u) * 8u + tm + 0u];
    b_0 = tileB[(current + 13u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 14u) * 8u + tm + 0u];
    b_0 = tileB[(current + 14u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 15u) * 8u + tm + 0u];
    b_0 = tileB[(current + 15u) * 16u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    if (more) {
      tileA[(next + aK) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.x;
      tileA[(next + aK + 1u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.y;
      tileA[(next + aK + 2u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.z;
      tileA[(next + aK + 3u) * 8u + aRow0 / 4u][aRow0 % 4u] = aStage0.w;
      tileB[(next + bK) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.x;
      tileB[(next + bK + 1u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.y;
      tileB[(next + bK + 2u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.z;
      tileB[(next + bK + 3u) * 16u + bRow0 / 4u][bRow0 % 4u] = bStage0.w;
      tileB[(next + bK) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.x;
      tileB[(next + bK + 1u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.y;
      tileB[(next + bK + 2u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.z;
      tileB[(next + bK + 3u) * 16u + bRow1 / 4u][bRow1 % 4u] = bStage1.w;
    }
    workgroupBarrier();
  }
  let m_0 = mBlock + (tm + 0u) * 4u;
  let n_0 = g * KG + nBlock + (tn + 0u) * 4u;
  if ((m_0 + 0u) < M_TOTAL) { output[sliceBase + ((m_0 + 0u) * K + n_0) / 4u] = acc_0_0_0; }
  if ((m_0 + 1u) < M_TOTAL) { output[sliceBase + ((m_0 + 1u) * K + n_0) / 4u] = acc_0_1_0; }
  if ((m_0 + 2u) < M_TOTAL) { output[sliceBase + ((m_0 + 2u) * K + n_0) / 4u] = acc_0_2_0; }
  if ((m_0 + 3u) < M_TOTAL) { output[sliceBase + ((m_0 + 3u) * K + n_0) / 4u] = acc_0_3_0; }
}

// reduce

// Split-K's second pass: each output element is the sum of its SPLITS partial sums, which the GEMM
// pass wrote in f32 as SPLITS consecutive copies of the output; the sum is stored in the output's
// type. One invocation per element (a vec4 where the output allows), spread over x and y of the dispatch.
const SPLITS: u32 = 8u;
const OUTPUT_SLOTS: u32 = 6272u;
const WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> partial: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> output: array<vec4<f32>>;

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
  output[i] = vec4<f32>(sum);
}
