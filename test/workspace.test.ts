import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dependency graph as the manifests declare it (eslint.config.js checks the imports): apps meet through
// packages, and only the CLI, which starts every process, depends on other apps.
const ROOT = join(import.meta.dirname, '..');
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };
const workspaceDeps = (dir: string) =>
  Object.keys(manifest(dir).dependencies ?? {}).filter((d) => d.startsWith('@ortfleet/'));
const apps = readdirSync(join(ROOT, 'apps')).map((d) => `apps/${d}`);
const packages = readdirSync(join(ROOT, 'packages')).map((d) => `packages/${d}`);
const appNames = apps.map((d) => manifest(d).name);

describe('workspace dependency graph', () => {
  it('has packages that depend on no app', () => {
    expect(Object.fromEntries(packages.map((p) => [p, workspaceDeps(p).filter((d) => appNames.includes(d))]))).toEqual(
      Object.fromEntries(packages.map((p) => [p, []])),
    );
  });

  it('has apps that depend on no other app, except the CLI launcher', () => {
    const reaching = apps
      .filter((a) => a !== 'apps/cli')
      .map((a) => [a, workspaceDeps(a).filter((d) => appNames.includes(d))]);
    expect(Object.fromEntries(reaching)).toEqual(Object.fromEntries(reaching.map(([a]) => [a, []])));
    expect(workspaceDeps('apps/cli')).toEqual(
      expect.arrayContaining(['@ortfleet/agent', '@ortfleet/dashboard', '@ortfleet/orchestrator']),
    );
  });
});
