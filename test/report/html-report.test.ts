import { InputError } from '../../machines/support';
import { buildHtmlReportInput, faultWindowsFromSteps, renderHtmlReport, type HtmlReportInput } from '../../system/report/html-report';
import { runScenario } from '../../system/run-scenario';
import { removesBeforePersisting } from '../fixtures/faulty-container';

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
const step = (at: number, commands: { target: string; verb: string; args?: Record<string, unknown> }[]) => ({ at, commands });

describe('faultWindowsFromSteps', () => {
  it('opens a window when a step fails a regional table and closes it when a later step recovers it', () => {
    // commands are issued when a step starts: when the previous step ended
    const windows = faultWindowsFromSteps([
      step(0, []),
      step(392, []),
      step(392, [{ target: 'table:preprocess', verb: 'fail', args: { region: 1 } }]),
      step(761, []),
      step(761, [{ target: 'table:preprocess', verb: 'recover', args: { region: 1 } }, { target: 'container:preprocess:r1', verb: 'recover' }]),
    ]);
    expect(windows).toEqual([
      { id: 'f1', kind: 'fail', target: 'table:preprocess:r1', start: 392, end: 761, label: 'table:preprocess:r1 failed' },
    ]);
  });

  it('handles whole tables, replication, DNS regions and faults never recovered', () => {
    const windows = faultWindowsFromSteps([
      step(10, [
        { target: 'table:core', verb: 'fail' },
        { target: 'table:inbound', verb: 'failReplication' },
        { target: 'dns:in', verb: 'setRegionOnline', args: { region: 2, online: false } },
        { target: 'queue:inbound:r1', verb: 'fail' },
      ]),
      step(50, [
        { target: 'table:core', verb: 'recover' },
        { target: 'table:inbound', verb: 'recoverReplication' },
        { target: 'dns:in', verb: 'setRegionOnline', args: { region: 2, online: true } },
      ]),
      step(80, []),
    ]);
    expect(windows.map((w) => [w.kind, w.target, w.start, w.end])).toEqual([
      ['fail', 'table:core', 0, 10],
      ['failReplication', 'table:inbound:replicator', 0, 10],
      ['regionOffline', 'dns:in', 0, 10],
      ['fail', 'queue:inbound:r1', 0, null],
    ]);
    expect(windows[2].label).toBe('dns:in: region 2 offline');
  });
});

describe('renderHtmlReport', () => {
  const f2 = runScenario({ scenario: 'f2-fail-database', seed: 1, keepTrace: true });
  const input = buildHtmlReportInput(f2.report, f2.result);
  const html = renderHtmlReport(input);

  it('draws one lane per record, grouped by batch', () => {
    expect(input.batches.map((b) => b.length)).toEqual([10, 10, 10]);
    expect(count(html, /<rect class="lane[^"]*" data-record="\d+"/g)).toBe(30);
    expect(count(html, /<div class="lbl[^"]*"/g)).toBe(30);
    expect(count(html, /<section class="group"/g)).toBe(3);
    expect(html).toContain('data-record="11"');
  });

  it('shades the fault window and labels it with the failed table', () => {
    expect(input.faults).toEqual([expect.objectContaining({ target: 'table:preprocess:r1', start: 392, end: 761 })]);
    expect(html).toMatch(/class="faultband" data-t0="392" data-t1="761"[^>]*>[^<]*<span>⚡ table:preprocess:r1 failed<\/span>/);
    // through the lanes of region 1's records in every group; faintly through region 2's (their copies go to it)
    expect(count(html, /<path class="fault" data-fault="f1"/g)).toBe(3);
    expect(count(html, /<path class="fault copies" data-fault="f1"/g)).toBe(3);
    const hit = [...html.matchAll(/<path class="fault" data-fault="f1" d="([^"]*)"/g)].reduce((a, m) => a + count(m[1], /M/g), 0);
    const r1 = f2.result.trace!.filter((l) => l.includes('"from":"dns:in","to":"queue:inbound:r1"')).length;
    expect(hit).toBe(r1);
  });

  it('marks the steps, the failed replies and the verdict', () => {
    for (const label of ['1-4', '5 · 6', '7 · 8', '9', '10']) expect(html).toContain(`<span>${label}</span></div>`);
    expect(html).toMatch(/Fail the preprocess table in region 1/);
    const failed = input.trace.filter((e) => e.success === false);
    expect(failed.length).toBeGreaterThan(0);
    expect(count(html, /class="failmark"/g)).toBe(new Set(failed.map((e) => e.recordId)).size);
    expect(html).toContain('<div class="verdict pass" id="verdict">PASS</div>');
    expect(html).toMatch(/<div class="v">30<\/div><div class="k">delivered<\/div>/);
    expect(html).toMatch(/class="spec cold" data-t0="1360"/);
    expect(html).toMatch(/waited over \d+ ms.*11, 13, 15, 17, 19/);
  });

  it('fetches nothing: no URL outside the page', () => {
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('shows FAIL and marks each violation on its record’s lane for a faulty container', () => {
    const bad = runScenario({ scenario: 'f2-fail-database', seed: 1, keepTrace: true, machines: { container: removesBeforePersisting } });
    const page = renderHtmlReport(buildHtmlReportInput(bad.report, bad.result));
    expect(bad.report.violations.length).toBeGreaterThan(0);
    expect(page).toContain('<div class="verdict fail" id="verdict">FAIL</div>');
    const withViolations = new Set(bad.report.violations.map((v) => v.recordId));
    expect(count(page, /class="violmark"/g)).toBe(withViolations.size);
    expect(count(page, /class="violmark-axis"/g)).toBe(bad.report.violations.length);
    expect(page).toContain('removed-before-persisted-and-forwarded');
  });

  it('escapes names taken from the run', () => {
    const page = renderHtmlReport({ ...input, scenario: '<img src=x onerror=alert(1)>', trace: [{ t: 1, from: '</script><b>', to: 'x', type: 'y', recordId: 1 }] });
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('</script><b>');
  });

  it('collapses groups of a large run but the first, and splits batches longer than 100', () => {
    const ids = Array.from({ length: 450 }, (_, i) => i + 1);
    const page = renderHtmlReport({ ...input, batches: [ids.slice(0, 250), ids.slice(250)], trace: [], faults: [], violations: [], arrived: ids });
    expect(count(page, /<rect class="lane/g)).toBe(450);
    expect(count(page, /<section class="group"/g)).toBe(1);
    expect(count(page, /<section class="group collapsed"/g)).toBe(4);
    expect(page).toContain('Batch 1 (records 201-250 of 250)');
  });

  it('refuses malformed input, naming the field', () => {
    expect(() => renderHtmlReport({ ...input, verdict: 'maybe' } as unknown as HtmlReportInput)).toThrow(InputError);
    expect(() => renderHtmlReport({ ...input, faults: [{ id: 'f1' }] } as unknown as HtmlReportInput)).toThrow(/faults/);
  });

  it('needs a trace', () => {
    const run = runScenario({ scenario: 'happy-path', seed: 2 });
    expect(() => buildHtmlReportInput(run.report, run.result)).toThrow(/keepTrace/);
  });
});
