import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { OrtfleetError } from '@ortfleet/core';
import { fileStream, modelPath, storeModel, uploadModel, type ModelStoreTarget } from '@ortfleet/model-store';
import type { Config } from '../config';
import type { LoadedSpec } from '../spec-file';

const MAX_MODEL_BYTES = 64 * 2 ** 30;

/** The store a command publishes to: ORTFLEET_MODEL_STORE (with ORTFLEET_TOKEN) if set, else ORTFLEET_HOME/models. */
export function modelStoreOf(
  config: Pick<Config, 'ORTFLEET_HOME' | 'ORTFLEET_MODEL_STORE' | 'ORTFLEET_TOKEN'>,
): ModelStoreTarget {
  return config.ORTFLEET_MODEL_STORE
    ? { url: config.ORTFLEET_MODEL_STORE.replace(/\/+$/, ''), token: config.ORTFLEET_TOKEN }
    : { dir: `${config.ORTFLEET_HOME}/models` };
}

/**
 * Puts every model file of a run into the content-addressed store that agents download from, unless it is
 * there already. Files that could not be hashed (missing) are left for their cells to report.
 */
export async function publishModels(
  models: LoadedSpec['models'],
  store: ModelStoreTarget,
  log: (line: string) => void = () => {},
): Promise<void> {
  for (const files of Object.values(models))
    for (const { path, sha256 } of Object.values(files)) {
      if (!sha256) continue;
      if ('url' in store) {
        try {
          await uploadModel(store, path, sha256);
        } catch (err) {
          if (err instanceof OrtfleetError) throw err;
          throw new OrtfleetError(
            'model_store',
            `cannot reach the model store ${store.url} to upload ${path}: ${(err as Error).message}`,
          );
        }
        continue;
      }
      if (
        await stat(modelPath(store.dir, sha256)).then(
          () => true,
          () => false,
        )
      )
        continue;
      const stored = await storeModel(store.dir, fileStream(path), MAX_MODEL_BYTES);
      if (stored.sha256 !== sha256)
        throw new OrtfleetError(
          'model_store',
          `${path} changed while it was stored: got ${stored.sha256}, planned ${sha256}`,
        );
      log(`model ${basename(path)} stored as ${sha256.slice(0, 12)}…`);
    }
}
