import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatIssues, InputError } from '../machines/support';
import { narrate } from '../system/narrative';
import { runScenario } from '../system/run-scenario';
import type { Io } from './tps';

const flagsSchema = z.object({
  port: z.coerce.number().int().min(1, '--port must be 1-65535').max(65535, '--port must be 1-65535'),
  delay: z.coerce.number().int().min(0, '--delay must be 0 or more'),
  seed: z.coerce.number().int().min(0, '--seed must be 0 or more'),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `tps inspect <scenario>`: runs a scenario with every actor streamed to the
 * Stately inspector through a local WebSocket server (@statelyai/inspect).
 * Open http://localhost:PORT in a browser (it embeds the Stately inspector
 * page, which needs the internet) before the run starts.
 */
export async function commandInspect(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '1' },
      port: { type: 'string', default: '8080' },
      delay: { type: 'string', default: '5000' },
      open: { type: 'boolean', default: false },
      exit: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new InputError('arguments', ['tps inspect takes exactly one scenario name']);
  const parsed = flagsSchema.safeParse(values);
  if (!parsed.success) throw new InputError('flags', formatIssues(parsed.error));
  const { port, delay, seed } = parsed.data;

  // ESM-only packages: loaded with a real dynamic import from this CommonJS build.
  const { createInspectorServer } = await import('@statelyai/inspect/server');
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const server = createInspectorServer({ port, autoOpen: values.open });
  io.out(`Inspector server listening on ws://localhost:${port}; open http://localhost:${port} to watch.`);
  const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
  await sleep(delay);
  io.out(`Running ${positionals[0]} (seed ${seed}) with the inspector attached...`);
  let code = 2;
  try {
    const { report, result } = runScenario({ scenario: positionals[0], seed, inspect: (e) => inspector.inspect.next?.(e) });
    io.out(narrate(report, result));
    code = report.verdict === 'pass' ? 0 : 1;
  } finally {
    if (values.exit) {
      await sleep(1000); // let the socket flush
      inspector.stop();
      server.stop();
    } else {
      io.out('Still serving the inspector; press Ctrl-C to stop.');
      await new Promise(() => {});
    }
  }
  return code;
}
