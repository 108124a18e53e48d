import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BadInputError, LOG_LEVELS } from '@ortfleet/core';
import { readTemporalSecurity, type TemporalSecurity } from './temporal-tls';

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
  ORTFLEET_MODEL_STORE: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL of `ortfleet serve`, e.g. http://dashboard:8080' })
    .optional(),
  ORTFLEET_TOKEN: z.string().optional(),
  ORTFLEET_LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).optional(),
  ORTFLEET_LOG_FORMAT: z.enum(['json', 'text', 'auto'], { error: 'expected json, text or auto' }).optional(),
  ORTFLEET_METRICS_PORT: z.coerce
    .number({ error: 'expected a TCP port 1-65535' })
    .int('expected a TCP port 1-65535')
    .min(1, 'expected a TCP port 1-65535')
    .max(65_535, 'expected a TCP port 1-65535')
    .optional(),
  // Temporal's exporter binds a socket address, not a name: an IP literal.
  ORTFLEET_METRICS_HOST: z
    .union([z.ipv4(), z.ipv6()], { error: 'expected an IP address to bind, e.g. 127.0.0.1 or 0.0.0.0' })
    .optional(),
});

/** The environment's settings; `temporalSecurity` holds the TEMPORAL_TLS_* files, read and checked (unset: plain text). */
export type Config = z.output<typeof Env> & { temporalSecurity?: TemporalSecurity };

/** Parses the environment once; a bad field is bad input (exit 2), and every bad field is listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(blankless);
  const tls = readTemporalSecurity(blankless);
  if (!parsed.success || tls.problems.length > 0) {
    const problems = [...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []), ...tls.problems];
    throw new BadInputError(`invalid environment:\n  ${problems.join('\n  ')}`, problems);
  }
  return { ...parsed.data, ORTFLEET_HOME: resolve(parsed.data.ORTFLEET_HOME), temporalSecurity: tls.security };
}
