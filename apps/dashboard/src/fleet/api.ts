import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { listAgents, machineDrift } from '@ortfleet/db';
import type { DashboardDeps } from '../deps';
import { apiRouter, json } from '../http';
import { FleetBody } from './schemas';

const fleetRoute = createRoute({
  method: 'get',
  path: '/api/v1/fleet',
  summary: "Registered agents, their hardware classes and their machines' drift",
  tags: ['fleet'],
  responses: { 200: json(FleetBody, 'the fleet') },
});

/** /api/v1/fleet: agents and hardware classes. */
export function fleetApi(deps: DashboardDeps): OpenAPIHono {
  const api = apiRouter();
  api.openapi(fleetRoute, async (c) => {
    const rows = await listAgents(deps.db);
    const agents = rows.map(({ probe, ...agent }) => ({
      ...agent,
      eps: probe.eps.map((e) => ({ name: e.name, available: e.available, ...(e.error ? { error: e.error } : {}) })),
    }));
    const classes = [...new Set(rows.map((a) => a.hardwareClass))].sort().map((hardwareClass) => ({
      hardwareClass,
      agents: rows.filter((a) => a.hardwareClass === hardwareClass).map((a) => a.id),
    }));
    return c.json({ agents, classes, machineDrift: await machineDrift(deps.db) }, 200);
  });
  return api;
}
