import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The layers of docs/architecture.md, checked with the rules `npm run layers`
 * uses (.dependency-cruiser.cjs): the real tree has no violation, and a
 * fixture tree with upward imports is caught, each by its rule's name.
 */

const repo = join(__dirname, '..', '..');
const config = join(repo, '.dependency-cruiser.cjs');
const sources = ['index.ts', 'machines-entry.ts', 'machines', 'actors', 'specs', 'system', 'cli', 'bench', 'mutants'];

interface Violation {
  rule: string;
  from: string;
  to: string;
  cycle?: string[];
}

/** dependency-cruiser's API is ESM only: run it in a child process (test/architecture/cruise.mjs). */
function cruise(cwd: string, tsconfig: string, files: string[]): { modules: number; violations: Violation[] } {
  const out = execFileSync(process.execPath, [join(__dirname, 'cruise.mjs'), config, tsconfig, ...files], { cwd, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('layers', () => {
  it('the source tree keeps every layer rule (npm run layers)', () => {
    const result = cruise(repo, 'tsconfig.json', sources);
    expect(result.modules).toBeGreaterThan(100);
    expect(result.violations).toEqual([]);
  });

  it('an upward import, a type-only one and a cycle are each caught by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tps-layers-'));
    const write = (file: string, text: string) => {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    };
    try {
      write('system/simulation.ts', "import { ok } from '../actors/ok';\nexport const simulate = () => ok;\n");
      write('system/shape.ts', 'export type Shape = { a: number };\n');
      write('machines/probe.ts', "import { simulate } from '../system/simulation';\nexport const probe = simulate;\n");
      write('specs/typed.ts', "import type { Shape } from '../system/shape';\nexport const s: Shape = { a: 1 };\n");
      write('actors/ok.ts', "import { count } from '../machines/count';\nexport const ok = count;\n"); // downward: allowed
      write('machines/count.ts', 'export const count = 1;\n');
      write('system/a.ts', "import { b } from './b';\nexport const a = () => b;\n");
      write('system/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
      const { violations } = cruise(dir, '-', ['machines', 'specs', 'actors', 'system']);
      const named = violations.map((v) => `${v.rule}: ${v.from} -> ${v.to}`).sort();
      expect(named).toEqual([
        'machines-not-up: machines/probe.ts -> system/simulation.ts',
        'no-circular: system/a.ts -> system/b.ts',
        'specs-not-up: specs/typed.ts -> system/shape.ts',
      ].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every rule says in words what is wrong, and npm test runs the rules before jest', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const rules = (require(config) as { forbidden: { name: string; comment?: string }[] }).forbidden;
    for (const rule of rules) expect({ rule: rule.name, comment: (rule.comment ?? '').length > 20 }).toEqual({ rule: rule.name, comment: true });
    const scripts = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts as Record<string, string>;
    expect(scripts.layers).toContain('.dependency-cruiser.cjs');
    expect(scripts.test.indexOf('npm run layers')).toBeGreaterThanOrEqual(0);
    expect(scripts.test.indexOf('npm run layers')).toBeLessThan(scripts.test.indexOf('jest'));
  });
});
