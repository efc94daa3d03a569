/**
 * The `inspect` option of runScenario, runScenarioAsync, simulate, simulateAsync
 * and checkScenario takes what XState's createActor takes: an observer object
 * (as @statelyai/inspect's `inspector.inspect` is) or a function, which is
 * also told the virtual time. Anything else is refused before anything runs.
 */
import type { AnyActorRef, AnyMachineSnapshot, InspectedSnapshotEvent, InspectionEvent } from 'xstate';
import {
  checkScenario,
  happyPathSteps,
  InputError,
  runScenario,
  runScenarioAsync,
  simulate,
  simulateAsync,
  type InspectOption,
} from '../../index';
import type { RecordDestinationContext } from '../../machines/record-destination.machine';

/** An observer whose methods use `this`, as @statelyai/inspect's are objects with methods. */
class Recorder {
  readonly events: InspectionEvent[] = [];
  completed = 0;
  next(event: InspectionEvent) {
    this.events.push(event);
  }
  error() {}
  complete() {
    this.completed++;
  }
  /** the systemIds of the actors announced */
  actors(): string[] {
    return this.events.filter((e) => e.type === '@xstate.actor').map((e) => (e.actorRef as AnyActorRef).id);
  }
  /** the snapshots of the actor with this id, in the order they were reported */
  snapshotsOf(id: string): AnyMachineSnapshot[] {
    return this.events
      .filter((e): e is InspectedSnapshotEvent => e.type === '@xstate.snapshot' && (e.actorRef as AnyActorRef).id === id)
      .map((e) => e.snapshot as AnyMachineSnapshot);
  }
}

const noSleep = { speed: 1e9, sleep: async () => {} };

describe('inspect: an XState inspection observer or function', () => {
  it('runScenario takes an observer object; the run and its digest are those of a run without one', () => {
    const plain = runScenario({ scenario: 'f2-fail-database', seed: 1 });
    const recorder = new Recorder();
    const { report } = runScenario({ scenario: 'f2-fail-database', seed: 1, inspect: recorder });
    expect(report.verdict).toBe('pass');
    expect(report.traceDigest).toBe(plain.report.traceDigest);
    expect(recorder.actors()).toEqual(expect.arrayContaining(['tps', 'destination', 'container:preprocess:r1', 'spec', 'driver']));
    expect(new Set(recorder.events.map((e) => e.type))).toEqual(
      new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep', '@xstate.action']),
    );
    const values = recorder.snapshotsOf('container:preprocess:r1').map((s) => JSON.stringify(s.value));
    expect(values).toContain('"failedDependency"');
  });

  it('an observer that keeps snapshots sees each as it was: the destination counts 0 -> 30', () => {
    const recorder = new Recorder();
    runScenario({ scenario: 'f2-fail-database', seed: 1, inspect: recorder });
    const counts = recorder.snapshotsOf('destination').map((s) => (s.context as RecordDestinationContext).count);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBe(30);
    expect(counts.every((c, i) => i === 0 || counts[i - 1] <= c)).toBe(true);
    expect(new Set(counts).size).toBeGreaterThan(2);
  });

  it('keeps the function form: (event, virtual ms), the same events as an observer gets', () => {
    const recorder = new Recorder();
    runScenario({ scenario: 'happy-path', seed: 2, inspect: recorder });
    const seen: { type: string; at: number }[] = [];
    const { report } = runScenario({ scenario: 'happy-path', seed: 2, inspect: (event, virtualMs) => seen.push({ type: event.type, at: virtualMs }) });
    expect(seen.map((s) => s.type)).toEqual(recorder.events.map((e) => e.type));
    expect(seen.every((s, i) => i === 0 || seen[i - 1].at <= s.at)).toBe(true);
    expect(seen[0].at).toBe(0);
    expect(seen[seen.length - 1].at).toBe(report.stats.virtualTimeMs);
  });

  it('runScenarioAsync, simulate and simulateAsync take an observer too', async () => {
    const sync = new Recorder();
    const paced = new Recorder();
    const run = new Recorder();
    const pacedRun = new Recorder();
    const a = simulate(happyPathSteps, { seed: 4, inspect: sync });
    const b = await simulateAsync(happyPathSteps, { seed: 4, inspect: paced }, noSleep);
    const c = await runScenarioAsync({ scenario: 'happy-path', seed: 4, inspect: pacedRun }, noSleep);
    const d = runScenario({ scenario: 'happy-path', seed: 4, inspect: run });
    expect(b.traceDigest).toBe(a.traceDigest);
    expect(c.report.traceDigest).toBe(d.report.traceDigest);
    expect(sync.events.length).toBeGreaterThan(100);
    expect(paced.events.map((e) => e.type)).toEqual(sync.events.map((e) => e.type));
    expect(pacedRun.events.map((e) => e.type)).toEqual(run.events.map((e) => e.type));
    expect(run.events.length).toBeGreaterThan(100);
  });

  it('checkScenario tells an observer every seed\'s run, in-process (an observer cannot cross threads)', async () => {
    const recorder = new Recorder();
    const report = await checkScenario({ scenario: 'happy-path', from: 1, count: 2, workers: 2, inspect: recorder });
    expect(report.verdict).toBe('pass');
    expect(report.workers).toBe(0);
    expect(recorder.actors().filter((id) => id === 'tps')).toHaveLength(2);
    const plain = await checkScenario({ scenario: 'happy-path', from: 1, count: 2, workers: 0 });
    expect(report.results.map((r) => r.traceDigest)).toEqual(plain.results.map((r) => r.traceDigest));
  });

  const bad: [string, unknown][] = [
    ['a string', 'yes'],
    ['an object without next', {}],
    ['a next that is not a function', { next: 1 }],
    ['a complete that is not a function', { next() {}, complete: 'done' }],
    ['null', null],
  ];
  it.each(bad)('refuses %s, naming inspect, before anything runs', async (_, inspect) => {
    const seen: string[] = [];
    const spy = (e: InspectionEvent) => void seen.push(e.type);
    const message = /inspect: inspect must be a function or an observer with a next method/;
    const given = inspect as InspectOption;
    expect(() => runScenario({ scenario: 'happy-path', inspect: given, onInspectionEvent: spy })).toThrow(InputError);
    expect(() => runScenario({ scenario: 'happy-path', inspect: given })).toThrow(message);
    await expect(runScenarioAsync({ scenario: 'happy-path', inspect: given }, noSleep)).rejects.toThrow(message);
    expect(() => simulate(happyPathSteps, { seed: 1, inspect: given, onInspectionEvent: spy })).toThrow(message);
    await expect(simulateAsync(happyPathSteps, { seed: 1, inspect: given }, noSleep)).rejects.toThrow(message);
    await expect(checkScenario({ scenario: 'happy-path', count: 1, workers: 0, inspect: given })).rejects.toThrow(message);
    expect(seen).toEqual([]);
  });
});
