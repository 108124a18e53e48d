import { listAgents, openDatabase } from '@ortfleet/db';
import { loadConfig } from '../../config';
import { parseCommand } from '../args';

const USAGE = `usage: pnpm ortfleet fleet [--json]

Lists the agents that registered in the database (DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME):
their hardware class, EPs that load, and when they last registered.`;

/** `ortfleet fleet`. */
export async function fleetCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' } }, USAGE);
  if (values.help) return console.log(USAGE), 0;
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    const agents = await listAgents(database.db);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(agents, null, 2)}\n`);
      return 0;
    }
    if (agents.length === 0) console.log('no agents have registered yet');
    for (const a of agents) {
      const eps = a.probe.eps.map((e) => (e.available ? e.name : `${e.name}(unavailable)`)).join(', ');
      console.log(`${a.id}  ${a.hardwareClass}  ${a.probe.os.platform}/${a.probe.os.arch}  ${a.probe.cpu.brand}  EPs: ${eps}  last seen ${a.lastSeenAt.toISOString()}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}
