import { describe, expect, it } from 'vitest';
import { section, usePagesFixture } from '../testing/pages-fixture';
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
