/** Seeded latency samples for the statistics and verdict tests. */

/** Seeded standard normal draws (mulberry32 + Box–Muller), so every test sees the same samples. */
function normals(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** n latencies around levelMs with a relative spread of noise. */
export function latencies(levelMs: number, seed: number, n = 256, noise = 0.01): number[] {
  const z = normals(seed);
  return Array.from({ length: n }, () => levelMs * (1 + noise * z()));
}
