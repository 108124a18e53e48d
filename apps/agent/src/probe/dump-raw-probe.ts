/**
 * Prints this machine's RawProbe as JSON, to record a fixture; with --eps, also the EP probe's answer as `_eps`
 * (it loads onnxruntime-node in this process, which the agent itself never does):
 *   pnpm exec tsx apps/agent/src/probe/dump-raw-probe.ts --eps > apps/agent/src/probe/fixtures/<name>.json
 */
import { readRawProbe } from './machine';

const raw = await readRawProbe();
const eps = process.argv.includes('--eps') ? await (await import('./eps')).probeEps() : undefined;
process.stdout.write(`${JSON.stringify({ ...raw, ...(eps ? { _eps: eps } : {}) }, null, 2)}\n`);
