import { z } from '@hono/zod-openapi';
import { INTERLEAVED_RATIOS_LIMIT } from '@ortfleet/core';
import { RESULT_SORT_FIELDS, type ResultCursor } from '@ortfleet/db';
import { resultFilterFields } from '../params';

export const ResultIdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1)
    .openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 42 }),
});

const Cursor = z
  .string()
  .max(400)
  .transform((s, ctx): ResultCursor => {
    try {
      const value: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      const c = value as ResultCursor;
      if (
        Array.isArray(value) ||
        typeof value !== 'object' ||
        value === null ||
        !Number.isInteger(c.id) ||
        !['number', 'string'].includes(typeof c.value)
      )
        throw new Error();
      if (typeof c.value === 'string' && Number.isNaN(Date.parse(c.value))) throw new Error();
      return c;
    } catch {
      ctx.addIssue({ code: 'custom', message: "expected the 'nextCursor' of a previous page" });
      return z.NEVER;
    }
  })
  .optional()
  .openapi({ description: "the previous page's `nextCursor`" });

/** Encodes where a page ended; opaque to clients. */
export function encodeCursor(cursor: ResultCursor | undefined): string | null {
  return cursor ? Buffer.from(JSON.stringify(cursor)).toString('base64url') : null;
}

const SORTS = RESULT_SORT_FIELDS.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];

export const ResultsQuery = z
  .object({
    ...resultFilterFields,
    sort: z
      .enum(SORTS)
      .default('-recordedAt')
      .openapi({ description: "order, '-' for descending; sorting by a figure leaves out results without it" }),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(50)
      .openapi({ type: 'integer', description: 'page size, at most 500' }),
    cursor: Cursor,
  })
  .strict();

export const ExportQuery = z
  .object({
    ...resultFilterFields,
    format: z.enum(['csv', 'jsonl']).openapi({ description: 'CSV with a header row, or JSON Lines' }),
  })
  .strict();

const figure = z.number().nullable();

export const ResultSummaryBody = z
  .object({
    id: z.number().int(),
    runId: z.string(),
    cellId: z.string(),
    model: z.string(),
    modelSha256: z.string().nullable(),
    hardwareClass: z.string(),
    agentId: z.string().nullable(),
    ep: z.string(),
    precision: z.string(),
    batch: z.number().int(),
    graphOptimization: z.string(),
    intraOpThreads: z.number().int(),
    interOpThreads: z.number().int(),
    executionMode: z.string(),
    memoryPattern: z.boolean(),
    cpuArena: z.boolean(),
    epOptions: z.record(z.string(), z.unknown()).nullable(),
    status: z.string(),
    reason: z.string().nullable(),
    valid: z.boolean().openapi({ description: 'ok, and parity passed or was not computed: rankable' }),
    unstable: z.boolean().nullable(),
    iterations: z.number().int().nullable(),
    sessionCreateMs: figure,
    firstInferenceMs: figure,
    throughput: figure.openapi({ description: 'items per second' }),
    p50Ms: figure,
    p90Ms: figure,
    p95Ms: figure,
    p99Ms: figure,
    p50CiLowMs: figure,
    p50CiHighMs: figure,
    cv: figure,
    energyPerInferenceJ: figure,
    achievedGflops: figure,
    promptTokens: z.number().int().nullable().openapi({ description: 'decoder cells: prompt length in tokens' }),
    newTokens: z.number().int().nullable().openapi({ description: 'decoder cells: tokens generated per sequence' }),
    ttftP50Ms: figure.openapi({ description: 'decoder cells: median time to first token (prefill)' }),
    ttftP99Ms: figure,
    itlP50Ms: figure.openapi({ description: 'decoder cells: median inter-token latency over all decode steps' }),
    itlP99Ms: figure,
    decodeTokensPerS: figure.openapi({
      description: 'decoder cells: generated tokens per second in decode, batch included',
    }),
    concurrency: z
      .number()
      .int()
      .openapi({ description: 'closed-loop requests in flight; 1 is the single-stream loop' }),
    meanInFlight: figure.openapi({
      description: 'closed-loop cells: achieved mean requests in flight (request time / loop time)',
    }),
    requestsPerS: figure.openapi({
      description: 'closed-loop cells: requests completed per second (throughput is items per second)',
    }),
    slo: z
      .string()
      .nullable()
      .openapi({ description: "the open-loop scenario's SLO (the spec's load.slo), e.g. p99<=30" }),
    capacityQps: figure.openapi({
      description:
        "requests/s at the SLO: the peak-rate search's answer, else the highest passing offered rate; null when none passed",
    }),
    recordedAt: z.string(),
  })
  .openapi('ResultSummary');

export const ResultDetailBody = ResultSummaryBody.extend({
  freeDimensions: z.record(z.string(), z.number()).nullable(),
  sessionConfig: z.record(z.string(), z.string()).nullable(),
  sessionOptions: z.record(z.string(), z.unknown()).nullable(),
  warmupIterations: z.number().int().nullable(),
  durationMs: figure,
  minMs: figure,
  meanMs: figure,
  stdMs: figure,
  p999Ms: figure,
  maxMs: figure,
  histogram: z.unknown().nullable(),
  windows: z.array(z.unknown()).nullable(),
  samplesMs: z.array(z.number()).nullable(),
  telemetry: z.unknown().nullable(),
  parity: z.unknown().nullable(),
  profile: z.unknown().nullable(),
  modelFacts: z.unknown().nullable(),
  provenance: z.unknown().nullable(),
  note: z.string().nullable(),
  generation: z.unknown().nullable().openapi({
    description:
      'decoder cells: generation parameters and figures (TTFT, inter-token latency, step curve, KV cache mode, tokens)',
  }),
  load: z.unknown().nullable().openapi({
    description:
      "the spec's load: scenario: SLO, servers, seed, every trial (offered and achieved rate, latency from arrival and from dispatch, queue depth, pass, ten slices) and the searched peak with its bracket",
  }),
  controlFactor: figure.openapi({
    description:
      "the agent's speed factor that run: its control p50 over its earlier runs' (above 1: slower); set when the run is judged",
  }),
  interleavedControl: z
    .object({
      cellP50Ms: z.number(),
      controlP50Ms: z.number(),
      ratio: z.number(),
      runs: z.number().int(),
      durationMs: z.number(),
      width: z
        .number()
        .int()
        .optional()
        .describe('requests in flight on each side of a pair (a closed loop: its concurrency); absent means 1'),
      ratios: z
        .array(z.number())
        .max(INTERLEAVED_RATIOS_LIMIT)
        .optional()
        .describe(
          "each pair's ratio in order, evenly thinned to at most 512; the judge tests them where every result of the series has them; absent on older results",
        ),
    })
    .nullable()
    .openapi({
      description:
        'single-stream CPU cells: the control run beside the cell in its process after the timed loop, run by run; ratio = median over pairs of a cell run / the control run after it (docs/regressions.md)',
    }),
}).openapi('ResultDetail');

export const ResultPage = z
  .object({ items: z.array(ResultSummaryBody), nextCursor: z.string().nullable() })
  .openapi('ResultPage');
