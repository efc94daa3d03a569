import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Browser tests use Debian's chromium (never downloaded; TPS_CHROMIUM names another); without it they are skipped, loudly. */
export const CHROMIUM = process.env.TPS_CHROMIUM ?? '/usr/bin/chromium';
export const SKIP_MESSAGE = `skipped: no ${CHROMIUM}; apt-get install -y chromium`;

/** `describe` when chromium is installed; otherwise a warning and a skipped block that says why. */
export function describeWithChromium(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  console.warn(`${name}: ${SKIP_MESSAGE}`);
  describe.skip(`${name} (${SKIP_MESSAGE})`, fn);
}

/** Headless Chromium with no background network (updates, sync, QUIC). */
export async function launchChromium(): Promise<Browser> {
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
