import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import si from 'systeminformation';
import type { EpAvailability, MachineProbe } from '@ortfleet/core';
import { fingerprintOf } from './fingerprint';
import { queryNvidiaGpus } from './nvidia-smi';
import type { RawProbe } from './raw-probe';

async function procCpuinfo(): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  return readFile('/proc/cpuinfo', 'utf8').catch(() => null);
}

async function rosettaTranslated(): Promise<boolean | null> {
  if (process.platform !== 'darwin') return null;
  try {
    const { stdout } = await promisify(execFile)('sysctl', ['-in', 'sysctl.proc_translated'], { timeout: 5000 });
    return stdout.trim() === '1';
  } catch {
    return null;
  }
}

/**
 * onnxruntime-node's version and the binaries it ships for this platform, read from its files: loading the
 * binding here would take the agent down where the package has no binary (macOS x64 in 1.30) or a broken one.
 */
async function onnxruntimePackage(): Promise<RawProbe['onnxruntime']> {
  const pkgPath = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8')) as { version?: string };
  const binaries = await readdir(join(dirname(pkgPath), 'bin', 'napi-v6', process.platform, process.arch)).catch(
    () => [],
  );
  return { version: pkg.version ?? 'unknown', binaries: binaries.sort() };
}

/** Reads this machine's facts from systeminformation, /proc/cpuinfo, nvidia-smi and onnxruntime-node's package. */
export async function readRawProbe(): Promise<RawProbe> {
  const [cpu, cpuFlags, mem, os, graphics, cpuinfo, translated, nvidiaSmi, onnxruntime] = await Promise.all([
    si.cpu(),
    si.cpuFlags(),
    si.mem(),
    si.osInfo(),
    si.graphics(),
    procCpuinfo(),
    rosettaTranslated(),
    queryNvidiaGpus(),
    onnxruntimePackage(),
  ]);
  return {
    hostname: hostname(),
    nodeVersion: process.versions.node,
    si: {
      cpu: {
        manufacturer: cpu.manufacturer,
        brand: cpu.brand,
        vendor: cpu.vendor,
        family: cpu.family,
        model: cpu.model,
        stepping: cpu.stepping,
        cores: cpu.cores,
        physicalCores: cpu.physicalCores,
        performanceCores: cpu.performanceCores,
        efficiencyCores: cpu.efficiencyCores,
        processors: cpu.processors,
        socket: cpu.socket,
      },
      cpuFlags,
      mem: { total: mem.total },
      osInfo: {
        platform: os.platform,
        distro: os.distro,
        release: os.release,
        codename: os.codename,
        kernel: os.kernel,
        arch: os.arch,
      },
      // si.graphics() resolves null on the BSDs and SunOS.
      graphics: {
        controllers: (graphics?.controllers ?? []).map((g) => ({
          vendor: g.vendor,
          model: g.model,
          bus: g.bus,
          vram: g.vram,
          vramDynamic: g.vramDynamic,
          driverVersion: g.driverVersion,
          name: g.name,
        })),
      },
    },
    procCpuinfo: cpuinfo,
    rosettaTranslated: translated,
    nvidiaSmi,
    onnxruntime,
  };
}

/** Describes this machine; `eps` comes from the isolated EP probe. */
export async function probeMachine(eps: EpAvailability[]): Promise<MachineProbe> {
  return fingerprintOf(await readRawProbe(), eps);
}
