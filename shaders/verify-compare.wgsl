// Compares every element of a kernel's output with the reference, on the GPU: each workgroup reduces
// its grid-stride share to one partial (sums of squares of the differences and of the reference, the
// largest difference and where it is, and how many elements are NaN or infinite: never written, or
// overflowed), so a check of millions of elements reads back a few kilobytes. The output is read as
// words: f32 values, or (HALF) pairs of f16 values, so it needs no shader-f16 of its own.
struct Partial {
  sumSqDiff: f32,
  sumSqRef: f32,
  maxDiff: f32,
  worst: u32,
  nonFinite: u32,
  firstNonFinite: u32,
  maxRef: f32,
  _pad: u32,
}

const NONE = 0xffffffffu;
override HALF: bool = false;

@group(0) @binding(0) var<storage, read> actual: array<u32>;
@group(0) @binding(1) var<storage, read> expected: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<Partial>;
@group(0) @binding(3) var<uniform> params: vec4<u32>; // total, grid stride

var<workgroup> shared_: array<Partial, 256>;

fn merge(a: Partial, b: Partial) -> Partial {
  var m = a;
  m.sumSqDiff = a.sumSqDiff + b.sumSqDiff;
  m.sumSqRef = a.sumSqRef + b.sumSqRef;
  if (b.maxDiff > a.maxDiff) { m.maxDiff = b.maxDiff; m.worst = b.worst; }
  m.nonFinite = a.nonFinite + b.nonFinite;
  m.firstNonFinite = min(a.firstNonFinite, b.firstNonFinite);
  m.maxRef = max(a.maxRef, b.maxRef);
  return m;
}

@compute @workgroup_size(256)
fn main(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(local_invocation_index) li: u32,
  @builtin(workgroup_id) wid: vec3<u32>,
) {
  var acc = Partial(0.0, 0.0, 0.0, NONE, 0u, NONE, 0.0, 0u);
  for (var i = gid.x; i < params.x; i += params.y) {
    // An f16 NaN or infinity unpacks to an f32 one, so one check below serves both.
    var a: f32;
    if (HALF) {
      a = unpack2x16float(actual[i / 2u])[i % 2u];
    } else {
      a = bitcast<f32>(actual[i]);
    }
    let e = expected[i];
    // NaN and infinity by their bits: a compiler may assume floats are finite.
    if ((bitcast<u32>(a) & 0x7f800000u) == 0x7f800000u) {
      acc.nonFinite += 1u;
      acc.firstNonFinite = min(acc.firstNonFinite, i);
      continue;
    }
    let d = abs(a - e);
    acc.sumSqDiff += d * d;
    acc.sumSqRef += e * e;
    acc.maxRef = max(acc.maxRef, abs(e));
    if (d > acc.maxDiff || acc.worst == NONE) { acc.maxDiff = d; acc.worst = i; }
  }
  shared_[li] = acc;
  workgroupBarrier();
  for (var half = 128u; half > 0u; half >>= 1u) {
    if (li < half) { shared_[li] = merge(shared_[li], shared_[li + half]); }
    workgroupBarrier();
  }
  if (li == 0u) { partials[wid.x] = shared_[0]; }
}
