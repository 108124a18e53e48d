import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file shipped with ortfleet (relative to a clone's root, the package's or the archive's folder), found upward from this code. */
export function findShippedFile(file: string, from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  const path = join(from, file);
  if (existsSync(path)) return path;
  return dirname(from) === from ? undefined : findShippedFile(file, dirname(from));
}
