import { describe, expect, it } from 'vitest';
import { readCellHeartbeat } from './agent-activities';

describe('readCellHeartbeat', () => {
  it('keeps the fields of the right type and drops the rest', () => {
    expect(readCellHeartbeat({ phase: 'timed-loop', cellId: 'c1', attempt: 2 })).toEqual({
      phase: 'timed-loop',
      cellId: 'c1',
      attempt: 2,
    });
    expect(readCellHeartbeat({ phase: 3, cellId: 'c1', attempt: '2' })).toEqual({ cellId: 'c1' });
    expect(readCellHeartbeat(undefined)).toEqual({});
    expect(readCellHeartbeat('timed-loop')).toEqual({});
  });
});
