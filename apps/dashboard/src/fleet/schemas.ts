import { z } from '@hono/zod-openapi';

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

export const FleetBody = z
  .object({
    agents: z.array(Agent),
    classes: z.array(z.object({ hardwareClass: z.string(), agents: z.array(z.string()) })),
  })
  .openapi('Fleet');
