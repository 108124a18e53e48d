import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from './fingerprint';
import { loadRecordedProbe } from './fixtures/load';
import { expectedEps, PLATFORM_EPS_ORT_VERSION, platformEps } from './platform-eps';

const ORT_DIR = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
const BIN = join(ORT_DIR, 'bin', 'napi-v6');
const names = (platform: string, arch: string) => platformEps(platform, arch).map((ep) => ep.name);

describe('platformEps, against the installed onnxruntime-node', () => {
  it('is the version the table was read from', () => {
    const { version } = JSON.parse(readFileSync(join(ORT_DIR, 'package.json'), 'utf8')) as { version: string };
    expect(version.startsWith(`${PLATFORM_EPS_ORT_VERSION}.`)).toBe(true);
  });

  it('lists a platform exactly where the package ships a binary for it', () => {
    const shipped = readdirSync(BIN).flatMap((platform) =>
      readdirSync(join(BIN, platform)).map((arch) => `${platform}/${arch}`),
    );
    const tabled = ['linux', 'darwin', 'win32']
      .flatMap((p) => ['x64', 'arm64'].map((a) => `${p}/${a}`))
      .filter((pa) => names(...(pa.split('/') as [string, string])).length > 0);
    expect(tabled.sort()).toEqual(shipped.sort());
  });

  it("names this machine's EPs as listSupportedBackends does", () => {
    expect(platformEps(process.platform, process.arch).map(({ name, bundled }) => ({ name, bundled }))).toEqual(
      ort.listSupportedBackends(),
    );
  });

  it('names the backends compiled into every other binary', () => {
    // listSupportedBackends' names are NUL-terminated literals in each onnxruntime_binding.node (this
    // machine's CUDA and TensorRT are checked live above).
    for (const [platform, arch] of [
      ['darwin', 'arm64'],
      ['linux', 'arm64'],
      ['win32', 'x64'],
      ['win32', 'arm64'],
    ] as const) {
      const binding = readFileSync(join(BIN, platform, arch, 'onnxruntime_binding.node')).toString('latin1');
      const eps: string[] = names(platform, arch);
      for (const ep of ['cpu', 'webgpu', 'dml', 'coreml'])
        expect(binding.includes(`\0${ep}\0`), `${platform}/${arch} ${ep}`).toBe(eps.includes(ep));
    }
  });

  it('gives each EP the option keys the binding reads', () => {
    const options = Object.fromEntries(
      ['linux/x64', 'darwin/arm64', 'win32/x64']
        .flatMap((pa) => platformEps(...(pa.split('/') as [string, string])))
        .map((ep) => [ep.name, ep.options]),
    );
    expect(options).toMatchObject({
      cpu: [],
      cuda: ['deviceId'],
      tensorrt: ['deviceId'],
      dml: ['deviceId'],
      coreml: ['coreMlFlags'],
    });
    expect(options.webgpu).toContain('preferredLayout');
    expect(names('Windows', 'x64')).toEqual(['cpu', 'dml', 'webgpu']);
  });
});

describe('expectedEps', () => {
  const expectations = (name: string) => {
    const { raw, eps } = loadRecordedProbe(name);
    return expectedEps(fingerprintOf(raw, eps), { ortBinaries: raw.onnxruntime.binaries });
  };

  it.each([
    ['linux-x64-amd-epyc.json', { cpu: true, webgpu: false, cuda: false, tensorrt: false }],
    ['linux-x64-nvidia-h100.json', { cpu: true, webgpu: true, cuda: true, tensorrt: true }],
    ['linux-x64-2x-tesla-t4.json', { cpu: true, webgpu: true, cuda: true, tensorrt: true }],
    ['linux-x64-intel-sapphire-rapids.json', { cpu: true, webgpu: false, cuda: false, tensorrt: false }],
    ['linux-arm64-graviton2.json', { cpu: true }],
    ['linux-arm64-graviton3.json', { cpu: true }],
    ['linux-arm64-qemu-user-on-amd-epyc.json', { cpu: true }],
    ['linux-arm64-qemu10-user-on-amd-epyc.json', { cpu: true }],
    ['darwin-arm64-apple-m2.json', { cpu: true, webgpu: true, coreml: true }],
    ['win32-x64-rtx-3060.json', { cpu: true, dml: true, webgpu: true }],
  ])('expects on %s', (name, expected) => {
    expect(Object.fromEntries(expectations(name).map((e) => [e.name, e.expected]))).toEqual(expected);
  });

  it('tells a CUDA provider that was never downloaded, and a driver too old for CUDA 12', () => {
    const { raw, eps } = loadRecordedProbe('linux-x64-nvidia-h100.json');
    const probe = fingerprintOf(raw, eps);
    expect(
      expectedEps(probe, { ortBinaries: ['libonnxruntime.so.1', 'onnxruntime_binding.node'] }).find(
        (e) => e.name === 'cuda',
      )?.reason,
    ).toMatch(/^libonnxruntime_providers_cuda.so is not installed/);
    expect(expectedEps({ ...probe, cudaVersion: '11.8' }).find((e) => e.name === 'tensorrt')?.reason).toBe(
      'the NVIDIA driver supports CUDA 11.8; onnxruntime-node 1.30 needs CUDA 12',
    );
  });

  it('expects DirectML on any Direct3D 12 GPU, not on a virtual display', () => {
    const { raw, eps } = loadRecordedProbe('win32-x64-rtx-3060.json');
    const probe = fingerprintOf(raw, eps);
    const intelOnly = { ...probe, gpus: probe.gpus.filter((g) => /intel/i.test(g.vendor)) };
    expect(expectedEps(intelOnly).find((e) => e.name === 'dml')).toEqual({ name: 'dml', expected: true });
    const remote = {
      ...probe,
      gpus: [{ vendor: 'Microsoft', model: 'Microsoft Remote Display Adapter', vramMb: 0, driver: null }],
    };
    expect(expectedEps(remote).find((e) => e.name === 'dml')).toEqual({
      name: 'dml',
      expected: false,
      reason: 'no Direct3D 12 GPU',
    });
  });
});
