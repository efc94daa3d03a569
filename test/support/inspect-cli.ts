import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { within } from './wait';

/** The built CLI (npm test builds first). */
export const tpsCli = join(__dirname, '..', '..', 'dist', 'cli', 'tps.js');

export interface InspectProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
  /** the port the server got: it listens on --port 0 (the kernel picks a free one) and prints its URL */
  port: () => Promise<number>;
}

/**
 * `tps inspect ARGS` as a child process, on `--port 0` unless ARGS give a port.
 * No port is picked beforehand: the server reports the one it got, so two
 * jest workers never race for the same port.
 */
export function startInspect(args: string[], { readyMs = 30_000 } = {}): InspectProcess {
  const child = spawn(process.execPath, [tpsCli, 'inspect', ...args, ...(args.includes('--port') ? [] : ['--port', '0'])]);
  let out = '';
  let err = '';
  let onPort!: (port: number) => void;
  const listening = new Promise<number>((r) => (onPort = r));
  child.stdout.on('data', (d) => {
    out += d.toString();
    const url = /Inspector listening on http:\/\/[^:]+:(\d+)\//.exec(out);
    if (url) onPort(Number(url[1]));
  });
  child.stderr.on('data', (d) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const port = () =>
    within(
      readyMs,
      `'Inspector listening on' line from tps inspect ${args.join(' ')}`,
      Promise.race([listening, exited.then((code) => Promise.reject(new Error(`tps inspect exited ${code} before listening: ${err}`)))]),
    );
  return { child, stdout: () => out, stderr: () => err, exited, port };
}
