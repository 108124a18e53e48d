/**
 * What the build buys at start: the agent's entry (`--help`) and the cell's child process (loading everything
 * a cell needs, before any model work) from TypeScript through tsx, as a clone runs them, against the bundles
 * of the unpacked linux-x64 agent archive (`pnpm build:agent`), on the same Node. Interleaved rounds, the
 * median and range of each, and the ratio of medians.
 *
 *   pnpm build:agent && pnpm exec tsx bench/startup.ts [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineLine, median, REPO } from './common';

const { values } = parseArgs({ options: { rounds: { type: 'string' } } });
const rounds = Number(values.rounds ?? 7);
// The archive's folder, left unpacked beside it by the build; its bundles resolve onnxruntime-node there.
const built = join(REPO, 'dist/agent/ortfleet-agent-linux-x64/lib');
if (!existsSync(join(built, 'agent.js'))) {
  process.stderr.write(
    'bench/startup.ts: run `pnpm build:agent` first (dist/agent/ortfleet-agent-linux-x64/lib/agent.js is missing)\n',
  );
  process.exit(2);
}
const tsx = import.meta.resolve('tsx');

interface Case {
  name: string;
  source: string[];
  built: string[];
}

// The child entry with no IPC channel loads its modules and exits: its wall time is its start-up cost.
const cases: Case[] = [
  {
    name: 'agent --help',
    source: ['--import', tsx, join(REPO, 'apps/cli/src/agent-main.ts'), '--help'],
    built: [join(built, 'agent.js'), '--help'],
  },
  {
    name: 'cell child start',
    source: ['--import', tsx, join(REPO, 'apps/agent/src/cell/child.ts')],
    built: [join(built, 'cell-child.js')],
  },
];

function wallMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} exited ${res.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
console.log(`${machineLine()}; Node ${process.version}; ${rounds} interleaved rounds`);
console.log('case               source (tsx) ms: median [range]   built ms: median [range]   source/built');
for (const c of cases) {
  const times = { source: [] as number[], built: [] as number[] };
  wallMs(c.source); // warm the tsx cache and the file system cache, as a second start would find them
  wallMs(c.built);
  for (let i = 0; i < rounds; i++) {
    times.source.push(wallMs(c.source));
    times.built.push(wallMs(c.built));
  }
  const [s, b] = [median(times.source), median(times.built)];
  console.log(
    `${c.name.padEnd(18)} ${s.toFixed(0).padStart(6)} [${range(times.source)}]${' '.repeat(17)}${b.toFixed(0).padStart(6)} [${range(times.built)}]${' '.repeat(12)}${(s / b).toFixed(2)}`,
  );
}
