import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { OrtfleetError } from '@ortfleet/core';
import { MODEL_FILES_ROUTE, modelFileUrl } from './routes';

/** A remote store: the base URL of `ortfleet serve`, and the bearer token its uploads (and maybe reads) need. */
export interface RemoteStore {
  url: string;
  token?: string;
}

/** Where a run's models go so agents can fetch them by hash: the store folder `ortfleet serve` serves, or a remote serve's upload API. */
export type ModelStoreTarget = { dir: string } | RemoteStore;

const authorization = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** A file as a body stream (models can be larger than memory). */
export const fileStream = (path: string) => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;

/** Uploads a model file unless the store holds its hash already; refuses a file that changed since it was hashed. */
export async function uploadModel(store: RemoteStore, path: string, sha256: string): Promise<void> {
  const head = await fetch(modelFileUrl(store.url, sha256), { method: 'HEAD', headers: authorization(store.token) });
  if (head.ok) return;
  const name = encodeURIComponent(basename(path).replace(/[^A-Za-z0-9._-]/g, '_'));
  const res = await fetch(`${store.url.replace(/\/+$/, '')}${MODEL_FILES_ROUTE}?name=${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...authorization(store.token) },
    body: fileStream(path) as unknown as RequestInit['body'],
    duplex: 'half',
  } as RequestInit);
  if (!res.ok) {
    const hint = res.status === 401 ? ' (set ORTFLEET_TOKEN to a token from `ortfleet token create`)' : '';
    throw new OrtfleetError(
      'model_store',
      `uploading ${path} to ${store.url} failed: ${res.status} ${await res.text()}${hint}`,
    );
  }
  const stored = (await res.json()) as { sha256: string };
  if (stored.sha256 !== sha256)
    throw new OrtfleetError(
      'model_store',
      `${path} changed while it was uploaded: the store got ${stored.sha256}, the run planned ${sha256}`,
    );
}

/** Starts downloading the model with this hash; the caller checks the status and streams the body. */
export function downloadModel(store: RemoteStore, sha256: string, fetcher: typeof fetch = fetch): Promise<Response> {
  return fetcher(modelFileUrl(store.url, sha256), { headers: authorization(store.token) });
}

/**
 * The model store must answer like `ortfleet serve` (a 404 for a hash it does not hold) before an agent
 * registers, so a typo in the URL or a missing token shows at start, not as every cell failing.
 */
export async function checkModelStore(store: RemoteStore): Promise<void> {
  const url = modelFileUrl(store.url, '0'.repeat(64));
  let status: number;
  try {
    status = (
      await fetch(url, { method: 'HEAD', headers: authorization(store.token), signal: AbortSignal.timeout(10_000) })
    ).status;
  } catch (err) {
    const cause =
      (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new OrtfleetError(
      'model_store_unreachable',
      `cannot reach the model store ${store.url} (ORTFLEET_MODEL_STORE / --model-store): ${cause}`,
    );
  }
  if (status === 401)
    throw new OrtfleetError(
      'model_store_unreachable',
      `the model store ${store.url} needs a token: set ORTFLEET_TOKEN to one from \`ortfleet token create\``,
    );
  if (status !== 404)
    throw new OrtfleetError(
      'model_store_unreachable',
      `${store.url} does not answer like an ortfleet model store (HEAD ${url} gave ${status}, expected 404)`,
    );
}
