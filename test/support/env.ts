import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { findTemporalBinary } from '../../apps/orchestrator/src/temporal';

export const REPO = join(import.meta.dirname, '..', '..');
export const OCR_MODELS = join(REPO, 'node_modules', '@gutenye', 'ocr-models', 'assets');

/** A fresh, empty database on the test PostgreSQL server; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const admin = inject('adminDatabaseUrl');
  const name = `t_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The `temporal` CLI the tests start dev servers from, found the way the CLI finds it. */
export function temporalBinary(): string {
  const binary = findTemporalBinary({ ORTFLEET_TEMPORAL_BIN: process.env.ORTFLEET_TEMPORAL_BIN || undefined });
  if (!binary) throw new Error('no temporal CLI: run scripts/bootstrap.sh or set ORTFLEET_TEMPORAL_BIN');
  return binary;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'ortfleet-home-'));
}
