// pack_filter
// The two staging passes of im2col + GEMM. Both write whole vec4s of zero-padded matrices, so the
// GEMM that follows reads aligned vec4s with no bounds checks:
//   im2col:      columns[g][m][k]  (GROUPS x M_PAD x K_PAD), k over the filter's own (c, r, s) order
//   pack_filter: packed[g][n][k]   (GROUPS x N_PAD x K_PAD), the filter rows padded with zeros
// Each invocation writes one vec4; the 1-D index is spread over x and y to fit the dispatch limit.
const N: u32 = 1u;
const C: u32 = 3u;
const H: u32 = 32u;
const W: u32 = 32u;
const K: u32 = 16u;
const R: u32 = 7u;
const S: u32 = 7u;
const P: u32 = 16u;
const Q: u32 = 16u;
const PAD_H: i32 = 3i;
const PAD_W: i32 = 3i;
const STRIDE_H: u32 = 2u;
const STRIDE_W: u32 = 2u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 3u;
const KG: u32 = 16u;
const M_PAD: u32 = 256u;
const N_PAD: u32 = 16u;
const K_PAD: u32 = 152u;
const M_TOTAL: u32 = 256u;
const K_GROUP: u32 = 147u;
const PQ: u32 = 256u;
const WG: u32 = 64u;
const COLUMN_VEC4S: u32 = 9728u;
const PACKED_VEC4S: u32 = 608u;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> columns: array<vec4<f32>>;

fn gather(n: u32, g: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> f32 {
  let c = kk / (R * S);
  let rs = kk % (R * S);
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(0.0, input[min(((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw), N * C * H * W - 1u)], (ok) & (kk < K_GROUP) & (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.y * groups.x * WG + gid.x;
  if (e >= COLUMN_VEC4S) {
    return;
  }
  let k0 = (e % (K_PAD / 4u)) * 4u;
  let m = (e / (K_PAD / 4u)) % M_PAD;
  let g = e / ((K_PAD / 4u) * M_PAD);
  let ok = m < M_TOTAL;
  let pq = m % PQ;
  let n = min(m / PQ, N - 1u);
  let ih0 = i32((pq / Q) * STRIDE_H) - PAD_H;
  let iw0 = i32((pq % Q) * STRIDE_W) - PAD_W;
  columns[e] = vec4<f32>(
    gather(n, g, ih0, iw0, ok, k0),
    gather(n, g, ih0, iw0, ok, k0 + 1u),
    gather(n, g, ih0, iw0, ok, k0 + 2u),
    gather(n, g, ih0, iw0, ok, k0 + 3u),
  );
}

@group(0) @binding(0) var<storage, read> weights: array<f32>;
@group(0) @binding(1) var<storage, read_write> packed: array<vec4<f32>>;

fn weight(g: u32, n: u32, kk: u32) -> f32 {
  let inside = (n < KG) & (kk < K_GROUP);
  return select(0.0, weights[min((g * KG + n) * K_GROUP + kk, K * K_GROUP - 1u)], inside);
}

@compute @workgroup_size(WG)
fn pack_filter(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.y * groups.x * WG + gid.x;
  if (e >= PACKED_VEC4S) {
    return;
  }
  let k0 = (e % (K_PAD / 4u)) * 4u;
  let n = (e / (K_PAD / 4u)) % N_PAD;
  let g = e / ((K_PAD / 4u) * N_PAD);
  packed[e] = vec4<f32>(weight(g, n, k0), weight(g, n, k0 + 1u), weight(g, n, k0 + 2u), weight(g, n, k0 + 3u));
}

// im2col
// The two staging passes of im2col + GEMM. Both write whole vec4s of zero-padded matrices, so the
// GEMM that follows reads aligned vec4s with no bounds checks:
//   im2col:      columns[g][m][k]  (GROUPS x M_PAD x K_PAD), k over the filter's own (c, r, s) order
//   pack_filter: packed[g][n][k]   (GROUPS x N_PAD x K_PAD), the filter rows padded with zeros
// Each invocation writes one vec4; the 1-D index is spread over x and y to fit the dispatch limit.
const N: u32 = 1u;
const C: u32 = 3u;
const H: u32 = 32u;
const W: u32 = 32u;
const K: u32 = 16u;
const R: u32 = 7u;
const S: u32 = 7u;
const P: u32 = 16u;
const Q: u32 = 16u;
const PAD_H: i32 = 3i;
const PAD_W: i32 = 3i;
const STRIDE_H: u32 = 2u;
const STRIDE_W: u32 = 2u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 3u;
const KG: u32 = 16u;
const M_PAD: u32 = 256u;
const N_PAD: u32 = 16u;
const K_PAD: u32 = 152u;
const M_TOTAL: u32 = 256u;
const K_GROUP: u32 = 147u;
const PQ: u32 = 256u;
const WG: u32 = 64u;
const COLUMN_VEC4S: u32 = 9728u;
const PACKED_VEC4S: u32 = 608u;

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> columns: array<vec4<f32>>;

fn gather(n: u32, g: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> f32 {
  let c = kk / (R * S);
  let rs = kk % (R * S);
  let ih = ih0 + i32((rs / S) * DIL_H);
  let iw = iw0 + i32((rs % S) * DIL_W);
  return select(0.0, input[min(((n * C + g * CG + c) * H + u32(ih)) * W + u32(iw), N * C * H * W - 1u)], (ok) & (kk < K_GROUP) & (ih >= 0) & (ih < i32(H)) & (iw >= 0) & (iw < i32(W)));
}

@compute @workgroup_size(WG)
fn im2col(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.y * groups.x * WG + gid.x;
  if (e >= COLUMN_VEC4S) {
    return;
  }
  let k0 = (e % (K_PAD / 4u)) * 4u;
  let m = (e / (K_PAD / 4u)) % M_PAD;
  let g = e / ((K_PAD / 4u) * M_PAD);
  let ok = m < M_TOTAL;
  let pq = m % PQ;
  let n = min(m / PQ, N - 1u);
  let ih0 = i32((pq / Q) * STRIDE_H) - PAD_H;
  let iw0 = i32((pq % Q) * STRIDE_W) - PAD_W;
  columns[e] = vec4<f32>(
    gather(n, g, ih0, iw0, ok, k0),
    gather(n, g, ih0, iw0, ok, k0 + 1u),
    gather(n, g, ih0, iw0, ok, k0 + 2u),
    gather(n, g, ih0, iw0, ok, k0 + 3u),
  );
}

@group(0) @binding(0) var<storage, read> weights: array<f32>;
@group(0) @binding(1) var<storage, read_write> packed: array<vec4<f32>>;

fn weight(g: u32, n: u32, kk: u32) -> f32 {
  let inside = (n < KG) & (kk < K_GROUP);
  return select(0.0, weights[min((g * KG + n) * K_GROUP + kk, K * K_GROUP - 1u)], inside);
}

@compute @workgroup_size(WG)
fn pack_filter(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let e = gid.y * groups.x * WG + gid.x;
  if (e >= PACKED_VEC4S) {
    return;
  }
  let k0 = (e % (K_PAD / 4u)) * 4u;
  let n = (e / (K_PAD / 4u)) % N_PAD;
  let g = e / ((K_PAD / 4u) * N_PAD);
  packed[e] = vec4<f32>(weight(g, n, k0), weight(g, n, k0 + 1u), weight(g, n, k0 + 2u), weight(g, n, k0 + 3u));
}

// gemm

// Register-tiled GEMM for convolution: out[m][n] = sum_k A[m][k] * B[n][k] per group, where m runs
// over output pixels (N*P*Q), n over the group's output channels and k over its (channel, r, s).
// Each workgroup computes a BM x BN block of the output through BK-deep slices of A and B staged in
// workgroup memory (k-major, so the inner loop reads vec4s along m and n); each invocation owns a
// TM x TN micro-tile of accumulators, its rows and columns interleaved so that neighbouring
// invocations read neighbouring vec4s. x: blocks of m; y: blocks of n; z: the group (times the k slices under split-K).
const N: u32 = 1u;
const C: u32 = 3u;
const H: u32 = 32u;
const W: u32 = 32u;
const K: u32 = 16u;
const R: u32 = 7u;
const S: u32 = 7u;
const P: u32 = 16u;
const Q: u32 = 16u;
const PAD_H: i32 = 3i;
const PAD_W: i32 = 3i;
const STRIDE_H: u32 = 2u;
const STRIDE_W: u32 = 2u;
const DIL_H: u32 = 1u;
const DIL_W: u32 = 1u;
const GROUPS: u32 = 1u;
const CG: u32 = 3u;
const KG: u32 = 16u;
const M_PAD: u32 = 256u;
const N_PAD: u32 = 16u;
const K_PAD: u32 = 152u;
const M_TOTAL: u32 = 256u;
const N_GROUP: u32 = 16u;
const K_GROUP: u32 = 147u;
const PQ: u32 = 256u;
const BM: u32 = 32u;
const BN: u32 = 16u;
const BK: u32 = 8u;
const TM: u32 = 4u;
const TN: u32 = 4u;
const THREADS: u32 = 32u;
const K_TILES: u32 = 19u;
const TILE_A_VEC4S: u32 = 144u;
const TILE_B_VEC4S: u32 = 80u;

@group(0) @binding(0) var<storage, read> columns: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> packed: array<vec4<f32>>;
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
  let aK = (t % 2u) * 4u;
  let aRow0 = t / 2u + 0u;
  let aRow1 = t / 2u + 16u;
  let a0_base = (g * M_PAD + mBlock + aRow0) * K_PAD;
  let a1_base = (g * M_PAD + mBlock + aRow1) * K_PAD;
  let bK = (t % 2u) * 4u;
  let bRow0 = t / 2u + 0u;
  let b0_base = (g * N_PAD + nBlock + bRow0) * K_PAD;
  var acc_0_0_0 = vec4<f32>(0.0);
  var acc_0_1_0 = vec4<f32>(0.0);
  var acc_0_2_0 = vec4<f32>(0.0);
  var acc_0_3_0 = vec4<f32>(0.0);
  var a_0: vec4<f32>;
  var b_0: vec4<f32>;
  var aStage0: vec4<f32>;
  var aStage1: vec4<f32>;
  var bStage0: vec4<f32>;
  aStage0 = columns[(a0_base + 0u * BK + aK) / 4u];
  aStage1 = columns[(a1_base + 0u * BK + aK) / 4u];
  bStage0 = packed[(b0_base + 0u * BK + bK) / 4u];
  tileA[(aK) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.x;
  tileA[(aK + 1u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.y;
  tileA[(aK + 2u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.z;
  tileA[(aK + 3u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.w;
  tileA[(aK) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.x;
  tileA[(aK + 1u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.y;
  tileA[(aK + 2u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.z;
  tileA[(aK + 3u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.w;
  tileB[(bK) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.x;
  tileB[(bK + 1u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.y;
  tileB[(bK + 2u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.z;
  tileB[(bK + 3u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.w;
  workgroupBarrier();
  for (var kt = 0u; kt < K_TILES; kt++) {
    let current = (kt & 1u) * 8u;
    let next = 8u - current;
    let more = kt + 1u < K_TILES;
    if (more) {
      aStage0 = columns[(a0_base + (kt + 1u) * BK + aK) / 4u];
      aStage1 = columns[(a1_base + (kt + 1u) * BK + aK) / 4u];
      bStage0 = packed[(b0_base + (kt + 1u) * BK + bK) / 4u];
    }
    a_0 = tileA[(current + 0u) * 9u + tm + 0u];
    b_0 = tileB[(current + 0u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 1u) * 9u + tm + 0u];
    b_0 = tileB[(current + 1u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 2u) * 9u + tm + 0u];
    b_0 = tileB[(current + 2u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 3u) * 9u + tm + 0u];
    b_0 = tileB[(current + 3u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 4u) * 9u + tm + 0u];
    b_0 = tileB[(current + 4u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 5u) * 9u + tm + 0u];
    b_0 = tileB[(current + 5u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 6u) * 9u + tm + 0u];
    b_0 = tileB[(current + 6u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    a_0 = tileA[(current + 7u) * 9u + tm + 0u];
    b_0 = tileB[(current + 7u) * 5u + tn + 0u];
    acc_0_0_0 = fma(vec4<f32>(a_0.x), b_0, acc_0_0_0);
    acc_0_1_0 = fma(vec4<f32>(a_0.y), b_0, acc_0_1_0);
    acc_0_2_0 = fma(vec4<f32>(a_0.z), b_0, acc_0_2_0);
    acc_0_3_0 = fma(vec4<f32>(a_0.w), b_0, acc_0_3_0);
    if (more) {
      tileA[(next + aK) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.x;
      tileA[(next + aK + 1u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.y;
      tileA[(next + aK + 2u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.z;
      tileA[(next + aK + 3u) * 9u + aRow0 / 4u][aRow0 % 4u] = aStage0.w;
      tileA[(next + aK) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.x;
      tileA[(next + aK + 1u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.y;
      tileA[(next + aK + 2u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.z;
      tileA[(next + aK + 3u) * 9u + aRow1 / 4u][aRow1 % 4u] = aStage1.w;
      tileB[(next + bK) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.x;
      tileB[(next + bK + 1u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.y;
      tileB[(next + bK + 2u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.z;
      tileB[(next + bK + 3u) * 5u + bRow0 / 4u][bRow0 % 4u] = bStage0.w;
    }
    workgroupBarrier();
  }
  let m_0 = mBlock + (tm + 0u) * 4u;
  let img_0 = m_0 / PQ;
  let pq_0 = m_0 % PQ;
  let n_0 = g * KG + nBlock + (tn + 0u) * 4u;
  output[((img_0 * K + n_0 + 0u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.x, acc_0_1_0.x, acc_0_2_0.x, acc_0_3_0.x);
  output[((img_0 * K + n_0 + 1u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.y, acc_0_1_0.y, acc_0_2_0.y, acc_0_3_0.y);
  output[((img_0 * K + n_0 + 2u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.z, acc_0_1_0.z, acc_0_2_0.z, acc_0_3_0.z);
  output[((img_0 * K + n_0 + 3u) * PQ + pq_0) / 4u] = vec4<f32>(acc_0_0_0.w, acc_0_1_0.w, acc_0_2_0.w, acc_0_3_0.w);
}
