import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runScenario } from '../../system/run-scenario';
import { describeWithChromium, launchChromium } from './chromium';
import { startInspect } from '../support/inspect-cli';
import { within } from '../support/wait';

const root = join(__dirname, '..', '..');

/** Moves the page's scrubber to virtual time t, as a person dragging it would (an input event). */
const scrubTo = (page: Page, t: number) =>
  page.locator('#scrub').evaluate((el, value) => {
    const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
    input.value = String(value);
    input.dispatchEvent(new Event('input'));
  }, t);
const node = (page: Page, actor: string) => page.locator(`#map g.mnode[data-actor="${actor}"]`);

describeWithChromium('the inspector page: system map, pause, step, scrub, filter, zoom, verdict', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows F2 on the map: at step 7 the waiting queue depth and the failed table and container in red; the verdict at the end', async () => {
    // what F2's step 7 itself observed: the records waiting in region 1's inbound-preprocess queue
    const f2 = runScenario({ scenario: 'f2-fail-database', seed: 1 });
    const step7 = f2.report.steps.find((s) => s.step === '7')!;
    const pending = step7.observed['queue:inbound-preprocess:r1 pending'] as number[];
    expect(pending.length).toBe(5);

    const run = startInspect(['f2-fail-database', '--speed', '50', '--delay', '60000', '--exit']);
    const port = await run.port();
    const exited = run.exited;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`http://127.0.0.1:${port}/`);
    expect(await within(60_000, 'exit of tps inspect', exited)).toBe(0);

    // the verdict, once every message is in
    await page.waitForSelector('#verdict:not([hidden])', { timeout: 30_000 });
    expect(await page.locator('#verdict').textContent()).toBe('PASS');
    expect(await page.locator('#status').textContent()).toBe('run complete: PASS — 30 of 30 delivered, 0 lost, 0 duplicates, 0 violations; spec cold');
    expect(await node(page, 'table:preprocess:r1').locator('.mstatus').textContent()).toBe('30 rows');

    // scrub back to just before step 7 ended
    await scrubTo(page, step7.at - 1);
    expect(await page.locator('#scenario-step').textContent()).toMatch(/^step 7: Publish batch 2/);
    // the state as of the last message at or before that time
    const pausedAt = Number(/^paused at t = (\d+)$/.exec((await page.locator('#status').textContent())!)![1]);
    expect(pausedAt).toBeLessThanOrEqual(step7.at - 1);
    expect(pausedAt).toBeGreaterThan(step7.at - 20);
    expect(await page.locator('#verdict').isHidden()).toBe(true);
    const queue = node(page, 'queue:inbound-preprocess:r1');
    expect(await queue.locator('.mstatus').textContent()).toMatch(new RegExp(`^${pending.length} wait( · #${pending[0]})?$`));
    expect(await queue.getAttribute('class')).toContain('waiting');
    expect(await node(page, 'queue:inbound-preprocess:r2').locator('.mstatus').textContent()).toBe('');
    for (const failed of ['table:preprocess:r1', 'container:preprocess:r1']) expect(await node(page, failed).getAttribute('class')).toContain('failed');
    expect(await node(page, 'container:preprocess:r1').locator('.mstatus').textContent()).toBe('failed dep.');
    expect(await node(page, 'table:preprocess:r2').getAttribute('class')).not.toContain('failed');
    expect(await page.locator('nav button[data-system-id="container:preprocess:r1"]').getAttribute('class')).toContain('failed');
    mkdirSync(join(root, 'test-output'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-output', 'inspector-map-f2-step7.png') });

    // step: the next virtual instant, where step 7 ends and step 8 recovers them
    await page.locator('#step').click();
    expect(await page.locator('#at').textContent()).toMatch(new RegExp(`^t = ${step7.at} \\(\\d+ of \\d+ messages\\)$`));
    expect(await node(page, 'table:preprocess:r1').getAttribute('class')).not.toContain('failed');

    // filter the events by record id, then by component
    await page.locator('#filter').fill('11');
    const records = await page.locator('#events tbody tr td:nth-child(5)').allTextContents();
    expect(records.length).toBeGreaterThan(10);
    expect(new Set(records)).toEqual(new Set(['11']));
    await page.locator('#filter').fill('queue:inbound-preprocess:r1');
    const ends = await page.locator('#events tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    expect(ends.length).toBeGreaterThan(10);
    expect(ends.every((text) => text.includes('queue:inbound-preprocess:r1'))).toBe(true);
    await page.locator('#filter').fill('');

    // zoom the selected machine: click its component on the map, zoom in twice, fit
    await node(page, 'container:preprocess:r1').click();
    expect(await page.locator('.diagram:not([hidden])').getAttribute('data-diagram')).toBe('container');
    const svg = page.locator('.diagram:not([hidden]) svg');
    const fitWidth = (await svg.boundingBox())!.width;
    await page.locator('[data-zoom="in"]').click();
    await page.locator('[data-zoom="in"]').click();
    expect((await svg.boundingBox())!.width).toBeGreaterThan(fitWidth * 1.5);
    await page.locator('[data-zoom="fit"]').click();
    expect(Math.abs((await svg.boundingBox())!.width - fitWidth)).toBeLessThan(2);

    // live again: the end of the run and its verdict
    await page.locator('#live').click();
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/^run complete: PASS/);
    // back to the start: nothing yet; resume plays to the end again
    await scrubTo(page, 0);
    expect(await page.locator('#status').textContent()).toBe('paused at t = 0');
    expect(await node(page, 'table:preprocess:r1').locator('.mstatus').textContent()).toBe('0 rows');
    expect(await page.locator('#pause').textContent()).toBe('resume');
    await page.locator('#pause').click();
    expect(await page.locator('#verdict').textContent()).toBe('PASS');
    expect(await node(page, 'table:preprocess:r1').locator('.mstatus').textContent()).toBe('30 rows');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
