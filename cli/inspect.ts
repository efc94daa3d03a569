import { MAX_SEED } from '../actors/prng';
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { formatIssues, InputError } from '../machines/support';
import { narrate } from '../system/narrative';
import { runScenarioAsync } from '../system/run-scenario';
import { scenarioNameSchema } from '../system/scenarios';
import { offlinePage } from './inspector/page';
import { toStatelyMessage } from './inspector/protocol';
import { ListenError, startInspectorServer } from './inspector/server';
import { DECIMAL, type Io } from './common';
import { help } from './help';
import { parseFlags } from './flags';
import { defaultTopology, parseTopology } from '../machines/topology';
import type { RunReport } from '../system/run-scenario';

/** The page's last message: the verdict and one line of counts (not a Stately message: the bridge page skips it). */
function verdictMessage(report: RunReport): string {
  const r = report.records;
  const summary =
    `${r.delivered} of ${r.published} delivered, ${r.lost} lost, ${r.duplicates} duplicates, ${report.violations.length} violations; spec ${report.specState}` +
    (report.steps.some((s) => !s.ok) ? `; step ${report.steps.find((s) => !s.ok)!.step} failed` : '');
  return JSON.stringify({ type: '@tps.verdict', createdAt: String(report.stats.virtualTimeMs), verdict: report.verdict, summary });
}

const flagsSchema = z.object({
  scenario: scenarioNameSchema,
  host: z.string().min(1, '--host must not be empty'),
  port: z.coerce.number({ message: '--port must be a number' }).int('--port must be a whole number').min(0, '--port must be 0-65535').max(65535, '--port must be 0-65535'),
  delay: z.coerce.number({ message: '--delay must be a number' }).int('--delay must be a whole number').min(0, '--delay must be 0 or more'),
  seed: z.coerce.number({ message: '--seed must be a number' }).int('--seed must be a whole number').min(0, '--seed must be 0 or more').max(MAX_SEED, '--seed must be below 2^32'),
  speed: z.coerce.number({ message: '--speed must be a number' }).positive('--speed must be above 0').finite('--speed must be finite'),
});

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `tps inspect <scenario>`: plays a scenario in real time (`--speed` virtual
 * ms per real ms) and streams every actor to a local server: an offline page
 * at http://HOST:PORT/ (machine diagrams with current states, event log) and
 * the online Stately inspector at /stately. Every message is kept, so a
 * viewer that joins late still gets the whole run.
 */
export async function commandInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('inspect', args);
  if (values.help) return help('inspect', io);
  if (positionals.length !== 1) throw new InputError('arguments', ['tps inspect takes exactly one scenario name']);
  // Everything is checked before the port is claimed.
  // Plain decimals only: Number() would also take '', ' 7', '0x10' and '1e3'.
  const numeric = (v: string) => (DECIMAL.test(v) ? v : 'not a number');
  const parsed = flagsSchema.safeParse({
    scenario: positionals[0],
    host: values.host,
    port: numeric(values.port),
    delay: numeric(values.delay),
    seed: numeric(values.seed),
    speed: numeric(values.speed),
  });
  if (!parsed.success) throw new InputError('flags', formatIssues(parsed.error));
  const { scenario, host, port: wanted, delay, seed, speed } = parsed.data;

  let server;
  try {
    const topology = parseTopology(defaultTopology);
    const map = { stages: topology.stages, regions: topology.regions.map((r) => r.region) };
    server = await startInspectorServer({ host, port: wanted, page: () => offlinePage(`tps inspect ${scenario} (seed ${seed})`, map) });
  } catch (err) {
    if (err instanceof ListenError) throw new InputError(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? '--port' : '--host', [err.message]);
    throw err;
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${server.port}/`;
  if (!LOOPBACK.has(host))
    io.err(`tps inspect: warning: listening on ${host}, not loopback: anyone who can reach this machine can watch the run.`);
  io.out(`Inspector listening on ${url} (offline view); the Stately inspector (needs the internet): ${url}stately`);
  if (values.open) spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();

  // Start when the first viewer connects, or after --delay ms.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([server.firstViewer, new Promise<void>((r) => (timer = setTimeout(r, delay)))]);
  clearTimeout(timer);

  io.out(`Running ${scenario} (seed ${seed}) at ${speed}x with the inspector attached...`);
  let code = 3;
  try {
    const { report, result } = await runScenarioAsync(
      {
        scenario,
        seed,
        inspect: (e, virtualMs) => {
          const message = toStatelyMessage(e, virtualMs);
          if (message) server.publish(message);
        },
      },
      { speed },
    );
    io.out(narrate(report, result));
    server.publish(verdictMessage(report));
    code = report.verdict === 'pass' ? 0 : 1;
  } finally {
    if (values.exit) {
      const { messages, viewers } = await server.drain();
      io.out(`Sent ${messages} inspection messages to ${viewers} viewer(s)`);
      await server.close();
    }
  }
  if (!values.exit) {
    io.out(`Still serving ${server.count} inspection messages at ${url}; press Ctrl-C to stop.`);
    await new Promise(() => {});
  }
  return code;
}
