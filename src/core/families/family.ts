import type { ConvProblem } from "../problem";
import type { Config, TuningSpace } from "../space/space";

/**
 * What a device allows, as plain numbers (core holds no GPU objects). Filled from GPUDevice.limits
 * and features by src/gpu; SPEC_DEFAULT_LIMITS is what a browser gives unless more is requested.
 */
export interface DeviceLimits {
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeWorkgroupSizeZ: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxStorageBuffersPerShaderStage: number;
  shaderF16: boolean;
  subgroups: boolean;
  /** Invocations per subgroup, the least and most the device uses (0 when unknown). */
  subgroupMinSize: number;
  subgroupMaxSize: number;
  /** The matrix shapes and types its subgroup-matrix (tensor-core) operations take; empty without them. */
  subgroupMatrixConfigs: readonly SubgroupMatrixConfig[];
}

/** One shape a device's subgroup-matrix multiply takes: M x K times K x N of `componentType` into `resultComponentType`. */
export interface SubgroupMatrixConfig {
  componentType: string;
  resultComponentType: string;
  M: number;
  N: number;
  K: number;
}

/** The numeric limits of DeviceLimits: the ones a device is asked for at the adapter's maximum. */
export const DEVICE_LIMIT_NAMES = [
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxStorageBuffersPerShaderStage",
] as const satisfies readonly (keyof DeviceLimits)[];

export const SPEC_DEFAULT_LIMITS: DeviceLimits = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 134217728,
  maxBufferSize: 268435456,
  maxStorageBuffersPerShaderStage: 8,
  shaderF16: false,
  subgroups: false,
  subgroupMinSize: 0,
  subgroupMaxSize: 0,
  subgroupMatrixConfigs: [],
};

/** What a device says of itself, as an adapter reports it or a record keeps it. */
export interface DeviceFacts {
  limits: Readonly<Record<string, number>>;
  /** Absent in records made before features were kept: then none are assumed. */
  features?: readonly string[];
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
  subgroupMatrixConfigs?: readonly SubgroupMatrixConfig[];
}

/** The one way from a device's facts to what the families read; a missing limit is an error naming it. */
export function limitsOf(device: DeviceFacts, name = "the device"): DeviceLimits {
  const features = new Set(device.features ?? []);
  const limits: DeviceLimits = {
    ...SPEC_DEFAULT_LIMITS,
    shaderF16: features.has("shader-f16"),
    subgroups: features.has("subgroups"),
    subgroupMinSize: device.subgroupMinSize ?? 0,
    subgroupMaxSize: device.subgroupMaxSize ?? 0,
    subgroupMatrixConfigs: features.has(SUBGROUP_MATRIX_FEATURE) ? (device.subgroupMatrixConfigs ?? []) : [],
  };
  for (const key of DEVICE_LIMIT_NAMES) {
    const value = device.limits[key];
    if (value === undefined) throw new Error(`${name} records no limit ${key}`);
    limits[key] = value;
  }
  return limits;
}

/** The WebGPU feature that offers subgroup matrices (tensor cores); experimental, behind a flag. */
export const SUBGROUP_MATRIX_FEATURE = "chromium-experimental-subgroup-matrix";

/**
 * Memory layouts every family reads and writes (f32, densely packed, row-major in the order given):
 *   input   NCHW: [N][C][H][W]            NHWC: [N][H][W][C]            (as the problem says)
 *   filter  NCHW: [K][C/groups][R][S]     NHWC: [K][R][S][C/groups]
 *   output  the input's layout: [N][K][P][Q] or [N][P][Q][K]
 * Group g owns input channels [g*C/groups, (g+1)*C/groups) and output channels [g*K/groups, ...).
 * src/core/reference.ts computes exactly this (convIndexing), and verification compares against it.
 */

/** Names of the buffers a kernel plan binds: the three tensors plus scratch buffers it declares. */
export type TensorName = "input" | "filter" | "output";

export interface KernelPass {
  label: string;
  /**
   * The shader. A family may generate it only when it is read (a getter): the cost model reads the
   * plans of whole spaces for their dispatch alone.
   */
  wgsl: string;
  entryPoint: string;
  /** Workgroup counts for dispatchWorkgroups(x, y, z). */
  dispatch: [number, number, number];
  /** Buffers bound at @group(0) @binding(i), in order: a tensor name or a scratch buffer's name. */
  bindings: string[];
}

/** Everything needed to run one config of one family on one problem. */
export interface KernelPlan {
  family: string;
  /** Names everything that changes the generated code: two plans with one key share a pipeline. */
  shaderKey: string;
  passes: KernelPass[];
  /** Intermediate buffers (e.g. im2col's matrix), zero-initialised is not assumed. */
  scratch: { name: string; bytes: number }[];
}

export interface KernelFamily {
  id: string;
  title: string;
  /** A paragraph for the Explore page: how the kernel works and what its parameters trade. */
  description: string;
  /** The peak its FLOP/s are judged against: the FMA loop's, unless it runs on the matrix units. */
  roof?: "matrix";
  /** Null when the family can run the problem, else why not (e.g. "3x3 filters, stride 1 only"). */
  unsupported(problem: ConvProblem): string | null;
  /** The tuning space for this problem on this device: parameters in decoding order, and rules. */
  space(problem: ConvProblem, limits: DeviceLimits): TuningSpace;
  /** Generates the WGSL and dispatch for one valid config. */
  plan(problem: ConvProblem, config: Config, limits: DeviceLimits): KernelPlan;
}
