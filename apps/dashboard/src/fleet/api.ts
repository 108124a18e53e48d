import { createRoute, z } from '@hono/zod-openapi';
import { listAgents } from '@ortfleet/db';
import type { DashboardDeps } from '../app';
import { apiRouter, json } from '../http';

const Agent = z.object({
  id: z.string(),
  hostname: z.string(),
  hardwareClass: z.string(),
  taskQueue: z.string(),
  labels: z.record(z.string(), z.string()),
  eps: z.array(z.object({ name: z.string(), available: z.boolean(), error: z.string().optional() })),
  registeredAt: z.string(),
  lastSeenAt: z.string(),
});

/** /api/v1/fleet: agents and hardware classes. */
export function fleetApi(deps: DashboardDeps) {
  const api = apiRouter();
  api.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/fleet',
      summary: 'Registered agents and their hardware classes',
      tags: ['fleet'],
      responses: { 200: json(z.object({ agents: z.array(Agent), classes: z.array(z.object({ hardwareClass: z.string(), agents: z.array(z.string()) })) }).openapi('Fleet'), 'the fleet') },
    }),
    async (c) => {
      const rows = await listAgents(deps.db);
      const agents = rows.map(({ probe, ...agent }) => ({
        ...agent,
        eps: probe.eps.map((e) => ({ name: e.name, available: e.available, ...(e.error ? { error: e.error } : {}) })),
      }));
      const classes = [...new Set(rows.map((a) => a.hardwareClass))].sort().map((hardwareClass) => ({ hardwareClass, agents: rows.filter((a) => a.hardwareClass === hardwareClass).map((a) => a.id) }));
      return c.json({ agents, classes }, 200);
    },
  );
  return api;
}
