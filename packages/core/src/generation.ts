/** A decoder's generation cells: their prompt shape and the figures of prefill + decode. */
import type { LatencyStats } from './latency-stats';

/** One generation cell's shape: how long the prompt is, how many tokens to generate, where prompt ids come from. */
export interface GenerationParams {
  promptTokens: number;
  newTokens: number;
  /** Prompt token ids are drawn, seeded, from [lo, hi). */
  vocabRange: [number, number];
}

/** Where a decoder's KV cache lives between steps: CPU memory, or the device ('gpu-buffer', WebGPU only). */
export type KvCacheMode = 'cpu' | 'gpu-buffer';

/** Figures of a generation cell (prefill + greedy decode with the KV cache fed back), in milliseconds unless named otherwise. */
export interface GenerationFigures {
  promptTokens: number;
  newTokens: number;
  /** Decoder layout read from the model's inputs. */
  layers: number;
  kvHeads: number;
  headSize: number;
  /** Timed generations (each one prefill + newTokens - 1 decode steps, over the whole batch). */
  generations: number;
  /** Time to first token: the prefill run and the argmax of its last logits. */
  ttft: LatencyStats;
  /** Inter-token latency: every decode step of every timed generation. */
  itl: LatencyStats;
  /** End-to-end latency of one generation. */
  e2e: LatencyStats;
  /** batch × promptTokens / median TTFT. */
  prefillTokensPerS: number;
  /** batch × decode steps / total decode time, over all timed generations. */
  decodeTokensPerS: number;
  /** Median decode step latency at positions spread over the generation (at most 32 points), to see how it grows. */
  stepCurve: { position: number; p50Ms: number }[];
  kvCache: { mode: KvCacheMode; note: string };
  /** Greedy tokens of the first prompt's first sequence (the ones parity compares). */
  tokens: number[];
}

/** What the results table keeps of a decoder cell: its parameters always, its figures when it ran. */
export interface StoredGeneration {
  params: GenerationParams;
  figures?: GenerationFigures;
}
