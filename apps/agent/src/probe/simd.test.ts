import { describe, expect, it } from 'vitest';
import { simdOf, simdTier } from './simd';

describe('simdOf', () => {
  it('reads AVX2, AVX-512 and AMX from x86 flags', () => {
    expect(simdOf('x64', ['sse4_2', 'avx2', 'avx512f', 'amx_tile', 'amx_int8'])).toEqual(['avx2', 'avx512', 'amx']);
    expect(simdOf('x64', ['sse4_2'])).toEqual([]);
  });

  it('gives aarch64 NEON always, and SVE/SVE2 from its Features', () => {
    expect(simdOf('arm64', [])).toEqual(['neon']);
    expect(simdOf('arm64', ['fp', 'asimd', 'sve', 'sve2'])).toEqual(['neon', 'sve', 'sve2']);
  });

  it("ignores the host's x86 flags that an emulated arm64 process reads", () => {
    expect(simdOf('arm64', ['sse4_2', 'avx2', 'avx512f'])).toEqual(['neon']);
  });
});

describe('simdTier', () => {
  it('is the widest extension', () => {
    expect(simdTier(['avx2', 'avx512', 'amx'])).toBe('amx');
    expect(simdTier(['neon', 'sve'])).toBe('sve');
    expect(simdTier([])).toBeUndefined();
  });
});
