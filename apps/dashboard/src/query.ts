import type { ZodType } from 'zod';
import { badRequest } from './errors';

/**
 * Parses a page's query with its API schema, so a page URL means what the API URL means; throws a 400
 * naming the parameter.
 */
export function parseQuery<T>(schema: ZodType<T>, query: Record<string, string>): T {
  // A GET form sends its empty fields too ("ep=&batch="): an empty field means no filter, not a bad value.
  const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v.trim() !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data;
}

/** A URL with a query, leaving out empty values. */
export function href(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}
