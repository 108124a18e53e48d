import { resolve } from 'node:path';
import { BadInputError } from '@ortfleet/core';
import {
  assertOrchestratorWorker,
  checkCron,
  checkScheduleName,
  checkTimezone,
  connectTemporal,
  deleteSchedule,
  describeSchedule,
  listSchedules,
  loadConfig,
  loadSpecFile,
  modelStoreOf,
  parseCatchupWindow,
  pauseSchedule,
  publishModels,
  scheduleId,
  triggerSchedule,
  unpauseSchedule,
  upsertSchedule,
  type ScheduleDefinition,
  type ScheduleListItem,
  type ScheduleView,
  type TemporalHandle,
} from '@ortfleet/orchestrator';
import { parseCommand } from '../args';

export const SCHEDULE_USAGE = `usage: ortfleet schedule create NAME --cron EXPR [--cron EXPR...] [--timezone TZ] [--catchup-window DURATION]
                                       [--paused] [--note TEXT]
                                       [--webhook URL] [--slack-webhook URL] [--dashboard-url URL] <spec.yaml>
       ortfleet schedule list [--json]
       ortfleet schedule describe NAME [--json]
       ortfleet schedule pause NAME [--note TEXT]
       ortfleet schedule unpause NAME
       ortfleet schedule trigger NAME
       ortfleet schedule delete NAME

Reruns a spec on a timetable: a Temporal Schedule (id ortfleet-NAME) starts a benchmarkRun on the
orchestrator's queue at each time of its cron, where \`ortfleet worker\` and the agents do the work. Each
scheduled run is named NAME-<scheduled time, UTC> and its runs row carries schedule = NAME, so history and
baselines follow the series. Needs TEMPORAL_ADDRESS: a schedule lives on a running Temporal server (an
embedded dev server stops when the command ends, so its schedules would never fire).

create NAME <spec.yaml>   creates the schedule; when NAME exists, updates it in place ('updated') and keeps
                          its history and its paused or active state. The spec is read, checked and its model
                          paths resolved now: after editing the spec, create again.
  --cron EXPR             minute hour day-of-month month day-of-week, e.g. '0 2 * * *' (02:00 daily), or
                          @hourly @daily @weekly @monthly @yearly; repeat --cron for several timetables
  --timezone TZ           the IANA time zone the cron is read in (default UTC)
  --catchup-window DUR    how late a time missed while Temporal was down may still start, e.g. 30m, 2h
                          (default 1h: after an outage the missed nightly run still starts if Temporal is back
                          within the hour, but a run hours late is skipped: it would compete with the day's
                          work, and the next night's run measures the same thing)
  --paused                create it paused (or pause it on update)
  --note TEXT             a note kept with the schedule, e.g. why it is paused
  --webhook URL           after each run, POST its regressions as JSON here (repeatable); a webhook that is
                          down is retried with backoff for about an hour, the run's results never wait on it
  --slack-webhook URL     the same as a Slack incoming-webhook message ({"text": ...}) (repeatable)
  --dashboard-url URL     the dashboard's address, for the compare and history links in alerts
list                      every schedule: cron, time zone, state, next run, last run and its status
describe NAME             spec, models, cron, catch-up window, overlap policy, state and note, recent runs,
                          the next three times
pause NAME                no time fires until unpaused; --note says why (shown by describe)
unpause NAME              fires again from its next time; times missed while paused are not made up
trigger NAME              starts a run now, unless the previous run is still going
delete NAME               deletes the schedule; the runs it started stay

Overlap policy SKIP: a time (or a trigger) that comes while the schedule's previous run is still going is
skipped, never queued or run beside it: two benchmarks on one agent would measure each other.
Exit codes: 0 done, 2 bad input (flags, cron, time zone, spec, an unknown NAME, no TEMPORAL_ADDRESS).`;

const ACTIONS: Record<string, { args: string[]; flags: string[] }> = {
  create: {
    args: ['NAME', 'spec.yaml'],
    flags: ['cron', 'timezone', 'catchup-window', 'paused', 'note', 'webhook', 'slack-webhook', 'dashboard-url'],
  },
  list: { args: [], flags: ['json'] },
  describe: { args: ['NAME'], flags: ['json'] },
  pause: { args: ['NAME'], flags: ['note'] },
  unpause: { args: ['NAME'], flags: [] },
  trigger: { args: ['NAME'], flags: [] },
  delete: { args: ['NAME'], flags: [] },
};

const OPTIONS = {
  json: { type: 'boolean' },
  cron: { type: 'string', multiple: true },
  timezone: { type: 'string' },
  'catchup-window': { type: 'string' },
  paused: { type: 'boolean' },
  note: { type: 'string' },
  webhook: { type: 'string', multiple: true },
  'slack-webhook': { type: 'string', multiple: true },
  'dashboard-url': { type: 'string' },
} as const;

const DEFAULT_CATCHUP_WINDOW = '1h';

/** Webhook flags as alert targets; every URL must be http(s). */
function alertsOf(json: string[], slack: string[], dashboardUrl: string | undefined): ScheduleDefinition['alerts'] {
  const url = (flag: string, value: string) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      // reported below
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol))
      throw new BadInputError(`--${flag} must be an http(s) URL, got '${value}'`);
    return value;
  };
  const targets = [
    ...json.map((u) => ({ url: url('webhook', u), format: 'json' as const })),
    ...slack.map((u) => ({ url: url('slack-webhook', u), format: 'slack' as const })),
  ];
  if (targets.length === 0 && dashboardUrl === undefined) return undefined;
  return { targets, dashboardUrl: dashboardUrl === undefined ? undefined : url('dashboard-url', dashboardUrl) };
}

/** Lines of columns padded to the widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function renderList(items: ScheduleListItem[]): string {
  if (items.length === 0) return 'no schedules; create one with `ortfleet schedule create NAME --cron EXPR spec.yaml`';
  const rows = items.map((s) => [
    s.name,
    s.cron.join(' | '),
    s.timezone,
    s.paused ? 'paused' : 'active',
    s.nextRun ?? '-',
    s.lastRun ? `${s.lastRun.runId} (${s.lastRun.status})` : '-',
  ]);
  return table([['name', 'cron', 'timezone', 'state', 'next run', 'last run'], ...rows]);
}

function renderView(v: ScheduleView): string {
  const models = Object.entries(v.models).flatMap(([model, files]) =>
    Object.entries(files).map(([precision, path]) => `${model} ${precision} ${path}`),
  );
  const runs = v.recentRuns.map((r) => `${r.runId}  ${r.status}  (taken ${r.takenAt})`);
  const lines: [string, string | string[]][] = [
    ['spec', `${v.specName ?? '?'}${v.specFile ? `, from ${v.specFile}` : ''}`],
    ['models', models.length > 0 ? models : '-'],
    ['cron', `${v.cron.join(' | ') || '-'} in ${v.timezone}`],
    ['catch-up window', `${v.catchupWindow} (a time missed while Temporal was down still starts within this)`],
    [
      'overlap',
      `${v.overlap}${v.overlap === 'SKIP' ? ' (a time that comes while the previous run is still going is skipped)' : ''}`,
    ],
    ['state', `${v.paused ? 'paused' : 'active'}${v.note ? `: ${v.note}` : ''}`],
    ['next runs', v.nextRuns.length > 0 ? v.nextRuns : '-'],
    ['recent runs', runs.length > 0 ? runs : '-'],
    [
      'counts',
      `${v.actionsTaken} taken, ${v.skippedForOverlap} skipped for overlap, ${v.missedCatchupWindow} missed the catch-up window`,
    ],
  ];
  const out = [`schedule ${v.name} (Temporal schedule ${v.scheduleId})`];
  for (const [label, value] of lines)
    for (const [i, line] of [value].flat().entries()) out.push(`  ${(i === 0 ? label : '').padEnd(16)} ${line}`);
  return out.join('\n');
}

/** Says, on stderr, when no orchestrator worker would pick up a scheduled run now; the schedule works regardless. */
async function warnWithoutWorker(temporal: TemporalHandle): Promise<void> {
  await assertOrchestratorWorker(temporal).catch((err: Error) =>
    console.error(`note: ${err.message}; scheduled runs wait until one does`),
  );
}

/** `ortfleet schedule`. */
export async function scheduleCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, SCHEDULE_USAGE);
  if (values.help) return (console.log(SCHEDULE_USAGE), 0);
  const [action, ...args] = positionals;
  const shape = action === undefined ? undefined : ACTIONS[action];
  if (!shape)
    throw new BadInputError(`${action ? `unknown action '${action}'` : 'missing an action'}\n\n${SCHEDULE_USAGE}`);
  for (const flag of Object.keys(values))
    if (flag !== 'help' && !shape.flags.includes(flag))
      throw new BadInputError(`--${flag} does not apply to schedule ${action}\n\n${SCHEDULE_USAGE}`);
  if (args.length > shape.args.length)
    throw new BadInputError(`unexpected arguments: ${args.slice(shape.args.length).join(' ')}\n\n${SCHEDULE_USAGE}`);
  if (args.length < shape.args.length)
    throw new BadInputError(`schedule ${action} needs ${shape.args.join(' and ')}\n\n${SCHEDULE_USAGE}`);
  const name = shape.args.length > 0 ? checkScheduleName(args[0]) : '';

  let create:
    | {
        cron: string[];
        timezone: string;
        catchupWindowMs: number;
        specPath: string;
        alerts: ScheduleDefinition['alerts'];
      }
    | undefined;
  if (action === 'create') {
    if (!values.cron?.length)
      throw new BadInputError(
        `schedule create needs --cron, e.g. --cron '0 2 * * *' for 02:00 every day\n\n${SCHEDULE_USAGE}`,
      );
    create = {
      cron: values.cron.map(checkCron),
      timezone: checkTimezone(values.timezone ?? 'UTC'),
      catchupWindowMs: parseCatchupWindow(values['catchup-window'] ?? DEFAULT_CATCHUP_WINDOW),
      specPath: args[1]!,
      alerts: alertsOf(values.webhook ?? [], values['slack-webhook'] ?? [], values['dashboard-url']),
    };
  }
  const config = loadConfig();
  if (!config.TEMPORAL_ADDRESS)
    throw new BadInputError(
      `TEMPORAL_ADDRESS is not set: a schedule lives on a running Temporal server (an embedded dev server stops when this command ends, so its schedules would never fire)`,
    );
  const loaded = create ? await loadSpecFile(create.specPath) : undefined;
  // The models are stored by hash now, so every night's agents fetch the very files the schedule was made with.
  if (loaded) await publishModels(loaded.models, modelStoreOf(config));

  const temporal = await connectTemporal(config);
  const { client } = temporal;
  try {
    switch (action) {
      case 'create': {
        const { cron, timezone, catchupWindowMs, specPath, alerts } = create!;
        const done = await upsertSchedule(client, {
          name,
          loaded: loaded!,
          specFile: resolve(specPath),
          cron,
          timezone,
          catchupWindowMs,
          paused: Boolean(values.paused),
          note: values.note,
          alerts,
        });
        const v = await describeSchedule(client, name, 0);
        const next = v.paused ? 'paused' : `next run ${v.nextRuns[0] ?? 'never'}`;
        console.log(
          `${done} schedule ${name} (Temporal schedule ${scheduleId(name)}): ${cron.join(' | ')} in ${timezone}, catch-up window ${v.catchupWindow}, overlap ${v.overlap}; ${next}`,
        );
        await warnWithoutWorker(temporal);
        return 0;
      }
      case 'list': {
        const items = await listSchedules(client);
        console.log(values.json ? JSON.stringify(items, null, 2) : renderList(items));
        return 0;
      }
      case 'describe': {
        const v = await describeSchedule(client, name);
        console.log(values.json ? JSON.stringify(v, null, 2) : renderView(v));
        return 0;
      }
      case 'pause':
        await pauseSchedule(client, name, values.note);
        console.log(`paused schedule ${name}`);
        return 0;
      case 'unpause':
        await unpauseSchedule(client, name);
        console.log(`unpaused schedule ${name}`);
        return 0;
      case 'trigger': {
        const outcome = await triggerSchedule(client, name);
        if ('started' in outcome) console.log(`triggered schedule ${name}: run ${outcome.started} started`);
        else if ('skipped' in outcome)
          console.log(
            `triggered schedule ${name}: skipped, run ${outcome.skipped.join(', ') || '?'} is still going (overlap policy SKIP)`,
          );
        else
          console.log(
            `triggered schedule ${name}: Temporal has not taken it yet; \`ortfleet schedule describe ${name}\` shows when it does (it is skipped if a run is still going)`,
          );
        await warnWithoutWorker(temporal);
        return 0;
      }
      default:
        await deleteSchedule(client, name);
        console.log(`deleted schedule ${name}; the runs it started are kept`);
        return 0;
    }
  } finally {
    await temporal.close();
  }
}
