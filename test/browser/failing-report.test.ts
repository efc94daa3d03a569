import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { machines as noInDoubtGuard } from '../../mutants/container-no-in-doubt-guard';
import { machines as removesHead } from '../../mutants/queue-removes-head';
import { describeWithChromium, launchChromium } from './chromium';
import { lanePoint, openReport, pixelAt } from './open-report';

const OUTPUT = join(__dirname, '..', '..', 'test-output');
const kill = (name: string) => join(__dirname, '..', 'fixtures', 'kills', `${name}.json`);

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
/** Every pair of the boxes that overlaps, as "i/j". */
async function overlaps(page: Page, selector: string): Promise<string[]> {
  const boxes = (await page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  )) as Box[];
  const bad: string[] = [];
  boxes.forEach((a, i) => boxes.forEach((b, j) => j > i && overlap(a, b) && bad.push(`${i}/${j}`)));
  return bad;
}

describeWithChromium('the HTML report of a failing run in a browser', () => {
  jest.setTimeout(120_000);
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'tps-html-fail-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows a region 2 table fault on a region 2 lane, in red, and names the duplicate and the crash before it', async () => {
    const { page, errors, report } = await openReport(browser, dir, 'duplicate', { scenarioFile: kill('container-no-in-doubt-guard'), machines: noInDoubtGuard });
    const f3 = report.faults.find((f) => f.id === 'f3')!;
    expect(f3).toMatchObject({ kind: 'table-region-fail', target: 'table:inbound', region: 2 });
    expect(await page.locator('#rec-2 .reg').textContent()).toBe('r2');
    const mid = (f3.start! + f3.end!) / 2;
    // at the top pixel row of record 2's lane, in f3's window: the fault's shading is what is on top
    await page.locator('rect.lane[data-record="2"]').scrollIntoViewIfNeeded();
    const p = await lanePoint(page, 2, mid, 1);
    // (browser code as strings: this project's type-check has no DOM types)
    const topAt = (x: number, y: number) =>
      page.evaluate(`(() => { const el = document.elementFromPoint(${x}, ${y}); return el.getAttribute('class') + '|' + el.getAttribute('data-fault'); })()`);
    const top = await topAt(p.x, p.y);
    expect(top).toBe('fault|f3');
    const { r, g, b } = await pixelAt(page, p.x, p.y);
    expect(r - g).toBeGreaterThan(15);
    expect(r - b).toBeGreaterThan(15);
    // region 1's record 1: only the faint "copies" shade of that region 2 table
    const q = await lanePoint(page, 1, mid, 1);
    expect(await topAt(q.x, q.y)).toBe('fault copies|f3');

    const why = (await page.locator('#why').textContent())!;
    expect(why).toContain('Property "duplicate" violated by record 1 in queue:outbound:r1');
    expect(why).toMatch(/latest fault before it: f6: crash container:outbound:r1 at t=110 ms \(\d+ ms earlier\)/);
    expect(await overlaps(page, '.faultband > span')).toEqual([]);

    // the sequence view: the duplicate send drawn below the first one, between the same two lanes, linked to it
    const seq = page.locator('#sequence');
    await seq.scrollIntoViewIfNeeded();
    const violating = seq.locator('g.msg.violating');
    const first = seq.locator('g.msg.contradicted');
    for (const g of [violating, first]) {
      expect(await g.getAttribute('data-from')).toBe('container:outbound:r1');
      expect(await g.getAttribute('data-to')).toBe('queue:outbound:r1');
    }
    const [vBox, fBox] = [(await violating.locator('line').boundingBox())!, (await first.locator('line').boundingBox())!];
    expect(vBox.y).toBeGreaterThan(fBox.y);
    expect(Math.abs(vBox.x - fBox.x)).toBeLessThan(1);
    expect(vBox.width).toBeGreaterThan(50);
    // the lanes it joins: the arrow starts on the container's lifeline and ends at the queue's
    const lifeline = async (actor: string) => (await seq.locator(`g.actor[data-actor="${actor}"] line`).boundingBox())!.x;
    expect(Math.abs(vBox.x - (await lifeline('container:outbound:r1')))).toBeLessThan(2);
    expect(Math.abs(vBox.x + vBox.width + 4 - (await lifeline('queue:outbound:r1')))).toBeLessThan(3);
    const link = (await seq.locator('path.seqlink').boundingBox())!;
    expect(link.y).toBeLessThanOrEqual(fBox.y + 1);
    expect(link.y + link.height).toBeGreaterThanOrEqual(vBox.y - 1);
    await expect(seq.locator('text.n-viol').textContent()).resolves.toMatch(/^! duplicate ↖ the same queue.send again \(first at t=\d+ ms\)$/);
    const crash = seq.locator('g.fault-start[data-fault="f6"]');
    expect(await crash.getAttribute('data-actor')).toBe('container:outbound:r1');
    expect((await crash.boundingBox())!.y).toBeLessThan(vBox.y);
    await violating.hover();
    await expect(page.locator('#tip').textContent()).resolves.toContain('container:outbound:r1 → queue:outbound:r1');
    await seq.screenshot({ path: join(OUTPUT, 'html-report-sequence.png') });
    await page.screenshot({ path: join(OUTPUT, 'html-report-duplicate.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks where a lost record stopped, names the component, and keeps every fault and step label apart at any zoom', async () => {
    const { page, errors, report } = await openReport(browser, dir, 'lost', { scenarioFile: kill('queue-removes-head'), machines: removesHead });
    expect(report.records.lost).toBe(1);
    const label = page.locator('.stoplabel[data-record="3"]');
    expect(await label.isVisible()).toBe(true);
    expect(await label.textContent()).toBe('■ lost in queue:preprocess-core:r1');
    const lane = (await page.locator('rect.lane[data-record="3"]').boundingBox())!;
    const box = (await label.boundingBox())!;
    expect(Math.abs(box.y - lane.y)).toBeLessThan(1);
    // the end mark sits at the time of its last message in that queue
    const mark = (await page.locator('path.stopmark.lost[data-record="3"]').boundingBox())!;
    const stoppedAt = Number(await label.getAttribute('data-t0'));
    expect(mark.x).toBeLessThanOrEqual((await lanePoint(page, 3, stoppedAt)).x + 1);
    await label.hover();
    await expect(page.locator('#tip').textContent()).resolves.toContain('not received by container:core:r1');
    await expect(page.locator('.lbl#rec-3 .lb').textContent()).resolves.toBe('lost');

    for (const zoom of ['fit', 'out', 'in', 'in'] as const) {
      await page.locator(`[data-zoom="${zoom}"]`).click();
      expect(await overlaps(page, '.faultband > span')).toEqual([]);
      expect(await overlaps(page, '.stepmark')).toEqual([]);
    }
    await page.locator('[data-zoom="fit"]').click();
    // the failed step beyond the activity is one mark at the axis end, not 14 s of empty axis
    await expect(page.locator('.stepmark.later').textContent()).resolves.toMatch(/^6 → t=\d+$/);
    // the static map: the queue it stopped in, black, with the record id
    const stopped = page.locator('#map g.mnode[data-actor="queue:preprocess-core:r1"]');
    expect(await stopped.getAttribute('class')).toBe('mnode queue stopped');
    expect(await stopped.locator('text.mstatus').textContent()).toBe('■#3');
    expect(await stopped.isVisible()).toBe(true);
    await page.locator('.group .ghead').first().click();
    await page.locator('#why a.goto').first().click();
    expect(await page.locator('#rec-3').isVisible()).toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'html-report-lost.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
