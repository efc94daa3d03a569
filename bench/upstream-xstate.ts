/**
 * `npm run bench:upstream`: what three changes to XState itself would be worth,
 * measured, without changing the project. Copies the build and the installed
 * packages into a temporary directory, patches the copy of xstate there (each
 * change behind a switch read at run time, so one process can alternate
 * them), and runs bench/upstream-compare.ts in that copy. Nothing in this
 * repository's node_modules is touched. See docs/benchmarks.md.
 */
import { fork } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { intArg } from './args';

const root = join(__dirname, '..', '..');
const XSTATE = '5.33.3';

interface Edit {
  file: string;
  what: string;
  find: string;
  replace: string;
}

/** The changes, as edits of xstate 5.33.3's CommonJS build; each is switched by a flag of globalThis.__xstateFastPaths. */
export const edits: Edit[] = [
  {
    file: 'StateMachine-ad194eaf.cjs.js',
    what: 'candidatesMap: StateNode.next finds its candidate transitions in a per-node Map, not memo() with a new string key per event',
    find: 'const candidates = memo(this, `candidates-${eventType}`, () => dist_xstateGuards.getCandidates(this, eventType));',
    replace: `let candidates;
    if (globalThis.__xstateFastPaths?.candidatesMap) {
      const byType = this.__candidates || (this.__candidates = new Map());
      candidates = byType.get(eventType);
      if (!candidates) byType.set(eventType, candidates = dist_xstateGuards.getCandidates(this, eventType));
    } else candidates = memo(this, \`candidates-\${eventType}\`, () => dist_xstateGuards.getCandidates(this, eventType));`,
  },
  {
    file: 'raise-9de11213.cjs.js',
    what: 'skipEventless: a machine with no `always` transition anywhere skips the eventless-transition search after every event',
    find: 'function selectEventlessTransitions(nextState, event) {\n',
    replace: `function hasAlways(machine) {
  if (machine.__hasAlways === undefined) {
    const walk = n => !!(n.always && n.always.length) || Object.values(n.states || {}).some(walk);
    machine.__hasAlways = walk(machine.root);
  }
  return machine.__hasAlways;
}
function selectEventlessTransitions(nextState, event) {
  if (globalThis.__xstateFastPaths?.skipEventless && !hasAlways(nextState.machine)) return [];
`,
  },
  {
    file: 'raise-9de11213.cjs.js',
    what: 'targetlessFastPath: a microstep of one targetless transition runs its actions without computing exit and entry sets',
    find: `  if (!transitions.length) {
    return [currentSnapshot, actions];
  }
  const originalExecutor = actorScope.actionExecutor;`,
    replace: `  if (!transitions.length) {
    return [currentSnapshot, actions];
  }
  if (globalThis.__xstateFastPaths?.targetlessFastPath && !isInitial && transitions.length === 1 && transitions[0].target === undefined && !transitions[0].reenter) {
    const originalExecutor = actorScope.actionExecutor;
    actorScope.actionExecutor = action => {
      actions.push(action);
      originalExecutor(action);
    };
    try {
      return [resolveActionsAndContext(currentSnapshot, event, actorScope, transitions[0].actions, internalQueue, undefined), actions];
    } finally {
      actorScope.actionExecutor = originalExecutor;
    }
  }
  const originalExecutor = actorScope.actionExecutor;`,
  },
];

function main(): void {
  // Checked here, before anything is copied; the comparison reads it again.
  intArg(2, 9, 'npm run bench:upstream [-- rounds]');
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(root, 'node_modules', 'xstate', 'package.json'), 'utf8')));
  if (version !== XSTATE) {
    process.stderr.write(`bench:upstream: the edits are for xstate ${XSTATE}; installed is ${version}\n`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tps-upstream-'));
  try {
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'));
    for (const name of readdirSync(join(root, 'node_modules')))
      if (name !== 'xstate') symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
    const xstate = join(dir, 'node_modules', 'xstate');
    cpSync(join(root, 'node_modules', 'xstate'), xstate, { recursive: true });
    for (const e of edits) {
      const file = join(xstate, 'dist', e.file);
      const text = readFileSync(file, 'utf8');
      if (text.split(e.find).length !== 2) throw new Error(`bench:upstream: the anchor of '${e.what}' is not found once in ${e.file}`);
      writeFileSync(file, text.replace(e.find, () => e.replace));
      process.stderr.write(`  patched ${e.file}: ${e.what}\n`);
    }
    const child = fork(join(dir, 'dist', 'bench', 'upstream-compare.js'), process.argv.slice(2), { stdio: 'inherit' });
    child.on('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(code ?? 3);
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

if (require.main === module) main();
