import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';

// The inspector package is ESM-only, so this drives the built CLI (npm test builds first)
// and watches the local WebSocket server with a local client; the Stately page itself
// needs the internet.
const cli = join(__dirname, '..', '..', 'dist', 'cli', 'tps.js');

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer();
    srv.listen(0, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

describe('tps inspect', () => {
  it('streams every actor of a run to a local inspector WebSocket server', async () => {
    expect(existsSync(cli)).toBe(true);
    const port = await freePort();
    const child = spawn(process.execPath, [cli, 'inspect', 'f2-fail-database', '--port', String(port), '--delay', '1500', '--exit']);
    let stdout = '';
    const messages: { type?: string; sessionId?: string; event?: { type?: string }; snapshot?: unknown; actorRef?: unknown; id?: string }[] = [];
    const raw: string[] = [];
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        stdout += d.toString();
        if (stdout.includes('Inspector server listening')) resolve();
      }),
    );
    const ws = new WebSocket(`ws://localhost:${port}`);
    ws.on('message', (d) => {
      raw.push(d.toString());
      messages.push(JSON.parse(d.toString()));
    });
    const code = await exited;
    ws.close();
    expect(code).toBe(0);
    expect(stdout).toMatch(/Verdict: PASS/);
    expect(messages.length).toBeGreaterThan(1000);
    const types = new Set(messages.map((m) => m.type));
    expect([...types]).toEqual(expect.arrayContaining(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
    const all = raw.join('\n');
    for (const id of ['container:preprocess:r1', 'table:preprocess:r1', 'queue:inbound-preprocess:r1', 'spec', 'driver'])
      expect(all).toContain(id);
    expect(all).toContain('failedDependency');
  }, 30_000);
});
