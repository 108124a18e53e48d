import { z } from '@hono/zod-openapi';
import { BUDGET_METRICS, CELL_STATUSES, EXECUTION_PROVIDERS, JUDGEMENT_VERDICTS, OBJECTIVES, parseBudget } from '@ortfleet/core';
import { RESULT_SORT_FIELDS, RUN_STATUSES, type ResultCursor } from '@ortfleet/db';

/**
 * Request and response schemas of /api/v1. The same schemas validate requests, type the handlers and
 * generate /api/openapi.json; the pages parse their URLs with them too, so a shared link means the same.
 */

/** Names as the spec and the agent allow them (models, hardware classes, agent ids); anything else is refused. */
const NAME = /^[A-Za-z0-9._@:-]{1,200}$/;

function list<T>(item: z.ZodType<T, unknown>, what: string, example: string) {
  return z
    .string()
    .max(4000)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(z.array(item as z.ZodType<T, string>).min(1).max(50))
    .optional()
    .openapi({ description: `${what}; a comma-separated list matches any of them`, example });
}

const names = (what: string, example: string) => list(z.string().regex(NAME, "expected a name of letters, digits, '.', '_', '@', ':' and '-', at most 200 characters"), what, example);
const enums = <T extends readonly [string, ...string[]]>(values: T, what: string) => list(z.enum(values), `${what} (${values.join(', ')})`, values[0]);

const RunId = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "expected a run id (letters, digits, '.', '_', '-')");

export const RunIdParam = z.object({
  id: RunId.openapi({ param: { name: 'id', in: 'path' }, example: 'quickstart-20261121T120000-ab12cd' }),
});

export const ResultIdParam = z.object({
  id: z.coerce.number().int().positive().max(2 ** 31 - 1).openapi({ param: { name: 'id', in: 'path' }, type: 'integer', example: 42 }),
});

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, message: 'expected an ISO 8601 time such as 2026-11-21T00:00:00Z' })
    .transform((s) => new Date(s))
    .optional()
    .openapi({ description: what, example: '2026-11-21T00:00:00Z' });

/** Filters shared by the results query, its exports and the leaderboard. */
export const filterFields = {
  ep: enums(EXECUTION_PROVIDERS, 'execution providers'),
  precision: list(z.string().regex(/^[a-z0-9_]{1,20}$/, 'expected a precision such as fp32, fp16, int8'), 'precisions', 'fp32,fp16'),
  batch: list(z.coerce.number().int().min(1).max(65536), 'batch sizes', '1,8'),
  hardwareClass: names('hardware classes', 'amd-epyc-avx2-2c'),
};

const resultFilterFields = {
  ...filterFields,
  model: names('model names', 'ppocr-det'),
  modelSha256: list(z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lowercase hex'), 'model file hashes', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
  agent: names('agent ids', 'gpu-box-1'),
  status: enums(CELL_STATUSES, 'cell statuses'),
  run: list(RunId, 'run ids', 'quickstart-20261121T120000-ab12cd'),
  from: instant('results recorded at or after this time'),
  to: instant('results recorded before this time'),
};

const Cursor = z
  .string()
  .max(400)
  .transform((s, ctx): ResultCursor => {
    try {
      const value: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
      const c = value as ResultCursor;
      if (Array.isArray(value) || typeof value !== 'object' || value === null || !Number.isInteger(c.id) || !['number', 'string'].includes(typeof c.value)) throw new Error();
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
    limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ type: 'integer', description: 'page size, at most 500' }),
    cursor: Cursor,
  })
  .strict();

export const ExportQuery = z
  .object({ ...resultFilterFields, format: z.enum(['csv', 'jsonl']).openapi({ description: 'CSV with a header row, or JSON Lines' }) })
  .strict();

const Budget = z
  .string()
  .max(40)
  .transform((s, ctx) => {
    try {
      return parseBudget(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  })
  .optional()
  .openapi({ description: `latency budget such as 'p99<=20' (ms; metrics ${BUDGET_METRICS.join(', ')})`, example: 'p99<=20' });

const Prices = z
  .string()
  .max(4000)
  .transform((s, ctx) => {
    const prices: Record<string, number> = {};
    for (const pair of s.split(',')) {
      const at = pair.lastIndexOf(':');
      const price = Number(pair.slice(at + 1));
      const hw = pair.slice(0, at).trim();
      if (at <= 0 || !NAME.test(hw) || !(price >= 0) || pair.slice(at + 1).trim() === '') {
        ctx.addIssue({ code: 'custom', message: `expected hardwareClass:pricePerHour pairs, got '${pair}'` });
        return z.NEVER;
      }
      prices[hw] = price;
    }
    return prices;
  })
  .optional()
  .openapi({ description: "price per hour per hardware class ('class:1.2,other:0.4'); overrides agents' price_per_hour label", example: 'amd-epyc-avx2-2c:0.1' });

export const LeaderboardQuery = z
  .object({
    model: z.string().regex(NAME, 'expected a model name').openapi({ example: 'ppocr-det' }),
    objective: z.enum(OBJECTIVES).default('p50').openapi({ description: 'what ranks the configurations' }),
    budget: Budget,
    prices: Prices,
    limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ type: 'integer', description: 'how many ranked (and unranked) configurations to return in full; counts cover all' }),
    ...filterFields,
  })
  .strict();

export const HistoryQuery = z
  .object({
    cell: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected a cell id').openapi({ description: 'the configuration (cell id)' }),
    from: resultFilterFields.from,
    to: resultFilterFields.to,
    limit: z.coerce.number().int().min(1).max(5000).default(500).openapi({ type: 'integer' }),
  })
  .strict();

export const CompareQuery = z
  .object({
    runA: RunId.optional().openapi({ description: 'baseline run' }),
    runB: RunId.optional().openapi({ description: 'candidate run' }),
    model: z.string().regex(NAME).optional().openapi({ description: 'with classA and classB: compare two hardware classes on this model' }),
    classA: z.string().regex(NAME).optional(),
    classB: z.string().regex(NAME).optional(),
  })
  .strict()
  .refine((q) => (q.runA && q.runB && !q.model && !q.classA && !q.classB) || (!q.runA && !q.runB && q.model && q.classA && q.classB), {
    message: 'give either runA and runB, or model, classA and classB',
    path: ['runA'],
  });

export const RegressionsQuery = z
  .object({
    verdict: list(z.enum(JUDGEMENT_VERDICTS), `verdicts (${JUDGEMENT_VERDICTS.join(', ')}); default regression`, 'regression,improvement').transform((v) => v ?? ['regression']),
    model: resultFilterFields.model,
    hardwareClass: filterFields.hardwareClass,
    run: resultFilterFields.run,
    cell: list(z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected a cell id'), 'cell ids', 'e5da65169c3c8a18'),
    limit: z.coerce.number().int().min(1).max(1000).default(200).openapi({ type: 'integer' }),
  })
  .strict();

export const RunsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ type: 'integer' }) })
  .strict();

export const ModelUploadQuery = z
  .object({ name: z.string().regex(/^[A-Za-z0-9._-]{1,200}\.onnx$/, "expected a file name ending in '.onnx'").openapi({ example: 'model.onnx' }) })
  .strict();

export const StartRunBody = z.object({
  spec: z.record(z.string(), z.unknown()).openapi({ description: 'a spec, as in a spec file (see `ortfleet schema`)' }),
  runId: RunId.optional(),
});

export const ErrorBody = z.object({ code: z.string(), message: z.string() }).openapi('Error');

const num = z.number().nullable();

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
    sessionCreateMs: num,
    firstInferenceMs: num,
    throughput: num.openapi({ description: 'items per second' }),
    p50Ms: num,
    p90Ms: num,
    p95Ms: num,
    p99Ms: num,
    p50CiLowMs: num,
    p50CiHighMs: num,
    cv: num,
    energyPerInferenceJ: num,
    achievedGflops: num,
    promptTokens: z.number().int().nullable().openapi({ description: 'decoder cells: prompt length in tokens' }),
    newTokens: z.number().int().nullable().openapi({ description: 'decoder cells: tokens generated per sequence' }),
    ttftP50Ms: num.openapi({ description: 'decoder cells: median time to first token (prefill)' }),
    ttftP99Ms: num,
    itlP50Ms: num.openapi({ description: 'decoder cells: median inter-token latency over all decode steps' }),
    itlP99Ms: num,
    decodeTokensPerS: num.openapi({ description: 'decoder cells: generated tokens per second in decode, batch included' }),
    concurrency: z.number().int().openapi({ description: 'closed-loop requests in flight; 1 is the single-stream loop' }),
    meanInFlight: num.openapi({ description: 'closed-loop cells: achieved mean requests in flight (request time / loop time)' }),
    requestsPerS: num.openapi({ description: 'closed-loop cells: requests completed per second (throughput is items per second)' }),
    recordedAt: z.string(),
  })
  .openapi('ResultSummary');

export const ResultDetailBody = ResultSummaryBody.extend({
  freeDimensions: z.record(z.string(), z.number()).nullable(),
  sessionConfig: z.record(z.string(), z.string()).nullable(),
  sessionOptions: z.record(z.string(), z.unknown()).nullable(),
  warmupIterations: z.number().int().nullable(),
  durationMs: num,
  minMs: num,
  meanMs: num,
  stdMs: num,
  p999Ms: num,
  maxMs: num,
  histogram: z.unknown().nullable(),
  windows: z.array(z.unknown()).nullable(),
  samplesMs: z.array(z.number()).nullable(),
  telemetry: z.unknown().nullable(),
  parity: z.unknown().nullable(),
  profile: z.unknown().nullable(),
  modelFacts: z.unknown().nullable(),
  provenance: z.unknown().nullable(),
  note: z.string().nullable(),
  generation: z.unknown().nullable().openapi({ description: 'decoder cells: generation parameters and figures (TTFT, inter-token latency, step curve, KV cache mode, tokens)' }),
}).openapi('ResultDetail');

export const ResultPage = z.object({ items: z.array(ResultSummaryBody), nextCursor: z.string().nullable() }).openapi('ResultPage');

export const RunBody = z
  .object({ id: z.string(), name: z.string(), status: z.enum(RUN_STATUSES), schedule: z.string().nullable().openapi({ description: 'the `ortfleet schedule` that started it' }), startedAt: z.string(), finishedAt: z.string().nullable() })
  .openapi('Run');
