import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/tps';
import { InputError } from '../../machines/support';
import { checkScenario } from '../../system/checker/check';
import { runScenario } from '../../system/run-scenario';
import { builtInScenarios, scenarioFileSchema, scenarios } from '../../system/scenarios';
import { happyPathSteps } from '../../system/scenarios/happy-path';
import { control } from '../../system/scenarios/steps';
import { simulate } from '../../system/simulation';
import { defaultTopologyFor } from '../../machines/topology';
import { fakeIo } from '../support/fake-io';


const dir = mkdtempSync(join(tmpdir(), 'tps-scenario-files-'));
const write = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** A user's own fault sequence: crash the core container of region 2 during batch 2, then recover it. */
const userScenario = {
  name: 'crash-core-r2',
  description: 'crash container:core:r2 while batch 2 is published',
  records: { batches: 2, size: 6 },
  steps: [
    { name: 'Publish batch 1', publish: [1], waitFor: [{ destinationHolds: { batches: [1] } }] },
    {
      name: 'Crash the core container of region 2',
      do: [{ target: 'container:core:r2', verb: 'fail' }],
      expect: [{ state: { target: 'container:core:r2', is: 'failedProcessing' } }],
    },
    {
      name: 'Publish batch 2; region 2 waits before core',
      publish: [2],
      waitFor: [{ queueHasSeen: { queue: 'queue:{in:core}:r2', count: { regions: ['same'] } } }],
      expect: [{ queueHolds: { queue: 'queue:{in:core}:r2', records: { batches: [2], regions: ['same'] } } }],
    },
    { name: 'Recover it', do: [{ target: 'container:core:r2', verb: 'recover' }] },
    { name: 'Everything arrives', final: true },
  ],
};

describe('scenario files', () => {
  it('every built-in scenario is a valid scenario file (or, when drawn from the seed, produces one)', () => {
    expect(Object.keys(builtInScenarios)).toEqual([
      'happy-path',
      'f1-fail-container',
      'f2-fail-database',
      'f2-fail-database-global',
      'f3-fail-queue',
      'f4-fail-replication',
      'f5-fail-random',
      'failover',
      'chaos',
      'active-passive',
      'active-passive-f1-fail-container',
      'active-passive-f2-fail-database',
      'active-passive-f3-fail-queue',
      'active-passive-f4-fail-replication',
      'active-passive-f5-fail-random',
      'active-passive-failover',
      'active-passive-failover-replication-down',
      'active-passive-chaos',
    ]);
    for (const s of Object.values(builtInScenarios))
      expect(scenarioFileSchema.safeParse(s.plan(7, defaultTopologyFor(s.design ?? 'active-active'))).success).toBe(true);
  });

  it('a user writes a fault sequence as a file and runs it with tps run, without touching the package', async () => {
    const file = write('user.json', userScenario);
    const { io, out } = fakeIo();
    expect(await main(['run', '--scenario-file', file, '--seed', '3'], io)).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/^Scenario crash-core-r2 \(seed 3/);
    expect(text).toMatch(/did: fail container:core:r2/);
    expect(text).toMatch(/queue:preprocess-core:r2 pending: \[8,10,12\]/);
    expect(text).toMatch(/Records: 12 published, 12 delivered/);
  });

  it('checks a scenario file on worker threads; its replay command works', async () => {
    const file = write('user-check.json', userScenario);
    const onWorkers = await checkScenario({ scenarioFile: file, from: 1, count: 6, workers: 2 });
    const inProcess = await checkScenario({ scenarioFile: file, from: 1, count: 6, workers: 0 });
    expect(onWorkers.verdict).toBe('pass');
    expect(onWorkers.scenario).toBe('crash-core-r2');
    expect(onWorkers.results.map((r) => r.traceDigest)).toEqual(inProcess.results.map((r) => r.traceDigest));
    // A planted bug makes seeds fail; each failure's replay names the file and reproduces the digest.
    const module = join(dir, 'skips-writes.js');
    writeFileSync(
      module,
      `const { containerMachine } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'index.js'))});
exports.machines = { container: containerMachine.provide({ guards: { isCurrentAndForwarded: () => true } }) };`,
    );
    const failing = await checkScenario({ scenarioFile: file, from: 1, count: 2, workers: 2, machinesModule: module });
    expect(failing.failed).toBe(2);
    const failure = failing.failures[0];
    expect(failure.replay).toBe(`tps run --scenario-file ${file} --seed 1 --trace crash-core-r2-1.jsonl --machines ${module}`);
    const argv = failure.replay.split(' ').slice(1);
    argv[argv.indexOf('--trace') + 1] = join(dir, 'replay.jsonl');
    const { io, out } = fakeIo();
    expect(await main([...argv, '--json'], io)).toBe(1);
    expect(JSON.parse(out[0]).traceDigest).toBe(failure.traceDigest);
  });

  it('a typo in a command, state, stage or field: exit 2 before anything runs, naming the step and field', async () => {
    const cases: [unknown, RegExp][] = [
      [
        { name: 'typo', steps: [{ name: 'boom', do: [{ target: 'container:nope:r9', verb: 'explode' }] }, { name: 'end', final: true }] },
        /steps\[0\] \(step 1\)\.do\[0\]\.target: no component 'container:nope:r9'; this scenario needs a stage 'nope'/,
      ],
      [
        { name: 'typo', steps: [{ name: 'boom', do: [{ target: 'container:core:r1', verb: 'explode' }] }] },
        /steps\[0\] \(step 1\)\.do\[0\]: container 'container:core:r1' has no verb 'explode'; it accepts: fail, recover/,
      ],
      [
        { name: 'typo', steps: [{ name: 'w', waitFor: [{ state: { target: 'container:core:r1', is: 'sleeping' } }] }] },
        /waitFor\[0\]\.state\.is: 'container:core:r1' has no state 'sleeping'; its states are processRecords/,
      ],
      [
        { name: 'typo', steps: [{ name: 'w', do: [{ target: 'table:core', verb: 'fail', args: { region: 7 } }] }] },
        /args\.region: no region 7; regions are 1, 2/,
      ],
      [{ name: 'typo', steps: [{ name: 'p', publish: [4] }] }, /steps\[0\] \(step 1\)\.publish: no batch 4; the record set has 3/],
      [{ name: 'typo', steps: [{ name: 'p', publsh: [1] }] }, /steps\.0: unknown key 'publsh'; known: step, name, do, publish/],
      [{ name: 'typo', stpes: [] }, /stpes/],
      [
        { name: 'typo', faults: [{ id: 'a', kind: 'queue-fail', target: 'container:core:r1', trigger: { at: 1 }, duration: 5 }], steps: [{ name: 'x', final: true }] },
        /faults\[0\] \(a\)\.target: queue-fail needs a queue \('container:core:r1' is a container\)/,
      ],
      ['{ not json', /is not JSON/],
    ];
    for (const [content, message] of cases) {
      const file = write('bad.json', content);
      const trace = join(dir, 'never.jsonl');
      const { io, out, err } = fakeIo();
      expect(await main(['run', '--scenario-file', file, '--trace', trace], io)).toBe(2);
      expect(err.join('\n')).toMatch(message);
      expect(out).toEqual([]);
      expect(existsSync(trace)).toBe(false);
    }
    // check refuses it before any worker starts
    const file = write('bad-check.json', cases[0][0]);
    const { io, err } = fakeIo();
    expect(await main(['check', '--scenario-file', file, '--seeds', '5'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/no component 'container:nope:r9'/);
  });

  it('a scenario that needs a stage or region the topology lacks is refused, naming what it needs', async () => {
    const topology = write('abc.json', { regions: [{ region: 1, weight: 1 }, { region: 2, weight: 1 }], stages: ['a', 'b', 'c'] });
    const { io, err } = fakeIo();
    expect(await main(['run', 'f2-fail-database', '--topology', topology], io)).toBe(2);
    expect(err.join('\n')).toMatch(/this scenario needs a stage 'preprocess'; the topology's stages are a, b, c/);
    const noRegion1 = write('r23.json', { regions: [{ region: 2, weight: 1 }, { region: 3, weight: 1 }], stages: ['inbound', 'preprocess', 'core'] });
    const second = fakeIo();
    expect(await main(['check', 'failover', '--seeds', '3', '--topology', noRegion1], second.io)).toBe(2);
    expect(second.err.join('\n')).toMatch(/no region 1; regions are 2, 3/);
    const third = fakeIo();
    expect(await main(['run', 'f5-fail-random', '--topology', noRegion1], third.io)).toBe(2);
    expect(third.err.join('\n')).toMatch(/fails components of region 1; the topology's regions are 2, 3/);
  });

  it('a typo in a command of a scenario written in code is refused at run time: the step fails, naming it', () => {
    const result = simulate(
      (layout, batches) => [
        { step: '0', name: 'A command with a typo', commands: [control('container:nope:r9', 'explode')] },
        ...happyPathSteps(layout, batches),
      ],
      { seed: 1 },
    );
    expect(result.verdict).toBe('fail');
    expect(result.steps[0]).toEqual(
      expect.objectContaining({ step: '0', ok: false, detail: expect.stringMatching(/^command rejected: explode container:nope:r9: unknown component 'container:nope:r9'/) }),
    );
    expect(result.steps).toHaveLength(1);
  });

  it('a failed expectation names what it observed, not just "the check did not hold"', () => {
    const { report } = runScenario({
      scenarioData: {
        name: 'expects-a-crash',
        records: { batches: 1, size: 4 },
        steps: [
          { step: '1', name: 'Publish and expect core r1 crashed', publish: [1], expect: [{ state: { target: 'container:core:r1', is: 'failedProcessing' } }] },
          { step: '2', name: 'All delivered', final: true },
        ],
      },
    });
    expect(report.steps[0]).toMatchObject({ ok: false, detail: expect.stringMatching(/^did not hold: container:core:r1 = "processRecords\./) });
    expect(report.steps).toHaveLength(1);
  });

  it('a failed step names only the waits still open', () => {
    const result = simulate(
      (layout, batches) => [
        {
          step: '1',
          name: 'Wait for something that comes and something that never does',
          publish: [1],
          waits: [
            { kind: 'state', target: 'container:core:r1', state: 'processRecords', describe: 'core r1 processing' },
            { kind: 'state', target: 'container:core:r1', state: 'failedProcessing', describe: 'core r1 crashed' },
          ],
        },
        ...happyPathSteps(layout, batches),
      ],
      { seed: 1 },
    );
    expect(result.steps[0].ok).toBe(false);
    expect(result.steps[0].detail).toBe('the system went quiescent while waiting for: core r1 crashed');
  });

  it('--save-plan writes the drawn plan as a scenario file that replays with the same trace digest', async () => {
    const plan = join(dir, 'chaos-12.json');
    const first = fakeIo();
    expect(await main(['run', 'chaos', '--seed', '12', '--save-plan', plan, '--json'], first.io)).toBe(0);
    const ran = JSON.parse(first.out[0]);
    const saved = JSON.parse(readFileSync(plan, 'utf8'));
    expect(saved).toEqual(expect.objectContaining({ name: 'chaos-seed-12', seed: 12, faults: expect.any(Array) }));
    expect(saved.faults.length).toBeGreaterThan(0);
    const second = fakeIo();
    expect(await main(['run', '--scenario-file', plan, '--json'], second.io)).toBe(0);
    const replayed = JSON.parse(second.out[0]);
    expect(replayed.traceDigest).toBe(ran.traceDigest);
    expect(replayed.faults).toEqual(ran.faults);
    // saving over an input of the same command is refused
    const third = fakeIo();
    expect(await main(['run', '--scenario-file', plan, '--save-plan', plan], third.io)).toBe(2);
    expect(third.err.join('\n')).toMatch(/--save-plan/);
  });

  it('the API takes a scenario file by path or as data, and refuses bad data naming the field', () => {
    const file = write('api.json', userScenario);
    const byPath = runScenario({ scenarioFile: file, seed: 2 }).report;
    const byData = runScenario({ scenarioData: userScenario, seed: 2 }).report;
    expect(byPath.verdict).toBe('pass');
    expect(byData.traceDigest).toBe(byPath.traceDigest);
    expect(() => runScenario({ scenarioData: { ...userScenario, records: { batches: 0, size: 1 } } })).toThrow(/records\.batches/);
    expect(() => runScenario({ scenario: 'happy-path', scenarioFile: file })).toThrow(InputError);
  });

  it('a code scenario added to `scenarios` is checked in-process (workers cannot receive code) and says how to replay it', async () => {
    scenarios['my-code-scenario'] = { name: 'my-code-scenario', description: 'happy path in code', steps: happyPathSteps };
    try {
      const report = await checkScenario({ scenario: 'my-code-scenario', count: 3, workers: 2 });
      expect(report.workers).toBe(0);
      expect(report.verdict).toBe('pass');
      const { io } = fakeIo();
      expect(await main(['run', 'my-code-scenario', '--seed', '2'], io)).toBe(0);
    } finally {
      delete scenarios['my-code-scenario'];
    }
  });
});
