import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import { createLogger, type LogFormat, type Logger, type LogLevel } from '@ortfleet/core';
import type { Config } from '../config';

/** What a log line goes to: stderr, always, so that stdout carries only a command's output (`run --json`). */
export interface LogStream {
  write(line: string): unknown;
  isTTY?: boolean;
}

/** ORTFLEET_LOG_FORMAT, with `auto` (the default) meaning text on a terminal and JSON lines otherwise. */
export function logFormat(setting: Config['ORTFLEET_LOG_FORMAT'], stream: LogStream): LogFormat {
  if (setting === 'json' || setting === 'text') return setting;
  return stream.isTTY ? 'text' : 'json';
}

/** The process's logger, at ORTFLEET_LOG_LEVEL (default info), writing to stderr. */
export function stderrLogger(
  config: Pick<Config, 'ORTFLEET_LOG_LEVEL' | 'ORTFLEET_LOG_FORMAT'>,
  stream: LogStream = process.stderr,
): Logger {
  return createLogger({
    level: config.ORTFLEET_LOG_LEVEL ?? 'info',
    format: logFormat(config.ORTFLEET_LOG_FORMAT, stream),
    write: (line) => stream.write(line),
  });
}

const SDK_LEVELS: readonly TemporalLogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The least severe Temporal SDK level a daemon passes on: the SDK logs every worker state change and task at
 * INFO and below, which an operator needs only when debugging, so below debug its floor is WARN.
 */
export function sdkLogLevel(level: LogLevel = 'info'): TemporalLogLevel {
  return level === 'debug' ? 'DEBUG' : level === 'error' ? 'ERROR' : 'WARN';
}

/** SDK warnings about a state ortfleet chooses: an agent is an activity-only worker. They are logged at debug. */
const EXPECTED_WARNINGS = new Set(['No workflows registered, not polling for workflow tasks']);

/** Temporal's logger interface over ours: records at or above `threshold`, with the SDK's metadata as fields. */
export function temporalLogger(logger: Logger, threshold: TemporalLogLevel): TemporalLogger {
  const floor = SDK_LEVELS.indexOf(threshold);
  const log = (given: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    const level = given === 'WARN' && EXPECTED_WARNINGS.has(message) ? 'DEBUG' : given;
    if (SDK_LEVELS.indexOf(level) < floor) return;
    // Object.entries leaves out the SDK's symbol keys (its timestamp), which JSON could not carry anyway.
    const fields = { source: 'temporal', ...Object.fromEntries(Object.entries(meta ?? {})) };
    if (level === 'ERROR') logger.error(message, fields);
    else if (level === 'WARN') logger.warn(message, fields);
    else if (level === 'INFO') logger.info(message, fields);
    else logger.debug(message, fields);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
