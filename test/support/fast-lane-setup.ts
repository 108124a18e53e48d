import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../packages/db/src/index';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A home whose `pglite/` holds an embedded database with every migration applied, to copy from. */
    pgliteTemplate: string;
  }
}

/**
 * The fast lane's setup: no PostgreSQL server. One PGlite database is created and migrated here, once; each test
 * file's database is a copy of it (a fresh PGlite takes seconds to initialise, a copy a fraction of one).
 */
export default async function setup(project: TestProject) {
  const home = mkdtempSync(join(tmpdir(), 'ortfleet-pglite-template-'));
  await (await openDatabase({ home })).close();
  project.provide('pgliteTemplate', home);
  return () => rmSync(home, { recursive: true, force: true });
}
