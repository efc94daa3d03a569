import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { freePort } from '../support/free-port';

// Drives the built CLI (npm test builds first) with a local WebSocket client.
const cli = join(__dirname, '..', '..', 'dist', 'cli', 'tps.js');


const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
  /** resolves once the server says it is listening */
  ready: Promise<void>;
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [cli, 'inspect', ...args]);
  let out = '';
  let err = '';
  let onReady!: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout!.on('data', (d) => {
    out += d.toString();
    if (out.includes('Inspector listening')) onReady();
  });
  child.stderr!.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, stdout: () => out, stderr: () => err, exited, ready };
}

/** One `tps inspect --exit` run watched by a node ws client (no Origin header). */
async function watchedRun(scenario: string, extra: string[] = []) {
  const port = await freePort();
  const run = start([scenario, '--port', String(port), '--delay', '60000', '--speed', '1000000', '--exit', ...extra]);
  await run.ready;
  const raw: string[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  ws.on('message', (d) => raw.push(d.toString()));
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  const code = await run.exited;
  await closed;
  const sent = /Sent (\d+) inspection messages to (\d+) viewer\(s\)/.exec(run.stdout());
  return { code, raw, stdout: run.stdout(), sent: sent ? Number(sent[1]) : -1, viewers: sent ? Number(sent[2]) : -1 };
}

describe('tps inspect', () => {
  beforeAll(() => expect(existsSync(cli)).toBe(true));

  it('streams every actor of a run, each snapshot current when its event happened', async () => {
    const { code, raw, stdout, sent, viewers } = await watchedRun('f2-fail-database');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Verdict: PASS/);
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

  it('delivers every message, 20 runs in a row, while the machine is busy', async () => {
    // A busy loop on one core for the whole test.
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      const counts: string[] = [];
      for (let i = 0; i < 20; i++) {
        const { code, raw, sent, viewers } = await watchedRun('happy-path');
        counts.push(`${raw.length}/${sent}`);
        expect({ run: i, code, viewers, received: raw.length }).toEqual({ run: i, code: 0, viewers: 1, received: sent });
      }
      expect(new Set(counts).size).toBe(1); // the same run each time
    } finally {
      busy.kill();
    }
  }, 300_000);

  it('gives a viewer that joins after the run every message', async () => {
    const port = await freePort();
    const run = start(['happy-path', '--port', String(port), '--delay', '0', '--speed', '1000000']);
    await run.ready;
    while (!run.stdout().includes('Still serving')) await new Promise((r) => setTimeout(r, 50));
    const produced = Number(/Still serving (\d+) inspection messages/.exec(run.stdout())![1]);
    const raw: string[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    ws.on('message', (d) => raw.push(d.toString()));
    while (raw.length < produced) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    run.child.kill();
    await run.exited;
    expect(raw.length).toBe(produced);
    expect(raw.filter((r) => r.includes('"@xstate.actor"')).length).toBeGreaterThan(30);
  }, 60_000);

  it('refuses a taken port with exit 2 and a clear message', async () => {
    const port = await freePort();
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const run = start(['happy-path', '--port', String(port), '--exit']);
      expect(await run.exited).toBe(2);
      expect(run.stderr()).toContain(`port ${port} is in use`);
      expect(run.stdout()).not.toContain('listening');
    } finally {
      holder.close();
    }
  }, 30_000);

  it.each([
    [['no-such-scenario'], "unknown scenario 'no-such-scenario'"],
    [['happy-path', '--speed', '0'], '--speed must be above 0'],
    [['happy-path', '--port', 'x'], '--port must be a number'],
  ])('refuses %j with exit 2 before listening', async (args, message) => {
    const port = await freePort();
    const run = start([...args, ...(args.includes('--port') ? [] : ['--port', String(port)]), '--exit']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(message);
    expect(await listening(port)).toBe(false);
  }, 30_000);

  it('refuses a WebSocket connection from another site, accepts its own page', async () => {
    const port = await freePort();
    const run = start(['happy-path', '--port', String(port), '--delay', '60000', '--exit']);
    await run.ready;
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { origin });
        ws.on('open', () => resolve('open'));
        ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
        ws.on('error', (e) => resolve(`error ${e.message}`));
      });
    expect(await attempt('http://evil.example')).toBe('refused 401');
    expect(await attempt(`http://localhost:${port + 1}`)).toBe('refused 401');
    // Its own page's origin is let in (and starts the run).
    expect(await attempt(`http://localhost:${port}`)).toBe('open');
    expect(await run.exited).toBe(0);
  }, 60_000);
});
