import { describe, expect, it } from 'vitest';
import { takeBatch } from './batches';

describe('takeBatch', () => {
  it('takes items up to the byte bound, at least one, and leaves the rest in order', () => {
    const queue = Array.from({ length: 10 }, (_, i) => ({ i, pad: 'x'.repeat(90) }));
    const first = takeBatch(queue, 350);
    expect(first.map((x) => x.i)).toEqual([0, 1, 2]);
    expect(queue[0]!.i).toBe(3);
    expect(takeBatch([{ big: 'y'.repeat(1000) }], 10)).toHaveLength(1);
    expect(takeBatch(queue, 1e9, 4).map((x) => x.i)).toEqual([3, 4, 5, 6]);
    expect(takeBatch([], 10)).toEqual([]);
  });
});
