import { assign, enqueueActions, fromCallback, setup, type ActorSystem, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import type { SpecContext } from '../specs/active-active-spec.machine';
import type { ControlCommand } from './orchestrator.machine';

/** Read-only view of the running system for step checks. */
export interface SystemView {
  now: number;
  snapshot(systemId: string): AnyMachineSnapshot;
  /** the current state value of a component, as a string (e.g. "failedDependency") */
  state(systemId: string): string;
  context<T = any>(systemId: string): T;
  spec(): SpecContext;
}

/** A condition a step waits for. */
export type Wait =
  /** send `event` (with replyTo) to `target`; satisfied when it answers with `until` */
  | {
      kind: 'request';
      target: string;
      event: EventObject & Record<string, unknown>;
      until: string;
      /** fields the answer must carry, to tell answers of the same type apart */
      match?: Record<string, unknown>;
      describe: string;
    }
  /** satisfied once `target`'s state matches `state` */
  | { kind: 'state'; target: string; state: string; describe: string };

export interface CheckOutcome {
  ok: boolean;
  observed?: Record<string, unknown>;
  detail?: string;
}

export interface ScenarioStep {
  /** the seed's step number(s) this implements, e.g. "5" or "3-4" */
  step: string;
  name: string;
  commands?: ControlCommand[] | ((view: SystemView) => ControlCommand[]);
  waits?: Wait[];
  check?: (view: SystemView) => CheckOutcome;
}

export interface StepResult {
  step: string;
  name: string;
  ok: boolean;
  at: number;
  commands: ControlCommand[];
  waited: string[];
  observed: Record<string, unknown>;
  detail?: string;
}

export interface DriverContext {
  steps: ScenarioStep[];
  index: number;
  issued: ControlCommand[];
  results: StepResult[];
}

export type DriverEvent =
  | { type: 'driver.start' }
  | { type: 'driver.commandsApplied' }
  | { type: 'wait.satisfied' }
  | { type: 'sim.quiescent'; at: number }
  | { type: 'tps.controlRejected'; command: ControlCommand; reason: string };

/** A state value as a dotted path, e.g. "processRecords.awaitingRecord". */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}.${stateName(v)}`)
      .join(',');
  }
  return String(value);
}

export function systemView(system: ActorSystem<any>, now: number): SystemView {
  const get = (id: string) => {
    const ref = system.get(id);
    if (!ref) throw new Error(`scenario: no actor with systemId '${id}'`);
    return ref.getSnapshot() as AnyMachineSnapshot;
  };
  return {
    now,
    snapshot: get,
    state: (id) => stateName(get(id).value),
    context: (id) => get(id).context,
    spec: () => get('spec').context as SpecContext,
  };
}

/** Holds a step until all its waits are satisfied. */
const awaitConditions = fromCallback<EventObject, { waits: Wait[] }>(({ input, sendBack, receive, system, self }) => {
  const open = new Set(input.waits.map((_, i) => i));
  const subscriptions: { unsubscribe(): void }[] = [];
  const satisfy = (i: number) => {
    if (!open.delete(i)) return;
    if (open.size === 0) sendBack({ type: 'wait.satisfied' });
  };
  receive((event) => {
    input.waits.forEach((w, i) => {
      if (w.kind !== 'request' || w.until !== event.type) return;
      const fields = event as unknown as Record<string, unknown>;
      if (Object.entries(w.match ?? {}).every(([k, v]) => fields[k] === v)) satisfy(i);
    });
  });
  input.waits.forEach((w, i) => {
    const target = system.get(w.target) as AnyActorRef | undefined;
    if (!target) throw new Error(`scenario: no actor with systemId '${w.target}'`);
    if (w.kind === 'request') {
      target.send({ ...w.event, replyTo: self });
      return;
    }
    const check = (snapshot: AnyMachineSnapshot) => snapshot.matches(w.state as never) && satisfy(i);
    check(target.getSnapshot());
    if (open.has(i)) subscriptions.push(target.subscribe(check));
  });
  return () => subscriptions.forEach((s) => s.unsubscribe());
});

const currentStep = (c: DriverContext) => c.steps[c.index];

/**
 * The scenario driver (the reference's test machine): runs steps in order;
 * each step issues its commands to the orchestrator, waits for its
 * conditions, then checks what it observed. A step whose wait is still open
 * when the system goes quiescent fails with what it was waiting for.
 */
export const scenarioDriverMachine = setup({
  types: {
    context: {} as DriverContext,
    events: {} as DriverEvent,
    input: {} as { steps: ScenarioStep[] },
  },
  actors: { awaitConditions },
  guards: {
    hasWaits: ({ context }) => (currentStep(context).waits?.length ?? 0) > 0,
    lastStepFailed: ({ context }) => context.results.length > 0 && !context.results[context.results.length - 1].ok,
    hasMoreSteps: ({ context }) => context.index + 1 < context.steps.length,
  },
  actions: {
    issueCommands: enqueueActions(({ context, enqueue, system, self }) => {
      const step = currentStep(context);
      const now = (system as any)._clock?.now?.() ?? 0;
      const commands = typeof step.commands === 'function' ? step.commands(systemView(system, now)) : step.commands ?? [];
      for (const command of commands) enqueue.sendParent({ type: 'tps.control', command, replyTo: undefined });
      enqueue.assign({ issued: commands });
      // Sent after the commands, so it lands once they have been carried out.
      enqueue.sendTo(self, { type: 'driver.commandsApplied' });
    }),
    runCheck: assign(({ context, system }) => {
      const step = currentStep(context);
      const now = (system as any)._clock?.now?.() ?? 0;
      let outcome: CheckOutcome = { ok: true };
      try {
        outcome = step.check ? step.check(systemView(system, now)) : outcome;
      } catch (err) {
        outcome = { ok: false, detail: `check threw: ${(err as Error).message}` };
      }
      const result: StepResult = {
        step: step.step,
        name: step.name,
        ok: outcome.ok,
        at: now,
        commands: context.issued,
        waited: (step.waits ?? []).map((w) => w.describe),
        observed: outcome.observed ?? {},
        detail: outcome.detail,
      };
      return { results: [...context.results, result] };
    }),
    recordStuckWait: assign(({ context, event }) => {
      const step = currentStep(context);
      const at = event.type === 'sim.quiescent' ? event.at : 0;
      const result: StepResult = {
        step: step.step,
        name: step.name,
        ok: false,
        at,
        commands: context.issued,
        waited: (step.waits ?? []).map((w) => w.describe),
        observed: {},
        detail: `the system went quiescent while waiting for: ${(step.waits ?? []).map((w) => w.describe).join('; ')}`,
      };
      return { results: [...context.results, result] };
    }),
    recordRejectedCommand: assign(({ context, event }) => {
      const step = currentStep(context);
      const reason = event.type === 'tps.controlRejected' ? event.reason : '';
      const result: StepResult = {
        step: step.step,
        name: step.name,
        ok: false,
        at: 0,
        commands: context.issued,
        waited: [],
        observed: {},
        detail: `command rejected: ${reason}`,
      };
      return { results: [...context.results, result] };
    }),
    nextStep: assign({ index: ({ context }) => context.index + 1 }),
  },
}).createMachine({
  id: 'scenarioDriver',
  context: ({ input }) => ({ steps: input.steps, index: 0, issued: [], results: [] }),
  initial: 'idle',
  on: {
    'tps.controlRejected': { target: '.failed', actions: 'recordRejectedCommand' },
  },
  states: {
    idle: {
      description: 'Waits until the orchestrator has every component up.',
      on: { 'driver.start': 'executing' },
    },
    executing: {
      entry: 'issueCommands',
      on: {
        'driver.commandsApplied': [{ guard: 'hasWaits', target: 'waiting' }, { target: 'checking' }],
      },
    },
    waiting: {
      invoke: {
        src: 'awaitConditions',
        input: ({ context }) => ({ waits: currentStep(context).waits ?? [] }),
      },
      on: {
        'wait.satisfied': { target: 'checking' },
        'sim.quiescent': { target: 'failed', actions: 'recordStuckWait' },
      },
    },
    checking: {
      entry: 'runCheck',
      always: [
        { guard: 'lastStepFailed', target: 'failed' },
        { guard: 'hasMoreSteps', target: 'executing', actions: 'nextStep' },
        { target: 'passed' },
      ],
    },
    passed: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({ results: context.results }),
});
