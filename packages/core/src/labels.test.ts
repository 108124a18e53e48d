import { describe, expect, it } from 'vitest';
import { parseLabels } from './labels';

describe('parseLabels', () => {
  it('reads key=value pairs', () => {
    expect(parseLabels('region=eu, price_per_hour=1.2')).toEqual({ region: 'eu', price_per_hour: '1.2' });
  });

  it('names every bad pair', () => {
    expect(() => parseLabels('region,Bad=x,a=1,a=2,price_per_hour=cheap')).toThrow(
      /'region': expected key=value[\s\S]*'Bad=x'[\s\S]*'a' is given twice[\s\S]*price_per_hour must be a non-negative number/,
    );
  });
});
