import { z } from '@hono/zod-openapi';
import { CELL_STATUSES, EXECUTION_PROVIDERS } from '@ortfleet/core';

/**
 * Building blocks of request parameters that several features take. The same schemas validate requests,
 * type the handlers and generate /api/openapi.json; the pages parse their URLs with them too, so a shared
 * link means the same.
 */

/** Names as the spec and the agent allow them (models, hardware classes, agent ids); anything else is refused. */
export const NAME = /^[A-Za-z0-9._@:-]{1,200}$/;

/** A comma-separated list of items, each checked on its own. */
export function list<T>(item: z.ZodType<T, unknown>, what: string, example: string) {
  return z
    .string()
    .max(4000)
    .transform((s) => s.split(',').map((v) => v.trim()))
    .pipe(
      z
        .array(item as z.ZodType<T, string>)
        .min(1)
        .max(50),
    )
    .optional()
    .openapi({ description: `${what}; a comma-separated list matches any of them`, example });
}

const NAME_MESSAGE = "expected a name of letters, digits, '.', '_', '@', ':' and '-', at most 200 characters";

/** A list of names (models, hardware classes, agents). */
export const names = (what: string, example: string) => list(z.string().regex(NAME, NAME_MESSAGE), what, example);

/** A list of values out of a fixed set. */
export const enums = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  list(z.enum(values), `${what} (${values.join(', ')})`, values[0]);

/** A run's id. */
export const RunId = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, "expected a run id (letters, digits, '.', '_', '-')");

/** A configuration's (cell's) id. */
export const CellId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'expected a cell id');

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, message: 'expected an ISO 8601 time such as 2026-11-21T00:00:00Z' })
    .transform((s) => new Date(s))
    .optional()
    .openapi({ description: what, example: '2026-11-21T00:00:00Z' });

/** Filters shared by the results query, its exports and the leaderboard. */
export const filterFields = {
  ep: enums(EXECUTION_PROVIDERS, 'execution providers'),
  precision: list(
    z.string().regex(/^[a-z0-9_]{1,20}$/, 'expected a precision such as fp32, fp16, int8'),
    'precisions',
    'fp32,fp16',
  ),
  batch: list(z.coerce.number().int().min(1).max(65536), 'batch sizes', '1,8'),
  hardwareClass: names('hardware classes', 'amd-epyc-avx2-2c'),
};

/** Filters of results: the results query and its exports, and (some of them) history and regressions. */
export const resultFilterFields = {
  ...filterFields,
  model: names('model names', 'ppocr-det'),
  modelSha256: list(
    z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lowercase hex'),
    'model file hashes',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  ),
  agent: names('agent ids', 'gpu-box-1'),
  status: enums(CELL_STATUSES, 'cell statuses'),
  run: list(RunId, 'run ids', 'quickstart-20261121T120000-ab12cd'),
  from: instant('results recorded at or after this time'),
  to: instant('results recorded before this time'),
};

/** A text parameter read by a parser of @ortfleet/core, whose message names what is wrong. */
export function parsed<T>(parse: (text: string) => T, maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .transform((s, ctx) => {
      try {
        return parse(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
}
