// Peak subgroup-matrix (tensor-core) throughput: each subgroup multiplies one MM x MK f16 matrix by
// one MK x MN into eight independent f32 accumulators, ITERATIONS times (operands loaded once).
// FLOPs per subgroup = ITERATIONS * 8 * 2 * MM * MN * MK.
enable f16;
enable subgroups;
enable chromium_experimental_subgroup_matrix;
diagnostic(off, chromium_experimental.subgroup_matrix_uniformity);

{{CONSTANTS}}

@group(0) @binding(0) var<storage, read_write> sink: array<f32>;

var<workgroup> operands: array<f16, 1024>;

@compute @workgroup_size(SUBGROUP * 4)
fn main(
  @builtin(local_invocation_index) t: u32,
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(subgroup_id) sg: u32,
) {
  // Small values, so the sums stay finite however long the loop.
  for (var i = t; i < 1024u; i += SUBGROUP * 4u) {
    operands[i] = f16(i % 7u) * 0.001h;
  }
  workgroupBarrier();
  let a = subgroupMatrixLoad<subgroup_matrix_left<f16, MK, MM>, row_major>(&operands, 0u, MK);
  let b = subgroupMatrixLoad<subgroup_matrix_right<f16, MN, MK>, col_major>(&operands, 256u, MK);
  var c0 = subgroup_matrix_result<f32, MN, MM>();
  var c1 = c0;
  var c2 = c0;
  var c3 = c0;
  var c4 = c0;
  var c5 = c0;
  var c6 = c0;
  var c7 = c0;
  for (var i = 0u; i < ITERATIONS; i++) {
    c0 = subgroupMatrixMultiplyAccumulate(a, b, c0);
    c1 = subgroupMatrixMultiplyAccumulate(a, b, c1);
    c2 = subgroupMatrixMultiplyAccumulate(a, b, c2);
    c3 = subgroupMatrixMultiplyAccumulate(a, b, c3);
    c4 = subgroupMatrixMultiplyAccumulate(a, b, c4);
    c5 = subgroupMatrixMultiplyAccumulate(a, b, c5);
    c6 = subgroupMatrixMultiplyAccumulate(a, b, c6);
    c7 = subgroupMatrixMultiplyAccumulate(a, b, c7);
  }
  // Every accumulator is stored to its own slot, so none can be dropped.
  let at = (wg.x * 4u + sg) * 8u * MM * MN;
  subgroupMatrixStore<row_major>(&sink, at, c0, MN);
  subgroupMatrixStore<row_major>(&sink, at + MM * MN, c1, MN);
  subgroupMatrixStore<row_major>(&sink, at + 2u * MM * MN, c2, MN);
  subgroupMatrixStore<row_major>(&sink, at + 3u * MM * MN, c3, MN);
  subgroupMatrixStore<row_major>(&sink, at + 4u * MM * MN, c4, MN);
  subgroupMatrixStore<row_major>(&sink, at + 5u * MM * MN, c5, MN);
  subgroupMatrixStore<row_major>(&sink, at + 6u * MM * MN, c6, MN);
  subgroupMatrixStore<row_major>(&sink, at + 7u * MM * MN, c7, MN);
}
