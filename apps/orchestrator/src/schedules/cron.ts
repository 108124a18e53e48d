import { BadInputError } from '@ortfleet/core';

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Three-letter names, the first standing for `min`. */
  names?: string[];
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  // 7 is Sunday too, as in most crons and in Temporal's parser.
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The shorthands Temporal accepts in place of the five fields. */
export const CRON_SHORTHANDS = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'];

function fieldValue(text: string, field: CronField): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : `${field.name} ${text} is out of range ${field.min}-${field.max}`;
  }
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  return `${field.name} '${text}' is not a number${field.names ? ` or a name (${field.names[0]}-${field.names.at(-1)})` : ''}`;
}

/** The problem with one field (a list of values, ranges and steps), or undefined when it is fine. */
function fieldProblem(text: string, field: CronField): string | undefined {
  for (const item of text.split(',')) {
    const parts = /^([^/]+)(?:\/(\d+))?$/.exec(item);
    if (!parts) return `${field.name} '${item}' is not a value, a range (a-b) or a step (*/n, a-b/n)`;
    const [, base, step] = parts as unknown as [string, string, string | undefined];
    if (step !== undefined && Number(step) < 1) return `${field.name} step '${step}' must be at least 1`;
    if (base === '*') continue;
    const bounds = base.split('-');
    if (bounds.length > 2) return `${field.name} '${base}' is not a value or a range (a-b)`;
    const [from, to] = bounds.map((b) => fieldValue(b, field));
    if (typeof from === 'string') return from;
    if (typeof to === 'string') return to;
    if (to !== undefined && to < from!)
      return `${field.name} range '${base}' runs backwards (Temporal does not wrap ranges around)`;
  }
  return undefined;
}

/**
 * Checks a cron expression before Temporal sees it, so a typo is named field by field: five fields (minute
 * hour day-of-month month day-of-week), each a list of values, names, ranges and steps, or a shorthand.
 * Returns the expression with its spaces normalized.
 */
export function checkCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  const normalized = fields.join(' ');
  const fail = (problem: string) => new BadInputError(`invalid --cron '${expression}': ${problem}`);
  if (fields.length === 1 && fields[0]!.startsWith('@')) {
    if (CRON_SHORTHANDS.includes(normalized)) return normalized;
    throw fail(`unknown shorthand; use one of ${CRON_SHORTHANDS.join(', ')}`);
  }
  if (fields.length !== 5)
    throw fail(
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields[0] === '' ? 0 : fields.length}`,
    );
  for (const [i, text] of fields.entries()) {
    const problem = fieldProblem(text, FIELDS[i]!);
    if (problem) throw fail(problem);
  }
  return normalized;
}
