/**
 * npm run bench:compare -- [REV] [ROUNDS]
 *
 * F2's steady schedules/s on one warm pooled worker, this build against the build of an earlier
 * commit (default HEAD~1), in the same process and rounds taken in turn (A B B A ...), so a drift
 * of the machine's speed falls on both. Prints each round, the medians and the median of the
 * per-round ratios.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkScenario, createWorkerPool } from '../index';
import { intArg } from './args';

const usage = 'npm run bench:compare -- [REV (default HEAD~1)] [ROUNDS (default 5)]';
const TARGET = 0.95;
const SEEDS = 300;
const WARMUP = 20;

type Api = Pick<typeof import('../index'), 'checkScenario' | 'createWorkerPool'>;

const repo = resolve(__dirname, '..', '..');

function commitOf(rev: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    console.error(`usage: ${usage}\n  bad argument '${rev}': not a commit of this repository`);
    process.exit(2);
  }
}

/** The commit's sources, built with this checkout's TypeScript and node_modules, in a temporary folder. */
function buildOf(commit: string): { dir: string; api: Api } {
  const dir = mkdtempSync(join(tmpdir(), 'tps-previous-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: repo });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the other build is known only at run time, by path
  return { dir, api: require(join(dir, 'dist/index.js')) as Api };
}

async function steadyRate(api: Api): Promise<number> {
  const pool = api.createWorkerPool({ size: 1 });
  try {
    const scenario = 'f2-fail-database';
    await api.checkScenario({ scenario, from: SEEDS + 1, count: WARMUP, workers: 1, pool });
    const r = await api.checkScenario({ scenario, from: 1, count: SEEDS, workers: 1, pool });
    if (r.failingSeeds.length) throw new Error(`F2 failed on seeds ${r.failingSeeds.slice(0, 5).join(', ')}`);
    return r.steadySchedulesPerSecond;
  } finally {
    await pool.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fixed = (x: number, d = 1) => x.toFixed(d);

async function main(): Promise<void> {
  const rev = process.argv[2] ?? 'HEAD~1';
  const rounds = intArg(3, 5, usage);
  const commit = commitOf(rev);
  const current: Api = { checkScenario, createWorkerPool };
  console.log(`Building ${rev} (${commit.slice(0, 10)}) for comparison...`);
  const previous = buildOf(commit);
  try {
    console.log(`F2 steady schedules/s, ${SEEDS} seeds on 1 warm pooled worker, ${rounds} rounds taken in turn`);
    console.log('round   previous   this build   ratio');
    const prev: number[] = [];
    const cur: number[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (['previous', 'current'] as const) : (['current', 'previous'] as const);
      const got: Record<string, number> = {};
      for (const which of order) got[which] = await steadyRate(which === 'previous' ? previous.api : current);
      prev.push(got.previous);
      cur.push(got.current);
      ratios.push(got.current / got.previous);
      console.log(`${String(i + 1).padStart(5)}   ${fixed(got.previous).padStart(8)}   ${fixed(got.current).padStart(10)}   ${fixed(got.current / got.previous, 3)}`);
    }
    const ratio = median(ratios);
    console.log(`median  ${fixed(median(prev)).padStart(8)}   ${fixed(median(cur)).padStart(10)}   ${fixed(ratio, 3)}`);
    console.log(`Verdict: this build is x${fixed(ratio, 3)} the previous one's speed (target: at least x${TARGET}): ${ratio >= TARGET ? 'met' : 'not met'}`);
  } finally {
    rmSync(previous.dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(3);
  },
);
