import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Native addons stay outside the bundle and load from the agent's node_modules, as in a build.
const EXTERNAL = ['onnxruntime-node', 'pg-native'];
const SOURCE = fileURLToPath(new URL('./child.ts', import.meta.url));
// Inside the agent's node_modules, so the external packages resolve from it.
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/ortfleet', import.meta.url));

let compiled: Promise<string> | undefined;

/**
 * The cell child compiled from source to one JavaScript file, once per process: a clone runs the agent
 * through tsx, and compiling the child's TypeScript at every fork cost each cell about 0.3 s. Written under a
 * temporary name and renamed, so agents of one clone starting together never fork a half-written file.
 */
export function compiledSourceChild(): Promise<string> {
  compiled ??= (async () => {
    // Loaded by name so that no bundler follows it: a build never reaches this code.
    const esbuild = 'esbuild';
    const { build } = (await import(esbuild)) as typeof import('esbuild');
    const out = join(CACHE, 'cell-child.mjs');
    const tmp = `${out}.${process.pid}.tmp`;
    mkdirSync(dirname(out), { recursive: true });
    await build({
      entryPoints: [SOURCE],
      outfile: tmp,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: EXTERNAL,
      banner: {
        js: "import { createRequire as __ortfleetRequire } from 'node:module'; const require = __ortfleetRequire(import.meta.url);",
      },
      logLevel: 'error',
    });
    renameSync(tmp, out);
    return out;
  })();
  return compiled;
}
