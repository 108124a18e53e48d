import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '@ortfleet/dashboard';
import { openDatabase } from '@ortfleet/db';
import { connectTemporal, startObservability, temporalRunControl, type TemporalHandle } from '@ortfleet/orchestrator';
import { parseCommand, positiveInt } from '../args';
import { loadDaemonConfig, METRICS_PORT_OPTION, OBSERVABILITY_USAGE } from '../daemon-config';

const USAGE = `usage: ortfleet serve [--port PORT] [--host HOST] [--read-token] [--metrics-port PORT]

Serves the dashboard (leaderboards, runs, results, compare, history, fleet), the JSON API under /api/v1,
its OpenAPI document at /api/openapi.json and a readable version at /api/docs, on the configured database
(DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME).

With TEMPORAL_ADDRESS set it also starts runs posted to /api/v1/runs and shows live progress of running
runs. Starting runs and uploading models need an API token (\`ortfleet token create NAME\`); uploaded
models are stored by sha256 under ORTFLEET_HOME/models.

  --port PORT    default 8080
  --host HOST    default 127.0.0.1
  --read-token   require a token for reading the API too (default: reading is open)
${OBSERVABILITY_USAGE}`;

/** `ortfleet serve`. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    { port: { type: 'string' }, host: { type: 'string' }, 'read-token': { type: 'boolean' }, ...METRICS_PORT_OPTION },
    USAGE,
  );
  if (values.help) return (console.log(USAGE), 0);
  const port = positiveInt(values.port, 'port') ?? 8080;
  const hostname = (values.host as string | undefined) ?? '127.0.0.1';
  const config = loadDaemonConfig(values['metrics-port']);
  const { logger, meter } = await startObservability(config);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  let temporal: TemporalHandle | undefined;
  try {
    // Without TEMPORAL_ADDRESS there is no server to talk to; an embedded one would be this process's own.
    if (config.TEMPORAL_ADDRESS) temporal = await connectTemporal(config, (line) => logger.info(line));
    const app = createApp({
      db: database.db,
      runs: temporal ? temporalRunControl(temporal, process.cwd(), join(config.ORTFLEET_HOME, 'models')) : undefined,
      modelDir: join(config.ORTFLEET_HOME, 'models'),
      readRequiresToken: Boolean(values['read-token']),
      logger,
      meter,
    });
    const server = serve({ fetch: app.fetch, port, hostname });
    logger.info(
      `dashboard on http://${hostname}:${port}/ (database: ${database.location}; Temporal: ${temporal?.address ?? 'none, runs cannot be started here'})`,
      {
        url: `http://${hostname}:${port}/`,
        database: database.location,
        temporal: temporal?.address,
      },
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    server.close();
  } finally {
    await temporal?.close();
    await database.close();
  }
  return 0;
}
