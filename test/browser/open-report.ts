import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { buildHtmlReportInput, renderHtmlReport } from '../../system/report/html-report';
import { runScenario, type RunOptions } from '../../system/run-scenario';

/** Renders a real run to a file in `dir` and opens it, recording console errors and every request. */
export async function openReport(browser: Browser, dir: string, name: string, options: RunOptions) {
  const { report, result } = runScenario({ ...options, keepTrace: true });
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderHtmlReport(buildHtmlReportInput(report, result)));
  return { ...(await openPage(browser, file)), report, result };
}

/** Opens an HTML file, recording console errors, page errors and every request. */
export async function openPage(browser: Browser, file: string) {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  return { page, url, errors, requests };
}

/** The page position of virtual time `t` on the lane of record `id` (dy: pixels below the lane's top; default its middle). */
export async function lanePoint(page: Page, id: number, t: number, dy?: number) {
  const box = (await page.locator(`rect.lane[data-record="${id}"]`).boundingBox())!;
  const T = JSON.parse((await page.locator('#data').textContent())!).T as number;
  return { x: box.x + (box.width * t) / T, y: box.y + (dy ?? box.height / 2) };
}

/** The colour a person sees at a point of the page: a 1x1 screenshot, decoded (any PNG filter leaves one pixel as it is). */
export async function pixelAt(page: Page, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const png = await page.screenshot({ clip: { x: Math.floor(x), y: Math.floor(y), width: 1, height: 1 } });
  const chunks: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  return { r: raw[1], g: raw[2], b: raw[3] };
}
