import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium the browser tests drive: ORTFLEET_CHROMIUM, else Debian's (scripts/bootstrap.sh --with-chromium). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.ORTFLEET_CHROMIUM, '/usr/bin/chromium'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/** Launches that Chromium headless through playwright-core (whose own browser downloads we never use). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath)
    throw new Error('no Chromium: run scripts/bootstrap.sh --with-chromium or set ORTFLEET_CHROMIUM');
  // Playwright already adds --no-sandbox (Chromium's sandbox refuses to start as root), --headless (the new
  // headless mode in Chromium 132 and later) and --disable-dev-shm-usage (containers give /dev/shm 64 MiB).
  return chromium.launch({ executablePath, headless: true });
}
