import type { Client } from '@temporalio/client';
import { WORKFLOW } from '@ortfleet/contracts';
import { createMetric, METRICS, noopMeter, type CellResult, type Logger, type MetricMeter } from '@ortfleet/core';

/** The orchestrator worker's series (see METRICS). */
export interface WorkerMetrics {
  /** persistResult wrote `result` on `attempt` (1 for the first). */
  persisted(result: Pick<CellResult, 'status' | 'params'>, attempt: number): void;
  runsInFlight(count: number): void;
}

/** The worker's series on `meter` (a meter that records nothing by default). */
export function workerMetrics(meter: MetricMeter = noopMeter): WorkerMetrics {
  const results = createMetric(meter, METRICS.workerCellResults);
  const retries = createMetric(meter, METRICS.workerPersistRetries);
  const inFlight = createMetric(meter, METRICS.workerRunsInFlight);
  retries.add(0);
  return {
    persisted(result, attempt) {
      results.add(1, { status: result.status, ep: result.params.ep, hardware_class: result.params.hardwareClass });
      if (attempt > 1) retries.add(1);
    },
    runsInFlight: (count) => inFlight.set(count),
  };
}

/** The visibility query for open benchmark runs: a run is a benchmarkRun workflow until it closes. */
export const OPEN_RUNS_QUERY = `WorkflowType = '${WORKFLOW.benchmarkRun}' AND ExecutionStatus = 'Running'`;

export const RUNS_IN_FLIGHT_INTERVAL_MS = 10_000;

/**
 * Keeps the runs-in-flight gauge at the number of open benchmark runs in the namespace, asking Temporal's
 * visibility every `intervalMs`. Counting there rather than in the workflow stays right when a run moves to
 * another worker or replays. Returns a function that stops it.
 */
export function watchRunsInFlight(
  client: Client,
  metrics: WorkerMetrics,
  logger: Logger,
  intervalMs = RUNS_IN_FLIGHT_INTERVAL_MS,
): () => Promise<void> {
  let warned = false;
  let pending: Promise<void> = Promise.resolve();
  const refresh = () => {
    pending = client.workflow.count(OPEN_RUNS_QUERY).then(
      ({ count }) => {
        metrics.runsInFlight(count);
        warned = false;
      },
      (err: unknown) => {
        // Visibility may lag or be down for a while; say so once, not every interval.
        if (!warned) logger.warn('cannot count open runs for ortfleet_worker_runs_in_flight', { err });
        warned = true;
      },
    );
  };
  refresh();
  const timer = setInterval(refresh, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pending;
  };
}
