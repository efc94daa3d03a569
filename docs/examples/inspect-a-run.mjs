// Watch a run in the Stately inspector: every actor of the system, its events and snapshots.
// node inspect-a-run.mjs [url] [scenario] [speed]   (defaults: ws://127.0.0.1:8080 f2-fail-database 0.5)
import { createWebSocketInspector } from '@statelyai/inspect';
import { runScenarioAsync } from 'active-active-tps';

const [url = 'ws://127.0.0.1:8080', scenario = 'f2-fail-database', speed = '0.5'] = process.argv.slice(2);

// Keep every event until the socket is open (by default only the last 200 are kept).
const inspector = createWebSocketInspector({ url, maxDeferredEvents: Infinity });

// Played at `speed` virtual ms per real ms, so the inspector shows it unfold.
const { report } = await runScenarioAsync({ scenario, seed: 1, inspect: inspector.inspect }, { speed: Number(speed) });
console.log(`${report.scenario} (seed ${report.seed}): ${report.verdict}, ${report.stats.messages} messages`);

// The inspector sends each event on a later tick: let it, then close the socket.
await new Promise((resolve) => setTimeout(resolve, 0));
inspector.stop();
