import type { Env, Hono, Schema } from 'hono';
import type { RunControl } from '@ortfleet/contracts';
import type { Logger, MetricMeter } from '@ortfleet/core';
import type { Db } from '@ortfleet/db';

/** What the dashboard runs on; tests give a database and leave out the rest. */
export interface DashboardDeps {
  db: Db;
  /** Temporal, for starting runs through the API and live progress; absent, the dashboard reads the database only. */
  runs?: RunControl;
  /** Where uploaded models are stored by content; absent, uploads are refused. */
  modelDir?: string;
  /** Whether reading (the API and the pages) needs a token too; writing always does. */
  readRequiresToken?: boolean;
  /** Where an unexpected error (a 500) is logged; absent, to the console. */
  logger?: Logger;
  /** Where request counts and durations are recorded; absent, they are not. */
  meter?: MetricMeter;
}

/** A feature's router factory: its API routes (`runsApi`) or its pages (`runsPages`). */
export type FeatureRouter = (deps: DashboardDeps) => Hono<Env, Schema, string>;
