import { BadInputError, describeConfiguration, parsePrices, parseSlo, type Slo } from '@ortfleet/core';
import { capacityPlan, openDatabase, type CapacityPlan } from '@ortfleet/db';
import { loadConfig } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const PLAN_USAGE = `usage: ortfleet plan MODEL --qps N --slo pP<=MS [--headroom F] [--prices CLASS=PRICE,...] [--json]

How many machines of each hardware class serve N requests per second of MODEL within the SLO, and what they
cost. For each class it takes the configuration with the most requests/s at exactly that SLO (the open-loop
search of a spec's load: { slo, search: true }, or its highest passing offered rate), from the newest result of
each configuration. Classes are listed cheapest first; classes without a capacity at that SLO are listed last
with the reason. Reads DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME.

  --qps N            requests per second to serve (above 0)
  --slo pP<=MS       the latency bound the capacity was measured at, e.g. p99<=30 (ms, from arrival)
  --headroom F       share of each machine kept spare, from 0 to below 1 (default 0.3: machines run at 70%)
  --prices C=P,...   price per hour by hardware class; overrides agents' price_per_hour label
  --json             print the plan as JSON

Exit codes: 0 a plan (even when no class has a capacity: they are listed with the reason), 2 bad input.`;

/** `ortfleet plan`. */
export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      qps: { type: 'string' },
      slo: { type: 'string' },
      headroom: { type: 'string' },
      prices: { type: 'string' },
      json: { type: 'boolean' },
    },
    PLAN_USAGE,
  );
  if (values.help) return (console.log(PLAN_USAGE), 0);
  if (positionals.length !== 1)
    throw new BadInputError(`plan needs one model name, got ${positionals.length}\n\n${PLAN_USAGE}`);
  const model = positionals[0]!;
  const qps = Number(values.qps);
  if (values.qps === undefined || !(qps > 0) || !Number.isFinite(qps))
    throw new BadInputError(`--qps must be a number of requests per second above 0, got '${values.qps ?? ''}'`);
  if (values.slo === undefined) throw new BadInputError(`--slo is required, e.g. --slo 'p99<=30'\n\n${PLAN_USAGE}`);
  const slo = bad('--slo', () => parseSlo(values.slo!));
  const headroom = values.headroom === undefined ? 0.3 : Number(values.headroom);
  if (!(headroom >= 0 && headroom < 1))
    throw new BadInputError(`--headroom must be a fraction from 0 to below 1, got '${values.headroom}'`);
  const prices = values.prices === undefined ? {} : bad('--prices', () => parsePrices(values.prices!));

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    const plan = await capacityPlan(database.db, model, { qps, slo, headroom, prices });
    if (plan.configurations === 0) throw new BadInputError(`no results of model '${model}' in ${database.location}`);
    if (values.json) process.stdout.write(`${JSON.stringify({ qps, slo, headroom, ...plan }, null, 2)}\n`);
    else console.log(renderPlan(plan, qps, slo, headroom));
    return 0;
  } finally {
    await database.close();
  }
}

function bad<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new BadInputError(`${flag}: ${(err as Error).message}`);
  }
}

const money = (v: number | null) => (v === null ? '-' : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/** The plan as a table, a class a line, and each class's best configuration below it. */
export function renderPlan(plan: CapacityPlan, qps: number, slo: Slo, headroom: number): string {
  const head = `${plan.model}: ${qps} requests/s at p${slo.percentile} ≤ ${slo.boundMs} ms, ${Math.round(headroom * 100)}% headroom`;
  const rows = plan.plans.map((p) => [
    p.hardwareClass,
    p.capacityQps === null ? '-' : p.capacityQps.toFixed(1),
    p.machines === null ? '-' : String(p.machines),
    money(p.pricePerHour),
    money(p.costPerHour),
    money(p.costPerMonth),
  ]);
  const header = ['hardware class', 'req/s per machine', 'machines', 'price/h', 'cost/h', 'cost/month'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const notes = plan.plans.flatMap((p) => [
    ...(p.best ? [`  ${p.hardwareClass}: result ${p.best.id}, ${describeConfiguration(p.best)}`] : []),
    ...(p.why ? [`  ${p.hardwareClass}: ${p.why}`] : []),
  ]);
  return [head, line(header), ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
