import { defineQuery } from '@temporalio/workflow';
import type { RunProgress, Spec } from '@ortfleet/core';
import type { AlertTarget } from '../judging/alert-message';

/** A model file as the agents will open it, per precision. */
export interface ModelFileRef {
  path: string;
  sha256?: string;
}

export interface BenchmarkRunInput {
  /** Default: from the workflow id (see runIdOf), which is how a run started by a schedule gets its id. */
  runId?: string;
  spec: Spec;
  /** model name → precision → file. */
  models: Record<string, Record<string, ModelFileRef>>;
  /** How long a dispatched cell may wait for an agent to pick it up before it is `unschedulable`. */
  scheduleToStartMs?: number;
  /** The `ortfleet schedule` that started this run, recorded with it so a schedule's runs form one series. */
  schedule?: string;
  /** Webhooks told about the run's regressions, and the dashboard address their links use. */
  alerts?: { targets: AlertTarget[]; dashboardUrl?: string };
}

export const DEFAULT_SCHEDULE_TO_START_MS = 120_000;

/**
 * A run id from a workflow id. A schedule names each workflow it starts `<prefix>-<RFC 3339 time>`, and a
 * run id may hold only letters, digits, '.', '_' and '-' (it appears in URLs), so the time's ':' go:
 * `nightly-2026-11-21T02:00:00Z` is run `nightly-2026-11-21T020000Z`.
 */
export function runIdOf(workflowId: string): string {
  return workflowId.replace(/[^A-Za-z0-9._-]/g, '');
}

/** A run's own counts: the cells it settled itself, and (sharded runs) the workflows that run the rest. */
export const progressQuery = defineQuery<RunProgress>('progress');
