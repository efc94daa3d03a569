/**
 * `active-active-tps/machines` is browser-safe: bundled by esbuild for the
 * browser, nothing reachable from it imports a Node builtin, and the bundle
 * runs a queue in a bare JavaScript realm (no require, process or Buffer).
 */
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = join(__dirname, '..', '..');

/** Project files the entry may reach: the model, the runtime it needs, and the one module that touches XState internals. */
const allowedProjectFiles = /^(machines-entry\.ts|machines\/[^/]+\.ts|actors\/[^/]+\.ts|system\/xstate-internals\.ts)$/;

/** Records every import of a Node builtin (with its importer) instead of letting the build fail at the first. */
function nodeBuiltinSpy(found: string[]): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'node-builtin-spy',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0];
        if (args.path.startsWith('node:') || builtins.has(bare)) {
          found.push(`${relative(root, args.importer)} imports '${args.path}'`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
}

let code: string;
let metafile: Metafile;
const builtinImports: string[] = [];

beforeAll(async () => {
  const result = await build({
    // the entry, plus what an app would take from xstate to run it
    stdin: { contents: `export * from './machines-entry';\nexport { createActor, fromCallback } from 'xstate';`, resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'tps',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeBuiltinSpy(builtinImports)],
  });
  code = result.outputFiles[0].text;
  metafile = result.metafile;
});

describe('the browser entry (active-active-tps/machines)', () => {
  it('reaches no Node builtin', () => {
    expect(builtinImports).toEqual([]);
  });

  it('reaches only the machines, the runtime actors and their libraries', () => {
    const inputs = Object.keys(metafile.inputs);
    const project = inputs.filter((p) => !p.startsWith('node_modules/') && p !== '<stdin>');
    expect(project.filter((p) => !allowedProjectFiles.test(p))).toEqual([]);
    expect(project).toEqual(expect.arrayContaining(['machines/queue.machine.ts', 'actors/virtual-clock.ts', 'actors/prng.ts']));
    const libraries = new Set(inputs.filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/')[1]));
    expect([...libraries].sort()).toEqual(['immer', 'xstate', 'zod']);
  });

  it('runs a queue on the virtual clock in a realm without Node globals', () => {
    const realm = createContext({ console });
    runInContext(`${code}\nglobalThis.tps = tps;`, realm);
    const result = runInContext(
      `(() => {
        const { createActor, fromCallback } = tps;
        const clock = new tps.VirtualClock();
        const replies = [];
        const client = createActor(fromCallback(({ receive }) => receive((e) => replies.push(e.type + ':' + e.record.recordId)))).start();
        const queue = createActor(tps.queueMachine.provide({ delays: { latency: () => 5 } }), { clock, input: { id: 'q', region: 1 } }).start();
        for (const recordId of [1, 2, 3]) queue.send({ type: 'queue.send', record: { recordId, recordValue: recordId * 10 }, replyTo: client });
        const before = replies.length;
        clock.run();
        return { hasRequire: typeof require, hasProcess: typeof process, before, replies, now: clock.now(), sentCount: queue.getSnapshot().context.sentCount };
      })()`,
      realm,
    );
    expect(result).toEqual({
      hasRequire: 'undefined',
      hasProcess: 'undefined',
      before: 0,
      replies: ['queue.sendCompleted:1', 'queue.sendCompleted:2', 'queue.sendCompleted:3'],
      now: 5,
      sentCount: 3,
    });
  });
});
