// The two staging passes of im2col + GEMM. Both write whole vec4s of zero-padded matrices, so the
// GEMM that follows reads aligned vec4s with no bounds checks:
//   im2col:      columns[g][m][k]  (GROUPS x M_PAD x K_PAD), k over the filter's own (c, r, s) order
//   pack_filter: packed[g][n][k]   (GROUPS x N_PAD x K_PAD), the filter rows padded with zeros
// Each invocation writes one vec4; the 1-D index is spread over x and y to fit the dispatch limit.
{{CONSTANTS}}

@group(0) @binding(0) var<storage, read> input: array<f32>;
@group(0) @binding(1) var<storage, read_write> columns: array<vec4<f32>>;

fn gather(n: u32, g: u32, ih0: i32, iw0: i32, ok: bool, kk: u32) -> f32 {
{{GATHER}}
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
