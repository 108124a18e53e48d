import { describe, expect, it } from 'vitest';
import { BadInputError } from '@ortfleet/core';
import { loadDaemonConfig } from './daemon-config';

const problemsOf = (read: () => unknown): string[] => {
  try {
    read();
  } catch (err) {
    if (err instanceof BadInputError) return err.problems;
    throw err;
  }
  return [];
};

describe('loadDaemonConfig', () => {
  it('takes --metrics-port over ORTFLEET_METRICS_PORT, and the logging variables', () => {
    const config = loadDaemonConfig('9464', {
      ORTFLEET_METRICS_PORT: '1',
      ORTFLEET_METRICS_HOST: '0.0.0.0',
      ORTFLEET_LOG_LEVEL: 'debug',
      ORTFLEET_LOG_FORMAT: 'text',
    });
    expect(config).toMatchObject({
      ORTFLEET_METRICS_PORT: 9464,
      ORTFLEET_METRICS_HOST: '0.0.0.0',
      ORTFLEET_LOG_LEVEL: 'debug',
      ORTFLEET_LOG_FORMAT: 'text',
    });
    expect(loadDaemonConfig(undefined, {}).ORTFLEET_METRICS_PORT).toBeUndefined();
  });

  it('lists a bad --metrics-port by the flag, with every other bad setting', () => {
    expect(
      problemsOf(() =>
        loadDaemonConfig('http', {
          ORTFLEET_LOG_LEVEL: 'loud',
          ORTFLEET_METRICS_HOST: 'metrics.local',
          TEMPORAL_ADDRESS: 'nope',
        }),
      ),
    ).toEqual([
      'TEMPORAL_ADDRESS: expected host:port, e.g. localhost:7233',
      'ORTFLEET_LOG_LEVEL: expected one of debug, info, warn, error',
      "--metrics-port: expected a TCP port 1-65535, got 'http'",
      'ORTFLEET_METRICS_HOST: expected an IP address to bind, e.g. 127.0.0.1 or 0.0.0.0',
    ]);
    expect(problemsOf(() => loadDaemonConfig('70000', {}))).toEqual([
      "--metrics-port: expected a TCP port 1-65535, got '70000'",
    ]);
    expect(
      problemsOf(() => loadDaemonConfig(undefined, { ORTFLEET_METRICS_PORT: '0', ORTFLEET_LOG_FORMAT: 'xml' })),
    ).toEqual([
      'ORTFLEET_LOG_FORMAT: expected json, text or auto',
      'ORTFLEET_METRICS_PORT: expected a TCP port 1-65535',
    ]);
  });
});
