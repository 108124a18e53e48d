import { BadInputError } from '@ortfleet/core';
import { acceptBaseline, openDatabase } from '@ortfleet/db';
import { loadConfig } from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const BASELINE_USAGE = `usage: ortfleet baseline accept RESULT_ID [--note TEXT]

Accepts a result as the new baseline of its series (one configuration on one hardware class): from the next
run on, that series is judged against this result and the ones after it, so a step that was reported as a
regression or an improvement stops being reported (docs/regressions.md). The result ids are in
/regressions and /api/v1/regressions. Reads DATABASE_URL, or the embedded PGlite under ORTFLEET_HOME.

  --note TEXT  why, kept with the acceptance (e.g. "ONNX Runtime 1.30 upgrade, expected")`;

/** `ortfleet baseline`. */
export async function baselineCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { note: { type: 'string' } }, BASELINE_USAGE);
  if (values.help) return (console.log(BASELINE_USAGE), 0);
  const [action, id, ...extra] = positionals;
  if (action !== 'accept')
    throw new BadInputError(`${action ? `unknown action '${action}'` : 'missing an action'}\n\n${BASELINE_USAGE}`);
  if (!id || !/^\d{1,9}$/.test(id) || extra.length > 0)
    throw new BadInputError(`baseline accept needs one numeric RESULT_ID\n\n${BASELINE_USAGE}`);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, home: config.ORTFLEET_HOME });
  try {
    const cellId = await acceptBaseline(database.db, Number(id), values.note as string | undefined);
    if (!cellId) throw new BadInputError(`no result ${id} in ${database.location}`);
    console.error(`result ${id} is now the baseline of series ${cellId}`);
    return 0;
  } finally {
    await database.close();
  }
}
