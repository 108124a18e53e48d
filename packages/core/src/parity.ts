/** How a cell's outputs compare with the fp32 CPU reference. */

/** How one output of the cell compares with the fp32 CPU reference on the same seeded inputs. */
export interface OutputParity {
  name: string;
  maxAbsError: number;
  meanRelError: number;
  cosine: number;
  /** Share of rows whose argmax agrees, for classifier-shaped outputs ([batch, classes]). */
  top1Agreement?: number;
  /** NaN or ±Inf values in the cell's output. */
  nonFinite: number;
}

export interface Parity {
  reference: string;
  outputs: OutputParity[];
  /** Worst figures over all outputs. */
  maxAbsError: number;
  meanRelError: number;
  cosine: number;
  top1Agreement?: number;
  nonFinite: number;
  /** Generation cells: the greedy tokens against the reference's (`outputs` then holds the prefill's logits). */
  tokens?: TokenParity;
  /** False when outputs hold NaN/Inf or drift past the thresholds; such a cell is not ranked. */
  ok: boolean;
  reason?: string;
}

/** The generated token ids of a cell against those of the fp32 CPU reference on the same prompt. */
export interface TokenParity {
  compared: number;
  /** Share of positions whose token is the reference's. */
  agreement: number;
  /** First position (0 = the token from prefill) where the tokens differ; null when all agree. */
  firstMismatch: number | null;
}
