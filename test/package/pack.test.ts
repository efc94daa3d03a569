/**
 * What `npm pack` would publish: the built package, its docs and licence, and
 * nothing of the project's own tooling (bench, planted bugs, tests) or maps
 * pointing at sources it does not ship. Reads the tarball's file list from
 * `npm pack --dry-run --json` (no build is run: `npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, posix } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Budgets with some room; the unshaped package was 324 files, 296 kB packed. */
const MAX_FILES = 280;
// the README's screenshots (about 560 kB of PNG) ship with it, so its pictures show where it is read; both designs' machines
const MAX_PACKED_BYTES = 950_000;
// 2.0 MB was hit when issue 17 split the harness into more modules (about 2.0 MB then): room for the compare command
const MAX_UNPACKED_BYTES = 2_300_000;

interface PackResult {
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

let packed: PackResult;
let files: string[];

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  packed = JSON.parse(out)[0];
  files = packed.files.map((f) => f.path);
});

/** Relative links (`[text](target)`) in a markdown file, without anchors. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'))
    .map((target) => target.split('#')[0]);
}

describe('the published tarball', () => {
  it('holds the entries, the CLI, the licence and the README', () => {
    const required = [
      'package.json',
      'README.md',
      'LICENSE',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/machines-entry.js',
      'dist/machines-entry.d.ts',
      'dist/cli/tps.js',
      'dist/system/checker/check-worker.js',
    ];
    expect(required.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('holds every file package.json points at (main, types, bin, exports)', () => {
    const exportTargets = Object.values(pkg.exports as Record<string, string | Record<string, string>>).flatMap((t) =>
      typeof t === 'string' ? [t] : Object.values(t),
    );
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin as Record<string, string>), ...exportTargets].map((t: string) =>
      posix.normalize(t),
    );
    expect(targets.filter((t) => !files.includes(t))).toEqual([]);
  });

  it('leaves out the bench, the planted bugs, the tests and the sources', () => {
    const unwanted = files.filter((f) => /^(dist\/)?(bench|mutants|test)\//.test(f) || /\.ts$/.test(f) && !f.endsWith('.d.ts'));
    expect(unwanted).toEqual([]);
  });

  it('has no source map whose sources are missing, and no script pointing at a missing map', () => {
    const broken: string[] = [];
    for (const f of files.filter((p) => p.endsWith('.map'))) {
      const map = JSON.parse(readFileSync(join(root, f), 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of map.sources) {
        const shipped = normalize(join(dirname(f), map.sourceRoot ?? '', source));
        if (!files.includes(shipped)) broken.push(`${f} -> ${source}`);
      }
    }
    for (const f of files.filter((p) => p.endsWith('.js'))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, f), 'utf8'))?.[1];
      if (url && !url.startsWith('data:') && !files.includes(normalize(join(dirname(f), url)))) broken.push(`${f} -> ${url}`);
    }
    expect(broken).toEqual([]);
  });

  it("has declarations that import only its own files and declared packages (not a devDependency's types)", () => {
    const imported = new Set<string>();
    for (const f of files.filter((p) => p.endsWith('.d.ts'))) {
      for (const m of readFileSync(join(root, f), 'utf8').matchAll(/(?:from |import\()['"]([^'"]+)['"]/g)) if (!m[1].startsWith('.')) imported.add(m[1]);
    }
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
    expect([...imported].filter((m) => !declared.includes(m) && !m.startsWith('node:'))).toEqual([]);
    expect(imported.has('xstate')).toBe(true);
  });

  it('is MIT licensed in LICENSE as in package.json', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('links from the README and the shipped docs only to files it ships', () => {
    const markdown = files.filter((f) => f.endsWith('.md'));
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/reusing-machines.md']));
    const broken = markdown.flatMap((f) =>
      relativeLinks(readFileSync(join(root, f), 'utf8'))
        .map((target) => normalize(join(dirname(f), target)))
        .filter((target) => !files.includes(target))
        .map((target) => `${f} -> ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('declares xstate as a peer (one copy, the app\'s) and zod as its own dependency', () => {
    expect(pkg.peerDependencies?.xstate).toMatch(/^\^5\.\d+\.\d+$/);
    expect(pkg.dependencies?.xstate).toBeUndefined();
    expect(pkg.devDependencies?.xstate).toBeDefined();
    expect(pkg.dependencies?.zod).toBeDefined();
  });

  it('stays within its size budget', () => {
    expect(packed.entryCount).toBeLessThanOrEqual(MAX_FILES);
    expect(packed.size).toBeLessThanOrEqual(MAX_PACKED_BYTES);
    expect(packed.unpackedSize).toBeLessThanOrEqual(MAX_UNPACKED_BYTES);
  });
});
