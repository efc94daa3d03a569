/**
 * npm run bench:checks -- [SEEDS (default 200)]
 *
 * What the machines' event checks (machines/event-checks.ts) cost on an F2 run: the F2 rate in
 * this process, the messages per schedule, and the time of the checks per message (one full
 * check and three repeated reads of the same event, the most any transition makes), so their
 * share of a schedule. A same-run comparison with the build before the checks is
 * `npm run bench:compare -- <rev>`; on a busy machine its noise is larger than this share.
 */
import { performance } from 'node:perf_hooks';
import type { AnyActorRef, EventObject } from 'xstate';
import { eventReader, type EventReader } from '../machines/event-checks';
import { runScenario } from '../system/run-scenario';
import { intArg } from './args';

const usage = 'npm run bench:checks -- [SEEDS (default 200)]';
const WARMUP = 20;
const READS_PER_MESSAGE = 4;

function f2Rate(seeds: number): { perSecond: number; messages: number } {
  for (let seed = 10_001; seed < 10_001 + WARMUP; seed++) runScenario({ scenario: 'f2-fail-database', seed });
  let messages = 0;
  const started = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const { report, result } = runScenario({ scenario: 'f2-fail-database', seed });
    if (report.verdict !== 'pass') throw new Error(`F2 failed on seed ${seed}`);
    messages += result.stats.messages;
  }
  return { perSecond: seeds / ((performance.now() - started) / 1000), messages: messages / seeds };
}

/** ns per message: each event checked once and read READS_PER_MESSAGE - 1 times more. */
function checkCost(): number {
  const read: EventReader<EventObject> = eventReader('bench');
  const owner = { id: 'bench' };
  const replyTo = { send: () => {} } as unknown as AnyActorRef;
  const make = (i: number): EventObject[] => ([
    { type: 'queue.send', record: { recordId: i, recordValue: i }, replyTo, corr: i },
    { type: 'queue.sendCompleted', queue: 'q', region: 1, record: { recordId: i, recordValue: i }, success: true, corr: i },
    { type: 'table.insert', region: 1, record: { recordId: i, recordValue: i }, replyTo, corr: i },
    { type: 'queue.removeCompleted', queue: 'q', region: 1, recordId: i, success: true, removed: true, corr: i },
  ] as unknown as EventObject[]);
  const events = Array.from({ length: 5_000 }, (_, i) => make(i)).flat();
  let best = Infinity;
  for (let round = 0; round < 20; round++) {
    const started = performance.now();
    for (const event of events) for (let r = 0; r < READS_PER_MESSAGE; r++) read(owner, event, event.type);
    best = Math.min(best, ((performance.now() - started) * 1e6) / events.length);
  }
  return best;
}

function main(): void {
  const seeds = intArg(2, 200, usage);
  const nsPerMessage = checkCost();
  const { perSecond, messages } = f2Rate(seeds);
  const msPerSchedule = 1000 / perSecond;
  const checksMs = (messages * nsPerMessage) / 1e6;
  console.log(`F2 steady schedules/s (in process, ${seeds} seeds): ${perSecond.toFixed(1)} (${msPerSchedule.toFixed(2)} ms each)`);
  console.log(`messages per schedule: ${messages.toFixed(0)}`);
  console.log(`event checks: ${nsPerMessage.toFixed(1)} ns per message (1 check + ${READS_PER_MESSAGE - 1} repeated reads)`);
  console.log(`checks per schedule: ${checksMs.toFixed(3)} ms = ${((100 * checksMs) / msPerSchedule).toFixed(2)}% of an F2 run (target: under 3%)`);
  console.log(`F2 schedules/s without the checks, by that share: ${(1000 / (msPerSchedule - checksMs)).toFixed(1)}`);
}

main();
