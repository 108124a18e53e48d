import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricMeter, MetricTags } from '@ortfleet/core';
import { type Database } from '@ortfleet/db';
import { openTestDatabase } from '../../../test/support/env';
import { createApp } from './app';

/** A meter that keeps what was recorded, by metric name. */
function recordingMeter() {
  const recorded: Record<string, { value: number; tags: MetricTags }[]> = {};
  const keep =
    (name: string) =>
    (value: number, tags: MetricTags = {}) =>
      void (recorded[name] ??= []).push({ value, tags });
  const meter: MetricMeter = {
    createCounter: (name) => ({ add: keep(name) }),
    createGauge: (name) => ({ set: keep(name) }),
    createHistogram: (name) => ({ record: keep(name) }),
  };
  return { meter, recorded };
}

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('request metrics', () => {
  it('counts and times each request by method, route pattern and status; no route is unmatched', async () => {
    const { meter, recorded } = recordingMeter();
    const open = createApp({ db: database.db, meter });
    // Behind a token, the route that would have answered is still the label.
    const closed = createApp({ db: database.db, meter, readRequiresToken: true });
    expect((await closed.request('/api/v1/runs/r1')).status).toBe(401);
    expect((await open.request('/no/such/page')).status).toBe(404);
    expect((await open.request('/api/openapi.json')).status).toBe(200);
    expect(recorded.ortfleet_http_requests_total).toEqual([
      { value: 1, tags: { method: 'GET', route: '/api/v1/runs/:id', status: '401' } },
      { value: 1, tags: { method: 'GET', route: 'unmatched', status: '404' } },
      { value: 1, tags: { method: 'GET', route: '/api/openapi.json', status: '200' } },
    ]);
    expect(recorded.ortfleet_http_request_duration_seconds!.map((r) => r.tags.route)).toEqual([
      '/api/v1/runs/:id',
      'unmatched',
      '/api/openapi.json',
    ]);
    expect(recorded.ortfleet_http_request_duration_seconds!.every((r) => r.value >= 0 && r.value < 10)).toBe(true);
  });

  it('records nothing without a meter', async () => {
    const app = createApp({ db: database.db });
    expect((await app.request('/api/openapi.json')).status).toBe(200);
  });
});
