/** Per-operator profile from a separate, untimed pass with ORT profiling on. */
export interface OperatorProfile {
  iterations: number;
  byOpType: { opType: string; calls: number; totalUs: number; timeShare: number }[];
  topNodes: { name: string; opType: string; provider: string; meanUs: number }[];
  byProvider: { provider: string; nodes: number; nodeShare: number; timeShare: number }[];
  /** Nodes that ran on the CPU EP although the cell asked for another EP (silent fallback). */
  fallback?: { nodes: number; nodeShare: number; timeShare: number };
  /** FLOPs per inference of Conv/MatMul/Gemm-family nodes, from the shapes ORT reports for each node. */
  flopsPerInference?: number;
}
