import { machines as noInDoubtGuard } from '../../mutants/container-no-in-doubt-guard';
import { machines as removesHead } from '../../mutants/queue-removes-head';
import { machines as removesWrongKey } from '../../mutants/container-removes-wrong-key';
import { runSequence } from '../../system/report/explain';
import { orderActors, type SequenceRow } from '../../system/report/sequence';
import { formatSequence } from '../../system/report/sequence-text';
import { sequenceHtml } from '../../system/report/sequence-svg';
import { runScenario } from '../../system/run-scenario';

const kill = (name: string) => `${__dirname}/../fixtures/kills/${name}.json`;
type Message = Extract<SequenceRow, { kind: 'message' }>;

describe('the counterexample as a sequence', () => {
  const dup = runScenario({ scenarioFile: kill('container-no-in-doubt-guard'), machines: noInDoubtGuard, keepTrace: true });
  const dupView = runSequence(dup.report, dup.result)!;
  const lost = runScenario({ scenarioFile: kill('queue-removes-head'), machines: removesHead, keepTrace: true });
  const lostView = runSequence(lost.report, lost.result)!;

  it('links a duplicate send to the first send of the same record, after the crash that caused it', () => {
    const v = dup.report.violations[0];
    expect(dupView.title).toBe(`Property "duplicate" violated by record 1 in queue:outbound:r1 at t=${v.at} ms`);
    const rows = dupView.rows;
    const violating = rows.findIndex((r) => r.kind === 'message' && r.role === 'violating');
    const first = rows.findIndex((r) => r.kind === 'message' && r.role === 'contradicted');
    expect(rows[violating]).toMatchObject({ from: 'container:outbound:r1', to: 'queue:outbound:r1', type: 'queue.send', t: v.at });
    expect(rows[first]).toMatchObject({ from: 'container:outbound:r1', to: 'queue:outbound:r1', type: 'queue.send' });
    expect((rows[first] as Message).t).toBeLessThan(v.at);
    // no other send of record 1 to that queue between them
    expect(rows.slice(first + 1, violating).filter((r) => r.kind === 'message' && r.type === 'queue.send' && r.to === 'queue:outbound:r1')).toEqual([]);
    expect(dupView.link).toEqual({ from: violating, to: first, text: `the same queue.send again (first at t=${(rows[first] as Message).t} ms)` });
    const crash = rows.findIndex((r) => r.kind === 'fault' && r.fault.id === 'f6' && r.edge === 'start');
    expect(rows[crash]).toMatchObject({ actor: 'container:outbound:r1' });
    expect(crash).toBeLessThan(violating);
    // the lanes are the actors of those rows only, in pipeline order
    expect(dupView.actors.length).toBeLessThanOrEqual(12);
    expect(dupView.actors.indexOf('container:outbound:r1')).toBeLessThan(dupView.actors.indexOf('queue:outbound:r1'));
    expect(rows.every((r) => r.kind === 'gap' || dupView.actors.includes(r.kind === 'message' ? r.from : r.actor))).toBe(true);
  });

  it('ends a lost record at the queue it stopped in, linked to where it was last seen', () => {
    const stop = lostView.rows[lostView.rows.length - 1];
    expect(stop).toMatchObject({ kind: 'stop', actor: 'queue:preprocess-core:r1' });
    const seen = lostView.rows[lostView.link!.to] as Message;
    expect(seen.role).toBe('last-seen');
    expect([seen.from, seen.to]).toContain('queue:preprocess-core:r1');
    expect(lostView.rows.some((r) => r.kind === 'fault' && r.fault.id === 'f1' && r.actor === 'container:core:r1')).toBe(true);
  });

  it('prints as text lanes: the duplicate as a double arrow with the violation, the crash as X on its lane', () => {
    const text = formatSequence(dupView);
    expect(text[0]).toBe(`Counterexample: ${dupView.title}`);
    const col = (actor: string) => 9 + dupView.actors.indexOf(actor) * 6 + 2;
    const line = text.find((l) => l.includes('!! duplicate'))!;
    expect(line).toMatch(/^t=\d+ +/);
    expect(line[col('container:outbound:r1')]).toBe('+');
    expect(line.slice(col('container:outbound:r1') + 1, col('queue:outbound:r1') - 1)).toMatch(/^=+$/);
    expect(line).toContain('<- the same queue.send again (first at t=');
    const crash = text.find((l) => l.includes('FAULT f6'))!;
    expect(crash[col('container:outbound:r1')]).toBe('X');
    expect(text.some((l) => l.includes('<- the earlier one'))).toBe(true);
  });

  it('draws the rows as an SVG sequence diagram with the link', () => {
    const html = sequenceHtml(dupView);
    expect((html.match(/<g class="msg violating"/g) ?? []).length).toBe(1);
    expect((html.match(/<g class="msg contradicted"/g) ?? []).length).toBe(1);
    expect(html).toContain('class="seqlink"');
    expect((html.match(/<g class="actor"/g) ?? []).length).toBe(dupView.actors.length);
  });

  it('shows a livelock as its record\'s last messages, up to the end of the budget', () => {
    const loop = runScenario({ scenario: 'happy-path', machines: removesWrongKey, keepTrace: true, maxMessages: 3000 });
    const v = loop.report.violations.find((x) => x.kind === 'no-progress')!;
    const view = runSequence(loop.report, loop.result)!;
    expect(view.title).toContain('Property "no-progress" violated by record');
    const messages = view.rows.filter((r): r is Message => r.kind === 'message');
    expect(messages.length).toBeGreaterThanOrEqual(20);
    expect(messages[messages.length - 1].t).toBeLessThanOrEqual(v.at);
    expect(messages[messages.length - 1].t).toBeGreaterThan(v.at - 200);
    expect(view.link).toBeNull();
    expect(formatSequence(view).length).toBeGreaterThan(20);
  });

  it('orders actors along the pipeline: source side, stage by stage, destination side', () => {
    // two stages: queues inbound, inbound-core, and core (read by the out-DNS)
    const stages = ['inbound', 'core'];
    expect(orderActors(stages, ['destination', 'table:core:r2', 'queue:core:r1', 'container:core:r1', 'dns:out', 'queue:inbound-core:r1', 'source', 'dns:in', 'table:core:replicator'])).toEqual([
      'source',
      'dns:in',
      'queue:inbound-core:r1',
      'container:core:r1',
      'table:core:r2',
      'table:core:replicator',
      'queue:core:r1',
      'dns:out',
      'destination',
    ]);
  });
});
