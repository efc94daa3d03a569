import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium; never downloaded. */
export const CHROMIUM = process.env.TPS_CHROMIUM ?? '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/** Says loudly why browser tests are skipped; returns whether they can run. */
export function requireChromium(suite: string): boolean {
  if (chromiumAvailable()) return true;
  console.warn(
    `\n*** ${suite}: SKIPPED — no browser at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium ` +
      `(or set TPS_CHROMIUM to a Chromium binary) ***\n`,
  );
  return false;
}

/** Headless Chromium with no background network (updates, sync, QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
