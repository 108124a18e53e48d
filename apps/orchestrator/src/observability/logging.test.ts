import { describe, expect, it } from 'vitest';
import { createLogger } from '@ortfleet/core';
import { logFormat, sdkLogLevel, stderrLogger, temporalLogger } from './logging';

function stream(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line), isTTY };
}

describe('stderrLogger', () => {
  it('writes JSON lines when the stream is not a terminal, text on one, unless told', () => {
    expect(logFormat(undefined, stream(false))).toBe('json');
    expect(logFormat('auto', stream(true))).toBe('text');
    expect(logFormat('json', stream(true))).toBe('json');
    expect(logFormat('text', stream(false))).toBe('text');
  });

  it('logs at info by default, and at ORTFLEET_LOG_LEVEL when set', () => {
    const quiet = stream(false);
    stderrLogger({}, quiet).debug('hidden');
    stderrLogger({}, quiet).info('shown');
    stderrLogger({ ORTFLEET_LOG_LEVEL: 'debug' }, quiet).debug('debugging');
    expect(quiet.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown', 'debugging']);
  });
});

describe('temporalLogger', () => {
  const collect = (threshold: Parameters<typeof temporalLogger>[1]) => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });
    return {
      sdk: temporalLogger(logger, threshold),
      records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  };

  it("passes the SDK's records from the threshold up, mapped to our levels, with its metadata as fields", () => {
    const { sdk, records } = collect('WARN');
    const timestamp = Symbol('timestamp');
    sdk.info('Worker state changed', { state: 'RUNNING' });
    sdk.warn('Poll failed, retrying', { sdkComponent: 'core', [timestamp]: 1n });
    sdk.log('ERROR', 'Activity failed', { activityType: 'runCell' });
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'Poll failed, retrying',
        source: 'temporal',
        sdkComponent: 'core',
      }),
      expect.objectContaining({ level: 'error', msg: 'Activity failed', source: 'temporal', activityType: 'runCell' }),
    ]);
  });

  it('maps TRACE and DEBUG to debug when debugging', () => {
    const { sdk, records } = collect('TRACE');
    sdk.trace('t');
    sdk.debug('d');
    expect(records().map((r) => r.level)).toEqual(['debug', 'debug']);
  });

  it("keeps an agent's 'no workflows registered' warning for debugging: an agent runs activities only", () => {
    const warn = collect('WARN');
    warn.sdk.warn('No workflows registered, not polling for workflow tasks');
    expect(warn.records()).toEqual([]);
    const debug = collect('DEBUG');
    debug.sdk.warn('No workflows registered, not polling for workflow tasks');
    expect(debug.records()).toEqual([expect.objectContaining({ level: 'debug' })]);
  });

  it("sets the SDK's floor at WARN unless ortfleet logs at debug or error only", () => {
    expect([
      sdkLogLevel(undefined),
      sdkLogLevel('debug'),
      sdkLogLevel('info'),
      sdkLogLevel('warn'),
      sdkLogLevel('error'),
    ]).toEqual(['WARN', 'DEBUG', 'WARN', 'WARN', 'ERROR']);
  });
});
