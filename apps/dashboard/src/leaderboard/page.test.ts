import { describe, expect, it } from 'vitest';
import { cellId } from '@ortfleet/core';
import { base, section, usePagesFixture } from '../testing/pages-fixture';
import { leaderboardPages } from './page';

const fx = usePagesFixture(leaderboardPages);

describe('leaderboard page', () => {
  it('ranks a leaderboard with the recommendation first, flags, and links that keep the filters', async () => {
    const body = await fx.page('/leaderboard?model=m&budget=p99%3C%3D10&ep=cpu,cuda');
    const recommendation = section(body, 'Recommendation');
    const ranking = section(body, 'Ranking');
    expect(body.indexOf('<h2>Recommendation')).toBeLessThan(body.indexOf('<h2>Ranking'));
    // gpu-a's fastest configuration is unstable and cpu-a's is over budget: only gpu-a fp16 is recommended.
    expect(recommendation).toContain(`href="/results/${fx.ids['run-1:gpu-a/fp16/1']}"`);
    expect(recommendation).not.toContain(`href="/results/${fx.ids['run-1:gpu-a/fp32/1']}"`);
    expect(recommendation).not.toContain(`href="/results/${fx.ids['run-2:cpu-a/fp32/1']}"`);
    // Best p50 first; cpu-a shows its newest result (run-2), over the budget.
    const order = [fx.ids['run-1:gpu-a/fp32/1'], fx.ids['run-1:gpu-a/fp16/1'], fx.ids['run-2:cpu-a/fp32/1']].map((id) =>
      ranking.indexOf(`href="/results/${id}"`),
    );
    expect(order[0]).toBeGreaterThan(0);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(ranking).not.toContain(`href="/results/${fx.ids['run-1:cpu-a/fp32/1']}"`);
    expect(ranking).toContain('unstable</span>');
    expect(ranking).toContain('<span class="flag">over budget</span>');
    expect(ranking).toContain(`href="/history?cell=${cellId(base)}"`);

    const unranked = section(body, 'Not ranked');
    expect(unranked).toContain('parity failed: output &#39;y&#39; cosine 0.5000 &lt; 0.99');
    expect(unranked).toContain('unsupported: the model has no open batch dimension');

    // The form and the objective links carry every filter.
    expect(body).toContain('<input name="budget" value="p99&lt;=10"');
    expect(body).toContain('<input name="ep" value="cpu,cuda"');
    expect(body).toContain(
      'href="/leaderboard?model=m&amp;budget=p99%3C%3D10&amp;ep=cpu%2Ccuda&amp;objective=throughput"',
    );
    expect(body).toContain(
      'href="/leaderboard?model=m&amp;budget=p99%3C%3D10&amp;ep=cpu%2Ccuda&amp;objective=p50&amp;hardwareClass=gpu-a"',
    );
  });
});
