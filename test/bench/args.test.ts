import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bench scripts as built by `npm test` (dist/): a bad argument is refused before anything runs.
const script = (name: string) => join(__dirname, '..', '..', 'dist', 'bench', name);
const run = (name: string, ...args: string[]) => spawnSync(process.execPath, [script(name), ...args], { encoding: 'utf8', timeout: 30_000 });
const upstreamCopies = () => readdirSync(tmpdir()).filter((f) => f.startsWith('tps-upstream-')).length;

describe('bench script arguments', () => {
  it.each([
    ['per-kind.js', ['abc'], 'records'],
    ['per-kind.js', ['2'], 'at least 3'],
    ['upstream-compare.js', ['x'], 'rounds'],
    ['coverage-cost.js', ['3', '0'], 'seeds per round'],
    ['event-checks.js', ['0'], 'SEEDS'],
  ])('%s %p exits 2 naming the argument', (name, args, usage) => {
    const r = run(name, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`bad argument '${args[args.length - 1]}'`);
    expect(r.stderr).toContain(usage);
    expect(r.stdout).toBe('');
  });

  it('bench:upstream refuses a bad round count before copying anything', () => {
    const before = upstreamCopies();
    const r = run('upstream-xstate.js', '1.5');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("bad argument '1.5'");
    expect(r.stderr).not.toContain('patched');
    expect(upstreamCopies()).toBe(before);
  });
});
