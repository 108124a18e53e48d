import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from './fingerprint';
import { hardwareClassOf } from './hardware-class';
import { readRawProbe } from './machine';

describe('readRawProbe', () => {
  it('reads this machine without loading onnxruntime-node', async () => {
    const raw = await readRawProbe();
    expect(raw).toMatchObject({
      hostname: hostname(),
      nodeVersion: process.versions.node,
      onnxruntime: { version: '1.30.0' },
    });
    expect(raw.si.osInfo.arch).toBe(process.arch);
    expect(raw.si.cpu.cores).toBeGreaterThan(0);
    expect(raw.si.mem.total).toBeGreaterThan(0);
    expect(raw.onnxruntime.binaries).toContain('onnxruntime_binding.node');
    if (process.platform === 'linux') expect(raw.procCpuinfo).toMatch(/^processor\s*:/m);
    const probe = fingerprintOf(raw, [{ name: 'cpu', available: true }]);
    expect(hardwareClassOf(probe)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
  });
});
