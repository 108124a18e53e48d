import { describe, expect, it } from 'vitest';
import { cellId, type ControlPosition } from '@ortfleet/core';
import { createRun, recordResult } from '@ortfleet/db';
import { base, section, usePagesFixture } from '../testing/pages-fixture';
import { fleetPages } from './page';

const fx = usePagesFixture(fleetPages);

describe('fleet page', () => {
  it('lists the fleet by hardware class with EPs, labels and last seen', async () => {
    const body = await fx.page('/fleet');
    const classes = section(body, 'Hardware classes');
    expect(classes).toMatch(/<td>cpu-a<\/td><td class="num">1<\/td><td>cpu<\/td>/);
    expect(classes).toMatch(/<td>gpu-a<\/td><td class="num">1<\/td><td>cpu, cuda<\/td>/);
    const agents = section(body, 'Agents');
    expect(agents).toContain('region=&lt;b&gt;eu&lt;/b&gt;');
    expect(agents).toContain('libcudart &lt;missing&gt;');
    expect(agents).toMatch(/EPYC · 1\/2 cores · neon <span class="muted">\(arm64, emulated by qemu-user\)<\/span>/);
  });
});

describe('fleet page, machine drift', () => {
  it("shows each agent's control nights with its speed against its own history, marking a slower machine", async () => {
    const cls = 'cpu-a';
    for (const [night, p50Ms] of [1.5, 1.52, 1.48, 1.8].entries()) {
      const runId = `drift-${night}`;
      await createRun(fx.database.db, { id: runId, name: 'nightly', spec: {} });
      const control = (position: ControlPosition) => ({
        position,
        p50Ms,
        samplesMs: [p50Ms],
        iterations: 300,
        modelSha256: 'c'.repeat(64),
        recordedAt: `2026-11-2${night}T02:00:00Z`,
      });
      const params = { ...base, hardwareClass: cls };
      await recordResult(fx.database.db, runId, {
        cellId: cellId(params),
        params,
        status: 'failed',
        reason: 'x',
        agentId: 'drifting-agent',
        controls: [control('start'), control('end')],
      });
    }
    const drift = section(await fx.page('/fleet'), 'Machine drift');
    // Newest first: the last night was 20% slower than the median of the three before it.
    expect(drift).toMatch(
      /drifting-agent<\/td><td>cpu-a<\/td><td><a href="\/runs\/drift-3">drift-3<\/a>.*1\.800 ms<\/td><td class="num">\+20\.0% <strong>slower<\/strong>/s,
    );
    expect(drift).toMatch(/drift-0<\/a>.*1\.500 ms<\/td><td class="num">\+0\.0%<\/td>/s);
  });
});
