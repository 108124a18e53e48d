import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadInputError } from '@ortfleet/core';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags; an unknown flag or a missing value is bad input naming the flag. */
export function parseCommand<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new BadInputError(`${(err as Error).message}\n\n${usage}`);
  }
}

/** A flag that must be a positive integer. */
export function positiveInt(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new BadInputError(`--${flag} must be a positive integer, got '${String(value)}'`);
  return n;
}
