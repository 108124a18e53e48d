import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

/** A drizzle database over either driver; queries are written once against this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /** Where the data lives, for messages: a URL without its password, or the PGlite directory. */
  location: string;
  close(): Promise<void>;
}

/** Advisory lock key of ortfleet's migrations (any constant no other application uses). */
const MIGRATION_LOCK = 0x6f7274666c74;

/**
 * Opens PostgreSQL when `databaseUrl` is given, else an embedded PGlite under `home`, and applies the
 * committed migrations to either in the same way.
 */
export async function openDatabase(opts: { databaseUrl?: string; home: string }): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 5 });
    // An idle client that loses its server (restart, network) emits 'error'; without a listener it kills the process.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema });
    // The worker, the dashboard and CLI commands may start at once on an empty database; drizzle's migrator
    // takes no lock, so a session advisory lock makes them migrate one after another.
    const lock = await pool.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await migratePg(db, { migrationsFolder: MIGRATIONS });
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      lock.release();
    }
    const url = new URL(opts.databaseUrl);
    url.password = url.password ? '***' : '';
    return { db, location: url.toString(), close: () => pool.end() };
  }
  const dir = join(opts.home, 'pglite');
  mkdirSync(dir, { recursive: true });
  // Loaded only when used: processes on PostgreSQL (and the agent, which has no database) never load the WASM.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(dir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS });
  return { db, location: dir, close: () => client.close() };
}
