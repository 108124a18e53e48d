/** Ranks the latest result of each benchmark configuration by one objective, for the dashboard's leaderboard. */

/**
 * `ttft`, `itl` and `decode_tokens_per_s` rank decoders (models with `generate`): median TTFT, median
 * inter-token latency, decode tokens/s. `capacity` and `cost_per_million_requests` rank the open loop's
 * requests/s at the SLO (the spec's `load:`), and its price per million requests at that rate.
 */
export const OBJECTIVES = [
  'p50',
  'p99',
  'throughput',
  'throughput_per_watt',
  'cost_per_million',
  'ttft',
  'itl',
  'decode_tokens_per_s',
  'capacity',
  'cost_per_million_requests',
] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** `ttft` bounds a decoder's p99 time to first token and `itl_p99` its p99 inter-token latency (MLPerf's bounds are on p99). */
export const BUDGET_METRICS = ['p50', 'p90', 'p95', 'p99', 'ttft', 'itl_p99'] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

/** A latency ceiling a configuration must stay under to be recommended, e.g. p99 ≤ 20 ms. */
export interface LatencyBudget {
  metric: BudgetMetric;
  maxMs: number;
}

/** The figures of one configuration's latest result that ranking needs (a subset of a results row). */
export interface ConfigurationFigures {
  hardwareClass: string;
  status: string;
  valid: boolean;
  unstable: boolean | null;
  batch: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Items per second. */
  throughput: number | null;
  /** Joules per inferred item (see docs/measurement.md). */
  energyPerInferenceJ: number | null;
  /** Decoder cells only; absent or null for the others. */
  ttftP50Ms?: number | null;
  ttftP99Ms?: number | null;
  itlP50Ms?: number | null;
  itlP99Ms?: number | null;
  decodeTokensPerS?: number | null;
  /** The open loop's SLO ("p99<=30") and requests/s at it; absent or null without `load:`. */
  slo?: string | null;
  capacityQps?: number | null;
}

const CAPACITY_OBJECTIVES: readonly Objective[] = ['capacity', 'cost_per_million_requests'];

export interface RankedConfiguration<T> {
  row: T;
  /** 1-based position in the ranking. */
  rank: number;
  score: number;
  /** Null when no budget was given. */
  meetsBudget: boolean | null;
}

export interface UnrankedConfiguration<T> {
  row: T;
  why: string;
}

export interface Leaderboard<T> {
  ranked: RankedConfiguration<T>[];
  unranked: UnrankedConfiguration<T>[];
  recommendation: RankedConfiguration<T>[];
}

export interface LeaderboardOptions {
  objective: Objective;
  /** Price per hour of each hardware class, by class name, in one currency. */
  prices?: Record<string, number>;
  budget?: LatencyBudget;
}

/** Whether a smaller or a larger value of the objective is better. */
export function objectiveDirection(objective: Objective): 'lower' | 'higher' {
  return objective === 'throughput' ||
    objective === 'throughput_per_watt' ||
    objective === 'decode_tokens_per_s' ||
    objective === 'capacity'
    ? 'higher'
    : 'lower';
}

/** Cost of one million inferred items: (1e6 / throughput) seconds × (price per hour / 3600), in the price's currency. */
export function costPerMillion(throughput: number, pricePerHour: number): number {
  return (1e6 / throughput) * (pricePerHour / 3600);
}

/** The row's figure for an objective, or null when the row lacks what it takes to compute it. */
export function objectiveValue(row: ConfigurationFigures, objective: Objective, pricePerHour?: number): number | null {
  switch (objective) {
    case 'p50':
      return finite(row.p50Ms);
    case 'p99':
      return finite(row.p99Ms);
    case 'throughput':
      return finite(row.throughput);
    case 'throughput_per_watt': {
      // Items per joule is items/s per watt; a zero energy reading means no reading, not infinite efficiency.
      const energy = positive(row.energyPerInferenceJ);
      return energy === null ? null : 1 / energy;
    }
    case 'cost_per_million': {
      const throughput = positive(row.throughput);
      const price = pricePerHour !== undefined && pricePerHour >= 0 ? finite(pricePerHour) : null;
      return throughput === null || price === null ? null : costPerMillion(throughput, price);
    }
    case 'ttft':
      return finite(row.ttftP50Ms);
    case 'itl':
      return finite(row.itlP50Ms);
    case 'decode_tokens_per_s':
      return positive(row.decodeTokensPerS);
    case 'capacity':
      return positive(row.capacityQps);
    case 'cost_per_million_requests': {
      const capacity = positive(row.capacityQps);
      const price = pricePerHour !== undefined && pricePerHour >= 0 ? finite(pricePerHour) : null;
      return capacity === null || price === null ? null : costPerMillion(capacity, price);
    }
  }
}

/** A latency budget read as an open-loop SLO ("p99<=30"), when its metric is a percentile. */
export function budgetAsSlo(budget: LatencyBudget): string | null {
  return /^p\d+$/.test(budget.metric) ? `${budget.metric}<=${budget.maxMs}` : null;
}

/** Splits rows into ranked (best first by the objective) and unranked (with why), and picks a recommendation per hardware class. */
export function rankLeaderboard<T extends ConfigurationFigures>(
  rows: readonly T[],
  opts: LeaderboardOptions,
): Leaderboard<T> {
  const { objective, prices, budget } = opts;
  const scored: { row: T; score: number }[] = [];
  const unranked: UnrankedConfiguration<T>[] = [];
  for (const row of rows) {
    const price = priceOf(prices, row.hardwareClass);
    // Capacities are comparable only at one SLO: under a budget, the budget is that SLO.
    const slo = budget && CAPACITY_OBJECTIVES.includes(objective) ? budgetAsSlo(budget) : undefined;
    if (slo !== undefined && row.slo && row.slo !== slo) {
      const why = slo ? `capacity measured at ${row.slo}, not ${slo}` : `a ${budget!.metric} budget is not an SLO`;
      unranked.push({ row, why });
      continue;
    }
    const score = row.status === 'ok' && row.valid ? objectiveValue(row, objective, price) : null;
    if (score === null) unranked.push({ row, why: whyUnranked(row, objective, price) });
    else scored.push({ row, score });
  }
  const sign = objectiveDirection(objective) === 'lower' ? 1 : -1;
  // Array.prototype.sort is stable, so rows that tie on every key keep their input order.
  scored.sort(
    (a, b) =>
      sign * (a.score - b.score) ||
      (a.row.p50Ms ?? Infinity) - (b.row.p50Ms ?? Infinity) ||
      (b.row.throughput ?? -Infinity) - (a.row.throughput ?? -Infinity),
  );
  const ranked = scored.map(({ row, score }, i) => ({
    row,
    rank: i + 1,
    score,
    // A capacity at the budget's SLO is itself the proof that the configuration serves within the budget.
    meetsBudget: budget ? (CAPACITY_OBJECTIVES.includes(objective) ? true : meetsBudget(row, budget)) : null,
  }));
  return { ranked, unranked, recommendation: recommend(ranked) };
}

/** Whether the row's budget metric is known and at most the budget. */
export function meetsBudget(row: ConfigurationFigures, budget: LatencyBudget): boolean {
  const value = finite(budgetFigure(row, budget.metric));
  return value !== null && value <= budget.maxMs;
}

const BUDGET_PATTERN = /^\s*(p\d+|ttft|itl_p\d+)\s*(?:<=|≤)\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:ms)?\s*$/i;

/** Reads a budget such as "p99<=20", "p99 ≤ 20 ms", "p95<=7.5ms", "ttft<=200" or "itl_p99<=50". */
export function parseBudget(text: string): LatencyBudget {
  const expected = `expected <metric> <= <milliseconds> with metric one of ${BUDGET_METRICS.join(', ')}, e.g. "p99<=20" or "p95 ≤ 7.5 ms"`;
  const m = BUDGET_PATTERN.exec(text);
  if (!m) throw new Error(`bad latency budget "${text}": ${expected}`);
  const metric = m[1]!.toLowerCase();
  if (!isBudgetMetric(metric)) throw new Error(`bad latency budget "${text}": unknown metric ${metric}; ${expected}`);
  const maxMs = Number(m[2]);
  if (!(maxMs > 0)) throw new Error(`bad latency budget "${text}": the limit must be above 0 ms; ${expected}`);
  return { metric, maxMs };
}

/** A budget as people write it: "p99 ≤ 20 ms"; parseBudget reads it back. */
export function formatBudget(b: LatencyBudget): string {
  return `${b.metric} ≤ ${b.maxMs} ms`;
}

function recommend<T extends ConfigurationFigures>(
  ranked: readonly RankedConfiguration<T>[],
): RankedConfiguration<T>[] {
  // Walking the ranking best first makes the first eligible row of each class its best, and keeps the
  // picks in objective order across classes. An unstable figure is shown but not recommended: it may not repeat.
  const picked = new Map<string, RankedConfiguration<T>>();
  for (const r of ranked) {
    if (picked.has(r.row.hardwareClass) || r.row.unstable === true || r.meetsBudget === false) continue;
    picked.set(r.row.hardwareClass, r);
  }
  return [...picked.values()];
}

function whyUnranked(row: ConfigurationFigures, objective: Objective, price: number | undefined): string {
  if (row.status !== 'ok') return row.status;
  if (!row.valid) return 'failed parity';
  const missing = `no ${objective} figure`;
  if ((objective === 'ttft' || objective === 'itl' || objective === 'decode_tokens_per_s') && row.ttftP50Ms == null)
    return `${missing} (not a generation cell)`;
  if (objective === 'throughput_per_watt') return `${missing} (no energy reading)`;
  if (CAPACITY_OBJECTIVES.includes(objective)) {
    if (!row.slo) return `${missing} (no open-loop search or passing rate at an SLO: the spec's load)`;
    if (positive(row.capacityQps) === null) return `${missing} (no offered rate met ${row.slo})`;
    if (price === undefined) return `${missing} (no price for hardware class ${row.hardwareClass})`;
    return `${missing} (bad price ${price} for hardware class ${row.hardwareClass})`;
  }
  if (objective === 'cost_per_million') {
    if (price === undefined) return `${missing} (no price for hardware class ${row.hardwareClass})`;
    if (positive(row.throughput) === null) return `${missing} (no throughput)`;
    return `${missing} (bad price ${price} for hardware class ${row.hardwareClass})`;
  }
  return missing;
}

function priceOf(prices: Record<string, number> | undefined, hardwareClass: string): number | undefined {
  return prices && Object.hasOwn(prices, hardwareClass) ? prices[hardwareClass] : undefined;
}

/** The row's figure a budget metric bounds, or null when the row has none. */
export function budgetFigure(row: ConfigurationFigures, metric: BudgetMetric): number | null {
  switch (metric) {
    case 'p50':
      return row.p50Ms;
    case 'p90':
      return row.p90Ms;
    case 'p95':
      return row.p95Ms;
    case 'p99':
      return row.p99Ms;
    case 'ttft':
      return row.ttftP99Ms ?? null;
    case 'itl_p99':
      return row.itlP99Ms ?? null;
  }
}

function isBudgetMetric(s: string): s is BudgetMetric {
  return (BUDGET_METRICS as readonly string[]).includes(s);
}

function finite(x: number | null | undefined): number | null {
  return x !== null && x !== undefined && Number.isFinite(x) ? x : null;
}

function positive(x: number | null | undefined): number | null {
  const v = finite(x);
  return v !== null && v > 0 ? v : null;
}
