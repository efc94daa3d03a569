import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { comparisonRows } from '../../system/checker/compare';

// Needs `npm run build` first: the CLI and its workers run from dist/.
const repo = resolve(__dirname, '..', '..');
const tps = join(repo, 'dist', 'cli', 'tps.js');
const mutant = (name: string) => join(repo, 'dist', 'mutants', `${name}.js`);
const run = (...args: string[]) => spawnSync('node', [tps, 'compare', ...args], { encoding: 'utf8', cwd: repo });

jest.setTimeout(120_000);

const minAvgMax = z.object({ min: z.number(), avg: z.number(), max: z.number() }).strict().nullable();
const designRun = z
  .object({
    verdict: z.enum(['pass', 'fail', 'error', 'hang']),
    failedBy: z.string().optional(),
    reason: z.string().optional(),
    published: z.number().int(),
    delivered: z.number().int(),
    notDelivered: z.number().int(),
    stuck: z.number().int(),
    lost: z.number().int(),
    lostOnFailover: z.number().int(),
    duplicates: z.number().int(),
    outOfOrder: z.number().int(),
    maxWaitMs: z.number().nullable(),
    deliveredInFaults: z.number().int(),
    faults: z.number().int(),
    lastHealMs: z.number().nullable(),
    recoveryMs: z.number().nullable(),
    coldAfterHealMs: z.number().nullable(),
    messages: z.number().int(),
    virtualTimeMs: z.number(),
    traceDigest: z.string(),
  })
  .strict();
const counts = { notDelivered: z.number().int(), lost: z.number().int(), lostOnFailover: z.number().int(), duplicates: z.number().int(), outOfOrder: z.number().int() };
const designSummary = z
  .object({
    runs: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    crashed: z.number().int(),
    failedBy: z.record(z.string(), z.number().int()),
    published: z.number().int(),
    delivered: z.number().int(),
    stuck: z.number().int(),
    ...counts,
    runsWith: z.object(counts).strict(),
    maxWaitMs: minAvgMax,
    deliveredInFaults: z.number().int(),
    runsWithFaults: z.number().int(),
    recoveryMs: minAvgMax,
    notRecovered: z.number().int(),
    coldAfterHealMs: minAvgMax,
  })
  .strict();
const reportSchema = z
  .object({
    from: z.number().int(),
    count: z.number().int(),
    workers: z.number().int(),
    latency: z.object({ model: z.string() }).passthrough(),
    strict: z.boolean(),
    machinesModules: z.object({ 'active-active': z.string().optional(), 'active-passive': z.string().optional() }).strict(),
    designs: z.object({ 'active-active': designSummary, 'active-passive': designSummary }).strict(),
    seeds: z.array(z.object({ seed: z.number().int(), runs: z.object({ 'active-active': designRun, 'active-passive': designRun }).strict() }).strict()),
    wallMs: z.number(),
  })
  .strict();
type Report = z.infer<typeof reportSchema>;

const json = (...args: string[]): Report => {
  const r = run('--json', ...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return reportSchema.parse(JSON.parse(r.stdout));
};
const timeless = ({ wallMs: _w, workers: _k, ...rest }: Report) => rest;

describe('tps compare', () => {
  it('prints both designs side by side, every row, and exits 0 even where a design fails its spec', () => {
    const r = run('--seeds', '6', '--workers', '1');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Compared the designs over seeds 1\.\.6: 6 fault plans, each run on both/);
    expect(lines[2]).toMatch(/^\s+active-active\s+active-passive$/);
    const rows = comparisonRows({ designs: json('--seeds', '1').designs });
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const row of rows) expect(r.stdout).toMatch(new RegExp(`^ *${row.label.replace(/[().>-]/g, '\\$&')}  +\\S.*  +\\S`, 'm'));
    for (const label of ['records delivered', 'lost: never delivered', 'lost on failover', 'duplicated', 'out of order within a region', 'longest wait', 'delivered during fault windows', 'recovery: last heal -> last delivery'])
      expect(r.stdout).toContain(label);
  });

  it('--json has the documented shape; the same seeds give the same figures, whatever the workers', () => {
    const a = json('--seeds', '8', '--from', '3', '--workers', '1');
    const b = json('--seeds', '8', '--from', '3', '--workers', '2');
    expect(a.seeds.map((s) => s.seed)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(a.designs['active-active'].runs).toBe(8);
    expect(timeless(b)).toEqual(timeless(a));
    expect(a.designs['active-active'].published).toBe(240);
  });

  it("a planted bug given to one design changes that design's column only: records lost", () => {
    const clean = json('--seeds', '12', '--workers', '2');
    const bugged = json('--seeds', '12', '--workers', '2', '--ap-machines', mutant('container-removes-before-write'));
    expect(clean.designs['active-passive'].lost).toBe(0);
    expect(bugged.designs['active-passive'].lost).toBeGreaterThan(0);
    expect(bugged.designs['active-passive'].failedBy.lost).toBeGreaterThan(0);
    expect(bugged.designs['active-active']).toEqual(clean.designs['active-active']);
    expect(bugged.machinesModules['active-passive']).toBe(mutant('container-removes-before-write'));
  });

  it('bad flags exit 2 naming the flag; nothing runs', () => {
    const cases: [string[], RegExp][] = [
      [['--seeds', '0'], /--seeds: '0' must be 1 or more/],
      [['--seeds', 'x'], /--seeds: 'x' must be a number/],
      [['--from', '-1'], /--from/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['--seed-detail', '3'], /--seed-detail: only --html draws a seed/],
      [['--seeds', '2', '--html', '/tmp/x.html', '--seed-detail', '9'], /--seed-detail: 9 is not among the seeds compared, 1\.\.2/],
      [['--html', '/no/such/dir/x.html'], /--html: directory '\/no\/such\/dir' does not exist/],
      [['--ap-machines', '/no/such/module.js'], /--ap-machines: no file '\/no\/such\/module.js'/],
      [['--aa-machines', mutant('one-way-replicator-drops-while-failed')], /--aa-machines: database: the active-active design has no component of this kind/],
      [['--latency', 'fast'], /--latency must be uniform, skewed or heavy-tail/],
    ];
    for (const [args, message] of cases) {
      const r = run(...args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('--html writes one page with the figures and both designs\' run reports of the chosen seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-compare-'));
    try {
      const file = join(dir, 'compare.html');
      const r = run('--seeds', '3', '--workers', '1', '--html', file, '--seed-detail', '2');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`both designs' timelines of seed 2): ${file}`);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain('id="design-active-active"');
      expect(html).toContain('id="design-active-passive"');
      expect(html.match(/<iframe /g)).toHaveLength(2);
      expect(html).not.toMatch(/<script src|<link /);
      expect(run('--seeds', '1', '--html', file).status).toBe(2); // exists: refused without --force
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run that throws is an internal error: the table still prints, exit 3 naming the seed and design', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-compare-'));
    try {
      const file = join(dir, 'throws.js');
      writeFileSync(
        file,
        `const { containerMachine } = require(${JSON.stringify(join(repo, 'dist', 'index.js'))});
exports.default = { container: containerMachine.provide({ actions: { requestRecord: () => { throw new Error('planted internal error'); } } }) };
`,
      );
      const r = run('--seeds', '2', '--workers', '1', '--ap-machines', file);
      expect(r.status).toBe(3);
      expect(r.stdout).toMatch(/crashed runs \(internal error\)\s+0\s+2/);
      expect(r.stderr).toMatch(/^tps compare: internal error: 2 runs threw; first: seed 1 \(active-passive\): threw: planted internal error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tps help lists compare; tps compare --help documents its exit codes', () => {
    const help = spawnSync('node', [tps, 'help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('tps compare [options]');
    const own = run('--help');
    expect(own.status).toBe(0);
    expect(own.stdout).toMatch(/0 the comparison ran \(it is a measurement/);
    expect(own.stdout).toContain('--seeds N');
  });
});
