import { describe, expect, it } from 'vitest';
import { BadInputError } from '@ortfleet/core';
import { agentSettings } from './config';

function problems(flags: Record<string, string>, env: Record<string, string> = {}): string[] {
  try {
    agentSettings(flags, env, '/home/o');
  } catch (err) {
    if (err instanceof BadInputError) return err.problems;
    throw err;
  }
  return [];
}

describe('agentSettings', () => {
  it('takes defaults, environment, and flags over environment', () => {
    const s = agentSettings(
      { labels: 'region=eu', 'cache-mb': '64' },
      { ORTFLEET_AGENT_LABELS: 'region=us', ORTFLEET_MODEL_STORE: 'http://dash:8080', ORTFLEET_AGENT_ID: 'gpu-1' },
      '/home/o',
    );
    expect(s).toMatchObject({
      agentId: 'gpu-1',
      labels: { region: 'eu' },
      modelStore: 'http://dash:8080',
      cacheDir: '/home/o/model-cache',
      cacheBytes: 64 * 2 ** 20,
      hostLockPort: 47231,
    });
  });

  it('lists every bad field at once, by the flag or variable it came from', () => {
    const p = problems(
      { id: 'bad id!', labels: 'region', 'cache-mb': '-5', 'lock-port': '70000' },
      { ORTFLEET_MODEL_STORE: 'ftp://x', ORTFLEET_AGENT_CLASS: 'Big GPU' },
    );
    expect(p).toHaveLength(6);
    expect(p.join('\n')).toMatch(/^--id: letters, digits/m);
    expect(p.join('\n')).toMatch(/^ORTFLEET_AGENT_CLASS: lowercase letters/m);
    expect(p.join('\n')).toMatch(/^ORTFLEET_MODEL_STORE: expected the http\(s\) URL/m);
    expect(p.join('\n')).toMatch(/^--cache-mb: expected a positive number of MiB, got '-5'/m);
    expect(p.join('\n')).toMatch(/^--lock-port: expected a TCP port 1-65535, got '70000'/m);
    expect(p.join('\n')).toMatch(/^--labels: 'region': expected key=value/m);
  });
});
