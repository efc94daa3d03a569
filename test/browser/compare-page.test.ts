import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from './chromium';
import { openPage } from './open-report';

const repo = resolve(__dirname, '..', '..');
const OUTPUT = join(repo, 'test-output');

// Needs `npm run build` first: the page is written by the CLI.
describeWithChromium('the tps compare --html page in a browser', () => {
  jest.setTimeout(120_000);
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'tps-compare-html-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows the figures of both designs and each design's timeline of the chosen seed, with no console error and no request", async () => {
    const file = join(dir, 'compare.html');
    const made = spawnSync('node', [join(repo, 'dist', 'cli', 'tps.js'), 'compare', '--seeds', '4', '--workers', '1', '--html', file, '--seed-detail', '3'], { encoding: 'utf8' });
    expect(made.status).toBe(0);
    const { page, url, errors, requests } = await openPage(browser, file);

    const heads = await page.locator('#figures thead th').allTextContents();
    expect(heads).toEqual(['', 'active-active', 'active-passive']);
    const rows = page.locator('#figures tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(13);
    const delivered = page.locator('#figures tbody tr', { hasText: 'records delivered' });
    expect(await delivered.locator('td').allTextContents()).toEqual([expect.stringMatching(/^\d+ of 120$/), expect.stringMatching(/^\d+ of 120$/)]);

    for (const design of ['active-active', 'active-passive']) {
      const section = page.locator(`#design-${design}`);
      expect(await section.isVisible()).toBe(true);
      await expect(section.locator('h2').textContent()).resolves.toContain(`${design}, seed 3`);
      const frame = page.frameLocator(`#design-${design} iframe`);
      // the run report inside: its verdict, 30 record lanes, the axis with the fault windows
      await expect(frame.locator('#verdict').textContent()).resolves.toMatch(/^(PASS|FAIL)$/);
      await expect(frame.locator('h1').textContent()).resolves.toContain(`compare (${design})`);
      expect(await frame.locator('.lbl').count()).toBe(30);
      expect(await frame.locator('#timeline').isVisible()).toBe(true);
      expect(await frame.locator('rect.lane').first().isVisible()).toBe(true);
    }
    await page.screenshot({ path: join(OUTPUT, 'compare-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    // the page and its two embedded reports (about:srcdoc): nothing fetched
    expect(requests.filter((r) => r !== url && r !== 'about:srcdoc')).toEqual([]);
    await page.close();
  });
});
