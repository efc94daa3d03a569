/**
 * `npm run bench:per-kind`: where a pipeline's time goes, per receiving
 * component and event type. Wraps the system's relay (every message passes
 * it) in a timer and charges each delivery its exclusive time: what the
 * receiver's transition cost, less any delivery nested in it. The timer
 * itself adds about 0.1 µs per event. Usage: node dist/bench/per-kind.js [records=1002]
 */
import { performance } from 'node:perf_hooks';
import * as internals from '../actors/xstate-internals';
import { tuneGcForSimulation } from '../system/gc-tuning';
import { intArg } from './args';
import { happyPathSteps } from '../system/scenarios/happy-path';
import { simulate } from '../system/simulation';

type Relay = internals.Relay;
const stats = new Map<string, { events: number; ms: number }>();
const nested: number[] = [];

// The simulation installs its trace hook through interceptRelay; this wraps
// what it installs, so the timer sits outside the hook and times the delivery.
const intercept = internals.interceptRelay;
(internals as { interceptRelay: typeof intercept }).interceptRelay = (system, before, after) => {
  intercept(system, before, after);
  internals.wrapRelay(system, (inner): Relay => (source, target, event) => {
    // The machine's own id names the kind (queue, container, regional-table, ...).
    const kind = (internals.logicOf(target) as { id?: string } | undefined)?.id ?? target.id;
    const key = `${kind} <- ${event.type}`;
    const started = performance.now();
    nested.push(0);
    inner(source, target, event);
    const ms = performance.now() - started;
    const inside = nested.pop()!;
    if (nested.length) nested[nested.length - 1] += ms;
    const s = stats.get(key) ?? { events: 0, ms: 0 };
    s.events++;
    s.ms += ms - inside;
    stats.set(key, s);
  });
};

function main(): void {
  tuneGcForSimulation();
  const records = intArg(2, 1002, 'npm run bench:per-kind [records, at least 3]', 3);
  const size = Math.max(1, Math.round(records / 3));
  simulate(happyPathSteps, { seed: 99, batches: { count: 3, size } }); // warm-up
  stats.clear();
  for (let seed = 1; seed <= 3; seed++) simulate(happyPathSteps, { seed, batches: { count: 3, size } });
  let ms = 0;
  let events = 0;
  for (const s of stats.values()) {
    ms += s.ms;
    events += s.events;
  }
  console.log(`happy-path, 3 runs of ${3 * size} records: ${events.toLocaleString('en-US')} deliveries, ${((ms * 1000) / events).toFixed(2)} µs each on average`);
  console.log('receiver <- event                               events   µs each   share');
  for (const [key, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) {
    if (s.ms / ms < 0.005) continue;
    console.log(`${key.padEnd(45)} ${String(s.events).padStart(8)} ${((s.ms * 1000) / s.events).toFixed(2).padStart(9)} ${((100 * s.ms) / ms).toFixed(1).padStart(6)}%`);
  }
}

if (require.main === module) main();
