import { listAgents, openDatabase } from '@ortfleet/db';
import { loadConfig } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';
import { renderTable } from '../render';

const USAGE = `usage: ortfleet fleet [--json]

Lists the agents that registered in the database (DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME):
id, hardware class, platform, CPU and SIMD, GPUs, the EPs that really loaded, labels, and when each last
registered. --json prints every agent with its whole probe.`;

type Agent = Awaited<ReturnType<typeof listAgents>>[number];

/** How long ago, in the largest whole unit. */
function ago(date: Date, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172_800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

function row(a: Agent): string[] {
  const { probe } = a;
  const simd = probe.cpu.simd?.join('+') || '-';
  const gpus =
    probe.gpus.map((g) => `${g.model}${g.vramMb ? ` ${Math.round(g.vramMb / 1024)}GB` : ''}`).join('; ') || '-';
  const eps =
    probe.eps
      .filter((e) => e.available)
      .map((e) => e.name)
      .join(',') || '-';
  const labels =
    Object.entries(a.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '-';
  return [
    a.id,
    a.hardwareClass,
    `${probe.os.platform}/${probe.os.arch}${probe.emulated ? ` (emulated: ${probe.emulator ?? 'yes'})` : ''}`,
    `${probe.cpu.brand} (${probe.cpu.cores})`,
    simd,
    gpus,
    eps,
    labels,
    ago(a.lastSeenAt),
  ];
}

/** `ortfleet fleet`. */
export async function fleetCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' } }, USAGE);
  if (values.help) return (console.log(USAGE), 0);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    const agents = await listAgents(database.db);
    if (values.json) process.stdout.write(`${JSON.stringify(agents, null, 2)}\n`);
    else if (agents.length === 0) console.log('no agents have registered yet');
    else
      console.log(
        renderTable(
          ['AGENT', 'CLASS', 'PLATFORM', 'CPU (CORES)', 'SIMD', 'GPUS', 'EPS', 'LABELS', 'LAST SEEN'],
          agents.map(row),
        ),
      );
    return 0;
  } finally {
    await database.close();
  }
}
