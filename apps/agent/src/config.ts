import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { BadInputError, parseLabels } from '@ortfleet/core';
import { DEFAULT_HOST_LOCK_PORT } from './host-lock';

/** An agent's settings, from flags and environment (a flag wins over its variable). */
export interface AgentSettings {
  agentId: string;
  hardwareClass?: string;
  labels: Record<string, string>;
  modelStore?: string;
  token?: string;
  cacheDir: string;
  cacheBytes: number;
  hostLockPort: number;
}

/** Flags of `ortfleet agent`, each standing for one environment variable. */
export const AGENT_FLAGS = {
  id: 'ORTFLEET_AGENT_ID',
  class: 'ORTFLEET_AGENT_CLASS',
  labels: 'ORTFLEET_AGENT_LABELS',
  'model-store': 'ORTFLEET_MODEL_STORE',
  'cache-dir': 'ORTFLEET_MODEL_CACHE',
  'cache-mb': 'ORTFLEET_MODEL_CACHE_MB',
  'lock-port': 'ORTFLEET_HOST_LOCK_PORT',
} as const;

const Settings = z.object({
  ORTFLEET_AGENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "letters, digits, '.', '_' and '-', at most 100")
    .optional(),
  ORTFLEET_AGENT_CLASS: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "lowercase letters, digits, '.', '_' and '-'")
    .optional(),
  ORTFLEET_AGENT_LABELS: z.string().optional(),
  ORTFLEET_MODEL_STORE: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL of `ortfleet serve`, e.g. http://dashboard:8080' })
    .optional(),
  ORTFLEET_TOKEN: z.string().min(1).optional(),
  ORTFLEET_MODEL_CACHE: z.string().min(1).optional(),
  ORTFLEET_MODEL_CACHE_MB: z.coerce
    .number({ error: 'expected a whole number of MiB' })
    .int('expected a whole number of MiB')
    .positive('expected a positive number of MiB')
    .default(10_240),
  ORTFLEET_HOST_LOCK_PORT: z.coerce
    .number({ error: 'expected a TCP port' })
    .int('expected a TCP port')
    .min(1, 'expected a TCP port 1-65535')
    .max(65_535, 'expected a TCP port 1-65535')
    .default(DEFAULT_HOST_LOCK_PORT),
});

const flagOf = (variable: string) => Object.entries(AGENT_FLAGS).find(([, v]) => v === variable)?.[0];

/**
 * Reads an agent's settings from its flags and environment, and lists every bad one in a single error (exit 2)
 * before anything connects or registers.
 */
export function agentSettings(
  flags: Partial<Record<keyof typeof AGENT_FLAGS, string>>,
  env: NodeJS.ProcessEnv,
  home: string,
): AgentSettings {
  const given: Record<string, string> = {};
  const source: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '' && key.startsWith('ORTFLEET_')) [given[key], source[key]] = [value, key];
  for (const [flag, variable] of Object.entries(AGENT_FLAGS)) {
    const value = flags[flag as keyof typeof AGENT_FLAGS];
    if (value !== undefined) [given[variable], source[variable]] = [value, `--${flag}`];
  }
  const problems: string[] = [];
  const parsed = Settings.safeParse(given);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0]);
      const name = source[variable] ?? (flagOf(variable) ? `--${flagOf(variable)}` : variable);
      problems.push(`${name}: ${issue.message}, got '${given[variable] ?? ''}'`);
    }
  let labels: Record<string, string> = {};
  if (given.ORTFLEET_AGENT_LABELS !== undefined)
    try {
      labels = parseLabels(given.ORTFLEET_AGENT_LABELS);
    } catch (err) {
      const name = source.ORTFLEET_AGENT_LABELS;
      problems.push(...(err instanceof BadInputError ? err.problems : [String(err)]).map((p) => `${name}: ${p}`));
    }
  if (problems.length > 0 || !parsed.success)
    throw new BadInputError(`invalid agent configuration:\n  ${problems.join('\n  ')}`, problems);
  const s = parsed.data;
  return {
    agentId: s.ORTFLEET_AGENT_ID ?? hostname(),
    hardwareClass: s.ORTFLEET_AGENT_CLASS,
    labels,
    modelStore: s.ORTFLEET_MODEL_STORE,
    token: s.ORTFLEET_TOKEN,
    cacheDir: resolve(s.ORTFLEET_MODEL_CACHE ?? join(home, 'model-cache')),
    cacheBytes: s.ORTFLEET_MODEL_CACHE_MB * 2 ** 20,
    hostLockPort: s.ORTFLEET_HOST_LOCK_PORT,
  };
}
