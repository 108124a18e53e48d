import type { ExecutionProvider, MachineProbe } from '@ortfleet/core';
import { nodePlatform } from './platform';

/**
 * Which EPs onnxruntime-node's prebuilt binaries can offer on each platform, and which keys of an
 * `executionProviders` entry the binding reads for each. Read from onnxruntime-node 1.30.0 itself: the folders
 * under bin/napi-v6, the backend names compiled into each onnxruntime_binding.node (what listSupportedBackends
 * returns), the option names the binding parses, and script/install-metadata.js (CUDA and TensorRT providers
 * are downloaded at install time, for linux/x64 only). platform-eps.test.ts checks this table against the
 * installed package, so an upgrade that changes it fails there first.
 */
export const PLATFORM_EPS_ORT_VERSION = '1.30';

export interface PlatformEp {
  name: ExecutionProvider;
  /** False when the provider library is not in the npm package (listSupportedBackends' `bundled`). */
  bundled: boolean;
  /**
   * Keys besides `name` the binding reads from this EP's entry. It ignores any other key, except WebGPU's
   * parser, which throws on one it does not know.
   */
  options: readonly string[];
}

const CPU: PlatformEp = { name: 'cpu', bundled: true, options: [] };
const WEBGPU: PlatformEp = {
  name: 'webgpu',
  bundled: true,
  options: [
    'preferredLayout',
    'validationMode',
    'storageBufferCacheMode',
    'uniformBufferCacheMode',
    'queryResolveBufferCacheMode',
    'defaultBufferCacheMode',
    'forceCpuNodeNames',
  ],
};
// The 1.30 binding reads only deviceId for these (later versions add CUDA and TensorRT tuning keys).
const CUDA: PlatformEp = { name: 'cuda', bundled: false, options: ['deviceId'] };
const TENSORRT: PlatformEp = { name: 'tensorrt', bundled: false, options: ['deviceId'] };
const DML: PlatformEp = { name: 'dml', bundled: true, options: ['deviceId'] };
const COREML: PlatformEp = { name: 'coreml', bundled: true, options: ['coreMlFlags'] };

// In listSupportedBackends' order. No darwin/x64: 1.30 ships no binary for Intel Macs (its README still lists
// one). No WebGPU on linux/arm64: that binary is built without it.
const TABLE: Record<string, PlatformEp[]> = {
  'linux/x64': [CPU, WEBGPU, CUDA, TENSORRT],
  'linux/arm64': [CPU],
  'darwin/arm64': [CPU, WEBGPU, COREML],
  'win32/x64': [CPU, DML, WEBGPU],
  'win32/arm64': [CPU, DML, WEBGPU],
};

/** The EPs onnxruntime-node's binary for `platform`/`arch` can offer; empty when it ships none there. */
export function platformEps(platform: string, arch: string): PlatformEp[] {
  return TABLE[`${nodePlatform(platform)}/${arch}`] ?? [];
}

/** Whether a machine can be expected to run an EP, and why not when it cannot. */
export interface EpExpectation {
  name: ExecutionProvider;
  expected: boolean;
  reason?: string;
}

/** Files the install script puts beside the binding; absent when it was skipped or could not download them. */
const PROVIDER_LIBRARIES: Partial<Record<ExecutionProvider, string>> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

const hasNvidia = (probe: MachineProbe) => probe.gpus.some((g) => /nvidia/i.test(g.vendor));
// A BMC's VGA (ASPEED, Matrox) or a virtual display has no Vulkan/Metal/D3D12 driver for Dawn to use.
const hasComputeGpu = (probe: MachineProbe) =>
  probe.gpus.some((g) => /nvidia|amd|advanced micro|intel|apple|qualcomm/i.test(g.vendor));

function cudaReason(probe: MachineProbe, ep: ExecutionProvider, ortBinaries: string[] | undefined): string | undefined {
  if (!hasNvidia(probe)) return 'no NVIDIA GPU';
  const major = Number.parseInt(probe.cudaVersion ?? '', 10);
  if (major < 12)
    return `the NVIDIA driver supports CUDA ${probe.cudaVersion}; onnxruntime-node ${PLATFORM_EPS_ORT_VERSION} needs CUDA 12`;
  const library = PROVIDER_LIBRARIES[ep]!;
  if (ortBinaries && !ortBinaries.includes(library))
    return `${library} is not installed (onnxruntime-node's install step downloads it; it was skipped or failed)`;
  return undefined;
}

function reasonAgainst(ep: PlatformEp, probe: MachineProbe, ortBinaries: string[] | undefined): string | undefined {
  switch (ep.name) {
    case 'webgpu':
      return hasComputeGpu(probe) ? undefined : 'no GPU with a Vulkan, Metal or Direct3D 12 driver';
    case 'cuda':
    case 'tensorrt':
      return cudaReason(probe, ep.name, ortBinaries);
    case 'dml':
      return probe.gpus.some((g) => !/microsoft/i.test(g.vendor)) ? undefined : 'no Direct3D 12 GPU';
    default:
      return undefined;
  }
}

/**
 * For each EP of the machine's platform, whether it should work here and, if not, why — the explanation an
 * unavailable EP is shown with. `ortBinaries` (the files of onnxruntime-node's bin folder) lets it tell a
 * CUDA provider that was never downloaded.
 */
export function expectedEps(probe: MachineProbe, context: { ortBinaries?: string[] } = {}): EpExpectation[] {
  const eps = platformEps(probe.os.platform, probe.os.arch);
  if (eps.length === 0) {
    const where = `${nodePlatform(probe.os.platform)}/${probe.os.arch}`;
    return [
      {
        name: 'cpu',
        expected: false,
        reason: `onnxruntime-node ${PLATFORM_EPS_ORT_VERSION} ships no binary for ${where}`,
      },
    ];
  }
  return eps.map((ep) => {
    const reason = reasonAgainst(ep, probe, context.ortBinaries);
    return reason ? { name: ep.name, expected: false, reason } : { name: ep.name, expected: true };
  });
}
