import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';
import { builtInScenarios } from '../../system/scenarios';


describe('tps run', () => {
  it('prints the narrative and exits 0 on a pass', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'f2-fail-database'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Step 7 .*ok/);
    expect(text).toMatch(/container:preprocess:r1: failedDependency/);
    expect(text).toMatch(/queue:inbound-preprocess:r1 pending: \[11,13,15,17,19\]/);
    expect(text).toMatch(/Records: 30 published, 30 delivered, 0 lost, 0 duplicates; spec cold, 0 violations, 0 unhandled events/);
    expect(text).toMatch(/Verdict: PASS$/);
  });

  it('--json prints one object with the documented fields', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'f2-fail-database-global', '--seed', '9', '--json'], io)).toBe(0);
    expect(out).toHaveLength(1);
    const report = JSON.parse(out[0]);
    expect(report).toEqual(
      expect.objectContaining({
        scenario: 'f2-fail-database-global',
        seed: 9,
        verdict: 'pass',
        records: { published: 30, delivered: 30, duplicates: 0, lost: 0 },
        violations: [],
        unhandledEvents: 0,
        traceDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
        stats: { messages: expect.any(Number), virtualTimeMs: expect.any(Number), wallMs: expect.any(Number) },
      }),
    );
    expect(report.steps.map((s: { step: string; ok: boolean }) => s.ok)).toEqual([true, true, true, true, true, true, true]);
  });

  it('--trace writes one JSON object a line, matching the digest run to run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-'));
    const a = fakeIo();
    const b = fakeIo();
    await main(['run', 'f2-fail-database', '--seed', '3', '--json', '--trace', join(dir, 'a.jsonl')], a.io);
    await main(['run', 'f2-fail-database', '--seed', '3', '--json', '--trace', join(dir, 'b.jsonl')], b.io);
    const ta = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    expect(ta).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8'));
    const lines = ta.trim().split('\n');
    expect(lines.length).toBe(JSON.parse(a.out[0]).stats.messages);
    expect(() => lines.map((l) => JSON.parse(l))).not.toThrow();
  });

  it('lists scenarios', async () => {
    const { io, out } = fakeIo();
    expect(await main(['list'], io)).toBe(0);
    // grouped by design: a heading per design, then its scenarios indented
    const names = out.filter((l) => l.startsWith('  ')).map((l) => l.trim().split(' ')[0]);
    expect([...names].sort()).toEqual(Object.keys(builtInScenarios).sort());
  });

  it.each([
    [['run', 'nope'], /scenario: unknown scenario 'nope'; known: happy-path, f1-fail-container, f2-fail-database/],
    [['run', 'f2-fail-database', '--seed', 'abc'], /Invalid --seed: 'abc' must be a number/],
    [['run', 'f2-fail-database', '--seed=-1'], /Invalid --seed: '-1' must be 0 or more/],
    [['run', 'f2-fail-database', '--seed', '1.5'], /Invalid --seed: '1.5' must be a whole number/],
    [['run', 'f2-fail-database', '--latency', 'fast'], /--latency must be uniform, skewed or heavy-tail/],
    [['run', 'f2-fail-database', '--bogus'], /Unknown option '--bogus'/],
    [['run'], /exactly one scenario: a name \(tps list\) or --scenario-file FILE/],
    [['run', 'f2-fail-database', '--trace', '/no/such/dir/t.jsonl'], /--trace: directory '\/no\/such\/dir' does not exist/],
    [['explode'], /unknown command 'explode'/],
  ])('bad input %j exits 2 with a clear message', async (argv, message) => {
    const { io, out, err } = fakeIo();
    expect(await main(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });

  it('validates a topology file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ regions: [{ region: 1 }], stages: ['inbound'] }));
    const { io, err } = fakeIo();
    expect(await main(['run', 'happy-path', '--topology', bad], io)).toBe(2);
    expect(err.join('\n')).toMatch(/topology: regions: an active-active system needs at least two regions/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ regions: [{ region: 1 }, { region: 2 }], stages: ['inbound', 'core', 'outbound'] }));
    const ok = fakeIo();
    expect(await main(['run', 'happy-path', '--topology', good, '--json'], ok.io)).toBe(0);
  });
});
