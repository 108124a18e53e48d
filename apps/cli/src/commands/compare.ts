import { BadInputError, formatChange, type CapacityChange } from '@ortfleet/core';
import { compareRuns, getRun, openDatabase } from '@ortfleet/db';
import { isRunId, loadConfig } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const COMPARE_USAGE = `usage: ortfleet compare RUN_A RUN_B [--fail-on-regression] [--min-effect F] [--json]

Compares two runs cell by cell, RUN_A the baseline and RUN_B the candidate, with the rules of the nightly
judging (docs/regressions.md): a Mann–Whitney U test on the latency samples (p < 0.001), a minimum effect of
5% on the p50 ratio, a 99% bootstrap interval of the ratio that must exclude 1, and environment drift (ONNX
Runtime, driver, OS, CPU, model file) named when it changed. Reads DATABASE_URL, or the embedded PGlite
under ORTFLEET_HOME.

  --fail-on-regression  exit 1 when any cell regressed (for use in other pipelines)
  --min-effect F        the smallest p50 change that counts, as a fraction (default 0.05); raise it on
                        machines whose run-to-run drift is larger (bench/detection.ts measures it)
  --json                print every cell's judgement as JSON

Exit codes: 0 no regression (or no --fail-on-regression), 1 a regression with --fail-on-regression, 2 bad
input (unknown run ids, flags).`;

const pct = (ratio: number | null) => (ratio === null ? '' : formatChange(ratio));

/** `ortfleet compare`. */
export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { 'fail-on-regression': { type: 'boolean' }, 'min-effect': { type: 'string' }, json: { type: 'boolean' } },
    COMPARE_USAGE,
  );
  if (values.help) return (console.log(COMPARE_USAGE), 0);
  if (positionals.length !== 2)
    throw new BadInputError(`compare needs two run ids, got ${positionals.length}\n\n${COMPARE_USAGE}`);
  const bad = positionals.filter((id) => !isRunId(id));
  if (bad.length > 0) throw new BadInputError(`not a run id: ${bad.join(', ')}`);
  const [baseline, candidate] = positionals as [string, string];
  const minEffect = values['min-effect'] === undefined ? undefined : Number(values['min-effect']);
  if (minEffect !== undefined && !(minEffect >= 0 && minEffect < 1))
    throw new BadInputError(`--min-effect must be a fraction from 0 to below 1, got '${String(values['min-effect'])}'`);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    const missing = [];
    for (const id of positionals) if (!(await getRun(database.db, id))) missing.push(id);
    if (missing.length > 0)
      throw new BadInputError(`no run ${missing.map((id) => `'${id}'`).join(', ')} in ${database.location}`);
    const cells = await compareRuns(database.db, baseline, candidate, minEffect === undefined ? {} : { minEffect });
    const regressed = cells.filter((c) => c.judgement?.verdict === 'regression');
    if (values.json)
      process.stdout.write(
        `${JSON.stringify({ baseline, candidate, regressions: regressed.length, cells }, null, 2)}\n`,
      );
    else {
      console.log(`${candidate} against ${baseline}: ${cells.length} cells, ${regressed.length} regressed`);
      for (const c of cells) {
        const j = c.judgement;
        const figures = j
          ? `${pct(j.ratio)} [${pct(j.interval?.low ?? null)}, ${pct(j.interval?.high ?? null)}] p=${j.pValue?.toExponential(1) ?? '-'}`
          : '';
        const drift = j?.drift.length
          ? `  drift: ${j.drift.map((d) => `${d.field} ${d.baseline} → ${d.now}`).join(', ')}`
          : '';
        console.log(
          `  ${(j?.verdict ?? 'skipped').padEnd(20)} ${c.label}  ${figures}${c.skipped ? c.skipped : ''}${drift}`,
        );
        if (c.capacity) console.log(`  ${''.padEnd(20)} ${capacityLine(c.capacity)}`);
      }
    }
    return values['fail-on-regression'] && regressed.length > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}

/** The capacity at the SLO in both runs: shown beside the judgement, which it is not part of. */
function capacityLine(c: CapacityChange): string {
  const qps = (v: number | null) => (v === null ? 'none passed' : `${v.toFixed(1)} req/s`);
  const change =
    c.change === null
      ? ''
      : ` (${formatChange(c.change + 1)}${c.beyondSearchPrecision ? ", beyond the searches' ±5% precision" : ''})`;
  return `capacity at ${c.slo}: ${qps(c.baselineQps)} → ${qps(c.candidateQps)}${change}`;
}
