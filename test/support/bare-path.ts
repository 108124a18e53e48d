import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder to use as PATH that has this machine's system commands but not what a user may lack: `drop` names
 * the commands left out (pnpm, node...). Everything on PATH comes from /usr/bin and /bin, so what a session
 * installed elsewhere by hand (a pnpm in ~/.local, the clone's .ortfleet/tools) is not seen either.
 */
export function barePath(drop: string[], add: Record<string, string> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ortfleet-path-')), 'bin');
  mkdirSync(dir);
  const skip = new Set(drop);
  for (const name of Object.keys(add)) skip.add(name);
  for (const system of ['/usr/local/bin', '/usr/bin', '/bin'])
    for (const name of readdirSync(system))
      if (!skip.has(name))
        try {
          symlinkSync(join(system, name), join(dir, name));
        } catch {
          // an earlier folder had it
        }
  for (const [name, target] of Object.entries(add)) symlinkSync(target, join(dir, name));
  return dir;
}
