import * as ort from 'onnxruntime-node';
import { tinyAddModel, type EpAvailability } from '@ortfleet/core';

/**
 * Which EPs really work here: every backend onnxruntime-node lists, each tried alone with a real session and
 * one inference on a tiny model (a fallback list would hide a failure: it throws on the first EP that fails
 * to load). Runs in a child process, since a broken EP library can take the process down.
 */
export async function probeEps(): Promise<EpAvailability[]> {
  const model = tinyAddModel();
  const feeds = {
    a: new ort.Tensor('float32', new Float32Array(8).fill(1), [2, 4]),
    b: new ort.Tensor('float32', new Float32Array(8).fill(2), [2, 4]),
  };
  const backends = ort.listSupportedBackends();
  // The version whose binary answered: an agent may be upgraded in place while its registration lives on.
  const onnxruntimeVersion = ort.env.versions.node ?? 'unknown';
  const eps: EpAvailability[] = [];
  for (const backend of backends) {
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [backend.name],
        logSeverityLevel: 4,
      });
      const out = await session.run(feeds);
      await session.release();
      const y = out.y?.data as Float32Array | undefined;
      if (!y || y[0] !== 3) throw new Error(`probe inference returned ${y?.[0]} instead of 3`);
      eps.push({ name: backend.name, bundled: backend.bundled, available: true, onnxruntimeVersion });
    } catch (err) {
      eps.push({
        name: backend.name,
        bundled: backend.bundled,
        available: false,
        error: (err as Error).message.trim().split('\n')[0],
        onnxruntimeVersion,
      });
    }
  }
  return eps;
}
