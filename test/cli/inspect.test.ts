import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { toStatelyMessage } from '../../cli/inspector/protocol';
import { startInspectorServer } from '../../cli/inspector/server';
import { main, type Io } from '../../cli/tps';
import { runScenario } from '../../system/run-scenario';
import { startInspect, tpsCli } from '../support/inspect-cli';
import { waitUntil, within } from '../support/wait';
import { wsText } from '../support/ws-text';

/**
 * tps inspect: the built CLI as a child process where the process itself is
 * under test (it exits only once every viewer has every message; a late viewer
 * of a server that keeps serving), the rest in-process through main(), which
 * runs the same command without the cost of starting node.
 * The stress (20 runs beside a busy loop) plays each run in real time in its
 * own process only with TPS_STRESS=1 (.ci/run sets it): about 3 s a run. By
 * default it sends one recorded run's messages through the server 20 times.
 */
const STRESS = process.env.TPS_STRESS === '1';

const LISTENING = /Inspector listening on http:\/\/[^:]+:(\d+)\//;
const SENT = /Sent (\d+) inspection messages to (\d+) viewer\(s\)/;

/** Connects a node ws client (no Origin header); every message it gets, and its close. */
function viewer(port: number) {
  const raw: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  ws.on('message', (d) => raw.push(wsText(d)));
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  return { ws, raw, closed };
}

const fastExit = (scenario: string, extra: string[] = []) => [scenario, '--port', '0', '--delay', '60000', '--speed', '1000000', '--exit', ...extra];

/** One `tps inspect --exit` child process watched by a viewer. */
async function watchedProcess(scenario: string) {
  const run = startInspect(fastExit(scenario));
  const { raw, closed } = viewer(await run.port());
  const code = await within(60_000, `exit of tps inspect ${scenario}`, run.exited);
  await within(10_000, 'close of the viewer socket', closed);
  const sent = SENT.exec(run.stdout());
  return { code, raw, stdout: run.stdout(), sent: sent ? Number(sent[1]) : -1, viewers: sent ? Number(sent[2]) : -1 };
}

/** main(['inspect', ...]) in this process: what it printed, and a promise of its exit code. */
function inspectInProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let onPort!: (port: number) => void;
  const listening = new Promise<number>((r) => (onPort = r));
  const io: Io = {
    out: (t) => {
      out.push(t);
      const url = LISTENING.exec(t);
      if (url) onPort(Number(url[1]));
    },
    err: (t) => err.push(t),
    isTty: false,
  };
  const exited = main(['inspect', ...args], io);
  const port = () => within(10_000, `'Inspector listening on' line from tps inspect ${args.join(' ')}`, Promise.race([listening, exited.then((c) => Promise.reject(new Error(`exited ${c}: ${err.join('\n')}`)))]));
  return { out, err, exited, port };
}

/** The inspection messages of one happy-path run, as tps inspect sends them (recorded once, synchronously). */
let recorded: string[] | undefined;
function happyPathMessages(): string[] {
  if (recorded) return recorded;
  const messages: string[] = [];
  runScenario({
    scenario: 'happy-path',
    seed: 1,
    inspect: (e) => {
      const m = toStatelyMessage(e, 0);
      if (m) messages.push(m);
    },
  });
  return (recorded = messages);
}

/**
 * What tps inspect's server does in a run, without playing the run in real
 * time: a viewer connects, the run's messages are published as fast as they
 * come, drain() waits until the viewer has read them all.
 */
async function servedInProcess(_scenario: string) {
  const messages = happyPathMessages();
  const server = await startInspectorServer({ host: '127.0.0.1', port: 0, page: () => Promise.resolve('') });
  try {
    const { raw, closed } = viewer(server.port);
    await within(10_000, 'first viewer', server.firstViewer);
    for (const m of messages) server.publish(m);
    const { messages: sent, viewers } = await within(60_000, 'drain of the viewer', server.drain());
    await within(10_000, 'close of the viewer socket', closed);
    return { code: 0, raw, sent, viewers };
  } finally {
    await server.close();
  }
}

/** `runs` runs in a row beside a busy loop on one core: each viewer gets every message, the same count each time. */
async function underLoad(runs: number, run: (scenario: string) => Promise<{ code: number; raw: string[]; sent: number; viewers: number }>) {
  const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    const counts: string[] = [];
    for (let i = 0; i < runs; i++) {
      const { code, raw, sent, viewers } = await run('happy-path');
      counts.push(`${raw.length}/${sent}`);
      expect({ run: i, code, viewers, received: raw.length }).toEqual({ run: i, code: 0, viewers: 1, received: sent });
    }
    expect(new Set(counts).size).toBe(1); // the same run each time
  } finally {
    busy.kill();
  }
}

describe('tps inspect', () => {
  beforeAll(() => expect(existsSync(tpsCli)).toBe(true));

  it('streams every actor of a run, each snapshot current when its event happened (the process, on --port 0)', async () => {
    const { code, raw, stdout, sent, viewers } = await watchedProcess('f2-fail-database');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Verdict: PASS/);
    expect(stdout).not.toMatch(/:0\//); // the URL printed is the port it got, not the 0 asked for
    expect(viewers).toBe(1);
    expect(raw.length).toBe(sent);
    const messages = raw.map((r) => JSON.parse(r));
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@tps.verdict']));
    // the verdict comes last, once, for the offline page (the Stately bridge skips it)
    expect(messages.filter((m) => m.type === '@tps.verdict')).toEqual([messages[messages.length - 1]]);
    expect(messages[messages.length - 1]).toMatchObject({ verdict: 'pass', summary: '30 of 30 delivered, 0 lost, 0 duplicates, 0 violations; spec cold' });
    const names = new Map(messages.filter((m) => m.type === '@xstate.actor').map((m) => [m.sessionId, m.name]));
    for (const id of ['container:preprocess:r1', 'table:preprocess:r1', 'queue:inbound-preprocess:r1', 'spec', 'driver'])
      expect([...names.values()]).toContain(id);
    // The preprocess container of region 1 goes into failedDependency and back:
    // its snapshots are taken as they happen, not all equal to the final one.
    const preprocess = [...names].find(([, n]) => n === 'container:preprocess:r1')![0];
    const values = messages.filter((m) => m.type === '@xstate.snapshot' && m.sessionId === preprocess).map((m) => JSON.stringify(m.snapshot.value));
    expect(values).toContain('"failedDependency"');
    expect(values.indexOf('"failedDependency"')).toBeLessThan(values.lastIndexOf('{"processRecords":"awaitingRecord"}'));
    // createdAt is virtual time: non-decreasing, ending at the run's virtual end.
    const times = messages.map((m) => Number(m.createdAt));
    expect(times.every((t, i) => i === 0 || times[i - 1] <= t)).toBe(true);
    expect(times[times.length - 1]).toBeLessThanOrEqual(Number(/(\d+) virtual ms/.exec(stdout)![1]));
  }, 60_000);

  it("delivers every message, 20 runs' worth in a row, while the machine is busy (the server, in-process)", () => underLoad(20, servedInProcess), 120_000);

  (STRESS ? it : it.skip)('delivers every message, 20 processes in a row, while the machine is busy (TPS_STRESS=1)', () => underLoad(20, watchedProcess), 300_000);

  it('gives a viewer that joins after the run every message', async () => {
    const run = startInspect(['happy-path', '--delay', '0', '--speed', '1000000']);
    try {
      const port = await run.port();
      await waitUntil("'Still serving' (the run's end)", () => run.stdout().includes('Still serving'), { state: run.stdout });
      const produced = Number(/Still serving (\d+) inspection messages/.exec(run.stdout())![1]);
      const { ws, raw } = viewer(port);
      await waitUntil(`all ${produced} messages at the late viewer`, () => raw.length >= produced, { state: () => `${raw.length} received` });
      ws.close();
      expect(raw.length).toBe(produced);
      expect(raw.filter((r) => r.includes('"@xstate.actor"')).length).toBeGreaterThan(30);
    } finally {
      run.child.kill();
      await within(10_000, 'exit of the killed tps inspect', run.exited);
    }
  }, 60_000);

  it('refuses a taken port with exit 2 and a clear message', async () => {
    const holder = createServer();
    await within(10_000, 'listening holder', new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r())));
    const { port } = holder.address() as AddressInfo;
    try {
      const run = inspectInProcess(['happy-path', '--port', String(port), '--exit']);
      expect(await within(10_000, 'exit of tps inspect', run.exited)).toBe(2);
      expect(run.err.join('\n')).toContain(`port ${port} is in use`);
      expect(run.out.join('\n')).not.toContain('listening');
    } finally {
      holder.close();
    }
  }, 30_000);

  it.each([
    [['no-such-scenario'], "unknown scenario 'no-such-scenario'"],
    [['happy-path', '--speed', '0'], '--speed must be above 0'],
    [['happy-path', '--port', 'x'], '--port must be a number'],
    [['happy-path', '--port', '65536'], '--port must be 0-65535'],
  ])('refuses %j with exit 2 before listening', async (args, message) => {
    const run = inspectInProcess([...args, ...(args.includes('--port') ? [] : ['--port', '0']), '--exit']);
    expect(await within(10_000, 'exit of tps inspect', run.exited)).toBe(2);
    expect(run.err.join('\n')).toContain(message);
    expect(run.out.join('\n')).not.toContain('listening');
  }, 30_000);

  it('refuses a WebSocket connection from another site, accepts its own page', async () => {
    const run = inspectInProcess(['happy-path', '--port', '0', '--delay', '60000', '--speed', '1000000', '--exit']);
    const port = await run.port();
    const attempt = (origin: string) =>
      within(
        10_000,
        `answer to a WebSocket from ${origin}`,
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { origin });
          ws.on('open', () => resolve('open'));
          ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
          ws.on('error', (e) => resolve(`error ${e.message}`));
        }),
      );
    expect(await attempt('http://evil.example')).toBe('refused 401');
    expect(await attempt(`http://localhost:${port + 1}`)).toBe('refused 401');
    // Its own page's origin is let in (and starts the run).
    expect(await attempt(`http://localhost:${port}`)).toBe('open');
    expect(await within(60_000, 'end of the run', run.exited)).toBe(0);
  }, 60_000);
});
