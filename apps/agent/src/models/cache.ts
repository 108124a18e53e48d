import { access, constants, mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadableStream } from 'node:stream/web';
import {
  downloadModel,
  hashFile,
  modelFileUrl,
  modelPath,
  modelsDir,
  placeHashed,
  tmpDir,
} from '@ortfleet/model-store';
import { BadInputError } from '@ortfleet/core';
import type { AgentSettings } from '../config';
import type { ModelCacheMetrics } from '../metrics';

/** A model file as a cell names it: its content hash (when it could be hashed at planning) and its path on the planning side. */
export interface ModelRef {
  path: string;
  sha256?: string;
}

/** Why a model could not be made ready; the cell ends `failed` with this text. */
export class ModelUnavailable extends Error {}

export interface ModelCacheOptions {
  dir: string;
  /** Upper bound on the cached files' total size; least recently used files are evicted to stay under it. */
  maxBytes: number;
  /** Base URL of `ortfleet serve`, the model store that models are downloaded from by hash. */
  store?: string;
  /** Bearer token for a store that needs one to read. */
  token?: string;
  fetch?: typeof fetch;
  metrics?: ModelCacheMetrics;
}

const DOWNLOAD_ATTEMPTS = 3;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * The agent's content-addressed model cache. With a store, a model is downloaded by its sha256 into a
 * temporary file while hashed and renamed into `sha256/<hex>.onnx` only when the hash matches, so a cut or
 * corrupt download is never used. Without a store (an agent on the planning machine), the path is used in
 * place after its hash is checked. Cells run one at a time per host, so the cache is never used concurrently.
 */
export class ModelCache {
  private readonly verified = new Map<string, string>();

  constructor(private readonly opts: ModelCacheOptions) {}

  /** Creates the cache folders and checks that they are writable; throws a message naming the folder otherwise. */
  async prepare(): Promise<void> {
    try {
      const tmp = tmpDir(this.opts.dir);
      await mkdir(modelsDir(this.opts.dir), { recursive: true });
      await mkdir(tmp, { recursive: true });
      // Not cleared: agents of one host share the cache and may start together, and each download's file in
      // tmp has a name of its own (pid and random), so another agent's partial download is never reused.
      await access(tmp, constants.W_OK);
    } catch (err) {
      throw new ModelUnavailable(
        `model cache ${this.opts.dir} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }

  /** A local path holding exactly the model `ref` names; `keep` lists hashes that must not be evicted meanwhile. */
  async resolve(ref: ModelRef, keep: string[] = []): Promise<string> {
    if (!ref.sha256) return ref.path;
    const cached = modelPath(this.opts.dir, ref.sha256);
    if (
      await stat(cached).then(
        () => true,
        () => false,
      )
    ) {
      const now = new Date();
      await utimes(cached, now, now);
      this.opts.metrics?.hit();
      return cached;
    }
    if (!this.opts.store) return this.verifyInPlace(ref.path, ref.sha256);
    this.opts.metrics?.miss();
    let lastError: unknown;
    for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
      try {
        return await this.download(ref.sha256, keep);
      } catch (err) {
        lastError = err;
        if (err instanceof ModelUnavailable) break;
      }
    }
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new ModelUnavailable(
      lastError instanceof ModelUnavailable
        ? why
        : `model ${ref.sha256} could not be downloaded from ${this.opts.store} (${DOWNLOAD_ATTEMPTS} attempts): ${why}`,
    );
  }

  private async verifyInPlace(path: string, sha256: string): Promise<string> {
    const info = await stat(path).catch(() => undefined);
    if (!info)
      throw new ModelUnavailable(
        `model file ${path} is missing on this agent, and no model store (ORTFLEET_MODEL_STORE) is configured to download ${sha256} from`,
      );
    const key = `${path}:${info.size}:${info.mtimeMs}`;
    if (this.verified.get(key) === sha256) {
      this.opts.metrics?.hit();
      return path;
    }
    this.opts.metrics?.miss();
    const actual = await hashFile(path);
    if (actual !== sha256)
      throw new ModelUnavailable(
        `model file ${path} has sha256 ${actual}, not the ${sha256} the run was planned with; refusing to run it`,
      );
    this.verified.set(key, sha256);
    return path;
  }

  private async download(sha256: string, keep: string[]): Promise<string> {
    const store = { url: this.opts.store!, token: this.opts.token };
    const res = await downloadModel(store, sha256, this.opts.fetch);
    if (res.status === 404) throw new ModelUnavailable(`model store ${this.opts.store} has no model ${sha256}`);
    if (!res.ok || !res.body) throw new Error(`GET ${modelFileUrl(store.url, sha256)} answered ${res.status}`);
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length)) await this.makeRoom(length, [sha256, ...keep]);
    let written = 0;
    try {
      const placed = await placeHashed(this.opts.dir, res.body as ReadableStream<Uint8Array>, {
        inspect: (chunk) => void (written += chunk.length),
        accept: async ({ sha256: actual, size }) => {
          if (Number.isFinite(length) && size !== length)
            throw new Error(`download cut short: ${size} of ${length} bytes`);
          if (!Number.isFinite(length)) await this.makeRoom(size, [sha256, ...keep]);
          if (actual !== sha256)
            throw new ModelUnavailable(
              `model downloaded from ${this.opts.store} has sha256 ${actual}, not ${sha256}; discarded, refusing to run it`,
            );
        },
      });
      return placed.path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC')
        throw new ModelUnavailable(
          `model cache ${this.opts.dir} ran out of disk space while downloading ${sha256} (${mib(written)} written); the partial file was removed`,
        );
      throw err;
    } finally {
      this.opts.metrics?.downloaded(written);
    }
  }

  /** Evicts least recently used models until `bytes` more fit under the bound; refuses a model larger than the bound. */
  private async makeRoom(bytes: number, keep: string[]): Promise<void> {
    if (bytes > this.opts.maxBytes)
      throw new ModelUnavailable(
        `model of ${mib(bytes)} is larger than the model cache bound of ${mib(this.opts.maxBytes)} (ORTFLEET_MODEL_CACHE_MB)`,
      );
    const dir = modelsDir(this.opts.dir);
    const entries = await Promise.all(
      (await readdir(dir)).map(async (name) => ({
        name,
        ...(await stat(join(dir, name)).then((s) => ({ size: s.size, used: s.mtimeMs }))),
      })),
    );
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const e of entries.sort((a, b) => a.used - b.used)) {
      if (total + bytes <= this.opts.maxBytes) break;
      if (keep.some((sha) => e.name.startsWith(sha))) continue;
      await rm(join(dir, e.name), { force: true });
      total -= e.size;
    }
    if (total + bytes > this.opts.maxBytes)
      throw new ModelUnavailable(
        `model cache cannot fit ${mib(bytes)}: the models this cell needs already take ${mib(total)} of ${mib(this.opts.maxBytes)}`,
      );
  }
}

/** An agent's model cache must be a writable folder before the agent registers (exit 2 otherwise). */
export async function checkModelCache(settings: Pick<AgentSettings, 'cacheDir' | 'cacheBytes'>): Promise<void> {
  try {
    await new ModelCache({ dir: settings.cacheDir, maxBytes: settings.cacheBytes }).prepare();
  } catch (err) {
    throw new BadInputError(
      `invalid agent configuration:\n  ORTFLEET_MODEL_CACHE / --cache-dir: ${(err as Error).message}`,
    );
  }
}
