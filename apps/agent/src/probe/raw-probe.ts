import type { Systeminformation } from 'systeminformation';
import type { NvidiaGpu } from './nvidia-smi';

/**
 * Everything the agent reads about its machine, as the sources returned it, before any interpretation.
 * systeminformation's parts keep its field names and shapes (a subset: no serials, hostnames or speeds), so a
 * recorded RawProbe replays through `fingerprintOf` exactly as a live one would.
 */
export interface RawProbe {
  /** Where a recorded probe came from; fixtures written by hand rather than captured say so here. */
  _source?: string;
  hostname: string;
  nodeVersion: string;
  si: {
    cpu: Pick<
      Systeminformation.CpuData,
      | 'manufacturer'
      | 'brand'
      | 'vendor'
      | 'family'
      | 'model'
      | 'stepping'
      | 'cores'
      | 'physicalCores'
      | 'performanceCores'
      | 'efficiencyCores'
      | 'processors'
      | 'socket'
    >;
    /** si.cpuFlags(): space-separated, lower case; lscpu's Flags on Linux, CPUID's legacy bits on Windows. */
    cpuFlags: string;
    mem: Pick<Systeminformation.MemData, 'total'>;
    osInfo: Pick<Systeminformation.OsData, 'platform' | 'distro' | 'release' | 'codename' | 'kernel' | 'arch'>;
    graphics: {
      controllers: Pick<
        Systeminformation.GraphicsControllerData,
        'vendor' | 'model' | 'bus' | 'vram' | 'vramDynamic' | 'driverVersion' | 'name'
      >[];
    };
  };
  /** The text of /proc/cpuinfo on Linux (the only place ARM cores are named reliably); null elsewhere. */
  procCpuinfo: string | null;
  /** `sysctl.proc_translated` on macOS: true when Rosetta 2 translates this process; null elsewhere. */
  rosettaTranslated: boolean | null;
  /** From queryNvidiaGpus; null when nvidia-smi is absent or failed. */
  nvidiaSmi: { gpus: NvidiaGpu[]; cudaVersion: string | null } | null;
  onnxruntime: {
    /** onnxruntime-node's package version, read without loading its native binding. */
    version: string;
    /** Files in the package's bin/napi-v6/<platform>/<arch> folder; empty when it ships no binary for this machine. */
    binaries: string[];
  };
}
