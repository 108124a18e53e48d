import { describe, expect, it } from 'vitest';
import { usePagesFixture } from '../testing/pages-fixture';
import { comparePages } from './page';

const fx = usePagesFixture(comparePages);

describe('compare page', () => {
  it('compares two runs with the ratio and a marked significant verdict, and offers pickers', async () => {
    const body = await fx.page('/compare?runA=run-1&runB=run-2');
    expect(body).toMatch(
      new RegExp(
        /<td class="num">1\.333×<\/td><td class="num">\+33\.3%<\/td>/.source +
          /<td><span class="flag">slower \(significant\)<\/span>/.source,
      ),
    );
    expect(body).toContain('<strong>1</strong> significantly slower');
    expect(body).toContain('<option value="run-1" selected>');
    const bare = await fx.page('/compare');
    expect(bare).toContain('<option value="run-2">run-2 (nightly, running)</option>');
    expect(bare).toContain('<option value="gpu-a">');
    const classes = await fx.page('/compare?model=m&classA=cpu-a&classB=gpu-a');
    expect(classes).toContain('hardware class cpu-a (baseline) → hardware class gpu-a (candidate)');
  });
});
