import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ORCHESTRATOR_QUEUE } from '@ortfleet/core';
import type { Db } from '@ortfleet/db';
import { createOrchestratorActivities } from './activities';
import type { ModelStoreTarget } from '@ortfleet/model-store';

// A build prebundles the workflows beside the bundle (scripts/build.ts), so a worker starts without webpack.
const BUILT_WORKFLOWS = fileURLToPath(new URL('./workflows.js', import.meta.url));
const WORKFLOWS = existsSync(BUILT_WORKFLOWS)
  ? { workflowBundle: { codePath: BUILT_WORKFLOWS } }
  : { workflowsPath: fileURLToPath(new URL('./workflows/index.ts', import.meta.url)) };

/** The orchestrator's worker: runs the workflows and the database activities on the orchestrator queue. */
export async function createOrchestratorWorker(deps: {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  db: Db;
  /** Where `ortfleet run` published the runs' model files: A/B confirmations look for previous files there. */
  modelStore?: ModelStoreTarget;
}): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: ORCHESTRATOR_QUEUE,
    ...WORKFLOWS,
    activities: createOrchestratorActivities(deps),
  });
}
