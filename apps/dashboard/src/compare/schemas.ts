import { z } from '@hono/zod-openapi';
import { NAME, RunId } from '../params';
import { ResultSummaryBody } from '../results/schemas';

export const CompareQuery = z
  .object({
    runA: RunId.optional().openapi({ description: 'baseline run' }),
    runB: RunId.optional().openapi({ description: 'candidate run' }),
    model: z
      .string()
      .regex(NAME)
      .optional()
      .openapi({ description: 'with classA and classB: compare two hardware classes on this model' }),
    classA: z.string().regex(NAME).optional(),
    classB: z.string().regex(NAME).optional(),
  })
  .strict()
  .refine(
    (q) =>
      (q.runA && q.runB && !q.model && !q.classA && !q.classB) ||
      (!q.runA && !q.runB && q.model && q.classA && q.classB),
    {
      message: 'give either runA and runB, or model, classA and classB',
      path: ['runA'],
    },
  );

const Side = z.object({ kind: z.enum(['run', 'hardwareClass']), id: z.string() });
export const ComparisonBody = z
  .object({
    method: z.enum(['judge', 'intervals']).openapi({
      description:
        "judge (two runs): each cell's samples judged as `ortfleet compare` and nightly alerts judge them " +
        '(Mann–Whitney U, 5% minimum effect, bootstrap interval of the ratio); ' +
        "intervals (two hardware classes): the medians' 95% confidence intervals apart and a change of at least 2%",
    }),
    baseline: Side,
    candidate: Side,
    model: z.string().nullable(),
    rows: z.array(
      z.object({
        baseline: ResultSummaryBody.nullable(),
        candidate: ResultSummaryBody.nullable(),
        comparison: z
          .object({
            baselineP50Ms: z.number().nullable(),
            candidateP50Ms: z.number().nullable(),
            ratio: z
              .number()
              .nullable()
              .openapi({ description: 'candidate p50 / baseline p50 (judge: / the median of the baseline p50s)' }),
            change: z.number().nullable(),
            significant: z.boolean().openapi({
              description: 'faster or slower by the rule `method` names (judge: a regression or an improvement)',
            }),
            verdict: z.enum(['faster', 'slower', 'same', 'not comparable']),
            reason: z.string().optional(),
          })
          .nullable(),
      }),
    ),
  })
  .openapi('Comparison');
