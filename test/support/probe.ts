import type { MachineProbe } from '@ortfleet/core';

/** A machine probe as a 2-core AMD EPYC agent registers it, for tests that seed the fleet. */
export function probeFixture(
  hostname: string,
  eps: MachineProbe['eps'] = [{ name: 'cpu', available: true }],
): MachineProbe {
  return {
    hostname,
    os: { platform: 'linux', distro: 'debian', release: '12', kernel: '6.1', arch: 'x64' },
    cpu: { vendor: 'AMD', brand: 'EPYC', family: '25', model: '1', cores: 2, physicalCores: 1, flags: ['avx2'] },
    memoryBytes: 2 ** 34,
    gpus: [],
    onnxruntimeVersion: '1.30.0',
    nodeVersion: '20',
    eps,
  };
}
