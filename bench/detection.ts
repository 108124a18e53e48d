/**
 * How often the nightly judge is right on this machine. The same real cell is rerun K times through the isolated
 * runner (a fresh child process and session each time, as every night of a nightly run gets), and the reruns are
 * judged as K nights with `judgeSeries`: on the unchanged reruns, every regression or improvement is a false
 * alarm; on the same reruns with a planted 5% or 10% slowdown, the share judged a regression is the detection
 * rate. A planted slowdown scales the measured samples and p50 of a real rerun, so its noise is real and its
 * effect exact. Optionally, a few more nights run the cell on a larger input, a real slowdown of about that size.
 *
 * Each night also runs the agent's control workload (apps/agent/src/control.ts) as an agent does around a
 * one-cell share: start and middle before the cell, end after it. The machine is made to drift: during each
 * night, a real-time busy loop on every core takes a share of each millisecond that a seeded schedule draws
 * per night from [0, --load-max] in steps of 0.05 (seed --load-seed): a noisy neighbour that comes and goes. Every figure is given twice: judged
 * on the raw p50s, and drift-normalized (each night divided by its control). A machine-wide slowdown is planted
 * too, scaling a night's cell and control alike: it must be read as drift, not as a regression.
 *
 *   pnpm exec tsx bench/detection.ts [--reruns K] [--seconds S] [--threads T] [--model PATH [--input NAME=D0,D1,...]]
 *                                     [--slower NAME=D0,D1,... ...|--slower none] [--load-max F] [--load-seed N]
 *                                     [--save FILE | --replay FILE] [--rerun] [--concurrency N]
 *
 * --seconds is each timed loop's length and the interleaved control's after it (default 10, as an agent's
 * measure.minDurationMs). --save writes the measured nights to FILE (JSON); --replay judges the nights of such
 * a file again without measuring, so that a change to the judge is compared on the very same reruns. --rerun
 * runs each night's cell a second time, in another process under the same load, after the end control: how far
 * two processes of one night agree, against how far nights do, says whether a same-night rerun would steady
 * a night's interleaved ratio (the nights are judged by their first process only). --concurrency N reruns the
 * cell as a closed loop of N requests in flight, whose control beside it runs round by round (default 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { runCellIsolated } from '../apps/agent/src/cell/isolated';
import { measureControl } from '../apps/agent/src/control';
import { findShippedFile } from '../apps/agent/src/shipped-file';
import {
  CONTROL_MODEL_FILE,
  JudgeOptionsSchema,
  controlNight,
  judgeSeries,
  mulberry32,
  percentile,
  type JudgeOptionsInput,
  type Judgement,
  type JudgementVerdict,
  type SeriesPoint,
} from '../packages/core/src/index';
import { coefficientOfVariation } from '../packages/core/src/significance';
import { DET, benchCells, machineLine, median, modelFromFlags, noisyNeighbour, type BenchModel } from './common';

const { values } = parseArgs({
  options: {
    reruns: { type: 'string' },
    seconds: { type: 'string' },
    threads: { type: 'string' },
    model: { type: 'string' },
    input: { type: 'string', multiple: true },
    slower: { type: 'string', multiple: true },
    'load-max': { type: 'string' },
    'load-seed': { type: 'string' },
    save: { type: 'string' },
    rerun: { type: 'boolean' },
    replay: { type: 'string' },
    concurrency: { type: 'string' },
  },
});
const model = modelFromFlags(values.model, values.input ?? []) ?? DET;
const reruns = Number(values.reruns ?? 16);
// An agent's timed loop lasts the spec's measure.minDurationMs, 10 s unless the spec says otherwise.
const seconds = Number(values.seconds ?? 10);
const threads = Number(values.threads ?? 1);
const concurrency = Number(values.concurrency ?? 1);
if (!Number.isInteger(concurrency) || concurrency < 1)
  throw new Error(`--concurrency must be an integer of at least 1, got ${values.concurrency}`);
const loadMax = Number(values['load-max'] ?? 0.2);
const loadRandom = mulberry32(Number(values['load-seed'] ?? 1));
if (!(loadMax >= 0 && loadMax < 1)) throw new Error(`--load-max must be in [0, 1), got ${values['load-max']}`);
if (!Number.isInteger(reruns) || reruns < 2)
  throw new Error(`--reruns must be an integer of at least 2, got ${values.reruns}`);

// PaddleOCR's detector wants sides that are multiples of 32: 224×480 has 5% more pixels than 320×320, 320×352 10%.
const DET_SLOWER = ['x=1,3,224,480', 'x=1,3,320,352'];
const slowerFlags = values.slower ?? (model === DET ? DET_SLOWER : []);
const slower: BenchModel[] = slowerFlags
  .filter((flag) => flag !== 'none')
  .map((flag) => ({ ...model, inputs: { ...model.inputs, ...modelFromFlags(model.path, [flag])!.inputs } }));
const REAL_NIGHTS = 2;

const defaults = JudgeOptionsSchema.parse({});
// minEffect sets the step size the judge is to find (its threshold comes lower on a steady baseline); the 3% row shows
// the price of a smaller one.
// 'interleaved, loop samples' is the judge before it kept the pairs' ratios: the timed loop's samples scaled to the
// interleaved ratio, compared with the pairs' ratios on the very same reruns.
type Normalization = 'raw' | 'night' | 'interleaved' | 'interleaved, loop samples';
const variants: { label: string; options: JudgeOptionsInput; normalize: Normalization }[] = [
  { label: `raw, defaults (minEffect ${pct(defaults.minEffect)})`, options: {}, normalize: 'raw' },
  { label: `night control, defaults`, options: {}, normalize: 'night' },
  { label: `interleaved control, defaults`, options: {}, normalize: 'interleaved' },
  { label: 'interleaved, loop samples', options: {}, normalize: 'interleaved, loop samples' },
  { label: 'interleaved control, minEffect 3%', options: { minEffect: 0.03 }, normalize: 'interleaved' },
];
const controlModelPath = findShippedFile(CONTROL_MODEL_FILE);
if (!controlModelPath) throw new Error(`the control model ${CONTROL_MODEL_FILE} is not installed`);
const PLANTED = [1.05, 1.1];
/** The machine-wide slowdown planted on a night: its cell and its control alike. */
const MACHINE_SLOWER = 1.15;

const shapes = (m: BenchModel) =>
  Object.entries(m.inputs)
    .map(([n, s]) => `${n}[${s.join(',')}]`)
    .join(' ');
// A replay's nights were measured elsewhere, with the flags of that run: this run's say nothing of them.
if (!values.replay) {
  console.log(
    `${model.name} ${shapes(model)}, CPU EP, intra-op threads ${threads}, ${concurrency} in flight, ~${seconds} s timed per rerun, ${reruns} reruns`,
  );
  console.log(machineLine());
}

let nextId = 1;
/**
 * One night: the cell run exactly as an agent runs it, profile pass included, as the series point it would
 * store, with the agent's controls around it, under the night's share of background load.
 */
async function night(m: BenchModel): Promise<Night> {
  const load = Math.round(loadRandom() * loadMax * 20) / 20;
  // The neighbour's loops start in a few ms; the controls' warm-up covers that.
  const busy = noisyNeighbour(load);
  try {
    const limits = { memoryLimitBytes: Math.floor(0.75 * totalmem()) };
    const controls = [await measureControl('start', 'this-machine', limits)];
    controls.push(await measureControl('middle', 'this-machine', limits));
    const point = await cellNight(m);
    controls.push(await measureControl('end', 'this-machine', limits));
    const rerun = values.rerun ? (await cellNight(m)).interleavedControl : undefined;
    const c = controlNight(
      point.runId,
      'bench',
      controls.map((x) => x.p50Ms),
    );
    return { ...point, control: { p50Ms: c.p50Ms, spread: c.spread }, load, ...(rerun && { rerun }) };
  } finally {
    for (const p of busy) p.kill('SIGKILL');
  }
}

async function cellNight(m: BenchModel): Promise<SeriesPoint> {
  const bench = benchCells(m, [threads], seconds, 10, concurrency);
  const job = {
    kind: 'cell' as const,
    cell: bench.cells[0]!,
    modelPath: m.path,
    inputs: bench.inputs,
    measure: bench.measure,
    interleavedControl: { modelPath: controlModelPath! },
  };
  const outcome = await runCellIsolated(job, {
    timeoutMs: bench.measure.cellTimeoutMs,
    memoryLimitBytes: Math.floor(0.75 * totalmem()),
  });
  if (outcome.status !== 'ok') throw new Error(`a rerun of ${shapes(m)} ended ${outcome.status}: ${outcome.reason}`);
  const me = outcome.measurement!;
  const id = nextId++;
  return {
    resultId: id,
    runId: `detection-${id}`,
    recordedAt: new Date().toISOString(),
    p50Ms: me.stats.p50Ms,
    samplesMs: me.samplesMs,
    valid: true,
    unstable: me.unstable,
    provenance: outcome.provenance ?? null,
    hardwareClass: 'this-machine',
    modelSha256: null,
    interleavedControl: me.interleavedControl ?? null,
  };
}

function describe(p: Night): string {
  const c = p.control!;
  return (
    `load ${pct(p.load).padStart(3)}  p50 ${p.p50Ms.toFixed(3)} ms (${p.samplesMs.length} samples${p.unstable ? ', flagged unstable' : ''})` +
    `  control ${c.p50Ms.toFixed(3)} ms, spread ${pct(c.spread, 1)}` +
    (p.interleavedControl ? `  interleaved ratio ${p.interleavedControl.ratio.toFixed(4)}` : '') +
    (p.rerun ? `, rerun ${p.rerun.ratio.toFixed(4)}` : '')
  );
}

/** A night as measured: its neighbour's share, and with --rerun the interleaved control of its second process. */
type Night = SeriesPoint & { load: number; rerun?: SeriesPoint['interleavedControl'] };
interface Saved {
  measured: Night[];
  real: { shapes: string; nights: Night[] }[];
}
const saved: Saved = values.replay ? (JSON.parse(readFileSync(values.replay, 'utf8')) as Saved) : await measureNights();
const { measured } = saved;
if (values.replay) console.log(`replaying ${measured.length} reruns from ${values.replay}`);
if (values.save) writeFileSync(values.save, JSON.stringify(saved));

async function measureNights(): Promise<Saved> {
  const out: Saved = { measured: [], real: [] };
  for (let i = 0; i < reruns; i++) {
    out.measured.push(await night(model));
    console.log(`rerun ${String(i + 1).padStart(2)}/${reruns}  ${describe(out.measured[i]!)}`);
  }
  for (const m of slower) {
    const nights: Night[] = [];
    for (let n = 0; n < REAL_NIGHTS; n++) {
      nights.push(await night(m));
      console.log(`larger ${shapes(m)} night ${n + 1}  ${describe(nights[n]!)}`);
    }
    out.real.push({ shapes: shapes(m), nights });
  }
  return out;
}

/** The night's result with every latency scaled by `factor`: a slowdown of exactly that size on real noise. */
function planted(p: SeriesPoint, factor: number): SeriesPoint {
  const i = p.interleavedControl;
  return {
    ...p,
    p50Ms: p.p50Ms * factor,
    samplesMs: p.samplesMs.map((ms) => ms * factor),
    interleavedControl: i ? { ...i, ratio: i.ratio * factor, ratios: i.ratios?.map((r) => r * factor) } : null,
  };
}

/** The night on a machine `factor` slower: its cell and its control alike. */
function machineSlower(p: SeriesPoint, factor: number): SeriesPoint {
  const i = p.interleavedControl;
  return {
    ...planted(p, factor),
    control: { ...p.control!, p50Ms: p.control!.p50Ms * factor },
    interleavedControl: i ? { ...i, controlP50Ms: i.controlP50Ms * factor } : null,
  };
}

/** The night as the judge sees it with only the controls of `normalize`. */
function judged(p: SeriesPoint, normalize: Normalization): SeriesPoint {
  if (normalize === 'raw') return { ...p, control: null, interleavedControl: null };
  if (normalize === 'night') return { ...p, interleavedControl: null };
  const i = p.interleavedControl;
  return normalize === 'interleaved' || !i ? p : { ...p, interleavedControl: { ...i, ratios: undefined } };
}

interface Figures {
  verdicts: Record<JudgementVerdict, number>;
  falseConfirmed: number;
  falseUnconfirmed: number;
  /** Planted factor → [first-night judgements, second-night judgements]. */
  planted: Map<number, [Judgement[], Judgement[]]>;
  unchangedRatios: number[];
  /** Judgements of the nights with a machine-wide slowdown planted. */
  machine: Judgement[];
}

function figures(options: JudgeOptionsInput, normalize: Normalization): Figures {
  const { minHistory } = JudgeOptionsSchema.parse(options);
  const points = measured.map((p) => judged(p, normalize));
  const verdicts = { regression: 0, improvement: 0, unchanged: 0, unstable: 0, 'insufficient history': 0 };
  let falseConfirmed = 0;
  let falseUnconfirmed = 0;
  const unchangedRatios: number[] = [];
  points.forEach((p, i) => {
    const j = judgeSeries(points.slice(0, i), p, options);
    verdicts[j.verdict]++;
    if (j.verdict === 'regression' || j.verdict === 'improvement') {
      if (j.confirmed) falseConfirmed++;
      else falseUnconfirmed++;
    }
    if (j.ratio !== null) unchangedRatios.push(j.ratio);
  });
  const plantedOut = new Map<number, [Judgement[], Judgement[]]>();
  for (const factor of PLANTED) {
    const first: Judgement[] = [];
    const second: Judgement[] = [];
    for (let i = minHistory; i < points.length; i++) {
      const history = points.slice(0, i);
      first.push(judgeSeries(history, planted(points[i]!, factor), options));
      // The step lasts a second night: confirmation needs the next real rerun slowed the same way.
      if (i + 1 < points.length)
        second.push(judgeSeries([...history, planted(points[i]!, factor)], planted(points[i + 1]!, factor), options));
    }
    plantedOut.set(factor, [first, second]);
  }
  const machine: Judgement[] = [];
  for (let i = minHistory; i < points.length; i++)
    machine.push(
      judgeSeries(points.slice(0, i), judged(machineSlower(measured[i]!, MACHINE_SLOWER), normalize), options),
    );
  return { verdicts, falseConfirmed, falseUnconfirmed, planted: plantedOut, unchangedRatios, machine };
}

function pct(x: number, digits = 0): string {
  return `${(x * 100).toFixed(digits)}%`;
}

/** Pearson's correlation of two equally long series. */
function correlation(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const sum = (f: (i: number) => number) => xs.reduce((a, _, i) => a + f(i), 0);
  return (
    sum((i) => (xs[i]! - mx) * (ys[i]! - my)) /
    Math.sqrt(sum((i) => (xs[i]! - mx) ** 2) * sum((i) => (ys[i]! - my) ** 2))
  );
}

function share(hits: number, of: number): string {
  return of === 0 ? '-' : `${hits}/${of} ${pct(hits / of)}`;
}

// The load of a shared machine moves during the bench, and with it the figures.
if (!values.replay) console.log(`at the end: ${machineLine()}`);
const p50s = measured.map((p) => p.p50Ms);
const steps = p50s.slice(1).map((x, i) => Math.abs(x / p50s[i]! - 1));
console.log();
console.log(
  `p50 over ${measured.length} reruns: median ${median(p50s).toFixed(3)} ms, max/min − 1 ${pct(Math.max(...p50s) / Math.min(...p50s) - 1, 1)}, ` +
    `CV ${pct(coefficientOfVariation(p50s), 1)}, median change from the rerun before ${pct(median(steps), 1)}; ` +
    `${measured.filter((p) => p.unstable).length} of ${measured.length} flagged unstable by the agent`,
);
const beside = measured.flatMap((p) => (p.interleavedControl ? [p.interleavedControl] : []));
const ratios = beside.map((c) => c.ratio);
if (ratios.length > 1)
  console.log(
    `interleaved ratio over ${ratios.length} reruns: CV ${pct(coefficientOfVariation(ratios), 2)}, max/min − 1 ${pct(Math.max(...ratios) / Math.min(...ratios) - 1, 1)}; ` +
      `correlation of its log with the log of the control's p50 beside it ${correlation(
        ratios.map(Math.log),
        beside.map((c) => Math.log(c.controlP50Ms)),
      ).toFixed(2)} (what the ratio still owes to the machine's state)`,
  );
// The spread within a night that the judge's test and interval see: the pairs' ratios, or before them the timed loop's samples.
const spread = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return (percentile(sorted, 75) - percentile(sorted, 25)) / percentile(sorted, 50);
};
const paired = measured.flatMap((p) => (p.interleavedControl?.ratios?.length ? [p] : []));
if (paired.length > 0)
  console.log(
    `within a night, interquartile range / median, median over ${paired.length} reruns: the pairs' ratios ` +
      `${pct(median(paired.map((p) => spread(p.interleavedControl!.ratios!))), 1)}, the timed loop's samples ${pct(median(paired.map((p) => spread(p.samplesMs))), 1)}`,
  );
console.log(
  `planted slowdowns scale the measured samples and p50 of real reruns ${defaults.minHistory + 1}..${measured.length} (confirmed: that rerun and the next), ` +
    'judged against the real reruns before them: the noise is real, the effect exact',
);
console.log();

const header = [
  'judge options',
  'K',
  'false alarms conf/unconf',
  'unstable',
  '5% first night',
  '5% confirmed',
  '10% first night',
  '10% confirmed',
  `machine +${Math.round((MACHINE_SLOWER - 1) * 100)}%: called regression`,
];
const rows: string[][] = [];
let defaultFigures: Figures | undefined;
for (const v of variants) {
  const f = figures(v.options, v.normalize);
  if (v.normalize === 'interleaved') defaultFigures ??= f;
  const detected = (factor: number, nightIndex: 0 | 1) => {
    const js = f.planted.get(factor)![nightIndex];
    return share(js.filter((j) => j.verdict === 'regression' && (nightIndex === 0 || j.confirmed)).length, js.length);
  };
  rows.push([
    v.label,
    String(measured.length),
    `${f.falseConfirmed} / ${f.falseUnconfirmed}`,
    String(f.verdicts.unstable),
    detected(1.05, 0),
    detected(1.05, 1),
    detected(1.1, 0),
    detected(1.1, 1),
    share(f.machine.filter((j) => j.verdict === 'regression').length, f.machine.length),
  ]);
}
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
for (const r of [header, ...rows])
  console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));

const d = defaultFigures!;
console.log();
console.log(
  `unchanged reruns, interleaved control, defaults: ${Object.entries(d.verdicts)
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ')}`,
);
const off = d.unchangedRatios.map((r) => Math.abs(r - 1));
if (off.length > 0)
  console.log(
    `  |p50 / baseline − 1| of the unchanged reruns with a baseline: median ${pct(median(off), 1)}, max ${pct(Math.max(...off), 1)}`,
  );
for (const factor of PLANTED) {
  const [first] = d.planted.get(factor)!;
  const missed = first.filter((j) => j.verdict !== 'regression');
  // Each miss by its reason, with the change it was judged at and its Mann–Whitney p.
  const why = new Map<string, string[]>();
  for (const j of missed) {
    const reason = j.verdict === 'unchanged' ? (j.reasons[1] ?? 'unchanged') : j.verdict;
    const judged = j.ratio === null ? '-' : `${j.ratio >= 1 ? '+' : ''}${pct(j.ratio - 1, 1)}`;
    why.set(reason, [
      ...(why.get(reason) ?? []),
      `${judged}${j.pValue === null ? '' : ` p ${j.pValue.toPrecision(2)}`}`,
    ]);
  }
  const ratios = first.filter((j) => j.ratio !== null).map((j) => j.ratio!);
  console.log(
    `  planted ${pct(factor - 1)}: judged ratios ${ratios.length > 0 ? `${pct(Math.min(...ratios) - 1, 1)} to ${pct(Math.max(...ratios) - 1, 1)}` : '-'}; ` +
      `missed ${missed.length}${missed.length > 0 ? ` (${[...why].map(([r, at]) => `${at.length}: ${r} [${at.join(', ')}]`).join('; ')})` : ''}`,
  );
}

if (saved.real.length > 0) {
  console.log();
  console.log(
    `real slowdowns, ${REAL_NIGHTS} nights each after the ${measured.length} reruns, judged with the defaults against them:`,
  );
  for (const { shapes: inputShapes, nights } of saved.real) {
    const history = [...measured];
    for (const [n, p] of nights.entries()) {
      const j = judgeSeries(history, p);
      console.log(
        `  ${inputShapes.padEnd(16)} night ${n + 1}  load ${pct(p.load)}  p50 ${p.p50Ms.toFixed(3)} ms  ${j.ratio === null ? '' : `${(j.ratio - 1) * 100 >= 0 ? '+' : ''}${((j.ratio - 1) * 100).toFixed(1)}%  `}` +
          `${j.verdict}${j.verdict === 'regression' || j.verdict === 'improvement' ? (j.confirmed ? ', confirmed' : ', not confirmed') : ''}`,
      );
      history.push(p);
    }
  }
}

// Two processes of one night against nights: what a same-night rerun could steady.
const twice = measured.filter((p) => p.rerun && p.interleavedControl);
if (twice.length > 1) {
  const firsts = twice.map((p) => p.interleavedControl!.ratio);
  const within = twice.map((p) => Math.abs(p.rerun!.ratio / p.interleavedControl!.ratio - 1));
  const across = firsts.slice(1).map((x, i) => Math.abs(x / firsts[i]! - 1));
  const secondProcess = twice.map((p) => p.rerun!.ratio);
  const means = twice.map((p) => (p.rerun!.ratio + p.interleavedControl!.ratio) / 2);
  console.log();
  console.log(
    `interleaved ratio, two processes a night (${twice.length} nights): |difference| within a night median ${pct(median(within), 2)}, ` +
      `between consecutive nights' first processes median ${pct(median(across), 2)}; ` +
      `CV over nights of the first process ${pct(coefficientOfVariation(firsts), 2)}, of the second ${pct(coefficientOfVariation(secondProcess), 2)}, ` +
      `of the mean of two ${pct(coefficientOfVariation(means), 2)}`,
  );
}

// The step thresholds the judged nights met, as the judge computed them for the planted 5% steps.
const thresholds = d.planted.get(1.05)![0].flatMap((j) => (j.threshold === null ? [] : [j.threshold]));
if (thresholds.length > 0)
  console.log(`step thresholds of the judged nights: ${thresholds.map((t) => pct(t, 1)).join(' ')}`);
