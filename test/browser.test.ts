import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, LatencyRecorder, type CellParams, type CellResult } from '@ortfleet/core';
import { createApp } from '@ortfleet/dashboard';
import { createRun, openDatabase, recordResult, type Database } from '@ortfleet/db';
import { loadResult } from '../apps/dashboard/src/testing/load-results';
import { launchBrowser } from './support/browser';
import { freshDatabase, tempHome } from './support/env';

const base: CellParams = {
  model: 'ppocr-det',
  hardwareClass: 'amd-epyc-avx2-2c',
  ep: 'cpu',
  precision: 'fp32',
  batch: 1,
  graphOptimization: 'all',
  intraOpThreads: 1,
  interOpThreads: 0,
  executionMode: 'sequential',
  memoryPattern: true,
  cpuArena: true,
};

function result(params: CellParams, p50: number): CellResult {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < 300; i++) recorder.record(p50 * (0.9 + ((i * 37) % 23) / 100), i * p50);
  return {
    cellId: cellId(params),
    params,
    status: 'ok',
    agentId: 'agent-1',
    measurement: {
      sessionCreateMs: 70,
      firstInferenceMs: 20,
      warmupIterations: 10,
      iterations: 300,
      durationMs: 300 * p50,
      throughput: (params.batch * 1000) / p50,
      ...recorder.finish(),
    },
  };
}

/** Whether every chart on the page has drawn: each canvas has painted pixels. */
function chartsDrawn(page: Page): Promise<boolean> {
  // Browser-side code is given as text: this package is type-checked without the DOM library.
  return page.evaluate<boolean>(`[...document.querySelectorAll('canvas[data-chart]')].every((canvas) =>
    canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some((v, i) => i % 4 === 3 && v > 0))`);
}

/** A page's error messages and console errors, as they come. */
function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

// The dashboard in real headless Chromium (Debian's, driven by playwright-core), on a real PostgreSQL.
describe('dashboard in a browser', () => {
  let database: Database;
  let server: ServerType;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: await freshDatabase(), home: tempHome() });
    await createRun(database.db, { id: 'run-1', name: 'browser', spec: {} });
    for (const batch of [1, 4])
      for (const threads of [1, 2])
        await recordResult(
          database.db,
          'run-1',
          result({ ...base, batch, intraOpThreads: threads }, (12 * batch) / threads),
        );
    // A served model with an open loop at p99<=30 on two classes: 150 requests/s a CPU machine, 900 a GPU.
    const served = { ...base, model: 'ppocr-cls' };
    await recordResult(database.db, 'run-1', loadResult(served, 150));
    await recordResult(database.db, 'run-1', loadResult({ ...served, hardwareClass: 'nvidia-t4', ep: 'cuda' }, 900));
    const app = createApp({ db: database.db });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        origin = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await database?.close();
  });

  it('opens the leaderboard, applies a filter and a budget, opens a result and draws its charts', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = pageErrors(page);

    await page.goto(`${origin}/leaderboard?model=ppocr-det`);
    expect(await page.locator('h2', { hasText: 'Ranking' }).count()).toBe(1);
    await page.fill('input[name=batch]', '1');
    await page.fill('input[name=budget]', 'p99<=10');
    await Promise.all([page.waitForURL(/budget=/), page.click('form.filters button')]);
    const url = new URL(page.url());
    expect(url.searchParams.get('batch')).toBe('1');
    expect(url.searchParams.get('budget')).toBe('p99<=10');
    // Batch 1 at 2 threads (p50 6 ms) is the only configuration within 10 ms at p99.
    // Browser-side code is given as text: this package is type-checked without the DOM library.
    const recommendation = await page.evaluate<string[]>(`(() => {
      let el = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Recommendation')?.nextElementSibling;
      const rows = [];
      for (; el && el.tagName !== 'H2'; el = el.nextElementSibling) rows.push(...[...el.querySelectorAll('tr')].slice(1).map((tr) => tr.textContent));
      return rows;
    })()`);
    expect(recommendation).toEqual([expect.stringMatching(/^1amd-epyc-avx2-2c.*meets/)]);

    await Promise.all([page.waitForURL(/\/results\/\d+/), page.locator('a', { hasText: 'result' }).first().click()]);
    // Every chart on the result page is drawn.
    const charts = page.locator('canvas[data-chart]');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => chartsDrawn(page)).toBe(true);
    // Nothing is wider than a phone.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);

    const dir = join(tempHome(), 'screenshots');
    mkdirSync(dir, { recursive: true });
    const shot = join(dir, 'result.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(errors).toEqual([]);
  }, 60_000);

  it('plans capacity from the form: classes cheapest first, both charts drawn, the open loop on the result', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = pageErrors(page);

    await page.goto(`${origin}/plan`);
    await page.selectOption('select[name=model]', 'ppocr-cls');
    await page.fill('input[name=qps]', '2000');
    await page.fill('input[name=slo]', 'p99<=30');
    await page.fill('input[name=prices]', 'amd-epyc-avx2-2c:0.1,nvidia-t4:0.9');
    await Promise.all([page.waitForURL(/qps=2000/), page.click('form.filters button')]);
    expect(new URL(page.url()).searchParams.get('slo')).toBe('p99<=30');
    // 2,000 requests/s at 70%: ceil(2000 / 105) = 20 CPU machines at 0.1, ceil(2000 / 630) = 4 GPUs at 0.9.
    const rows = await page.evaluate<string[][]>(`(() => {
      const table = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Plan').parentElement.querySelector('table');
      return [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent));
    })()`);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['amd-epyc-avx2-2c', '150.0', '20', '0.10', '2.00'],
      ['nvidia-t4', '900.0', '4', '0.90', '3.60'],
    ]);
    expect(await page.locator('canvas[data-chart]').count()).toBe(2);
    await expect.poll(() => chartsDrawn(page)).toBe(true);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);

    await Promise.all([
      page.waitForURL(/\/results\/\d+/),
      page
        .locator('a', { hasText: /^result \d+$/ })
        .first()
        .click(),
    ]);
    expect(await page.locator('h2', { hasText: 'Open-loop load' }).count()).toBe(1);
    expect(await page.locator('canvas[data-chart="chart-load"]').count()).toBe(1);
    await expect.poll(() => chartsDrawn(page)).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
