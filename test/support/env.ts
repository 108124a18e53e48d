import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { findTemporalBinary } from '../../apps/orchestrator/src/temporal';
import { openDatabase, type Database } from '../../packages/db/src/index';

export const REPO = join(import.meta.dirname, '..', '..');
export const OCR_MODELS = join(REPO, 'node_modules', '@gutenye', 'ocr-models', 'assets');

/** A fresh, empty database on the test PostgreSQL server; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  if (!admin) throw new Error('no test PostgreSQL server: this test belongs to the full lane (pnpm test)');
  const name = `t_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Whether this lane has a PostgreSQL server (the full lane does; the fast lane runs on PGlite only). */
export function hasPostgres(): boolean {
  return inject('adminDatabaseUrl') !== undefined;
}

/**
 * A fresh, migrated database for one test: a new database on the test PostgreSQL server, or in the fast lane a
 * copy of the migrated PGlite template under a new home.
 */
export async function openTestDatabase(): Promise<Database> {
  const home = tempHome();
  if (hasPostgres()) return openDatabase({ databaseUrl: await freshDatabase(), home });
  cpSync(join(inject('pgliteTemplate'), 'pglite'), join(home, 'pglite'), { recursive: true });
  return openDatabase({ home });
}

/** The `temporal` CLI the tests start dev servers from, found the way the CLI finds it. */
export function temporalBinary(): string {
  const binary = findTemporalBinary({ ORTFLEET_TEMPORAL_BIN: process.env.ORTFLEET_TEMPORAL_BIN || undefined });
  if (!binary) throw new Error('no temporal CLI: run scripts/bootstrap.sh or set ORTFLEET_TEMPORAL_BIN');
  return binary;
}

const homes: string[] = [];

/** A fresh directory for a test's ORTFLEET_HOME, models or specs; removed after its test file (cleanup.ts). */
export function tempHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'ortfleet-home-'));
  homes.push(home);
  return home;
}

/** Removes the directories tempHome made so far; one that cannot go is left behind rather than failing a test. */
export function removeTempHomes(): void {
  for (const home of homes.splice(0)) {
    try {
      rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // A process of the test still writing there: the directory stays, as every one did before.
    }
  }
}
