import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { removesBeforePersisting } from '../fixtures/faulty-container';
import { describeWithChromium, launchChromium } from './chromium';
import { lanePoint, openReport } from './open-report';

const OUTPUT = join(__dirname, '..', '..', 'test-output');

describeWithChromium('the HTML run report in a browser', () => {
  jest.setTimeout(120_000);
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'tps-html-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows an F2 run: 30 lanes, the preprocess table fault window, the steps, PASS, and a tooltip per hop', async () => {
    const { page, url, errors, requests } = await openReport(browser, dir, 'f2', { scenario: 'f2-fail-database', seed: 1 });

    await expect(page.locator('#verdict').textContent()).resolves.toBe('PASS');
    expect(await page.locator('#verdict').isVisible()).toBe(true);
    const labels = page.locator('.lbl');
    expect(await labels.count()).toBe(30);
    for (const i of [0, 14, 29]) expect(await labels.nth(i).isVisible()).toBe(true);

    const band = page.locator('.faultband');
    expect(await band.count()).toBeGreaterThanOrEqual(1);
    await expect(band.first().textContent()).resolves.toContain('table:preprocess:r1');
    const bandBox = (await band.first().boundingBox())!;
    expect(bandBox.width).toBeGreaterThan(100);
    // the shading runs through the lanes, over the same span of time
    const shade = (await page.locator('svg.plot path.fault').first().boundingBox())!;
    expect(Math.abs(shade.x - bandBox.x)).toBeLessThan(4);

    const steps = page.locator('.stepmark');
    expect(await steps.allTextContents()).toEqual(['1-4', '5 · 6', '7 · 8', '9', '10']);
    expect(await steps.nth(1).isVisible()).toBe(true);
    await steps.nth(1).hover();
    await expect(page.locator('#tip').textContent()).resolves.toContain('Fail the preprocess table in region 1');

    // record 11 got a failed answer from the failed table at t=451
    await page.locator('rect.lane[data-record="11"]').scrollIntoViewIfNeeded();
    const hop = await lanePoint(page, 11, 451);
    await page.mouse.move(hop.x, hop.y);
    const tip = page.locator('#tip');
    expect(await tip.isVisible()).toBe(true);
    const text = (await tip.textContent())!;
    expect(text).toContain('t=451 ms');
    expect(text).toContain('record 11');
    expect(text).toContain('table:preprocess:r1 → container:preprocess:r1');
    expect(text).toMatch(/table\.insertCompleted\s+success: false/);
    await page.screenshot({ path: join(OUTPUT, 'html-report-f2-hover.png') });

    // collapsing a batch hides its lanes; zoom narrows the time range
    await page.locator('.ghead').first().click();
    expect(await labels.nth(0).isVisible()).toBe(false);
    await page.locator('.ghead').first().click();
    expect(await labels.nth(0).isVisible()).toBe(true);
    await page.locator('[data-zoom="in"]').click();
    await expect(page.locator('#range').textContent()).resolves.toContain('(x2.0)');
    await page.locator('[data-zoom="fit"]').click();

    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(OUTPUT, 'html-report-f2.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });

  it('shows a failing run: FAIL and a mark per violation', async () => {
    const { page, url, errors, requests, report } = await openReport(browser, dir, 'faulty', {
      scenario: 'f2-fail-database',
      seed: 1,
      machines: { container: removesBeforePersisting },
    });
    await expect(page.locator('#verdict').textContent()).resolves.toBe('FAIL');
    const axisMarks = page.locator('.violmark-axis');
    expect(await axisMarks.count()).toBe(report.violations.length);
    expect(await axisMarks.first().isVisible()).toBe(true);
    expect(await page.locator('svg.plot path.violmark').count()).toBeGreaterThan(0);
    const first = report.violations[0];
    expect(await page.locator('.lbl.viol').first().isVisible()).toBe(true);
    await expect(page.locator('#why').textContent()).resolves.toContain(`violated by record ${first.recordId} in ${first.component}`);
    await page.screenshot({ path: join(OUTPUT, 'html-report-faulty.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
