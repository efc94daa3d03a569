/**
 * `npm run bench:html`: size and render time of the HTML run report for the
 * F2 run (30 records) and an F2 run of about 1,000 records. Writes the pages
 * to the directory given as the first argument (default test-output/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildHtmlReportInput, renderHtmlReport } from '../system/report/html-report';
import { builtInScenarios } from '../system/scenarios';
import { defaultTopology } from '../machines/topology';
import { simulate } from '../system/simulation';
import { tuneGcForSimulation } from '../system/gc-tuning';

tuneGcForSimulation();
const out = process.argv[2] ?? 'test-output';
mkdirSync(out, { recursive: true });

for (const [name, batches] of [
  ['f2-30', { count: 3, size: 10 }],
  ['f2-1002', { count: 3, size: 334 }],
] as const) {
  const scenario = 'f2-fail-database';
  const result = simulate(builtInScenarios[scenario].plan(1, defaultTopology), { seed: 1, batches, keepTrace: true });
  const report = { ...result, scenario, unhandledEvents: result.unhandledEvents.length, specState: result.specState };
  const t0 = performance.now();
  const input = buildHtmlReportInput(report, result);
  const t1 = performance.now();
  const html = renderHtmlReport(input);
  const t2 = performance.now();
  const file = join(out, `report-${name}.html`);
  writeFileSync(file, html);
  console.log(
    `${name}: ${result.records.published} records, ${result.stats.messages} messages, verdict ${result.verdict}; ` +
      `input ${(t1 - t0).toFixed(1)} ms, render ${(t2 - t1).toFixed(1)} ms; ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB -> ${file}`,
  );
}
