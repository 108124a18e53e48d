// Structured logging without I/O: a logger formats records and hands each line to a `write` function that the
// process's edge (the CLI) gives it, so this module stays pure and a test can collect the lines.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object a line, for collectors; `text`: a line a person reads on a terminal. */
export type LogFormat = 'json' | 'text';

/** Fields of one log record besides its time, level and message: values JSON can carry, Errors included. */
export type LogFields = Record<string, unknown>;

/** Where ortfleet's processes log: a message that reads on its own, plus fields a program can filter on. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (a field given to a call wins). */
  child(fields: LogFields): Logger;
}

export interface LogRecord {
  time: Date;
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

const RESERVED = new Set(['time', 'level', 'msg']);

/** A value as JSON carries it: an Error by its name, message and stack (JSON.stringify would give `{}`). */
function plain(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) };
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => plain(v, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, seen)]));
}

/** A field whose name the record itself uses keeps its value under `field.<name>`. */
function fieldEntries(fields: LogFields): [string, unknown][] {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [RESERVED.has(k) ? `field.${k}` : k, plain(v)]);
}

/** `{"time","level","msg",...fields}` on one line, time first so lines sort and read in order. */
export function formatJsonLine(record: LogRecord): string {
  return JSON.stringify({
    time: record.time.toISOString(),
    level: record.level,
    msg: record.msg,
    ...Object.fromEntries(fieldEntries(record.fields)),
  });
}

const BARE = /^[^\s"=]+$/;

/** `2026-05-01T10:00:00.000Z INFO  message key=value key="two words"`: the fields a person scans for at the end. */
export function formatTextLine(record: LogRecord): string {
  const fields = fieldEntries(record.fields).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}=${BARE.test(text) ? text : JSON.stringify(text)}`;
  });
  return [record.time.toISOString(), record.level.toUpperCase().padEnd(5), record.msg, ...fields].join(' ');
}

export interface LoggerOptions {
  /** Records below this level are dropped. */
  level: LogLevel;
  format: LogFormat;
  /** Takes one formatted line, newline included; the process's edge decides where it goes (stderr). */
  write: (line: string) => void;
  now?: () => Date;
  fields?: LogFields;
}

/** Whether a record at `level` passes a logger set to `threshold`. */
export function logLevelEnabled(level: LogLevel, threshold: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(threshold);
}

function recordLogger(
  emit: (record: LogRecord) => void,
  threshold: LogLevel,
  now: () => Date,
  base: LogFields,
): Logger {
  const at =
    (level: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      if (logLevelEnabled(level, threshold)) emit({ time: now(), level, msg, fields: { ...base, ...fields } });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => recordLogger(emit, threshold, now, { ...base, ...fields }),
  };
}

/** A logger writing JSON lines or text lines at or above `level`. */
export function createLogger(opts: LoggerOptions): Logger {
  const format = opts.format === 'json' ? formatJsonLine : formatTextLine;
  return recordLogger(
    (record) => opts.write(`${format(record)}\n`),
    opts.level,
    opts.now ?? (() => new Date()),
    opts.fields ?? {},
  );
}

/**
 * A logger for a command's human output (`ortfleet run`, `demo`): the message alone, fields and debug records
 * left out, so what a person reads stays as it was before logs were structured.
 */
export function messageLogger(write: (line: string) => void): Logger {
  return recordLogger(
    (record) => write(`${record.msg}\n`),
    'info',
    () => new Date(),
    {},
  );
}

/** A logger that drops everything. */
export const silentLogger: Logger = recordLogger(
  () => {},
  'error',
  () => new Date(0),
  {},
);
