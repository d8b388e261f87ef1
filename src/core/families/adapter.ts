/** What the lab asks of a WebGPU adapter, and what an acquired one reports of itself (as plain data). */
import { SUBGROUP_MATRIX_FEATURE, type SubgroupMatrixConfig } from "./family";

/** Optional features used when the adapter offers them. */
export const WANTED_FEATURES = [
  "timestamp-query",
  "shader-f16",
  "subgroups",
  SUBGROUP_MATRIX_FEATURE,
] as const;

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: Record<string, number>;
  /** Invocations per subgroup (0 when the adapter does not say). */
  subgroupMinSize: number;
  subgroupMaxSize: number;
  /** Shapes its subgroup-matrix multiply takes, when it offers the feature. */
  subgroupMatrixConfigs: SubgroupMatrixConfig[];
}
