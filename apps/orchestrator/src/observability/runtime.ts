import { createServer } from 'node:net';
import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { LogLevel as TemporalLogLevel } from '@temporalio/common';
import { BadInputError, histogramBuckets, LOG_LEVELS, type Logger, type MetricMeter } from '@ortfleet/core';
import type { Config } from '../config';
import { sdkLogLevel, stderrLogger, temporalLogger } from './logging';

/** Where a process serves Prometheus metrics. */
export interface MetricsEndpoint {
  host: string;
  port: number;
}

/** `host:port` as a socket address; an IPv6 host goes in brackets. */
export function bindAddress({ host, port }: MetricsEndpoint): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The endpoint ORTFLEET_METRICS_PORT (or --metrics-port) asks for, or none: metrics are off by default. */
export function metricsEndpoint(
  config: Pick<Config, 'ORTFLEET_METRICS_PORT' | 'ORTFLEET_METRICS_HOST'>,
): MetricsEndpoint | undefined {
  if (config.ORTFLEET_METRICS_PORT === undefined) return undefined;
  return { host: config.ORTFLEET_METRICS_HOST ?? '127.0.0.1', port: config.ORTFLEET_METRICS_PORT };
}

/** A metrics port that cannot be bound is bad input (exit 2) naming it, found before anything else starts. */
export async function assertMetricsPortFree(endpoint: MetricsEndpoint): Promise<void> {
  const problem = await new Promise<string | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.code ?? err.message})`),
    );
    server.listen(endpoint.port, endpoint.host, () => server.close(() => resolve(undefined)));
  });
  if (problem)
    throw new BadInputError(
      `metrics port ${endpoint.port} on ${endpoint.host} ${problem} (--metrics-port / ORTFLEET_METRICS_PORT)`,
    );
}

/**
 * Installs the Temporal runtime: the SDK's and Temporal core's log lines go through `logger` from `sdkLevel`
 * up, and with an endpoint, core's Prometheus exporter serves the SDK's series and ortfleet's (recorded through
 * the returned meter) on one /metrics. Must run before any Temporal connection or worker is made.
 */
export function installRuntime(opts: {
  logger: Logger;
  sdkLevel: TemporalLogLevel;
  metrics?: MetricsEndpoint;
}): MetricMeter {
  const options: RuntimeOptions = {
    logger: temporalLogger(opts.logger, opts.sdkLevel),
    telemetryOptions: {
      // Core's DEBUG is every poll and activation; INFO is as far as debugging ortfleet needs.
      logging: {
        filter: {
          core: opts.sdkLevel === 'DEBUG' || opts.sdkLevel === 'TRACE' ? 'INFO' : opts.sdkLevel,
          other: 'ERROR',
        },
        forward: {},
      },
      ...(opts.metrics && {
        metrics: {
          prometheus: { bindAddress: bindAddress(opts.metrics), histogramBucketOverrides: histogramBuckets() },
        },
      }),
    },
  };
  try {
    // Without an exporter the runtime's meter records nothing.
    return Runtime.install(options).metricMeter;
  } catch (err) {
    if (!opts.metrics) throw err;
    throw new BadInputError(
      `metrics endpoint ${bindAddress(opts.metrics)} (--metrics-port / ORTFLEET_METRICS_PORT): ${(err as Error).message}`,
    );
  }
}

/** What a daemon logs and records through; no meter when metrics are off. */
export interface Observability {
  logger: Logger;
  meter?: MetricMeter;
}

/**
 * Sets up a daemon's (worker, agent, serve) logs and metrics: checks the metrics port, then installs the
 * runtime; call it after every setting is validated and before anything connects.
 */
export async function startObservability(config: Config): Promise<Observability> {
  const logger = stderrLogger(config);
  const endpoint = metricsEndpoint(config);
  if (endpoint) await assertMetricsPortFree(endpoint);
  const meter = installRuntime({ logger, sdkLevel: sdkLogLevel(config.ORTFLEET_LOG_LEVEL), metrics: endpoint });
  if (!endpoint) return { logger };
  logger.info(`metrics on http://${bindAddress(endpoint)}/metrics`, { metricsAddress: bindAddress(endpoint) });
  return { logger, meter };
}

/** Commands that install the runtime themselves (startObservability), once their flags say where metrics go. */
export const DAEMON_COMMANDS: ReadonlySet<string> = new Set(['agent', 'worker', 'serve']);

/**
 * The runtime of every other command: the SDK's errors only, since their stderr is a person's progress output
 * (or nothing, with --json). A bad logging variable is left for the command's own configuration check.
 */
export function installCommandRuntime(env: NodeJS.ProcessEnv = process.env): void {
  const level = LOG_LEVELS.find((l) => l === env.ORTFLEET_LOG_LEVEL);
  const format = (['json', 'text', 'auto'] as const).find((f) => f === env.ORTFLEET_LOG_FORMAT);
  installRuntime({
    logger: stderrLogger({ ORTFLEET_LOG_LEVEL: level, ORTFLEET_LOG_FORMAT: format }),
    sdkLevel: 'ERROR',
  });
}
