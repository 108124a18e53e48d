import { serve } from '@hono/node-server';
import { createApp } from '@ortfleet/dashboard';
import { openDatabase } from '@ortfleet/db';
import { loadConfig } from '../../config';
import { parseCommand, positiveInt } from '../args';

const USAGE = `usage: pnpm ortfleet serve [--port PORT] [--host HOST]

Serves the dashboard (runs and their ranked results) and the JSON API under /api/v1 on the configured
database (DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME).

  --port PORT  default 8080
  --host HOST  default 127.0.0.1`;

/** `ortfleet serve`. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { port: { type: 'string' }, host: { type: 'string' } }, USAGE);
  if (values.help) return console.log(USAGE), 0;
  const port = positiveInt(values.port, 'port') ?? 8080;
  const hostname = (values.host as string | undefined) ?? '127.0.0.1';
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  const server = serve({ fetch: createApp(database.db).fetch, port, hostname });
  console.error(`dashboard on http://${hostname}:${port}/ (database: ${database.location})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.close();
  await database.close();
  return 0;
}
