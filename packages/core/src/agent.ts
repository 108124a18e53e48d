/** What an agent knows about its machine and tells the orchestrator when it registers. */

export interface EpAvailability {
  name: string;
  available: boolean;
  /** Whether the binary ships inside onnxruntime-node (from listSupportedBackends). */
  bundled?: boolean;
  /** Error text from onnxruntime-node when the EP could not create a session. */
  error?: string;
  /** Version of onnxruntime-node whose session decided `available` (absent in probes recorded before it was kept). */
  onnxruntimeVersion?: string;
  /** Why the machine cannot have this EP (e.g. 'no NVIDIA GPU'), when that is known without trying it. */
  reason?: string;
}

/**
 * What an agent knows about its machine. Fields marked optional were added after agents first registered:
 * rows stored before then lack them.
 */
export interface MachineProbe {
  hostname: string;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  cpu: {
    vendor: string;
    brand: string;
    family: string;
    model: string;
    cores: number;
    physicalCores: number;
    /** As the process reads them (x86 flags, ARM Features); under qemu-user those are the host's. */
    flags: string[];
    /** The vector extensions this process can use, from the flags; aarch64 always has NEON. */
    simd?: ('avx2' | 'avx512' | 'amx' | 'neon' | 'sve' | 'sve2')[];
    /** ARM core(s) named from /proc/cpuinfo's CPU implementer/part, e.g. 'Neoverse-N1' or 'Cortex-A55 + Cortex-A76'. */
    core?: string;
  };
  memoryBytes: number;
  gpus: { vendor: string; model: string; vramMb: number | null; driver: string | null }[];
  /** The newest CUDA version the NVIDIA driver supports, from nvidia-smi. */
  cudaVersion?: string;
  onnxruntimeVersion: string;
  nodeVersion: string;
  eps: EpAvailability[];
  /** True when the agent runs under an emulator: its timings say nothing about the hardware it claims to be. */
  emulated?: boolean;
  /** Which emulation was seen: 'qemu-user' (host's /proc/cpuinfo shows through), 'qemu' (QEMU's own CPU), 'rosetta', 'prism'. */
  emulator?: string;
}

export interface AgentRegistration {
  agentId: string;
  hardwareClass: string;
  taskQueue: string;
  probe: MachineProbe;
  /** Operator labels, e.g. region or price_per_hour. */
  labels?: Record<string, string>;
}
