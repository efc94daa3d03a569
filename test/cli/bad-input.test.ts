import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../cli/tps';
import { InputError } from '../../machines/support';
import { containerMachine } from '../../machines/container.machine';
import { checkScenario } from '../../system/checker/check';
import { runScenario } from '../../system/run-scenario';
import { fakeIo } from '../support/fake-io';
import { waitUntil, within } from '../support/wait';

/**
 * Bad input at every boundary: each case must exit 2 (the API: reject with an
 * InputError), name the field at fault, print nothing on stdout, and leave
 * every file in its directory as it was (no output created or changed).
 */

const repo = resolve(__dirname, '..', '..');
const tps = join(repo, 'dist', 'cli', 'tps.js');
const xstate = require.resolve('xstate');
const dir = mkdtempSync(join(tmpdir(), 'tps-bad-input-'));
const at = (name: string) => join(dir, name);
const write = (name: string, text: string) => (writeFileSync(at(name), text), at(name));
const json = (name: string, value: unknown) => write(name, JSON.stringify(value));
const regions = (n: number, from = 1) => Array.from({ length: n }, (_, i) => ({ region: from + i }));

// Inputs shared by the cases; every one exists before any case runs.
const f = {
  existing: write('existing.jsonl', 'keep me\n'),
  topoNull: write('null.json', 'null'),
  topoList: write('list.json', '[]'),
  topoString: write('string.json', '"two regions"'),
  topoNotJson: write('not-json.json', '{ regions: '),
  topoTopKey: json('top-key.json', { regions: regions(2), stages: ['a'], zones: 3 }),
  topoRegionKey: json('region-key.json', { regions: [{ region: 1, weight: 1, zone: 'x' }, { region: 2 }], stages: ['a'] }),
  topoOne: json('one.json', { regions: regions(1), stages: ['a'] }),
  topo17: json('seventeen.json', { regions: regions(17), stages: ['a'] }),
  topo32: json('thirty-two.json', { regions: regions(32), stages: ['a'] }),
  topoRegion0: json('region0.json', { regions: [{ region: 0 }, { region: 2 }], stages: ['a'] }),
  topoRegion1000: json('region1000.json', { regions: [{ region: 1 }, { region: 1000 }], stages: ['a'] }),
  topoRegionHuge: json('region-huge.json', { regions: [{ region: 1 }, { region: 1e15 }], stages: ['a'] }),
  topoWeightHuge: json('weight-huge.json', { regions: [{ region: 1, weight: 1e308 }, { region: 2, weight: 1e308 }], stages: ['a'] }),
  topoWeightFraction: json('weight-fraction.json', { regions: [{ region: 1, weight: 1.5 }, { region: 2 }], stages: ['a'] }),
  topoWeightNegative: json('weight-negative.json', { regions: [{ region: 1, weight: -1 }, { region: 2 }], stages: ['a'] }),
  topoWeightsZero: json('weights-zero.json', { regions: [{ region: 1, weight: 0 }, { region: 2, weight: 0 }], stages: ['a'] }),
  topoDupRegions: json('dup-regions.json', { regions: [{ region: 1 }, { region: 1 }], stages: ['a'] }),
  topo33Stages: json('stages33.json', { regions: regions(2), stages: Array.from({ length: 33 }, (_, i) => `s${i}`) }),
  topoLongStage: json('long-stage.json', { regions: regions(2), stages: ['a'.repeat(41)] }),
  topoBadStage: json('bad-stage.json', { regions: regions(2), stages: ['Pre Process'] }),
  topoDupStages: json('dup-stages.json', { regions: regions(2), stages: ['a', 'a'] }),
  topoBig: write('big.json', JSON.stringify({ regions: regions(2), stages: ['a'], pad: ' '.repeat(1024 * 1024) })),
  topoNoPreprocess: json('no-preprocess.json', { regions: regions(2), stages: ['inbound', 'core', 'outbound'] }),
  topoGood: json('good.json', { regions: regions(2), stages: ['inbound', 'core', 'outbound'] }),
  machSyntax: write('syntax.js', 'exports.machines = {'),
  machNoExport: write('no-export.js', 'exports.other = 1;'),
  machUnknownKind: write('unknown-kind.js', `exports.machines = { cantainer: {} };`),
  machFakeProvide: write('fake-provide.js', `exports.machines = { queue: { provide() { return this; } } };`),
  machEmpty: write('empty.js', `exports.machines = {};`),
  machWrongSlot: write('wrong-slot.js', `exports.machines = { table: require(${JSON.stringify(join(repo, 'dist', 'index.js'))}).containerMachine };`),
  scenNotJson: write('scen-not-json.json', 'not json'),
  scenTopKey: json('scen-top-key.json', { name: 'x', steps: [{ name: 'go', final: true }], stepz: [] }),
  scenStepKey: json('scen-step-key.json', { name: 'x', steps: [{ name: 'go', final: true, wait: 5 }] }),
  scenTarget: json('scen-target.json', { name: 'x', steps: [{ name: 'fail', do: [{ target: 'container:nowhere:r1', verb: 'fail' }] }, { name: 'end', final: true }] }),
  scenTopologyNull: json('scen-topology-null.json', { name: 'x', topology: null, steps: [{ name: 'go', final: true }] }),
  scenGood: json('scen-good.json', { name: 'x', steps: [{ name: 'go', publish: [1] }, { name: 'end', final: true }] }),
  subdir: (mkdirSync(at('a-directory')), at('a-directory')),
};

type Snapshot = Map<string, string>;
function snapshot(): Snapshot {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(p, `${statSync(p).mtimeMs}:${readFileSync(p).length}:${readFileSync(p, 'utf8').slice(0, 64)}`);
    }
  };
  walk(dir);
  return files;
}


// [argv, what the message must name]
const cliCases: [string[], RegExp][] = [
  // arguments and flags
  [['run'], /exactly one scenario/],
  [['run', 'no-such-scenario'], /scenario: .*no-such-scenario|unknown scenario/i],
  [['run', 'happy-path', 'extra'], /exactly one scenario/],
  [['run', 'happy-path', '--seed', '0x10'], /--seed: '0x10'/],
  [['run', 'happy-path', '--seed', '0b101'], /--seed: '0b101'/],
  [['run', 'happy-path', '--seed', '1e3'], /--seed: '1e3'/],
  [['run', 'happy-path', '--seed', ' 7'], /--seed: ' 7'/],
  [['run', 'happy-path', '--seed', ''], /--seed: ''/],
  [['run', 'happy-path', '--seed', '4294967296'], /--seed: .*below 2\^32/],
  [['run', 'happy-path', '--latency', 'fast'], /--latency must be uniform, skewed or heavy-tail/],
  [['run', 'happy-path', '--slow', 'r1'], /--slow: only the skewed latency model/],
  [['run', 'happy-path', '--factor', '20'], /--factor: only the skewed latency model/],
  [['run', 'happy-path', '--latency', 'skewed', '--slow', 'r9'], /slow: 'r9' matches nothing/],
  [['run', 'happy-path', '--latency', 'skewed', '--slow', 'nothing:here'], /slow: 'nothing:here' matches nothing/],
  [['run', 'happy-path', '--latency', 'skewed', '--factor', '1e300'], /--factor must be a plain number/],
  [['run', 'happy-path', '--latency', 'skewed', '--factor', '1001'], /--factor must be 1000 or less/],
  [['run', 'happy-path', '--latency', 'skewed', '--factor', '0'], /--factor must be above 0/],
  [['run', 'happy-path', '--latency', 'skewed', '--factor', '0x10'], /--factor must be a plain number/],
  [['run', 'happy-path', '--bogus'], /Unknown option '--bogus'/],
  [['run', 'happy-path', '--max-messages', '1e3'], /--max-messages: '1e3'/],
  [['check', 'happy-path', '--seeds', '2', '--max-virtual-ms', '0'], /--max-virtual-ms: '0' must be 1 or more/],
  [['run', 'happy-path', '--latency', 'heavy-tail', '--slow', 'r1'], /--slow: only the skewed/],
  [['list', 'extra'], /Unexpected argument 'extra'/],
  [['list', '--json'], /Unknown option '--json'/],
  [['lsit'], /unknown command 'lsit'/],
  [['check', 'happy-path'], /--seeds: required/],
  [['check', 'happy-path', '--seeds', '0'], /--seeds: '0' must be 1 or more/],
  [['check', 'happy-path', '--seeds', '0x10'], /--seeds: '0x10'/],
  [['check', 'happy-path', '--seeds', '2', '--workers', '0'], /--workers: '0' must be 1 or more/],
  [['check', 'happy-path', '--seeds', '2', '--workers', '1024'], /--workers: '1024' is too many: at most \d+ here \(2 per core/],
  [['check', 'happy-path', '--seeds', '2', '--seed-timeout', '0'], /--seed-timeout: '0' must be 1 or more/],
  [['check', 'happy-path', '--seeds', '2', '--seed-timeout', 'soon'], /--seed-timeout: 'soon'/],
  [['check', 'happy-path', '--seeds', '2', '--max-failures', '0'], /--max-failures: '0' must be 1 or more/],
  [['check', 'happy-path', '--seeds', '2', '--max-failures', 'few'], /--max-failures: 'few'/],
  [['check', 'happy-path', '--seeds', '3', '--from', '4294967295'], /--seeds: the last seed/],
  [['check', 'happy-path', '--seeds', '2', '--slow', 'r2'], /--slow: only the skewed/],
  [['inspect', 'happy-path', '--port', '0x50'], /--port must be a number/],
  [['inspect', 'happy-path', '--seed', '1e3'], /--seed must be a number/],
  [['inspect', 'happy-path', 'f2-fail-database'], /exactly one scenario/],
  // output files
  [['run', 'happy-path', '--trace', f.existing], /--trace: .*exists; refusing to overwrite it \(give --force/],
  [['run', 'happy-path', '--html', f.existing], /--html: .*exists; refusing/],
  [['check', 'happy-path', '--seeds', '1', '--html', at('no-dir/x.html')], /--html: directory .* does not exist/],
  [['check', 'happy-path', '--seeds', '1', '--coverage', at('no-dir/c.json')], /--coverage: directory .* does not exist/],
  [['check', 'happy-path', '--seeds', '1', '--html', at('same2.out'), '--coverage', at('same2.out')], /also given as --(html|coverage)/],
  [['run', 'happy-path', '--trace', at('missing-dir/t.jsonl')], /--trace: directory .* does not exist/],
  [['run', 'happy-path', '--trace', f.topoGood, '--topology', f.topoGood, '--force'], /--trace: .*also given as --topology/],
  [['run', 'happy-path', '--trace', at('same.out'), '--html', at('same.out')], /--trace: .*also given as --html/],
  [['run', '--scenario-file', f.scenGood, '--save-plan', f.scenGood, '--force'], /--save-plan: .*also given as --scenario-file/],
  [['run', 'happy-path', '--trace', f.subdir], /--trace: .*is a directory/],
  [['run', 'happy-path', '--trace', ''], /--trace: needs a file name/],
  // topology files
  [['run', 'happy-path', '--topology', ''], /--topology: needs a file name/],
  [['run', 'happy-path', '--topology', at('missing.json')], /--topology: no file/],
  [['run', 'happy-path', '--topology', f.subdir], /--topology: .*is not a file/],
  [['run', 'happy-path', '--topology', f.topoNull], /--topology: .*must hold a JSON object .*not null/],
  [['run', 'happy-path', '--topology', f.topoList], /--topology: .*not a list/],
  [['run', 'happy-path', '--topology', f.topoString], /--topology: .*not string/],
  [['run', 'happy-path', '--topology', f.topoNotJson], /--topology: .*is not JSON/],
  [['run', 'happy-path', '--topology', f.topoTopKey], /unknown key 'zones'; known: design, regions, stages/],
  [['run', 'happy-path', '--topology', f.topoRegionKey], /regions\.0: unknown key 'zone'; known: region, weight/],
  [['run', 'happy-path', '--topology', f.topoOne], /regions: an active-active system needs at least two regions/],
  [['run', 'happy-path', '--topology', f.topo17], /regions: at most 16 regions/],
  [['check', 'happy-path', '--seeds', '1', '--topology', f.topo32], /regions: at most 16 regions/],
  [['run', 'happy-path', '--topology', f.topoRegion0], /regions\.0\.region/],
  [['run', 'happy-path', '--topology', f.topoRegion1000], /regions\.1\.region/],
  [['run', 'happy-path', '--topology', f.topoRegionHuge], /regions\.1\.region/],
  [['run', 'happy-path', '--topology', f.topoWeightHuge], /regions\.0\.weight/],
  [['run', 'happy-path', '--topology', f.topoWeightFraction], /regions\.0\.weight: must be a whole number/],
  [['run', 'happy-path', '--topology', f.topoWeightNegative], /regions\.0\.weight/],
  [['run', 'happy-path', '--topology', f.topoWeightsZero], /regions: at least one region needs a weight above 0/],
  [['run', 'happy-path', '--topology', f.topoDupRegions], /regions: region numbers must be distinct/],
  [['run', 'happy-path', '--topology', f.topo33Stages], /stages: at most 32 stages/],
  [['run', 'happy-path', '--topology', f.topoLongStage], /stages\.0: at most 40 characters/],
  [['run', 'happy-path', '--topology', f.topoBadStage], /stages\.0: use lower-case words/],
  [['run', 'happy-path', '--topology', f.topoDupStages], /stages: stage names must be distinct/],
  [['run', 'happy-path', '--topology', f.topoBig], /--topology: .*larger than 1048576 bytes/],
  [['run', 'f2-fail-database', '--topology', f.topoNoPreprocess], /needs a stage 'preprocess'/],
  [['check', 'f2-fail-database', '--seeds', '2', '--topology', f.topoNoPreprocess], /needs a stage 'preprocess'/],
  [['run', 'happy-path', '--topology', f.topoGood, '--latency', 'skewed', '--slow', 'container:preprocess'], /slow: 'container:preprocess' matches nothing/],
  // machines modules
  [['run', 'happy-path', '--machines', at('missing.js')], /--machines: no file/],
  [['run', 'happy-path', '--machines', f.machSyntax], /--machines: .*could not be loaded/],
  [['run', 'happy-path', '--machines', f.machNoExport], /--machines: .*exports neither 'machines' nor a default/],
  [['run', 'happy-path', '--machines', f.machUnknownKind], /--machines: .*unknown component kind 'cantainer'; known: queue, container/],
  [['run', 'happy-path', '--machines', f.machFakeProvide], /--machines: .*'queue' is not an XState machine/],
  [['check', 'happy-path', '--seeds', '2', '--machines', f.machFakeProvide], /--machines: .*'queue' is not an XState machine/],
  [['run', 'happy-path', '--machines', f.machEmpty], /--machines: .*no machines given/],
  [['run', 'happy-path', '--machines', f.machWrongSlot], /machines: table: the machine cannot be a table/],
  [['check', 'happy-path', '--seeds', '2', '--machines', f.machWrongSlot], /machines: table: the machine cannot be a table/],
  // scenario files
  [['run', '--scenario-file', at('missing-scenario.json')], /scenario file: no file/],
  [['run', '--scenario-file', f.scenNotJson], /scenario file: .*is not JSON/],
  [['run', '--scenario-file', f.scenTopKey], /unknown key 'stepz'; known: \$schema, name/],
  [['run', '--scenario-file', f.scenStepKey], /steps\.0: unknown key 'wait'; known: step, name/],
  [['run', '--scenario-file', f.scenTarget], /container:nowhere:r1/],
  [['check', '--scenario-file', f.scenTarget, '--seeds', '2'], /container:nowhere:r1/],
  [['run', '--scenario-file', f.scenTopologyNull], /topology/],
  [['run', 'happy-path', '--scenario-file', f.scenGood], /exactly one scenario/],
];

// Reads modules, runs nothing; a loaded machine can be slow to require them.
jest.setTimeout(60_000);

describe('bad input: the CLI exits 2, names the field and writes nothing', () => {
  it('has the cases the issue lists and more', () => {
    expect(cliCases.length + apiCases.length).toBeGreaterThanOrEqual(60);
  });
  it.each(cliCases.map(([argv, field]) => [argv.map((a) => a.replace(dir, '<dir>')).join(' '), argv, field] as const))(
    'tps %s',
    async (_label, argv, field) => {
      const before = snapshot();
      const { io, out, err } = fakeIo();
      const code = await main([...argv], io);
      expect({ code, err: err.join('\n') }).toEqual({ code: 2, err: expect.stringMatching(field) });
      expect(out).toEqual([]);
      expect(snapshot()).toEqual(before);
    },
  );
});

// [name, call, what the message must name]
const apiCases: [string, () => unknown, RegExp][] = [
  ['runScenario with a misspelled option', () => runScenario({ scenario: 'happy-path', sed: 5 } as never), /unknown key 'sed'; known: scenario/],
  ['runScenario with a null topology', () => runScenario({ scenario: 'happy-path', topology: null }), /topology/],
  ['runScenario with 32 regions', () => runScenario({ scenario: 'happy-path', topology: { regions: regions(32), stages: ['a'] } }), /regions: at most 16/],
  ['runScenario with a slow target matching nothing', () => runScenario({ scenario: 'happy-path', latency: { model: 'skewed', slow: 'r9' } }), /slow: 'r9'/],
  ['runScenario with a misspelled latency key', () => runScenario({ scenario: 'happy-path', latency: { model: 'skewed', slwo: 'r1' } as never }), /unknown key 'slwo'; known: model, min, max, slow, factor/],
  ['runScenario with a huge factor', () => runScenario({ scenario: 'happy-path', latency: { model: 'skewed', factor: 1e300 } }), /latency\.factor/],
  ['runScenario with slow on the uniform model', () => runScenario({ scenario: 'happy-path', latency: { slow: 'r1' } }), /slow: only the skewed/],
  ['runScenario with a container as the table', () => runScenario({ scenario: 'happy-path', machines: { table: containerMachine } }), /table: the machine cannot be a table/],
  ['checkScenario with seeds instead of count', () => checkScenario({ scenario: 'happy-path', count: 1, seeds: 100 } as never), /unknown key 'seeds'; known: .*count/],
  ['checkScenario with too many workers', () => checkScenario({ scenario: 'happy-path', count: 1, workers: 1000 }), /workers: at most \d+/],
  ['checkScenario with a zero seed time limit', () => checkScenario({ scenario: 'happy-path', count: 1, seedTimeoutMs: 0 }), /seedTimeoutMs/],
  ['checkScenario with maxFailures 0', () => checkScenario({ scenario: 'happy-path', count: 1, maxFailures: 0 }), /maxFailures/],
  ['checkScenario with a null topology', () => checkScenario({ scenario: 'happy-path', count: 1, topology: null }), /topology/],
  ['checkScenario f2 without a preprocess stage', () => checkScenario({ scenario: 'f2-fail-database', count: 1, topologyFile: f.topoNoPreprocess }), /needs a stage 'preprocess'/],
];

describe('bad input: the API rejects with an InputError naming the field', () => {
  it.each(apiCases)('%s', async (_name, call, field) => {
    const before = snapshot();
    let error: unknown;
    try {
      await call();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(field);
    expect(snapshot()).toEqual(before);
  });
});

describe('exit codes past validation', () => {
  it('a seed that hangs is stopped after --seed-timeout and reported with its replay; the rest go on (exit 1)', async () => {
    const loop = write('loop.js', `const { setup } = require(${JSON.stringify(xstate)});
exports.machines = { destination: setup({}).createMachine({ id: 'loop', entry: () => { for (;;) {} } }) };`);
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1', '--seed-timeout', '1', '--machines', loop], io)).toBe(1);
    const text = out.join('\n');
    expect(text).toMatch(/Failing seeds: 2 of 2/);
    expect(text).toMatch(/seed 1: hang: no result within 1 s/);
    expect(text).toMatch(/seed 2: hang/);
    expect(text).toMatch(/replay: tps run happy-path --seed 2 /);
  });

  it('a seed that crashes is counted apart from failing seeds: Crashed seeds, exit 3', async () => {
    const boom = write('boom.js', `const { setup } = require(${JSON.stringify(xstate)});
exports.machines = { destination: setup({}).createMachine({ id: 'boom', entry: () => { throw new Error('boom'); } }) };`);
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1', '--machines', boom], io)).toBe(3);
    expect(out.join('\n')).toMatch(/Failing seeds: 0 of 2[^]*Crashed seeds: 2[^]*seed 1 \(crashed\): threw: boom[^]*Verdict: ERROR/);
  });

  it('a dead worker is an internal error: exit 3, one line; the stack only with --debug', async () => {
    const dies = write('dies.js', `if (!require('node:worker_threads').isMainThread) process.exit(7);
exports.machines = { queue: require(${JSON.stringify(join(repo, 'dist', 'index.js'))}).queueMachine };`);
    for (const debug of [false, true]) {
      const { io, err } = fakeIo();
      expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1', '--machines', dies, ...(debug ? ['--debug'] : [])], io)).toBe(3);
      expect(err.join('\n')).toMatch(/^tps check: internal error: .*a check worker exited with code 7/);
      expect(err.join('\n').includes('\n    at ')).toBe(debug);
    }
  });

  it('per-verb --help prints every flag with its default and exits 0', async () => {
    for (const [verb, flags] of [
      ['run', ['--seed', '--trace', '--html', '--save-plan', '--force', '--topology', '--machines', '--debug']],
      ['check', ['--seeds', '--from', '--workers', '--seed-timeout', '--max-failures', '--json', '--machines']],
      ['inspect', ['--port', '--host', '--speed', '--delay']],
      ['list', []],
    ] as const) {
      const { io, out } = fakeIo();
      expect(await main([verb, '--help'], io)).toBe(0);
      const text = out.join('\n');
      expect(text).toMatch(new RegExp(`Usage: tps ${verb}`));
      expect(text).toMatch(/Example/);
      for (const flag of flags) expect(text).toContain(flag);
      if (verb === 'run' || verb === 'check') expect(text).toMatch(/runs with your\s+privileges/);
    }
  });
});

describe('the real process (child processes)', () => {
  it('a closed stdout (tps list | true) is a clean exit', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(tps)} list | true`], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during tps check stops the workers and prints the partial summary as JSON (exit %d)', async (signal, code) => {
    const mark = at(`started-${signal}`);
    // The same queue machine, from a module that marks when a worker loads it: the run has started.
    const marker = write(`marker-${signal}.js`, `const { isMainThread } = require('node:worker_threads');
if (!isMainThread) require('node:fs').appendFileSync(${JSON.stringify(mark)}, 'worker\\n');
exports.machines = { queue: require(${JSON.stringify(join(repo, 'dist', 'index.js'))}).queueMachine };`);
    const child = spawn(process.execPath, [tps, 'check', 'chaos', '--seeds', '100000', '--workers', '1', '--json', '--machines', marker], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      await waitUntil(`a check worker to load the marker module (${mark})`, () => existsSync(mark), { state: () => stderr });
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    child.kill(signal);
    expect(await within(30_000, `exit of tps check on ${signal}`, exited)).toBe(code);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ scenario: 'chaos', count: 100000, interrupted: true });
    expect(report.completed).toBeLessThan(100000);
    expect(stderr).toBe('');
  });
});
