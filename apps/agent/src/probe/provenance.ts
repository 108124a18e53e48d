import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MachineProbe, Provenance } from '@ortfleet/core';
import { queryNvidiaGpus } from './nvidia-smi';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** Written beside the bundle by scripts/build.ts: a build has no clone to ask. */
const BUILD_INFO = new URL('./build-info.json', import.meta.url);

interface BuildInfo {
  version: string;
  commit: string | null;
}

async function buildInfo(): Promise<BuildInfo | undefined> {
  try {
    return JSON.parse(await readFile(BUILD_INFO, 'utf8')) as BuildInfo;
  } catch {
    return undefined;
  }
}

async function ortfleetVersion(built: BuildInfo | undefined): Promise<string> {
  if (built) return built.version;
  try {
    const pkg = JSON.parse(await readFile(`${REPO}package.json`, 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The checkout's or the build's commit; ORTFLEET_COMMIT wins, for images built without the .git folder. */
async function ortfleetCommit(built: BuildInfo | undefined): Promise<string | null> {
  if (process.env.ORTFLEET_COMMIT) return process.env.ORTFLEET_COMMIT;
  if (built) return built.commit;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: REPO, timeout: 5000 });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** Software and machine versions an agent attaches to every result it produces. */
export async function provenanceOf(probe: MachineProbe): Promise<Provenance> {
  const built = await buildInfo();
  const [version, commit, nvidia] = await Promise.all([
    ortfleetVersion(built),
    ortfleetCommit(built),
    queryNvidiaGpus(),
  ]);
  return {
    ortfleetVersion: version,
    ortfleetCommit: commit,
    onnxruntimeVersion: probe.onnxruntimeVersion,
    nodeVersion: probe.nodeVersion,
    os: probe.os,
    cpu: { brand: probe.cpu.brand, flags: probe.cpu.flags },
    // nvidia-smi knows NVIDIA drivers better than the generic probe; other GPUs keep what it found.
    gpus: nvidia
      ? nvidia.gpus.map((g) => ({ model: g.model, driver: g.driver, vramMb: g.memoryMb }))
      : probe.gpus.map((g) => ({ model: g.model, driver: g.driver, vramMb: g.vramMb })),
    cudaVersion: nvidia?.cudaVersion ?? null,
  };
}
