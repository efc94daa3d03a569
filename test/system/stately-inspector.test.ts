/**
 * The real @statelyai/inspect attached to an F2 run, through a local
 * WebSocket server: the docs' examples (docs/examples/*.mjs) are run as a
 * user would (node, ESM, the built package imported by its name) and what
 * the server receives is checked against the values of each moment.
 * @statelyai/inspect is ESM-only, so it runs in a child process, not in jest.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import { WebSocketServer } from 'ws';
import { runScenario } from '../../index';
import { within } from '../support/wait';
import { wsText } from '../support/ws-text';

const root = join(__dirname, '..', '..');
const example = (name: string) => join(root, 'docs', 'examples', name);

/** A message @statelyai/inspect sends, with the fields these tests read (an actor's; a snapshot's, the destination's count). */
interface InspectMessage {
  type: string;
  name?: string;
  sessionId?: string;
  snapshot?: { value: unknown; context: { count: number } };
}

interface Received {
  code: number | null;
  stdout: string;
  stderr: string;
  messages: InspectMessage[];
}

/** Runs the example against a WebSocket server on a free port; every message it received. */
async function runExample(file: string, args: string[] = []): Promise<Received> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  try {
    await within(10_000, 'listening server', new Promise<void>((resolve) => server.once('listening', () => resolve())));
    const { port } = server.address() as AddressInfo;
    const messages: InspectMessage[] = [];
    const closed = new Promise<void>((resolve) =>
      server.on('connection', (socket) => {
        socket.on('message', (data) => messages.push(JSON.parse(wsText(data))));
        socket.on('close', () => resolve());
      }),
    );
    const child = spawn(process.execPath, [example(file), `ws://127.0.0.1:${port}`, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const code = await within(90_000, 'exit of the example', exited);
      await within(10_000, 'close of the inspector socket', closed);
      return { code, stdout, stderr, messages };
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  } finally {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** What each actor's snapshots were at the moment of each event, read synchronously in this process. */
function referenceRun() {
  const snapshots = new Map<string, { value: string; count?: number }[]>();
  let converted = 0;
  runScenario({
    scenario: 'f2-fail-database',
    seed: 1,
    inspect: (e) => {
      if (e.type === '@xstate.actor' || e.type === '@xstate.event') converted++;
      if (e.type !== '@xstate.snapshot') return;
      converted++;
      const id = (e.actorRef as AnyActorRef).id;
      const s = e.snapshot as AnyMachineSnapshot;
      const list = snapshots.get(id) ?? snapshots.set(id, []).get(id)!;
      list.push({ value: JSON.stringify(s.value), count: s.context?.count });
    },
  });
  return { snapshots, converted };
}

describe('@statelyai/inspect attached to runs (docs/examples)', () => {
  beforeAll(() => expect(existsSync(join(root, 'dist', 'index.js'))).toBe(true));

  it.each(['inspect-a-run.mjs', 'inspect-the-orchestrator.mjs'])('%s is shown whole in docs/inspector.md', (file) => {
    const doc = readFileSync(join(root, 'docs', 'inspector.md'), 'utf8');
    expect(doc).toContain(readFileSync(example(file), 'utf8').trim());
  });

  it('the examples type-check against the built package (checkJs, nodenext): the orchestrator input is an OrchestratorInput', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--allowJs', '--checkJs', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext'];
    const files = ['inspect-a-run.mjs', 'inspect-the-orchestrator.mjs'].map(example);
    const out = execFileSync(process.execPath, [tsc, ...flags, '--target', 'es2022', '--skipLibCheck', '--types', 'node', ...files], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(out).toBe('');
  });

  it('reports every event, and each snapshot as it was: the destination counts 0 -> 30, preprocess r1 passes through failedDependency', async () => {
    const { code, stdout, stderr, messages } = await runExample('inspect-a-run.mjs', ['f2-fail-database', '1000']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^f2-fail-database \(seed 1\): pass, \d+ messages$/m);
    const reference = referenceRun();
    // Nothing lost: one message per actor, event and snapshot of the run.
    expect(messages).toHaveLength(reference.converted);
    const sessions = new Map(messages.filter((m) => m.type === '@xstate.actor').map((m) => [m.name as string, m.sessionId as string]));
    const snapshotsOf = (name: string) => messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === sessions.get(name)).map((m) => m.snapshot!);

    const counts: number[] = snapshotsOf('destination').map((s) => s.context.count);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(30);
    expect(counts.every((c, i) => i === 0 || counts[i - 1] <= c)).toBe(true);
    expect(new Set(counts).size).toBeGreaterThan(10);
    // Each snapshot holds the count of its own moment, not a later one.
    expect(counts).toEqual(reference.snapshots.get('destination')!.map((s) => s.count));

    const values: string[] = snapshotsOf('container:preprocess:r1').map((s) => JSON.stringify(s.value));
    expect(values).toContain('"failedDependency"');
    expect(values.indexOf('"failedDependency"')).toBeLessThan(values.lastIndexOf('{"processRecords":"awaitingRecord"}'));
    expect(values).toEqual(reference.snapshots.get('container:preprocess:r1')!.map((s) => s.value));
  });

  it('watches an orchestrator the user starts with a typed input: every component, the destination counting to 30', async () => {
    const { code, stdout, stderr, messages } = await runExample('inspect-the-orchestrator.mjs');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^32 actors; the destination holds 30 records$/m);
    const names = messages.filter((m) => m.type === '@xstate.actor').map((m) => m.name as string);
    for (const id of ['container:preprocess:r1', 'queue:inbound-preprocess:r2', 'table:core:r1', 'dns:in', 'source', 'destination', 'spec'])
      expect(names).toContain(id);
    const destination = messages.find((m) => m.type === '@xstate.actor' && m.name === 'destination')!.sessionId;
    const counts: number[] = messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === destination).map((m) => m.snapshot!.context.count);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(30);
    expect(counts.every((c, i) => i === 0 || counts[i - 1] <= c)).toBe(true);
  });
});
