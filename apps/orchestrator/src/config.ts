import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BadInputError } from '@ortfleet/core';

const Env = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:/]+:\d+$/, 'expected host:port, e.g. localhost:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  ORTFLEET_HOME: z.string().min(1).default('./.ortfleet'),
  ORTFLEET_TEMPORAL_BIN: z
    .string()
    .refine((p) => existsSync(p), 'no file at this path')
    .optional(),
  ORTFLEET_CELL_MEMORY_MB: z.coerce.number().int().positive().optional(),
  ORTFLEET_MODEL_STORE: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of `ortfleet serve`, e.g. http://dashboard:8080' }).optional(),
  ORTFLEET_TOKEN: z.string().optional(),
});

export type Config = z.output<typeof Env>;

/** Parses the environment once; a bad field is bad input (exit 2), and every bad field is listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(blankless);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new BadInputError(`invalid environment:\n  ${problems.join('\n  ')}`, problems);
  }
  return { ...parsed.data, ORTFLEET_HOME: resolve(parsed.data.ORTFLEET_HOME) };
}
