import { z } from '@hono/zod-openapi';
import { CellId, resultFilterFields } from '../params';
import { ResultSummaryBody } from '../results/schemas';

export const HistoryQuery = z
  .object({
    cell: CellId.openapi({ description: 'the configuration (cell id)' }),
    from: resultFilterFields.from,
    to: resultFilterFields.to,
    limit: z.coerce.number().int().min(1).max(5000).default(500).openapi({ type: 'integer' }),
  })
  .strict();

export const HistoryBody = z
  .object({
    cellId: z.string(),
    points: z.array(ResultSummaryBody.extend({ onnxruntimeVersion: z.string().nullable() })),
  })
  .openapi('History');
