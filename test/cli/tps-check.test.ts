import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { main, type Io } from '../../cli/tps';
import { checkScenario } from '../../system/checker/check';
import { machines } from '../../mutants/dns-all-to-region-1';

const repo = resolve(__dirname, '..', '..');

/** A captured Io; `tty` also gives it a terminal-like progress stream. */
function fakeIo(tty = false) {
  const out: string[] = [];
  const err: string[] = [];
  const drawn: string[] = [];
  const progress = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  progress.on('data', (chunk: Buffer) => drawn.push(chunk.toString()));
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTty: tty, progress };
  return { io, out, err, drawn };
}

/** A module whose container never reads its queue: every seed fails (stuck). */
function writeStuckModule(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tps-check-cli-'));
  const file = join(dir, 'stuck.js');
  writeFileSync(
    file,
    `const { containerMachine } = require(${JSON.stringify(join(repo, 'dist', 'index.js'))});
exports.default = { container: containerMachine.provide({ actions: { requestRecord: () => {} } }) };
`,
  );
  return file;
}

// Runs real simulations; a loaded machine can be slow.
jest.setTimeout(60_000);

describe('tps check', () => {
  it('prints a summary and no progress bar without a terminal; exits 0 when every seed passes', async () => {
    const { io, out, err, drawn } = fakeIo(false);
    expect(await main(['check', 'f2-fail-database', '--seeds', '4', '--workers', '2'], io)).toBe(0);
    expect(err).toEqual([]);
    expect(drawn).toEqual([]);
    expect(out).toHaveLength(1);
    const text = out[0];
    expect(text).toMatch(/^Checked f2-fail-database: seeds 1\.\.4, latency uniform 1-10 ms$/m);
    expect(text).toMatch(/^Explored 4 schedules on 2 workers in [\d.]+ m?s: [\d.]+ schedules\/s$/m);
    expect(text).toMatch(/^Messages per run: min \d+, avg [\d.]+, max \d+$/m);
    expect(text).toMatch(/^Virtual time per run \(ms\): min \d+, avg [\d.]+, max \d+$/m);
    expect(text).toMatch(/^Failing seeds: 0 of 4 \(0\.00%\)$/m);
    expect(text).toMatch(/Verdict: PASS$/);
  });

  it('--json prints one object with the documented fields', async () => {
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--from', '7', '--workers', '1', '--json'], io)).toBe(0);
    expect(out).toHaveLength(1);
    const summary = JSON.parse(out[0]);
    const range = { min: expect.any(Number), avg: expect.any(Number), max: expect.any(Number) };
    expect(summary).toEqual(
      expect.objectContaining({
        scenario: 'happy-path',
        from: 7,
        count: 2,
        workers: 1,
        passed: 2,
        failed: 0,
        failingSeeds: [],
        failures: [],
        verdict: 'pass',
        messages: range,
        virtualTimeMs: range,
        wallMs: expect.any(Number),
        schedulesPerSecond: expect.any(Number),
      }),
    );
    expect(summary.results).toBeUndefined();
  });

  it('exits 1 on failing seeds, giving each one a reason and a replay command', async () => {
    const module = writeStuckModule();
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '7', '--workers', '2', '--no-strict', '--no-shrink', '--machines', module], io)).toBe(1);
    const text = out[0];
    expect(text).toMatch(/^Failing seeds: 7 of 7 \(100\.00%\)$/m);
    expect(text).toMatch(/^ {2}seed 1: step \d+ failed: the system went quiescent while waiting for: .*; record 1 stuck: waiting in queue:inbound:r1/m);
    expect(text).toContain(`    replay: tps run happy-path --seed 1 --trace happy-path-1.jsonl --no-strict --machines ${module}`);
    expect(text.match(/replay:/g)).toHaveLength(5);
    expect(text).toMatch(/^ {2}and 2 more: 6, 7$/m);
    expect(text).toMatch(/Verdict: FAIL$/);
  });

  it('draws a progress bar on a terminal', async () => {
    const { io, out, drawn } = fakeIo(true);
    expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1'], io)).toBe(0);
    expect(drawn.join('')).toMatch(/2\/2 seeds \| 0 failing \| [\d.]+ schedules\/s/);
    expect(out[0]).toMatch(/Verdict: PASS$/);
  });

  const badModule = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tps-check-cli-')), 'bad.js');
    writeFileSync(file, `exports.machines = { container: { config: {} }, cantainer: {} };\n`);
    return file;
  };

  it.each([
    [['check', 'nope', '--seeds', '3'], /scenario: unknown scenario 'nope'; known: happy-path, f1-fail-container, f2-fail-database/],
    [['check', 'happy-path'], /Invalid --seeds: required/],
    [['check', 'happy-path', '--seeds', '0'], /Invalid --seeds: '0' must be 1 or more/],
    [['check', 'happy-path', '--seeds', 'abc'], /Invalid --seeds: 'abc' must be a number/],
    [['check', 'happy-path', '--seeds', '2.5'], /Invalid --seeds: '2.5' must be a whole number/],
    [['check', 'happy-path', '--seeds', '3', '--workers', '0'], /Invalid --workers: '0' must be 1 or more/],
    [['check', 'happy-path', '--seeds', '3', '--from=-1'], /Invalid --from: '-1' must be 0 or more/],
    [['check', 'happy-path', '--seeds', '3', '--from', '4294967295'], /the last seed, --from \+ --seeds - 1, must be below 2\^32/],
    [['check', 'happy-path', '--seeds', '3', '--latency', 'fast'], /--latency must be uniform, skewed or heavy-tail/],
    [['check', 'happy-path', '--seeds', '3', '--factor', '0'], /--factor must be above 0/],
    [['check', 'happy-path', '--seeds', '3', '--topology', '/no/such.json'], /Invalid --topology: no file '\/no\/such.json'/],
    [['check', 'happy-path', '--seeds', '3', '--machines', '/no/such.js'], /Invalid --machines: no file '\/no\/such.js'/],
    [['check', 'happy-path', '--seeds', '3', '--bogus'], /Unknown option '--bogus'/],
    [['check', '--seeds', '3'], /exactly one scenario: a name \(tps list\) or --scenario-file FILE/],
  ])('bad input %j exits 2 with a clear message and runs nothing', async (argv, message) => {
    const { io, out, err, drawn } = fakeIo(true);
    expect(await main(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
    expect(drawn).toEqual([]);
  });

  it('names what is wrong with a --machines module, for check and run', async () => {
    const file = badModule();
    for (const command of [['check', 'happy-path', '--seeds', '1'], ['run', 'happy-path']]) {
      const { io, out, err } = fakeIo();
      expect(await main([...command, '--machines', file], io)).toBe(2);
      expect(err.join('\n')).toMatch(/Invalid --machines: '.*bad\.js': 'container' is not an XState machine \(made with setup.*?; '.*bad\.js': unknown component kind 'cantainer'/);
      expect(out).toEqual([]);
    }
  });

  it('validates a --topology file before running', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tps-check-cli-')), 'one-region.json');
    writeFileSync(file, JSON.stringify({ regions: [{ region: 1 }], stages: ['inbound'] }));
    const { io, err } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--topology', file], io)).toBe(2);
    expect(err.join('\n')).toMatch(/topology: regions: an active-active system needs at least two regions/);
  });
});

describe('the tps binary', () => {
  it('writes a --json report longer than a pipe holds (64 KiB) whole before it exits, to a slow reader', () => {
    const cli = join(repo, 'dist', 'cli', 'tps.js');
    const args = [process.execPath, cli, 'check', 'happy-path', '--seeds', '400', '--json', '--no-shrink', '--machines', writeStuckModule()];
    const command = args.map((a) => `'${a}'`).join(' ');
    // The reader starts late, as a busy consumer would: the pipe fills and the writer must wait for it.
    const child = spawnSync('sh', ['-c', `{ ${command}; echo "exit $?" >&2; } | { sleep 1; cat; }`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(child.stderr.trim().split('\n').pop()).toBe('exit 1');
    expect(child.stdout.length).toBeGreaterThan(64 * 1024);
    const report = JSON.parse(child.stdout);
    expect(report.failed).toBe(400);
    expect(report.failures).toHaveLength(400);
  });
});

describe('tps check --max-failures', () => {
  const dnsBug = join(repo, 'dist', 'mutants', 'dns-all-to-region-1.js');

  it('stops the workers once N seeds have failed and reports the time to the first failure (exit 1)', async () => {
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '400', '--workers', '2', '--machines', dnsBug, '--max-failures', '3', '--no-shrink', '--json'], io)).toBe(1);
    const r = JSON.parse(out[0]);
    expect(r.stoppedAtMaxFailures).toBe(true);
    expect(r.maxFailures).toBe(3);
    expect(r.failed).toBeGreaterThanOrEqual(3);
    // every seed fails: the check stops long before 400
    expect(r.completed).toBeLessThan(40);
    expect(r.interrupted).toBe(true);
    expect(r.firstFailureMs).toBeGreaterThan(0);
    expect(r.firstFailureMs).toBeLessThanOrEqual(r.wallMs);
    expect(r.failingSeeds).toContain(r.firstFailureSeed);
  });

  it('prints the first failure and the stop in the text summary', async () => {
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '50', '--workers', '1', '--machines', dnsBug, '--max-failures', '1', '--no-shrink'], io)).toBe(1);
    expect(out[0]).toMatch(/^First failure: seed 1 after \d+ m?s$/m);
    expect(out[0]).toMatch(/^Stopped at --max-failures 1: \d+ of 50 seeds completed; the figures cover those$/m);
    expect(out[0]).toMatch(/Verdict: FAIL$/);
  });

  it('in-process: stops after exactly N failures, in seed order', async () => {
    const r = await checkScenario({ scenario: 'happy-path', count: 30, workers: 0, machines, maxFailures: 2 });
    expect(r.completed).toBe(2);
    expect(r.failingSeeds).toEqual([1, 2]);
    expect(r.stoppedAtMaxFailures).toBe(true);
    expect(r.firstFailureSeed).toBe(1);
    const fine = await checkScenario({ scenario: 'happy-path', count: 3, workers: 0, maxFailures: 1 });
    expect(fine.stoppedAtMaxFailures).toBe(false);
    expect(fine.completed).toBe(3);
    expect(fine.firstFailureMs).toBeUndefined();
  });
});
