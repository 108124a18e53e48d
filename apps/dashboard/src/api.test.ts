import { describe, expect, it } from 'vitest';
import { createApp } from './app';
import { useApiFixture } from './testing/api-fixture';

const fx = useApiFixture();

describe('the whole API', () => {
  it('answers bad parameters with 400 naming them, never a 500', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/results?colour=red', /unknown parameter 'colour'/],
      ['/api/v1/results?cursor=bm9wZQ', /parameter 'cursor'/],
      ['/api/v1/results?ep=gpu', /parameter 'ep\[0\]'/],
      ['/api/v1/results?limit=100000', /parameter 'limit'/],
      ['/api/v1/results?limit=-1', /parameter 'limit'/],
      ["/api/v1/results?model=x'%20OR%201=1--", /parameter 'model\[0\]'/],
      ['/api/v1/results?hardwareClass=a;DROP%20TABLE%20results', /parameter 'hardwareClass\[0\]'/],
      ['/api/v1/results?sort=p42', /parameter 'sort'/],
      ['/api/v1/results?from=yesterday', /parameter 'from'/],
      ['/api/v1/results/abc', /parameter 'id'/],
      ['/api/v1/leaderboard?model=det&budget=p99<20', /parameter 'budget'/],
      ['/api/v1/leaderboard?model=det&objective=fastest', /parameter 'objective'/],
      ['/api/v1/leaderboard?model=det&prices=cpu-a', /parameter 'prices'/],
      ['/api/v1/compare?runA=run-1', /give either runA and runB/],
      ["/api/v1/runs/x'%20or%201=1--", /parameter 'id'/],
      ['/api/v1/history?cell=', /parameter 'cell'/],
    ];
    for (const [url, message] of cases) {
      const { status, body } = await fx.get(url);
      expect({ url, status }).toEqual({ url, status: 400 });
      expect(body).toEqual({ code: 'bad_parameter', message: expect.stringMatching(message) });
    }
    expect((await fx.get('/api/v1/runs/nope')).status).toBe(404);
    expect((await fx.get('/api/v1/results/999999')).status).toBe(404);
  });
});

describe('tokens and the OpenAPI document', () => {
  it('requires a fx.token for reads when configured', async () => {
    const closed = createApp({ db: fx.database.db, readRequiresToken: true });
    expect((await closed.request('/api/v1/runs')).status).toBe(401);
    expect((await closed.request('/api/v1/runs', { headers: { authorization: `Bearer ${fx.token}` } })).status).toBe(
      200,
    );
    // A browser signs in once; the cookie then opens pages and the API alike.
    const page = await closed.request('/leaderboard?model=det', { headers: { accept: 'text/html' } });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login?next=%2Fleaderboard%3Fmodel%3Ddet']);
    const login = (tokenText: string, next: string) =>
      closed.request('/login', { method: 'POST', body: new URLSearchParams({ token: tokenText, next }) });
    expect((await login('ortf_nope', '/')).status).toBe(401);
    const signedIn = await login(fx.token, '//evil.example/');
    expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/']);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    expect(signedIn.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect((await closed.request('/leaderboard?model=det', { headers: { cookie } })).status).toBe(200);
    expect((await closed.request('/api/v1/runs', { headers: { cookie } })).status).toBe(200);
  });

  it('generates an OpenAPI 3.1 document covering every route, and a docs page', async () => {
    const doc = (await (await fx.app.request('/api/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/compare',
        '/api/v1/fleet',
        '/api/v1/regressions',
        '/api/v1/history',
        '/api/v1/leaderboard',
        '/api/v1/models',
        '/api/v1/models/files',
        '/api/v1/models/files/{sha256}',
        '/api/v1/plan',
        '/api/v1/results',
        '/api/v1/results/export',
        '/api/v1/results/{id}',
        '/api/v1/runs',
        '/api/v1/runs/{id}',
        '/api/v1/runs/{id}/progress',
        '/api/v1/runs/{id}/results',
      ].sort(),
    );
    const docs = await (await fx.app.request('/api/docs')).text();
    expect(docs).toContain('/api/v1/leaderboard');
  });
});
