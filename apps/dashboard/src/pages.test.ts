import { describe, expect, it } from 'vitest';
import { EVIL, usePagesFixture } from './testing/pages-fixture';

const fx = usePagesFixture();

describe('dashboard pages', () => {
  it('lists models with their leaderboards and recent runs, escaping names', async () => {
    const body = await fx.page('/');
    expect(body).toContain('<meta name="viewport"');
    expect(body).toContain('href="/leaderboard?model=m"');
    expect(body).toContain('href="/leaderboard?model=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(EVIL);
    // Newest run first.
    expect(body.indexOf('href="/runs/run-2"')).toBeGreaterThan(0);
    expect(body.indexOf('href="/runs/run-2"')).toBeLessThan(body.indexOf('href="/runs/run-1"'));
    for (const nav of ['/leaderboard', '/runs', '/compare', '/fleet', '/api/docs'])
      expect(body).toContain(`href="${nav}"`);
  });

  it('reads empty form fields as no filter, and answers bad parameters with a 400 page naming them', async () => {
    expect(
      await fx.page('/leaderboard?model=m&objective=p50&budget=&prices=&ep=&precision=&batch=&hardwareClass='),
    ).toContain('<h2>Ranking');
    expect(await fx.page('/leaderboard')).toContain('href="/leaderboard?model=m"');
    expect(await fx.page('/leaderboard?model=m&ep=gpu', 400)).toMatch(/parameter &#39;ep\[0\]&#39;/);
    expect(await fx.page('/leaderboard?model=m&budget=p42%3C%3D1', 400)).toContain('parameter &#39;budget&#39;');
    expect(await fx.page('/leaderboard?model=m&colour=red', 400)).toContain('unknown parameter &#39;colour&#39;');
    expect(await fx.page('/history?cell=no%20such', 400)).toContain('parameter &#39;cell&#39;');
    expect(await fx.page('/compare?runA=run-1', 400)).toContain('give either runA and runB');
    expect(await fx.page("/runs/x'%20or%201=1--", 400)).toContain('parameter &#39;id&#39;');
    expect(await fx.page('/results/abc', 400)).toContain('parameter &#39;id&#39;');
    expect(await fx.page('/results/99999', 404)).toContain('no result 99999');
    expect(await fx.page('/runs/nope', 404)).toContain('no run &#39;nope&#39;');
    expect(await fx.page('/history?cell=nope', 404)).toContain('no results for configuration');
    // Without asking for HTML, the same errors are JSON.
    const res = await fx.app.request('/leaderboard?model=m&ep=gpu');
    expect(await res.json()).toMatchObject({ code: 'bad_parameter' });
  });

  it('serves Chart.js and the chart script locally, cacheable', async () => {
    const lib = await fx.app.request('/assets/chart.umd.js');
    expect(lib.status).toBe(200);
    expect(lib.headers.get('content-type')).toMatch(/javascript/);
    expect(lib.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(await lib.text()).toMatch(/Chart\.js v4/);
    const again = await fx.app.request('/assets/chart.umd.js', {
      headers: { 'if-none-match': lib.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(await (await fx.app.request('/assets/charts.js')).text()).toContain('canvas[data-chart]');
    expect((await fx.app.request('/assets/nope.js')).status).toBe(404);
  });
});
