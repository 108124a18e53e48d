import { join } from 'node:path';
import { startDevServer, type DevServer } from '../../apps/orchestrator/src/dev-server';
import { freshDatabase, tempHome, temporalBinary } from './env';

/** What a real-run test stands on, and the environment that points ortfleet at it. */
export interface TestStack {
  server: DevServer;
  home: string;
  env: { TEMPORAL_ADDRESS: string; DATABASE_URL: string; ORTFLEET_HOME: string };
}

/**
 * Starts a Temporal dev server (the bootstrapped CLI) over a file in a fresh ORTFLEET_HOME and creates a fresh
 * database on the tests' PostgreSQL. `server` adds to the dev server's options (its port, the address it
 * listens on).
 */
export async function startTestStack(
  server: Pick<Parameters<typeof startDevServer>[0], 'ip' | 'host' | 'port'> = {},
): Promise<TestStack> {
  const home = tempHome();
  const started = await startDevServer({
    binary: temporalBinary(),
    dbFilename: join(home, 'temporal.db'),
    namespace: 'default',
    ...server,
  });
  const env = { TEMPORAL_ADDRESS: started.address, DATABASE_URL: await freshDatabase(), ORTFLEET_HOME: home };
  return { server: started, home, env };
}
