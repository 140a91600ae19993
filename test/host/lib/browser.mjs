// Headless Debian Chromium through playwright-core (never `playwright`: it downloads browsers).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensurePackages, realSystem } from '../../../scripts/lib/prereqs.mjs';

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean);
  let found = candidates.find((p) => existsSync(p));
  if (!found && ensurePackages(['chromium'], realSystem()).ok) found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium found (looked at ${candidates.join(', ')}); set CHROMIUM_PATH or install the Debian package chromium`);
  return found;
}

/** Launches Chromium with its state under `xdgDir` (dconf, crash dumps) instead of $HOME. */
export async function launchChromium(xdgDir) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    timeout: 60_000,
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdgDir, 'config'),
      XDG_DATA_HOME: path.join(xdgDir, 'data'),
      XDG_CACHE_HOME: path.join(xdgDir, 'cache'),
    },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
