import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freeShrinkFile } from '../../cli/shrink';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';

const repo = resolve(__dirname, '..', '..');
/** chaos seed 79's drawn plan, saved */
const chaos79 = join(repo, 'test', 'fixtures', 'chaos-seed-79.json');


/** A container that forgets a send left in doubt by a crash (chaos seed 79 kills it). */
function noInDoubtGuardModule(dir: string): string {
  const file = join(dir, 'no-in-doubt-guard.js');
  writeFileSync(
    file,
    `const { containerMachine } = require(${JSON.stringify(join(repo, 'dist', 'index.js'))});
exports.machines = { container: containerMachine.provide({ guards: { isCurrentAndInDoubt: () => false } }) };
`,
  );
  return file;
}

jest.setTimeout(120_000);

describe('shrinking from the command line', () => {
  it('tps run --shrink saves the minimal plan, reports sizes in --json, and the replay command fails the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-shrink-cli-'));
    const module = noInDoubtGuardModule(dir);
    const out = join(dir, 'min.json');
    const { io, out: lines } = fakeIo();
    expect(await main(['run', '--scenario-file', chaos79, '--seed', '79', '--machines', module, '--shrink', '--shrink-out', out, '--json'], io)).toBe(1);
    const report = JSON.parse(lines[0]);
    expect(report.shrunk).toEqual(
      expect.objectContaining({
        file: out,
        replay: `tps run --scenario-file ${out} --seed 79 --machines ${module}`,
        signature: 'violation duplicate',
        replayed: true,
        complete: true,
        runs: expect.any(Number),
        ms: expect.any(Number),
      }),
    );
    expect(report.shrunk.before).toEqual({ faults: 6, records: 30, messages: report.stats.messages });
    expect(report.shrunk.after.faults).toBeLessThanOrEqual(2);
    expect(report.shrunk.after.records).toBeLessThan(30);
    const saved = JSON.parse(readFileSync(out, 'utf8'));
    expect(saved.seed).toBe(79);
    expect(saved.faults.every((f: { kind: string }) => f.kind === 'container-fail')).toBe(true);

    // The printed replay command, run: the same failure.
    const replay = fakeIo();
    expect(await main(['run', '--scenario-file', out, '--seed', '79', '--machines', module, '--json'], replay.io)).toBe(1);
    expect(JSON.parse(replay.out[0]).violations[0].kind).toBe('duplicate');
  });

  it('tps check shrinks the first failing seed and prints coverage; --no-shrink does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-shrink-cli-'));
    const module = noInDoubtGuardModule(dir);
    const out = join(dir, 'min.json');
    const coverage = join(dir, 'coverage.json');
    const { io, out: lines } = fakeIo();
    const argv = ['check', '--scenario-file', chaos79, '--from', '78', '--seeds', '2', '--workers', '1', '--machines', module, '--shrink-out', out, '--coverage', coverage];
    expect(await main(argv, io)).toBe(1);
    const text = lines[0];
    expect(text).toMatch(/^Shrunk seed 79 \(fails with: violation duplicate\) in \d+ runs, [\d.]+ s:$/m);
    expect(text).toMatch(/^ {2}before: 6 faults, 30 records, \d+ messages$/m);
    expect(text).toMatch(/^ {2}fault f\d+: crash container:/m);
    expect(text).toContain(`  replay: tps run --scenario-file ${out} --seed 79 --machines ${module}`);
    expect(text).toMatch(/^Coverage over 2 runs/m);
    expect(text).toMatch(/^ {2}container +states \d+\/8 +transitions \d+\/23$/m);
    expect(text).toMatch(/Verdict: FAIL$/);
    expect(existsSync(out)).toBe(true);
    const table = JSON.parse(readFileSync(coverage, 'utf8'));
    expect(table.runs).toBe(2);
    const container = table.kinds.find((k: { kind: string }) => k.kind === 'container');
    expect(container.transitions.length).toBe(23);
    expect(container.neverTaken.transitions.length).toBe(container.transitions.filter((t: { count: number }) => t.count === 0).length);

    const quiet = fakeIo();
    expect(await main([...argv.slice(0, -4), '--no-shrink', '--json'], quiet.io)).toBe(1);
    const summary = JSON.parse(quiet.out[0]);
    expect(summary.shrunk).toBeUndefined();
    expect(summary.coverage.kinds).toHaveLength(11);
  });

  it('tps run --shrink exits 3 when a candidate run crashes, saving the crashing candidate and the smallest plan so far', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-shrink-cli-'));
    // The same container, but a guard throws once the calls pass a limit the test sets (runs are deterministic).
    const module = join(dir, 'crashes-in-candidates.js');
    writeFileSync(
      module,
      `const { containerMachine } = require(${JSON.stringify(join(repo, 'dist', 'index.js'))});
const isCurrent = containerMachine.implementations.guards.isCurrent;
const counter = (globalThis.__tpsShrinkCrash ??= { calls: 0, limit: Infinity });
exports.machines = { container: containerMachine.provide({ guards: {
  isCurrentAndInDoubt: () => false,
  isCurrent: (args, params) => { if (++counter.calls > counter.limit) throw new Error('planted crash in a candidate'); return isCurrent(args, params); },
} }) };
`,
    );
    const argv = ['run', '--scenario-file', chaos79, '--seed', '79', '--machines', module];
    expect(await main([...argv, '--json'], fakeIo().io)).toBe(1);
    const counter = (globalThis as unknown as { __tpsShrinkCrash: { calls: number; limit: number } }).__tpsShrinkCrash;
    counter.limit = counter.calls * 2; // the run and its shrink's first run (the same plan) stay within it
    counter.calls = 0;
    const out = join(dir, 'min.json');
    const { io, err } = fakeIo();
    expect(await main([...argv, '--shrink', '--shrink-out', out], io)).toBe(3);
    expect(err.join('\n')).toMatch(/internal error: .*a candidate plan crashed the run \(.*planted crash in a candidate\); the candidate is saved to .*min-crash\.json/);
    expect(existsSync(out)).toBe(true);
  });

  it('names a new default file, never overwriting one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-shrink-cli-'));
    const first = freeShrinkFile('chaos', 79, dir);
    expect(first).toMatch(/chaos-seed-79-min\.json$/);
    writeFileSync(resolve(first), '{}');
    const second = freeShrinkFile('chaos', 79, dir);
    expect(second).toMatch(/chaos-seed-79-min-2\.json$/);
    writeFileSync(resolve(second), '{}');
    expect(freeShrinkFile('chaos', 79, dir)).toMatch(/chaos-seed-79-min-3\.json$/);
  });

  it.each([
    [['run', 'chaos', '--shrink', '--shrink-time', '0'], /Invalid --shrink-time: '0' must be 1 or more/],
    [['check', 'chaos', '--seeds', '1', '--shrink-time', 'x'], /Invalid --shrink-time: 'x' must be a number/],
    [['check', 'chaos', '--seeds', '1', '--shrink-out', '/no/such/dir/min.json'], /Invalid --shrink-out: directory '\/no\/such\/dir' does not exist/],
    [['check', 'chaos', '--seeds', '1', '--coverage', '/no/such/dir/c.json'], /Invalid --coverage: directory '\/no\/such\/dir' does not exist/],
  ])('bad input %j exits 2 before anything runs', async (argv, message) => {
    const { io, out, err } = fakeIo();
    expect(await main(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });
});
