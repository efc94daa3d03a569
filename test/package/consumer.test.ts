/**
 * The package as a user's app gets it: `npm pack`, then a fresh project in a
 * temp folder with the tarball unpacked into its node_modules beside the
 * packages it declares (dependencies, the xstate peer) and the app's own
 * (React, jsdom), linked from this project's node_modules: offline and fast,
 * and a dependency the package forgot to declare is not found. The app is
 * test/package/consumer-app/: tsc under nodenext and bundler (no
 * @types/node), ESM and CJS scripts, the snapshot contract, a React page.
 * It runs at the lowest xstate the peer range allows and at the latest.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const appSource = join(__dirname, 'consumer-app');
const rootModules = join(root, 'node_modules');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const digests: Record<string, string> = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'digests.json'), 'utf8'));

/** The xstate copies installed by `npm ci`: the project's own (latest) and the peer range's lowest (an npm alias). */
const xstateCopies = { latest: 'xstate', lowest: 'xstate-lowest' } as const;
type Variant = keyof typeof xstateCopies;
/** What the app itself installs, besides the package and xstate. */
const appPackages = ['@types/node', 'react', 'react-dom', '@xstate/react', 'jsdom'];

let work: string;
const apps = {} as Record<Variant, string>;

function link(app: string, name: string, from = name): void {
  const target = join(rootModules, from);
  if (!existsSync(target)) throw new Error(`${from} is not installed in node_modules (npm ci installs it)`);
  const at = join(app, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, 'dir');
}

/** A fresh app folder: the consumer app's files, the unpacked tarball, its dependencies and the chosen xstate. */
function makeApp(tarball: string, variant: Variant): string {
  const app = join(work, `app-${variant}`);
  cpSync(appSource, app, { recursive: true });
  const installed = join(app, 'node_modules', 'active-active-tps');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const declared = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  for (const dep of Object.keys(declared.dependencies ?? {})) link(app, dep);
  link(app, 'xstate', xstateCopies[variant]);
  for (const name of appPackages) link(app, name);
  return app;
}

function run(app: string, command: string, args: string[]) {
  const r = spawnSync(command, args, { cwd: app, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}
const node = (app: string, script: string) => run(app, process.execPath, [script]);
/** tsc on the app, started at once and awaited by its test: the type-checks overlap the scripts. */
function tsc(app: string, config: string): Promise<{ status: number; out: string; err: string }> {
  const bin = join(rootModules, 'typescript', 'bin', 'tsc');
  return new Promise((done) =>
    execFile(process.execPath, [bin, '-p', config], { cwd: app, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) =>
      done({ status: error ? Number(error.code ?? 1) : 0, out: stdout.trim(), err: stderr.trim() }),
    ),
  );
}
const typeChecks = {} as Record<'bundler' | `nodenext-${Variant}`, ReturnType<typeof tsc>>;
/** The last line a script printed, as JSON. */
const printed = (out: string) => JSON.parse(out.split('\n').at(-1) ?? 'null');

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  work = mkdtempSync(join(tmpdir(), 'tps-consumer-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const tarball = join(work, packed[0].filename);
  for (const variant of Object.keys(xstateCopies) as Variant[]) {
    apps[variant] = makeApp(tarball, variant);
    typeChecks[`nodenext-${variant}`] = tsc(apps[variant], 'tsconfig.nodenext.json');
  }
  typeChecks.bundler = tsc(apps.latest, 'tsconfig.bundler.json');
});

afterAll(async () => {
  await Promise.all(Object.values(typeChecks));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a user app installing the packed tarball', () => {
  it('tests the lowest xstate the peer range allows and the latest installed', () => {
    // a caret range: its lowest is the version it names; the latest installed must be the same major
    const [, lowest, major] = /^\^((\d+)\.\d+\.\d+)$/.exec(pkg.peerDependencies.xstate) ?? [];
    const version = (v: Variant) => JSON.parse(readFileSync(join(apps[v], 'node_modules', 'xstate', 'package.json'), 'utf8')).version as string;
    expect(version('lowest')).toBe(lowest);
    expect(version('latest').split('.')[0]).toBe(major);
    expect(version('latest').localeCompare(version('lowest'), 'en', { numeric: true })).toBe(1);
  });

  describe.each(Object.keys(xstateCopies) as Variant[])('with xstate %s', (variant) => {
    it('type-checks an app under module nodenext: setup({ actors: { queue: queueMachine } }), typed inputs, runScenario', async () => {
      expect(await typeChecks[`nodenext-${variant}`]).toEqual({ status: 0, out: '', err: '' });
    });

    it('runs an ESM script: a queue on a virtual clock and the docs pipeline', () => {
      const r = node(apps[variant], 'esm.mjs');
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(printed(r.out)).toEqual({ queueAnswers: 3, out: [1, 2, 3] });
    });

    it('runs a CJS script: a queue, a small pipeline, and F2 with the same trace as the project', () => {
      const r = node(apps[variant], 'cjs.cjs');
      expect(r.err).toBe('');
      expect(r.status).toBe(0);
      expect(printed(r.out)).toEqual(expect.objectContaining({ verdict: 'pass', digest: digests['f2-fail-database uniform 1'] }));
    });
  });


  // Declarations checked too (skipLibCheck off): the slow one, so at the latest xstate only (at the lowest, the
  // nodenext app's @ts-expect-error lines catch declarations that do not fit).
  it('type-checks the machines entry under moduleResolution bundler with no @types/node, declarations included', async () => {
    expect(await typeChecks.bundler).toEqual({ status: 0, out: '', err: '' });
  });

  it('keeps the snapshot contract: kept snapshots, notifications, pure transitions, JSON persist/restore mid-run', () => {
    const r = node(apps.latest, 'contract.mjs');
    expect(printed(r.out)).toEqual({
      'a kept snapshot is unchanged by later sends': 'ok',
      'each notification is a new snapshot with a new context': 'ok',
      'getNextSnapshot is pure': 'ok',
      'a queue restored from JSON continues as the original': 'ok',
      "a container's initial snapshot is unchanged by the run": 'ok',
      "the docs' pipeline, persisted mid-run through JSON, ends as the original does": 'ok',
      "the docs' pipeline, persisted through JSON while the worker waits on its queue, ends as the original does": 'ok',
    });
    expect(r.status).toBe(0);
  });

  it("re-renders a React page using @xstate/react's useSelector on a reused queue after each send", () => {
    const r = node(apps.latest, 'react.mjs');
    expect(r.err).toBe('');
    expect(printed(r.out)).toEqual(expect.objectContaining({ shown: ['sent 0', 'sent 1', 'sent 2', 'sent 3'] }));
    expect(r.status).toBe(0);
  });
});
