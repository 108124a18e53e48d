import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../packages/db/src/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A home whose `pglite/` holds an embedded database with every migration applied, to copy from. */
    pgliteTemplate: string;
  }
}

const ROOT = join(import.meta.dirname, '..', '..');
const MIGRATIONS = join(ROOT, 'packages', 'db', 'drizzle');

/** Changes with the migrations and with PGlite's release, so a template is never used past either. */
function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(ROOT, 'packages', 'db', 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else hash.update(name.name).update(readFileSync(path));
    }
  };
  walk(MIGRATIONS);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The fast lane's setup: no PostgreSQL server. One PGlite database is created and migrated (seconds), kept under
 * node_modules/.cache for the next run while the migrations and PGlite stay the same, and each test's database is
 * a copy of it (a fraction of a second).
 */
export default async function setup(project: TestProject) {
  const cache = join(ROOT, 'node_modules', '.cache', 'ortfleet');
  const home = join(cache, `pglite-template-${templateKey()}`);
  if (!existsSync(home)) {
    mkdirSync(cache, { recursive: true });
    const building = `${home}.${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    await (await openDatabase({ home: building })).close();
    renameSync(building, home);
  }
  project.provide('pgliteTemplate', home);
}
