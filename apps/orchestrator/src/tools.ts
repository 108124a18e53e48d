import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The clone's tool folder (`.ortfleet/tools`, where scripts/bootstrap.sh installs pnpm, the Temporal CLI and
 * the Python venv), found from this file's own location so that ORTFLEET_HOME, which holds data, can point
 * anywhere. Undefined for an installed package, which has no clone around it.
 */
export function bootstrapTools(from = fileURLToPath(import.meta.url)): string | undefined {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const tools = join(dir, '.ortfleet', 'tools');
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return tools;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A tool bootstrap installed (`bin/temporal`, `python/bin/python`), if it is there. */
export function bootstrapTool(relativePath: string): string | undefined {
  const tools = bootstrapTools();
  const path = tools && join(tools, relativePath);
  return path && existsSync(path) ? path : undefined;
}
