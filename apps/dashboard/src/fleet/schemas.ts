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

const DriftNight = z.object({
  agentId: z.string(),
  hardwareClass: z.string(),
  runId: z.string(),
  recordedAt: z.string().describe("When the night's first control ran"),
  p50Ms: z.number().describe("Median of the night's control p50s"),
  spread: z.number().describe("(max − min) / median of the night's control p50s"),
  positions: z.int().describe('How many of start, middle and end were measured'),
  factor: z
    .number()
    .describe("p50Ms over the median of the agent's 7 nights before (1 for its first night); above 1 is slower"),
});

export const FleetBody = z
  .object({
    agents: z.array(Agent),
    machineDrift: z
      .array(DriftNight)
      .describe('Each agent\'s newest control nights (at most 7), newest first (docs/regressions.md, "Machine drift")'),
    classes: z.array(z.object({ hardwareClass: z.string(), agents: z.array(z.string()) })),
  })
  .openapi('Fleet');
