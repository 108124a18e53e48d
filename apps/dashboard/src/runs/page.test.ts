import { describe, expect, it } from 'vitest';
import { EVIL, section, usePagesFixture } from '../testing/pages-fixture';
import { runsPages } from './page';

const fx = usePagesFixture(runsPages);

describe('run pages', () => {
  it('shows a finished run: escaped text, heat map, failures with reasons, valid above parity failures', async () => {
    const body = await fx.page('/runs/run-1');
    expect(body).not.toContain('http-equiv="refresh"');
    expect(body).toContain('completed_with_failures');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain(EVIL);

    const heat = section(body, 'Heat map');
    expect(heat).toContain('p50 relative to the fastest in its batch column');
    expect(heat).toContain('<h3>m on cpu-a</h3>');
    expect(heat).toMatch(/<th>cpu · fp16<\/th><td[^>]*><a href="\/results\/\d+">parity failed<\/a>/);
    expect(heat).toMatch(/title="the model has no open batch dimension"><a href="\/results\/\d+">unsupported<\/a>/);
    // On gpu-a at batch 1 the fp32 cell is the fastest (1 ms), fp16 (4 ms) is about 4×, and fp32 is flagged unstable.
    expect(heat).toMatch(
      new RegExp(
        /<th>cuda · fp32<\/th><td class="num" style="background:#8fd0c4"[^>]*>/.source +
          /<a href="\/results\/\d+">[\d.]+<\/a> <span class="muted">1\.00×<\/span> /.source +
          /<span class="flag warn">unstable<\/span>/.source,
      ),
    );
    expect(heat).toMatch(/<th>cuda · fp16<\/th><td class="num" style="background:#fed99a"/);

    const failures = section(body, 'Failed and unsupported cells');
    expect(failures).toContain('bad &lt;b&gt;thing&lt;/b&gt;');
    expect(failures).toContain('the model has no open batch dimension');
    expect(failures).not.toContain('parity failed');

    const all = section(body, 'All results');
    const valid = all.indexOf(`href="/results/${fx.ids['run-1:cpu-a/fp32/1']}"`);
    const flagged = all.indexOf('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(valid).toBeGreaterThan(0);
    expect(flagged).toBeGreaterThan(valid);
    expect(all).toContain('<span class="flag warn" title="window medians differ by more than 10%">unstable</span>');
  });

  it('follows a running run: reloads, shows progress by status, by agent and the cells running now', async () => {
    const body = await fx.page('/runs/run-2');
    expect(body).toContain('<meta http-equiv="refresh" content="5">');
    const progress = section(body, 'Progress');
    expect(progress).toContain('<strong>1</strong> of 10 cells recorded: 1 ok');
    expect(progress).toMatch(/<td>cpu-a-agent<\/td><td class="num">1<\/td>/);
    expect(progress).toContain('<td>cell-now</td><td>gpu-a-agent</td><td>profiling</td><td class="num">2</td>');
    expect(progress).toContain(
      '<strong>This run is stuck:</strong><ul><li>workflow run-1.gpu-a: 3 cell(s) have waited up to 45 s ' +
        'for an agent of the class &lt;gone&gt;</li></ul>',
    );
  });
});
