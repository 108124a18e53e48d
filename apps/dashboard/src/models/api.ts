import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { MODEL_FILES_ROUTE, ModelRejected, modelPath, storeModel } from '@ortfleet/model-store';
import { badParameter, errorResponse } from '../api-errors';
import type { DashboardDeps } from '../deps';
import { requireToken } from '../auth';
import { InvalidRequest, NotFound, TooLarge, Unavailable } from '../errors';
import { apiRouter, json } from '../http';
import { ModelFile, ModelUploadQuery, Sha256Param, StoredModelBody } from './schemas';

const MAX_MODEL_BYTES = 4 * 2 ** 30;

const uploadRoute = createRoute({
  method: 'post',
  path: MODEL_FILES_ROUTE,
  summary: 'Upload an ONNX model (needs a token); stored by its sha256',
  tags: ['models'],
  security: [{ bearer: [] }],
  request: {
    query: ModelUploadQuery,
    body: { content: { 'application/octet-stream': { schema: ModelFile } }, required: true },
  },
  responses: {
    201: json(StoredModelBody, 'stored'),
    200: json(StoredModelBody, 'already stored'),
    ...badParameter,
    401: errorResponse('no or bad token'),
    413: errorResponse('too large'),
    503: errorResponse('no model store'),
  },
});

const downloadRoute = createRoute({
  method: 'get',
  path: `${MODEL_FILES_ROUTE}/{sha256}`,
  summary: 'Download a stored model by its sha256',
  tags: ['models'],
  request: { params: Sha256Param },
  responses: {
    200: { description: 'the model', content: { 'application/octet-stream': { schema: ModelFile } } },
    ...badParameter,
    404: errorResponse('not stored'),
  },
});

/** The model store's routes: upload a model (token) into the content-addressed store, and download one by hash. */
export function modelsApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.use(MODEL_FILES_ROUTE, async (c, next) => (c.req.method === 'POST' ? requireToken(deps.db)(c, next) : next()));
  api.openapi(uploadRoute, async (c) => {
    const { name } = c.req.valid('query');
    if (!deps.modelDir) throw new Unavailable('no_model_store', 'this server stores no models');
    const body = c.req.raw.body;
    if (!body) {
      throw new InvalidRequest('bad_body', 'the body is empty: send the model file as application/octet-stream');
    }
    try {
      const stored = await storeModel(deps.modelDir, body as ReadableStream<Uint8Array>, MAX_MODEL_BYTES);
      const url = `${MODEL_FILES_ROUTE}/${stored.sha256}`;
      const reply = { name, sha256: stored.sha256, size: stored.size, path: stored.path, url };
      return stored.created ? c.json(reply, 201) : c.json(reply, 200);
    } catch (err) {
      if (err instanceof ModelRejected) {
        throw err.tooLarge ? new TooLarge('bad_model', err.message) : new InvalidRequest('bad_model', err.message);
      }
      throw err;
    }
  });
  api.openapi(downloadRoute, async (c) => {
    const { sha256 } = c.req.valid('param');
    const path = deps.modelDir ? modelPath(deps.modelDir, sha256) : undefined;
    const size = path
      ? await stat(path).then(
          (s) => s.size,
          () => undefined,
        )
      : undefined;
    if (!path || size === undefined) throw new NotFound(`no model ${sha256}`);
    const file = Readable.toWeb(createReadStream(path)) as unknown as globalThis.ReadableStream;
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(size), etag: `"${sha256}"` };
    return c.body(file, 200, headers);
  });
  return api;
}
