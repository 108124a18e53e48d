import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens } from './table';

const PREFIX = 'ortf_';

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a token and returns its secret; only its hash is stored, so this is the one time it is seen. */
export async function createApiToken(db: Db, name: string): Promise<{ id: number; name: string; token: string }> {
  const token = `${PREFIX}${randomBytes(24).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ name, tokenSha256: sha256(token) })
    .returning({ id: apiTokens.id });
  return { id: row!.id, name, token };
}

/** The live (not revoked) token with this secret, marking it used; undefined for an unknown or revoked one. */
export async function authenticateApiToken(db: Db, token: string) {
  if (!token.startsWith(PREFIX)) return undefined;
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.tokenSha256, sha256(token)), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id, name: apiTokens.name });
  return row;
}

/** Every token (never their secrets), oldest first. */
export async function listApiTokens(db: Db) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(asc(apiTokens.id));
}

/** Revokes a token; returns false when no live token has this id. */
export async function revokeApiToken(db: Db, id: number): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}
