// Run the system's root machine in your own actor, watched by the Stately inspector.
// node inspect-the-orchestrator.mjs [url]   (default: ws://127.0.0.1:8080)
import { createWebSocketInspector } from '@statelyai/inspect';
import { createActor, waitFor } from 'xstate';
import { defaultTopology, makeRecordSet, orchestratorInputSchema, orchestratorMachine } from 'active-active-tps';

const [url = 'ws://127.0.0.1:8080'] = process.argv.slice(2);
const inspector = createWebSocketInspector({ url, maxDeferredEvents: Infinity });

/** @type {import('active-active-tps').OrchestratorInput} */
const input = {
  topology: defaultTopology,
  batches: makeRecordSet(1, 3, 10), // 3 batches of 10 records, drawn from seed 1
  latency: () => 5, // ms a message takes (given the sender's systemId); here on real timers
};
const tps = createActor(orchestratorMachine, { input: orchestratorInputSchema.parse(input), inspect: inspector.inspect }).start();

// Publish the batches one after the other, then wait until the destination holds every record.
const source = tps.system.get('source');
for (const batch of [1, 2, 3]) {
  source.send({ type: 'source.publish', batch });
  await waitFor(source, (s) => s.matches('idle'), { timeout: 30_000 });
}
const destination = await waitFor(tps.system.get('destination'), (s) => s.context.count === 30, { timeout: 30_000 });
console.log(`${Object.keys(tps.getSnapshot().children).length} actors; the destination holds ${destination.context.count} records`);

tps.stop();
// The inspector sends each event on a later tick: let it, then close the socket.
await new Promise((resolve) => setTimeout(resolve, 0));
inspector.stop();
