import type { MachineProbe } from '@ortfleet/core';
import type { RawProbe } from './raw-probe';

type Gpu = MachineProbe['gpus'][number];

/**
 * The machine's GPUs. NVIDIA GPUs come from nvidia-smi when it answered: systeminformation names them by
 * lspci's chip ('GH100 [H100 SXM5 80GB HBM3]') and, when its own nvidia-smi call fails, sizes them by the PCI
 * BAR rather than the memory. Other controllers (a server's BMC VGA, an iGPU) are kept as systeminformation
 * reports them.
 */
export function gpusOf(raw: RawProbe): Gpu[] {
  const controllers = raw.si.graphics.controllers;
  const fromSi = controllers.map((g) => ({
    vendor: g.vendor,
    model: g.name || g.model,
    vramMb: g.vram ?? null,
    driver: g.driverVersion ?? null,
  }));
  if (!raw.nvidiaSmi) return fromSi;
  const nvidia = raw.nvidiaSmi.gpus.map((g) => ({
    vendor: 'NVIDIA',
    model: g.model,
    vramMb: g.memoryMb,
    driver: g.driver,
  }));
  return [...nvidia, ...fromSi.filter((g) => !/nvidia/i.test(g.vendor))];
}
