/** Bounded waits for tests: each has a deadline and fails saying what it waited for. */

/** Resolves `promise`, or rejects after `ms` naming what it waited for. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `done` every `everyMs` until it holds; fails after `ms` naming what it waited for (and `state()`, if given). */
export async function waitUntil(what: string, done: () => boolean, { ms = 30_000, everyMs = 25, state }: { ms?: number; everyMs?: number; state?: () => string } = {}): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms${state ? ` (${state()})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
