import { hostname } from 'node:os';
import * as ort from 'onnxruntime-node';
import si from 'systeminformation';
import type { EpAvailability, MachineProbe } from '@ortfleet/core';

/** Describes this machine with systeminformation; `eps` comes from the isolated EP probe. */
export async function probeMachine(eps: EpAvailability[]): Promise<MachineProbe> {
  const [cpu, flags, mem, os, graphics] = await Promise.all([si.cpu(), si.cpuFlags(), si.mem(), si.osInfo(), si.graphics()]);
  return {
    hostname: hostname(),
    os: { platform: os.platform, distro: os.distro, release: os.release, kernel: os.kernel, arch: os.arch },
    cpu: {
      vendor: cpu.manufacturer || cpu.vendor,
      brand: cpu.brand,
      family: cpu.family,
      model: cpu.model,
      cores: cpu.cores,
      physicalCores: cpu.physicalCores,
      flags: flags.split(/\s+/).filter(Boolean),
    },
    memoryBytes: mem.total,
    gpus: graphics.controllers.map((g) => ({ vendor: g.vendor, model: g.model, vramMb: g.vram ?? null, driver: g.driverVersion ?? null })),
    onnxruntimeVersion: ort.env.versions.node ?? 'unknown',
    nodeVersion: process.versions.node,
    eps,
  };
}
