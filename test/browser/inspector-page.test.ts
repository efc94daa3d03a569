import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium } from './chromium';
import { startInspect } from '../support/inspect-cli';
import { within } from '../support/wait';

const root = join(__dirname, '..', '..');


describeWithChromium('offline inspector page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the diagrams, a live highlighted state and a growing event log, all from 127.0.0.1', async () => {
    const run = startInspect(['happy-path', '--speed', '50', '--delay', '60000', '--exit']);
    const port = await run.port();
    const exited = run.exited;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    const hosts = new Set<string>();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => hosts.add(new URL(r.url()).hostname));
    // What a person would have seen: every change of the highlighted states and of the event count.
    // (Browser code as strings: this project's type-check has no DOM types.)
    await page.addInitScript({
      content: `
        window.seen = { active: [], events: [] };
        document.addEventListener('DOMContentLoaded', () => {
          new MutationObserver(() => {
            const active = [...document.querySelectorAll('.diagram:not([hidden]) .node.state.active')].map((e) => e.id).join(',');
            if (active && active !== seen.active[seen.active.length - 1]) seen.active.push(active);
            const count = document.getElementById('event-count')?.textContent ?? '';
            if (count !== seen.events[seen.events.length - 1]) seen.events.push(count);
          }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        });`,
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    expect(await within(60_000, 'exit of tps inspect', exited)).toBe(0);
    await page.waitForFunction(`document.getElementById('status').textContent.startsWith('run complete')`, undefined, { timeout: 30_000 });

    expect(await page.locator('.diagram svg').count()).toBe(17);
    expect(await page.locator('.diagram:not([hidden])').getAttribute('data-diagram')).toBe('container');
    expect(await page.locator('nav button[data-system-id="container:inbound:r1"]').count()).toBe(1);
    const seen = await page.evaluate<{ active: string[]; events: string[] }>('window.seen');
    // The selected container went through its states, one highlighted at a time.
    expect(new Set(seen.active).size).toBeGreaterThanOrEqual(3);
    expect(seen.active.some((a) => a.includes('writingTable'))).toBe(true);
    expect(seen.active.every((a) => a.split(',').length === 1)).toBe(true);
    const counts = seen.events.map(Number);
    expect(counts.length).toBeGreaterThan(10);
    expect(counts.every((c, i) => i === 0 || counts[i - 1] < c)).toBe(true);
    expect(await page.locator('#events tbody tr').count()).toBe(200);
    // Another actor: click it, its machine is shown with its state.
    await page.locator('nav button[data-system-id="spec"]').click();
    expect(await page.locator('.diagram:not([hidden])').getAttribute('data-diagram')).toBe('active-active-spec');
    expect(await page.locator('.diagram:not([hidden]) .node.state.active').getAttribute('id')).toBe('active-active-spec:cold');

    await page.locator('nav button[data-system-id="container:core:r2"]').click();
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-output', 'inspector-offline.png') });
    expect(errors).toEqual([]);
    expect([...hosts]).toEqual(['127.0.0.1']);
    await page.close();
  }, 120_000);
});
