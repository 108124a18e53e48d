import { describe, expect, it } from 'vitest';
import { createLogger, formatTextLine, messageLogger, type LogFormat, type LogLevel } from './log';

const NOW = new Date('2026-05-01T10:00:00.000Z');

function collect(level: LogLevel, format: LogFormat) {
  const lines: string[] = [];
  const logger = createLogger({ level, format, write: (line) => lines.push(line), now: () => NOW });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object a line: time, level, msg, then the fields', () => {
    const { logger, lines } = collect('info', 'json');
    logger.info('agent registered', { agent: 'a1', cells: 2, eps: ['cpu'] });
    expect(lines).toEqual([
      '{"time":"2026-05-01T10:00:00.000Z","level":"info","msg":"agent registered","agent":"a1","cells":2,"eps":["cpu"]}\n',
    ]);
  });

  it('drops records below its level', () => {
    const { logger, lines } = collect('warn', 'json');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn', 'error']);
  });

  it('keeps a line a line whatever the message holds, and serializes errors and odd values', () => {
    const { logger, lines } = collect('debug', 'json');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    logger.error('two\nlines "quoted"', { err: new TypeError('boom'), big: 10n, when: NOW, cyclic, gone: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd()).not.toContain('\n');
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({
      msg: 'two\nlines "quoted"',
      err: { name: 'TypeError', message: 'boom' },
      big: '10',
      when: NOW.toISOString(),
      cyclic: { a: 1, self: '[circular]' },
    });
    expect(record).not.toHaveProperty('gone');
  });

  it('never lets a field replace the record’s own time, level or msg', () => {
    const { logger, lines } = collect('info', 'json');
    logger.info('real', { msg: 'fake', level: 'error' });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'real',
      level: 'info',
      'field.msg': 'fake',
      'field.level': 'error',
    });
  });

  it('adds a child’s fields to each of its records', () => {
    const { logger, lines } = collect('info', 'json');
    const agent = logger.child({ agent: 'a1' });
    agent.info('polling', { queue: 'q' });
    agent.info('override', { agent: 'a2' });
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { msg: 'polling', agent: 'a1', queue: 'q' },
      { msg: 'override', agent: 'a2' },
    ]);
  });

  it('writes text lines a person scans: time, level, message, key=value', () => {
    const { logger, lines } = collect('info', 'text');
    logger.warn('cache full', { dir: '/tmp/cache', reason: 'two words', n: 3 });
    expect(lines).toEqual(['2026-05-01T10:00:00.000Z WARN  cache full dir=/tmp/cache reason="two words" n=3\n']);
  });
});

describe('formatTextLine', () => {
  it('quotes values with spaces, quotes or equals signs', () => {
    expect(
      formatTextLine({ time: NOW, level: 'info', msg: 'm', fields: { a: 'x=y', b: 'say "hi"', c: { d: 1 } } }),
    ).toBe('2026-05-01T10:00:00.000Z INFO  m a="x=y" b="say \\"hi\\"" c="{\\"d\\":1}"');
  });
});

describe('messageLogger', () => {
  it('prints the message alone, at info and above', () => {
    const lines: string[] = [];
    const logger = messageLogger((line) => lines.push(line));
    logger.debug('hidden');
    logger.info('run r1 started', { runId: 'r1' });
    logger.child({ agent: 'a' }).warn('careful');
    expect(lines).toEqual(['run r1 started\n', 'careful\n']);
  });
});
