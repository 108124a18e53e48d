import { z } from '@hono/zod-openapi';
import { RUN_STATUSES } from '@ortfleet/db';
import { RunId } from '../params';

export const RunIdParam = z.object({
  id: RunId.openapi({ param: { name: 'id', in: 'path' }, example: 'quickstart-20261121T120000-ab12cd' }),
});

export const RunsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ type: 'integer' }) })
  .strict();

export const StartRunBody = z.object({
  spec: z.record(z.string(), z.unknown()).openapi({ description: 'a spec, as in a spec file (see `ortfleet schema`)' }),
  runId: RunId.optional(),
});

export const RunBody = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(RUN_STATUSES),
    schedule: z.string().nullable().openapi({ description: 'the `ortfleet schedule` that started it' }),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Run');

export const ProgressBody = z
  .object({
    runId: z.string(),
    status: z.string(),
    recorded: z.number().int().openapi({ description: 'results in the database' }),
    total: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'cells in the run; null while running when Temporal is not reachable' }),
    byStatus: z.record(z.string(), z.number().int()),
    byAgent: z.record(z.string(), z.record(z.string(), z.number().int())),
    running: z
      .array(
        z.object({
          cellId: z.string().nullable(),
          agentId: z.string().nullable(),
          phase: z.string().nullable(),
          attempt: z.number().int(),
          startedAt: z.string().nullable(),
        }),
      )
      .nullable()
      .openapi({ description: 'cells agents are on now, from Temporal; null when unknown' }),
    problems: z.array(z.string()).openapi({
      description:
        'what keeps a running run from going on (a workflow task failing, no worker, no agent), from Temporal; ' +
        'empty when it moves or is unknown',
    }),
  })
  .openapi('RunProgress');

export const StartedBody = z.object({
  runId: z.string(),
  links: z.object({ run: z.string(), progress: z.string(), page: z.string() }),
});
