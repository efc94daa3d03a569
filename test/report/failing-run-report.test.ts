import { buildHtmlReportInput, renderHtmlReport } from '../../system/report/html-report';
import { runScenario } from '../../system/run-scenario';
import { machines as noInDoubtGuard } from '../../mutants/container-no-in-doubt-guard';
import { machines as removesHead } from '../../mutants/queue-removes-head';

const kill = (name: string) => `${__dirname}/../fixtures/kills/${name}.json`;
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
/** The lane rows (y / 16) a path's subpaths start on. */
const rowsOf = (d: string) => [...d.matchAll(/M[\d.]+ (\d+)h/g)].map((m) => Number(m[1]) / 16);

describe('the report of a failing run tells what failed, where and when', () => {
  // chaos seed 5 with a container that forgets its in-doubt send: a duplicate right after a crash
  const dup = runScenario({ scenarioFile: kill('container-no-in-doubt-guard'), machines: noInDoubtGuard, keepTrace: true });
  const dupInput = buildHtmlReportInput(dup.report, dup.result);
  const dupHtml = renderHtmlReport(dupInput);
  // chaos seed 197 with a queue that removes its head, not the record asked: a record lost
  const lost = runScenario({ scenarioFile: kill('queue-removes-head'), machines: removesHead, keepTrace: true });
  const lostHtml = renderHtmlReport(buildHtmlReportInput(lost.report, lost.result));

  it('shades a region 2 fault on the lanes of region 2 records, not region 1 ones', () => {
    const f3 = dupInput.faults.find((f) => f.id === 'f3')!;
    expect(f3).toMatchObject({ target: 'table:inbound:r2', region: 2 });
    // batch 1: records 1..10, the region of each from its label
    const regions = [...dupHtml.matchAll(/<div class="lbl[^"]*" id="rec-(\d+)"[^>]*><span class="rid">#\d+<\/span><span class="reg">r(\d)</g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const batch1 = regions.slice(0, 10);
    const d = /<path class="fault" data-fault="f3" d="([^"]*)"/.exec(dupHtml)![1];
    const shaded = rowsOf(d);
    expect(shaded.length).toBeGreaterThan(0);
    expect(shaded.map((row) => batch1[row][1])).toEqual(shaded.map(() => 2));
    expect(batch1.filter(([, r]) => r === 2).map((_, i) => i).length).toBe(shaded.length);
  });

  it('names the violated property and its record, and the latest fault before it', () => {
    const v = dup.report.violations[0];
    expect(v).toMatchObject({ kind: 'duplicate', recordId: 1, component: 'queue:outbound:r1' });
    const why = /<section class="why" id="why">(.*?)<\/section>/s.exec(dupHtml)![1];
    expect(why).toContain(`Property &quot;duplicate&quot; violated by record 1 in queue:outbound:r1 at t=${v.at} ms`);
    expect(why).toMatch(/latest fault before it: f6: crash container:outbound:r1 at t=110 ms/);
    // the failed step says which condition failed, not "the check did not hold"
    expect(why).toContain('did not hold: violations = 1, expected 0');
    expect(why).not.toContain('the check did not hold');
    // the typed failure heads the section
    expect(dup.report.failure).toMatchObject({ kind: 'violation', property: 'duplicate' });
    expect(why).toContain('<p class="kind" data-kind="violation">violation: duplicate</p>');
  });

  it("a violation's mark says what it repeats and the fault before it", () => {
    const tip = /class="violmark-axis"[^>]*data-tip="([^"]*)"/.exec(dupHtml)![1];
    expect(tip).toMatch(/^VIOLATION duplicate\nrecord 1 in queue:outbound:r1 at t=\d+ ms\nrecord 1: sent to queue:outbound:r1 a second time\n/);
    expect(tip).toMatch(/violating message: the same queue.send again \(first at t=\d+ ms\)\nlatest fault before it: f6: crash container:outbound:r1 at t=110 ms \(\d+ ms earlier\)$/);
  });

  it('marks a lost record where it stopped, naming the component', () => {
    expect(lost.report.stuck).toEqual([expect.objectContaining({ recordId: 3, stuckAt: expect.stringContaining('queue:preprocess-core:r1') })]);
    expect(count(lostHtml, /<path class="stopmark lost" data-record="3"/g)).toBe(1);
    expect(count(lostHtml, /class="stopmark/g)).toBe(1);
    expect(lostHtml).toMatch(/<div class="stoplabel lost" data-t0="\d+" data-record="3"[^>]*>■ lost in queue:preprocess-core:r1<\/div>/);
    expect(lostHtml).toMatch(/1 record lost, never reached the destination: #3 waiting in queue:preprocess-core:r1, not received by container:core:r1 \(since t=\d+ ms; latest fault before it: f1: crash container:core:r1/);
    expect(lostHtml).toContain('<b class="lb">lost</b>');
  });

  it('fits the axis to the activity, and keeps the late failed step as one mark at its end', () => {
    const T = JSON.parse(/<script id="data" type="application\/json">(.*?)<\/script>/.exec(lostHtml)![1]).T as number;
    expect(lost.report.stats.virtualTimeMs).toBeGreaterThan(14_000);
    expect(T).toBeLessThan(2_000);
    expect(lostHtml).toMatch(/class="stepmark later bad"[^>]*><span>6 → t=\d+<\/span>/);
    expect(lostHtml).toContain(`the run went on, idle, to t=${lost.report.stats.virtualTimeMs} ms`);
  });

  it('draws the system: the components each fault hit, where the lost record stopped, where the violation was seen', () => {
    const node = (html: string, actor: string) => new RegExp(`<g class="mnode [^"]*" data-actor="${actor}"[^>]*>`).exec(html)?.[0] ?? '';
    const map = /<details class="map" id="map" open>.*?<\/details>/s.exec(dupHtml)![0];
    // every component of the topology, once: 5 stages x 2 regions x (queue, container, table) + 2 outbound queues + 5 replicators + 4
    expect((map.match(/<g class="mnode /g) ?? []).length).toBe(5 * 2 * 3 + 2 + 5 + 4);
    expect(node(map, 'table:inbound:r2')).toMatch(/class="mnode table faulted"/);
    expect(node(map, 'table:inbound:r2')).toContain('f3: fail table:inbound region 2');
    expect(node(map, 'table:inbound:r1')).toBe('<g class="mnode table" data-actor="table:inbound:r1">');
    expect(node(map, 'container:outbound:r1')).toMatch(/faulted/);
    expect(node(map, 'queue:outbound:r1')).toMatch(/class="mnode queue violated"[^>]*1 violation, first: duplicate of record 1/);
    expect(node(lostHtml, 'queue:preprocess-core:r1')).toMatch(/class="mnode queue stopped"[^>]*record 3 lost: waiting in queue:preprocess-core:r1/);
  });

  it('names record ids in the trace that are not in the record set', () => {
    const page = renderHtmlReport({ ...dupInput, trace: [...dupInput.trace, { t: 5, from: 'source', to: 'dns:in', type: 'dns.send', recordId: 77 }] });
    expect(page).toContain('1 record id in the trace not in the record set: 77');
  });
});
