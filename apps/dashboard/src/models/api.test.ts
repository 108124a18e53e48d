import { describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '@ortfleet/db';
import { useApiFixture } from '../testing/api-fixture';
import { modelsApi } from './api';

const fx = useApiFixture(modelsApi);

describe('model store API', () => {
  it('stops accepting a fx.token once revoked', async () => {
    const { db } = fx.database;
    const t = await createApiToken(db, 'short-lived');
    const upload = () =>
      fx.app.request('/api/v1/models/files?name=a.onnx', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.token}` },
        body: new Uint8Array([0x08, 0x07, 0x12, 0x00]),
      });
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(200);
    await revokeApiToken(db, t.id);
    expect((await upload()).status).toBe(401);
  });

  it('stores uploads by sha256, refuses what is not ONNX, serves them back', async () => {
    const auth = { authorization: `Bearer ${fx.token}` };
    const notOnnx = await fx.app.request('/api/v1/models/files?name=b.onnx', {
      method: 'POST',
      headers: auth,
      body: 'hello',
    });
    expect(notOnnx.status).toBe(400);
    const bytes = new Uint8Array([0x08, 0x09, 0x3a, 0x00]);
    const stored = (await (
      await fx.app.request('/api/v1/models/files?name=c.onnx', { method: 'POST', headers: auth, body: bytes })
    ).json()) as { sha256: string; url: string };
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await fx.app.request(stored.url);
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(bytes);
  });
});
