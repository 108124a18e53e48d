/** Where a figure came from: software and machine versions at the time of the measurement. */
export interface Provenance {
  ortfleetVersion: string;
  ortfleetCommit: string | null;
  onnxruntimeVersion: string;
  nodeVersion: string;
  os: { platform: string; distro: string; release: string; kernel: string; arch: string };
  cpu: { brand: string; flags: string[] };
  gpus: { model: string; driver: string | null; vramMb: number | null }[];
  cudaVersion: string | null;
}
