import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL whose user may create databases; each test file makes its own database. */
    adminDatabaseUrl: string;
  }
}

/** Starts one real PostgreSQL for the whole run, unless TEST_DATABASE_URL points at one already. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const pg = await startThrowawayPostgres();
  project.provide('adminDatabaseUrl', pg.url);
  return () => pg.stop();
}
