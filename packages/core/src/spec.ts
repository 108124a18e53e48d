import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { BadInputError } from './errors';
import { EXECUTION_MODES, EXECUTION_PROVIDERS, GRAPH_OPTIMIZATION_LEVELS } from './cell';
import { JudgeOptionsSchema } from './verdict';
import { MAX_SEARCH_TRIALS, MAX_TRIAL_REQUESTS, parseSlo, trialLimitMs } from './load';

/** How to fill one model input: its shape (where the model leaves dimensions open) and, for non-float inputs, values. */
const InputSpec = z
  .strictObject({
    shape: z
      .array(z.union([z.int().positive(), z.literal('batch')]))
      .min(1)
      .optional()
      .describe("Full shape; the word 'batch' marks the dimension that takes matrix.batch"),
    value: z.number().optional().describe('Constant value for every element (e.g. an attention mask of 1)'),
    range: z
      .tuple([z.number(), z.number()])
      .refine(([lo, hi]) => lo <= hi, 'range must be [low, high] with low <= high')
      .optional()
      .describe('Uniform values in [low, high] (integers for integer inputs)'),
  })
  .refine((s) => !(s.value !== undefined && s.range !== undefined), 'give either value or range, not both');

/** A decoder's generation axes: each prompt length × each count of new tokens is a cell. */
const Generate = z.strictObject({
  promptTokens: z.array(z.int().positive().max(1_000_000)).min(1).describe('Prompt lengths in tokens, one cell each'),
  newTokens: z
    .array(z.int().positive().max(100_000))
    .min(1)
    .describe('Tokens to generate after the prompt, one cell each'),
  vocabRange: z
    .tuple([z.int().min(0), z.int().positive()])
    .refine(([lo, hi]) => lo < hi, 'vocabRange must be [low, high) with low < high')
    .describe('Prompt token ids are drawn, seeded, from [low, high)'),
});

const ModelSpec = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a model name uses letters, digits, ".", "_" and "-"'),
    file: z.string().min(1).optional().describe('The fp32 model file, relative to the spec file'),
    files: z
      .record(z.string().regex(/^[a-z0-9]+$/, 'a precision name is lowercase letters and digits'), z.string().min(1))
      .optional()
      .describe('One file per precision, e.g. {fp32: model.onnx, fp16: model_fp16.onnx}'),
    inputs: z.record(z.string(), InputSpec).default({}),
    freeDimensions: z
      .record(z.string().min(1), z.int().positive())
      .optional()
      .describe(
        "Values for the model's named open dimensions, e.g. {sequence_length: 128}; applied to the model's inputs before the session is created",
      ),
    generate: Generate.optional().describe(
      'Marks a decoder with a KV cache (optimum / transformers.js layout): its cells run prefill + greedy decode',
    ),
  })
  .refine((m) => (m.file === undefined) !== (m.files === undefined), 'give exactly one of file or files')
  .refine((m) => !(m.generate && Object.keys(m.inputs).length > 0), {
    path: ['inputs'],
    message: 'a generate model takes no inputs: its feeds come from the prompt and the KV cache',
  });

const deviceId = z.int().min(0).optional();
const webgpuString = z.string().min(1).optional();

/**
 * EP options exactly as onnxruntime-node 1.30's binding reads them. It ignores keys it does not know for most
 * EPs, so an unknown key here is an error instead of a silently ignored setting.
 */
const EpOptions = z
  .strictObject({
    cpu: z.strictObject({}),
    cuda: z.strictObject({ deviceId }),
    tensorrt: z.strictObject({ deviceId }),
    dml: z.strictObject({ deviceId }),
    coreml: z.strictObject({ coreMlFlags: z.int().min(0).optional() }),
    webgpu: z.strictObject({
      preferredLayout: z.enum(['NCHW', 'NHWC']).optional(),
      validationMode: webgpuString,
      storageBufferCacheMode: webgpuString,
      uniformBufferCacheMode: webgpuString,
      queryResolveBufferCacheMode: webgpuString,
      defaultBufferCacheMode: webgpuString,
      enableRobustness: z.boolean().optional(),
      forceCpuNodeNames: z.array(z.string().min(1)).optional(),
    }),
    qnn: z.strictObject({
      backendType: z.string().min(1).optional(),
      backendPath: z.string().min(1).optional(),
      enableFp16Precision: z.boolean().optional(),
    }),
    xnnpack: z.strictObject({}),
  })
  .partial();

/** The most requests a closed-loop cell keeps in flight: each one is a worker thread with a session of its own (docs/measurement.md). */
export const MAX_CONCURRENCY = 64;

const Matrix = z.strictObject({
  ep: z.array(z.enum(EXECUTION_PROVIDERS)).min(1),
  precision: z
    .array(z.string().regex(/^[a-z0-9]+$/))
    .min(1)
    .default(['fp32']),
  batch: z.array(z.int().positive().max(65536)).min(1),
  graphOptimization: z.array(z.enum(GRAPH_OPTIMIZATION_LEVELS)).min(1).default(['all']),
  intraOpThreads: z
    .array(z.int().min(0).max(1024))
    .min(1)
    .default([0])
    .describe('0 leaves the choice to ONNX Runtime (one thread per physical core)'),
  interOpThreads: z
    .array(z.int().min(0).max(1024))
    .min(1)
    .default([0])
    .describe(
      'Threads for running independent nodes at once; only used with executionMode parallel. 0 leaves the choice to ONNX Runtime',
    ),
  executionMode: z.array(z.enum(EXECUTION_MODES)).min(1).default(['sequential']),
  memoryPattern: z
    .array(z.boolean())
    .min(1)
    .default([true])
    .describe('enableMemPattern: pre-plan allocations from the first run'),
  cpuArena: z
    .array(z.boolean())
    .min(1)
    .default([true])
    .describe('enableCpuMemArena: reuse CPU allocations from an arena'),
  concurrency: z
    .array(z.int().min(1).max(MAX_CONCURRENCY))
    .min(1)
    .default([1])
    .describe(
      `Closed loop: this many requests in flight, each sent when one returns (1 to ${MAX_CONCURRENCY}); 1 is the single-stream loop`,
    ),
  epOptions: EpOptions.default({}).describe(
    'Options per EP, passed to onnxruntime-node with that EP, e.g. {cuda: {deviceId: 1}}',
  ),
  sessionConfig: z
    .record(
      z.string().regex(/^[a-z0-9_.]+$/, "a session config key looks like 'session.intra_op.allow_spinning'"),
      z.string(),
    )
    .default({})
    .describe(
      "ONNX Runtime session config entries (onnxruntime-node's `extra`), e.g. {session.intra_op.allow_spinning: '0'}",
    ),
});

const Measure = z.strictObject({
  warmup: z.int().min(0).default(10),
  minIterations: z.int().positive().default(10),
  minDurationMs: z.int().min(0).default(10_000),
  maxDurationMs: z.int().positive().default(60_000),
  cellTimeoutMs: z.int().positive().default(600_000),
  seed: z.int().min(0).default(0),
  profileIterations: z
    .int()
    .min(0)
    .default(10)
    .describe('Runs in the separate, untimed profiling pass (per-operator times, EP placement, FLOPs); 0 skips it'),
  parityMinCosine: z
    .number()
    .min(0)
    .max(1)
    .default(0.99)
    .describe('Lowest cosine similarity to the fp32 CPU reference that passes parity'),
  parityMinTop1: z
    .number()
    .min(0)
    .max(1)
    .default(0.99)
    .describe('Lowest top-1 agreement with the fp32 CPU reference that passes parity (classifier-shaped outputs)'),
});

/** The open-loop server scenario, run for each cell after its timed loop (docs/measurement.md). */
const Load = z
  .strictObject({
    slo: z
      .string()
      .superRefine((text, ctx) => {
        try {
          parseSlo(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      })
      .optional()
      .describe('A latency percentile bound in ms, from each request\'s scheduled arrival, e.g. "p99<=30"'),
    qps: z
      .array(z.number().positive().max(1_000_000))
      .min(1)
      .optional()
      .describe('Offered rates in requests per second, each run for durationMs'),
    search: z.boolean().default(false).describe('Search for the highest rate that meets the SLO'),
    durationMs: z
      .int()
      .min(1000)
      .max(600_000)
      .default(20_000)
      .describe('How long each rate offers requests (a trial then drains for at most half that again)'),
    seed: z.int().min(0).default(1).describe('Seeds the arrival schedule: a rerun offers the same schedule'),
  })
  .superRefine((load, ctx) => {
    if (!load.qps && !load.search)
      ctx.addIssue({ code: 'custom', path: ['qps'], message: 'give load.qps, load.search: true, or both' });
    if (load.search && !load.slo)
      ctx.addIssue({ code: 'custom', path: ['slo'], message: 'a search needs an slo, e.g. "p99<=30"' });
    load.qps?.forEach((qps, i) => {
      if ((qps * load.durationMs) / 1000 > MAX_TRIAL_REQUESTS)
        ctx.addIssue({
          code: 'custom',
          path: ['qps', i],
          message: `${qps} requests/s for ${load.durationMs} ms is more than the ${MAX_TRIAL_REQUESTS.toLocaleString('en-US')} requests a trial takes`,
        });
    });
  });

const Target = z.union(
  [
    z
      .string()
      .regex(
        /^(any|[a-z0-9][a-z0-9._-]*)$/,
        "a target is 'any', a hardware class id such as 'amd-epyc-avx512-2c', or { labels: { region: eu } }",
      ),
    z.strictObject({
      labels: z
        .record(
          z.string().regex(/^[a-z][a-z0-9_.-]{0,62}$/, 'a label key is lowercase letters, digits, _ . -'),
          z.string().regex(/^[^\s,=]{1,200}$/, 'a label value has no spaces, , or ='),
        )
        .refine((l) => Object.keys(l).length > 0, 'name at least one label'),
    }),
  ],
  { error: "a target is 'any', a hardware class id such as 'amd-epyc-avx512-2c', or { labels: { region: eu } }" },
);

export const SpecSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    models: z.array(ModelSpec).min(1),
    matrix: Matrix,
    measure: Measure.prefault({}),
    load: Load.optional(),
    targets: z.array(Target).min(1).default(['any']),
    /** How nightly runs of this spec are judged against their history (docs/regressions.md). */
    judge: JudgeOptionsSchema.prefault({}),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.models.forEach((m, i) => {
      if (seen.has(m.name))
        ctx.addIssue({ code: 'custom', path: ['models', i, 'name'], message: `duplicate model name '${m.name}'` });
      seen.add(m.name);
    });
    if (spec.measure.maxDurationMs < spec.measure.minDurationMs)
      ctx.addIssue({ code: 'custom', path: ['measure', 'maxDurationMs'], message: 'must be >= measure.minDurationMs' });
    if (spec.measure.cellTimeoutMs <= spec.measure.maxDurationMs)
      ctx.addIssue({ code: 'custom', path: ['measure', 'cellTimeoutMs'], message: 'must be > measure.maxDurationMs' });
    const closedLoop = spec.matrix.concurrency.findIndex((n) => n > 1);
    const decoder = spec.models.find((m) => m.generate);
    if (closedLoop >= 0 && decoder)
      ctx.addIssue({
        code: 'custom',
        path: ['matrix', 'concurrency', closedLoop],
        message: `closed-loop concurrency is not measured for generating models ('${decoder.name}' has generate); keep matrix.concurrency at [1]`,
      });
    if (spec.load) {
      if (decoder)
        ctx.addIssue({
          code: 'custom',
          path: ['load'],
          message: `the open-loop scenario is not measured for generating models ('${decoder.name}' has generate)`,
        });
      const trials = (spec.load.qps?.length ?? 0) + (spec.load.search ? MAX_SEARCH_TRIALS : 0);
      const needed = spec.measure.maxDurationMs + trials * trialLimitMs(spec.load.durationMs);
      if (needed >= spec.measure.cellTimeoutMs)
        ctx.addIssue({
          code: 'custom',
          path: ['load', 'durationMs'],
          message: `${trials} trials of up to ${trialLimitMs(spec.load.durationMs)} ms after a timed loop of up to ${spec.measure.maxDurationMs} ms need ${needed} ms, more than measure.cellTimeoutMs (${spec.measure.cellTimeoutMs}); shorten load.durationMs or raise measure.cellTimeoutMs`,
        });
    }
    const size = matrixSize(spec);
    if (size.cells > MAX_MATRIX_CELLS)
      ctx.addIssue({
        code: 'custom',
        path: ['matrix'],
        message: `expands to ${size.cells.toLocaleString('en-US')} cells per target, more than the ${MAX_MATRIX_CELLS.toLocaleString('en-US')} a run takes: ${size.axes.map(([axis, n]) => `${axis} ${n}`).join(' × ')}; split it into several specs`,
      });
  });

/** The most cells one target of a run may expand to (docs/specs.md). */
export const MAX_MATRIX_CELLS = 100_000;

/**
 * How many cells the matrix makes for one target, at most (before duplicates are dropped), and the axes that
 * multiply to it, models first. Only axes with more than one value are listed.
 */
export function matrixSize(spec: {
  models: readonly { generate?: { promptTokens: readonly unknown[]; newTokens: readonly unknown[] } }[];
  matrix: Record<string, unknown>;
}): { cells: number; axes: [string, number][] } {
  const m = spec.matrix;
  // A generating model has a cell per prompt length × new-token count.
  const variants = spec.models.reduce(
    (n, model) => n + (model.generate ? model.generate.promptTokens.length * model.generate.newTokens.length : 1),
    0,
  );
  const axes: [string, number][] = [
    [variants === spec.models.length ? 'models' : 'models × generation lengths', variants],
  ];
  for (const axis of [
    'ep',
    'precision',
    'batch',
    'graphOptimization',
    'intraOpThreads',
    'executionMode',
    'interOpThreads',
    'memoryPattern',
    'cpuArena',
    'concurrency',
  ]) {
    const values = m[axis];
    if (Array.isArray(values)) axes.push([axis, values.length]);
  }
  return { cells: axes.reduce((n, [, k]) => n * k, 1), axes: axes.filter(([, n]) => n > 1) };
}

export type Spec = z.output<typeof SpecSchema>;
export type ModelSpec = Spec['models'][number];
export type InputSpec = z.output<typeof InputSpec>;
export type MeasureSpec = Spec['measure'];
export type LoadSpec = NonNullable<Spec['load']>;

/** Files a model provides, by precision. */
export function modelFiles(model: ModelSpec): Record<string, string> {
  return model.files ?? { fp32: model.file as string };
}

/** `matrix.batch[2]` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** Validates a parsed spec object; throws BadInputError listing every problem with its path. */
export function validateSpec(raw: unknown, source = 'spec'): Spec {
  const result = SpecSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    // A bad record key carries the key schema's own message one level down.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    return `${formatPath(issue.path) || '(top level)'}: ${message}`;
  });
  throw new BadInputError(`${source} is invalid:\n  ${problems.join('\n  ')}`, problems);
}

/** Parses YAML text and validates it as a spec. */
export function parseSpec(text: string, source = 'spec'): Spec {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const detail = err instanceof YAMLParseError ? err.message : String(err);
    throw new BadInputError(`${source} is not valid YAML: ${detail}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new BadInputError(`${source} must be a YAML mapping with name, models, matrix, measure and targets`);
  return validateSpec(raw, source);
}

/** JSON Schema of the spec file, for editors (yaml-language-server). */
export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SpecSchema, { io: 'input' }) as Record<string, unknown>;
}
