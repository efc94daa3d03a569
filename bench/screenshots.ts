/**
 * `npm run screenshots`: the pictures of the README, taken in headless
 * Chromium (TPS_CHROMIUM, default /usr/bin/chromium) at 1400 px: the HTML
 * report of a shrunk duplicate (what failed, the sequence, the map, the
 * timeline) and the inspector page at F2 step 7. Writes docs/images/ (or the
 * directory given as the first argument).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { reproduction } from '../system/report/reproduce';
import { runScenario } from '../system/run-scenario';

const root = resolve(__dirname, '..', '..');
const out = resolve(process.argv[2] ?? join(root, 'docs', 'images'));
const CHROMIUM = process.env.TPS_CHROMIUM ?? '/usr/bin/chromium';

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });

/** The shrunk duplicate of chaos seed 5 with the container that forgets its in-doubt send. */
function duplicateReport(dir: string): string {
  const machinesModule = join(root, 'dist', 'mutants', 'container-no-in-doubt-guard.js');
  const scenarioFile = join(root, 'test', 'fixtures', 'kills', 'container-no-in-doubt-guard.json');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built mutant, loaded by path as the CLI's --machines does
  const { machines } = require(machinesModule) as { machines: never };
  const { report, result, plan } = runScenario({ scenarioFile, machines, keepTrace: true });
  const file = join(dir, 'duplicate.html');
  const reproduce = reproduction(report, { scenarioFile: 'test/fixtures/kills/container-no-in-doubt-guard.json', plan, machinesModule: 'dist/mutants/container-no-in-doubt-guard.js', strict: true });
  writeFileSync(file, renderHtmlReport(buildHtmlReportInput(report, result, reproduce)));
  return file;
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'tps-shots-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(pathToFileURL(duplicateReport(dir)).href);
    await page.locator('#reproduce').evaluate((el: { removeAttribute(name: string): void }) => el.removeAttribute('open'));
    await page.screenshot({ path: join(out, 'report-what-failed.png') });
    await page.locator('#sequence').screenshot({ path: join(out, 'report-sequence.png') });
    await page.locator('#timeline').screenshot({ path: join(out, 'report-timeline.png') });
    process.stdout.write(`wrote report-what-failed.png, report-sequence.png, report-timeline.png in ${out}\n`);

    const port = await freePort();
    const child = spawn(process.execPath, [join(root, 'dist', 'cli', 'tps.js'), 'inspect', 'f2-fail-database', '--speed', '50', '--port', String(port), '--delay', '60000', '--exit']);
    await new Promise<void>((ready) => child.stdout.on('data', (d) => String(d).includes('Inspector listening') && ready()));
    const inspector = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await inspector.goto(`http://127.0.0.1:${port}/`);
    await inspector.waitForSelector('#verdict:not([hidden])', { timeout: 60_000 });
    // F2 step 7 ends at t=761: region 1's batch 2 records wait in its inbound-preprocess queue
    await inspector.locator('#scrub').evaluate((el) => {
      const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
      input.value = '760';
      input.dispatchEvent(new Event('input'));
    });
    await inspector.locator('#map g.mnode[data-actor="container:preprocess:r1"]').click();
    await inspector.screenshot({ path: join(out, 'inspector-f2-step7.png') });
    process.stdout.write(`wrote inspector-f2-step7.png in ${out}\n`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  process.stderr.write(`screenshots: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 3;
});
