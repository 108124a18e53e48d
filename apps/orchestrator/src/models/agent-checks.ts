import { ModelCache, type AgentSettings } from '@ortfleet/agent';
import { BadInputError, OrtfleetError } from '@ortfleet/core';

/** An agent's model cache must be a writable folder before the agent registers (exit 2 otherwise). */
export async function checkModelCache(settings: AgentSettings): Promise<void> {
  try {
    await new ModelCache({ dir: settings.cacheDir, maxBytes: settings.cacheBytes }).prepare();
  } catch (err) {
    throw new BadInputError(`invalid agent configuration:\n  ORTFLEET_MODEL_CACHE / --cache-dir: ${(err as Error).message}`);
  }
}

/**
 * The model store must answer like `ortfleet serve` (a 404 for a hash it does not hold) before the agent
 * registers, so a typo in the URL or a missing token shows at start, not as every cell failing.
 */
export async function checkModelStore(store: string, token?: string): Promise<void> {
  const url = `${store.replace(/\/+$/, '')}/api/v1/models/files/${'0'.repeat(64)}`;
  let status: number;
  try {
    status = (await fetch(url, { method: 'HEAD', headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) })).status;
  } catch (err) {
    throw new OrtfleetError('model_store_unreachable', `cannot reach the model store ${store} (ORTFLEET_MODEL_STORE / --model-store): ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
  }
  if (status === 401) throw new OrtfleetError('model_store_unreachable', `the model store ${store} needs a token: set ORTFLEET_TOKEN to one from \`ortfleet token create\``);
  if (status !== 404) throw new OrtfleetError('model_store_unreachable', `${store} does not answer like an ortfleet model store (HEAD ${url} gave ${status}, expected 404)`);
}
