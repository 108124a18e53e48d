import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { createRoute, z } from '@hono/zod-openapi';
import type { DashboardDeps } from '../app';
import { requireToken } from '../auth';
import { ApiError } from '../errors';
import { apiRouter, badParameter, json } from '../http';
import { ErrorBody, ModelUploadQuery } from '../schemas';
import { MODEL_FILES_ROUTE, ModelRejected, modelPath, storeModel } from '@ortfleet/model-store';

const MAX_MODEL_BYTES = 4 * 2 ** 30;

const StoredModelBody = z
  .object({ name: z.string(), sha256: z.string(), size: z.number().int(), path: z.string().openapi({ description: "the file on the server, for a spec's models[].path" }), url: z.string() })
  .openapi('StoredModel');

const Sha256Param = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 in lowercase hex').openapi({ param: { name: 'sha256', in: 'path' } }) });

/** The model store's routes: upload a model (token) into the content-addressed store, and download one by hash. */
export function modelsApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.use(MODEL_FILES_ROUTE, async (c, next) => (c.req.method === 'POST' ? requireToken(deps.db)(c, next) : next()));
  api.openapi(
    createRoute({
      method: 'post',
      path: MODEL_FILES_ROUTE,
      summary: 'Upload an ONNX model (needs a token); stored by its sha256',
      tags: ['models'],
      security: [{ bearer: [] }],
      request: { query: ModelUploadQuery, body: { content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } }, required: true } },
      responses: { 201: json(StoredModelBody, 'stored'), 200: json(StoredModelBody, 'already stored'), ...badParameter, 401: json(ErrorBody, 'no or bad token'), 413: json(ErrorBody, 'too large'), 503: json(ErrorBody, 'no model store') },
    }),
    async (c) => {
      const { name } = c.req.valid('query');
      if (!deps.modelDir) throw new ApiError(503, 'no_model_store', 'this server stores no models');
      const body = c.req.raw.body;
      if (!body) throw new ApiError(400, 'bad_body', 'the body is empty: send the model file as application/octet-stream');
      try {
        const stored = await storeModel(deps.modelDir, body as ReadableStream<Uint8Array>, MAX_MODEL_BYTES);
        const reply = { name, sha256: stored.sha256, size: stored.size, path: stored.path, url: `${MODEL_FILES_ROUTE}/${stored.sha256}` };
        return stored.created ? c.json(reply, 201) : c.json(reply, 200);
      } catch (err) {
        if (err instanceof ModelRejected) throw new ApiError(err.tooLarge ? 413 : 400, 'bad_model', err.message);
        throw err;
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: `${MODEL_FILES_ROUTE}/{sha256}`,
      summary: 'Download a stored model by its sha256',
      tags: ['models'],
      request: { params: Sha256Param },
      responses: { 200: { description: 'the model', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...badParameter, 404: json(ErrorBody, 'not stored') },
    }),
    async (c) => {
      const { sha256 } = c.req.valid('param');
      const path = deps.modelDir ? modelPath(deps.modelDir, sha256) : undefined;
      const size = path ? await stat(path).then((s) => s.size, () => undefined) : undefined;
      if (!path || size === undefined) throw new ApiError(404, 'not_found', `no model ${sha256}`);
      return c.body(Readable.toWeb(createReadStream(path)) as unknown as globalThis.ReadableStream, 200, { 'content-type': 'application/octet-stream', 'content-length': String(size), etag: `"${sha256}"` });
    },
  );
  return api;
}
