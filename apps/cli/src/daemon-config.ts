import { BadInputError } from '@ortfleet/core';
import { loadConfig, type Config } from '@ortfleet/orchestrator';

/** The flag every daemon (worker, agent, serve) takes for its Prometheus endpoint. */
export const METRICS_PORT_OPTION = { 'metrics-port': { type: 'string' } } as const;

/** The lines each daemon's --help gives about its logs and metrics. */
export const OBSERVABILITY_USAGE = `  --metrics-port PORT    serve Prometheus metrics (the Temporal SDK's and ortfleet's) on
                         http://ORTFLEET_METRICS_HOST:PORT/metrics (ORTFLEET_METRICS_PORT; default: off;
                         ORTFLEET_METRICS_HOST default 127.0.0.1)

Logs go to stderr: JSON lines when stderr is not a terminal, text on one (ORTFLEET_LOG_FORMAT=json|text|auto),
from ORTFLEET_LOG_LEVEL=debug|info|warn|error (default info).`;

/** The environment a daemon reads, with --metrics-port standing in for ORTFLEET_METRICS_PORT when given. */
export function daemonEnv(metricsPort: string | undefined, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return metricsPort === undefined ? env : { ...env, ORTFLEET_METRICS_PORT: metricsPort };
}

/** Problems naming ORTFLEET_METRICS_PORT, renamed to the flag when the flag gave the value. */
export function nameMetricsFlag(problems: string[], metricsPort: string | undefined): string[] {
  if (metricsPort === undefined) return problems;
  return problems.map((p) => p.replace(/^ORTFLEET_METRICS_PORT:(.*)$/, `--metrics-port:$1, got '${metricsPort}'`));
}

/** A daemon's configuration: the environment and --metrics-port, every bad one listed in one error (exit 2). */
export function loadDaemonConfig(metricsPort: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(daemonEnv(metricsPort, env));
  } catch (err) {
    if (!(err instanceof BadInputError) || metricsPort === undefined) throw err;
    const problems = nameMetricsFlag(err.problems, metricsPort);
    throw new BadInputError(`invalid settings:\n  ${problems.join('\n  ')}`, problems);
  }
}
