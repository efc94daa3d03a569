import { PassThrough } from 'node:stream';
import type { Io } from '../../cli/tps';

/** An Io that keeps what the CLI prints; a terminal's progress bar, if any, goes nowhere. */
export function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTty: false, progress: new PassThrough() };
  return { io, out, err };
}
