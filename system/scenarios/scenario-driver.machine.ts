import { assign, enqueueActions, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import type { SpecContext } from '../../specs/active-active-spec.machine';
import type { ControlApplied, ControlCommand, ControlEvent } from '../faults/control';
import { ids } from '../../machines/ids';
import type { SourceBatchFailed, SourcePublishRejected } from '../../machines/protocol';
import { peer, type PeerSystem } from '../../machines/support';
import { stateMatches, stateName } from '../../actors/state-name';
import { systemNow } from '../../actors/xstate-internals';

export { stateName } from '../../actors/state-name';

/** Read-only view of the running system for step checks. */
export interface SystemView {
  now: number;
  snapshot(systemId: string): AnyMachineSnapshot;
  /** the current state value of a component, as a string (e.g. "failedDependency") */
  state(systemId: string): string;
  /** a component's context, typed as the caller knows its machine (unchecked) */
  context<T = unknown>(systemId: string): T;
  spec(): SpecContext;
  /** does an actor with this systemId exist? */
  has(systemId: string): boolean;
}

/** A condition a step waits for. */
export type Wait =
  /** send `event` (with replyTo) to `target`; satisfied when it answers with `until` */
  | {
      kind: 'request';
      target: string;
      event: EventObject & Record<string, unknown>;
      until: string | string[];
      /** answers that fail the step instead, e.g. a publish refused */
      failOn?: string[];
      /** fields the answer must carry, to tell answers of the same type apart */
      match?: Record<string, unknown>;
      describe: string;
    }
  /** satisfied once `target`'s state matches `state` (a name or dotted path) */
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
  /** batches the record source publishes, one after another, each waited for */
  publish?: number[];
  /** a publication interrupted by a failed send does not fail the step (publishing it again resumes it) */
  allowInterrupted?: boolean;
  /** virtual ms to let the system run before the waits */
  sleep?: number;
  /** conditions to wait for; a function is resolved once the commands, publications and sleep are done */
  waits?: Wait[] | ((view: SystemView) => Wait[]);
  /** the waits must be satisfied within this many virtual ms, or the step fails */
  within?: number;
  check?: (view: SystemView) => CheckOutcome;
}

/** How a batch's publication ended. */
export interface Publication {
  batch: number;
  outcome: 'published' | 'interrupted';
  /** records of the batch sent so far */
  sent: number;
  failedRecordId?: number;
}

/** How a step failed, typed: shrinking and reports read this, never the wording of `detail`. */
export type StepFailureKind =
  /** the orchestrator refused one of its commands */
  | 'command-rejected'
  /** a wait was answered with a failure, e.g. a publication refused or interrupted */
  | 'wait-failed'
  /** the system went quiescent with a wait still open */
  | 'quiescent'
  /** its waits were not satisfied within its deadline */
  | 'deadline'
  /** its check did not hold */
  | 'check-failed'
  /** its check threw */
  | 'check-threw';

export interface StepResult {
  step: string;
  name: string;
  ok: boolean;
  /** set when `ok` is false */
  failure?: StepFailureKind;
  at: number;
  commands: ControlCommand[];
  publications: Publication[];
  waited: string[];
  observed: Record<string, unknown>;
  detail?: string;
}

export interface DriverContext {
  steps: ScenarioStep[];
  index: number;
  issued: ControlCommand[];
  /** commands issued and not yet answered by the orchestrator */
  unanswered: number;
  publications: Publication[];
  waits: Wait[];
  openWaits: string[];
  results: StepResult[];
}

export type DriverEvent =
  | { type: 'driver.start' }
  | ControlApplied
  | { type: 'wait.answered'; answer: EventObject & Record<string, unknown> }
  | { type: 'wait.progress'; open: string[] }
  | { type: 'wait.satisfied' }
  | { type: 'wait.failed'; reason: string }
  | { type: 'sim.quiescent'; at: number }
  | { type: 'tps.controlRejected'; command: ControlCommand; reason: string };

export function systemView(system: PeerSystem, now: number): SystemView {
  const get = (id: string) => peer(system, id, 'scenario').getSnapshot() as AnyMachineSnapshot;
  return {
    now,
    snapshot: get,
    state: (id) => stateName(get(id).value),
    context: <T>(id: string) => get(id).context as T,
    spec: () => get(ids.spec).context as SpecContext,
    has: (id) => system.get(id) !== undefined,
  };
}

const publishWait = (batch: number, allowInterrupted: boolean): Wait => ({
  kind: 'request',
  target: ids.source,
  event: { type: 'source.publish', batch },
  until: allowInterrupted ? ['source.batchPublished', 'source.batchFailed'] : ['source.batchPublished'],
  failOn: allowInterrupted ? ['source.publishRejected'] : ['source.publishRejected', 'source.batchFailed'],
  match: { batch },
  describe: `record source published batch ${batch}`,
});

/** A failing answer in words: the source's by their fields, any other by its type. */
function describeAnswer(answer: EventObject): string {
  if (answer.type === 'source.batchFailed') {
    const e = answer as SourceBatchFailed;
    return `batch ${e.batch} interrupted after ${e.sent} records: record ${e.failedRecordId} was refused`;
  }
  if (answer.type === 'source.publishRejected') {
    const e = answer as SourcePublishRejected;
    return `publish of batch ${e.batch} refused: ${e.reason}`;
  }
  return answer.type;
}

/** Holds a step until all its waits are satisfied; reports each answer and what is still open. */
const awaitConditions = fromCallback<EventObject, { waits: Wait[] }>(({ input, sendBack, receive, system, self }) => {
  const open = new Set(input.waits.map((_, i) => i));
  const subscriptions: { unsubscribe(): void }[] = [];
  let done = false;
  const satisfy = (i: number) => {
    if (done || !open.delete(i)) return;
    if (open.size === 0) {
      done = true;
      sendBack({ type: 'wait.satisfied' });
    } else sendBack({ type: 'wait.progress', open: [...open].map((j) => input.waits[j].describe) });
  };
  receive((event) => {
    const fields = event as unknown as Record<string, unknown>;
    input.waits.forEach((w, i) => {
      if (w.kind !== 'request' || !open.has(i) || done) return;
      if (!Object.entries(w.match ?? {}).every(([k, v]) => fields[k] === v)) return;
      if (w.failOn?.includes(event.type)) {
        done = true;
        sendBack({ type: 'wait.failed', reason: `${w.describe}: ${describeAnswer(event)}` });
        return;
      }
      const until = typeof w.until === 'string' ? [w.until] : w.until;
      if (!until.includes(event.type)) return;
      sendBack({ type: 'wait.answered', answer: fields as EventObject & Record<string, unknown> });
      satisfy(i);
    });
  });
  input.waits.forEach((w, i) => {
    const target = system.get(w.target) as AnyActorRef | undefined;
    if (!target) throw new Error(`scenario: no actor with systemId '${w.target}'`);
    if (w.kind === 'request') {
      target.send({ ...w.event, replyTo: self });
      return;
    }
    const check = (snapshot: AnyMachineSnapshot) => stateMatches(snapshot.value, w.state) && satisfy(i);
    check(target.getSnapshot() as AnyMachineSnapshot);
    if (open.has(i)) subscriptions.push(target.subscribe(check));
  });
  return () => subscriptions.forEach((s) => s.unsubscribe());
});

const currentStep = (c: DriverContext) => c.steps[c.index];

function stepResult(context: DriverContext, at: number, ok: boolean, extra: Partial<StepResult>): StepResult {
  const step = currentStep(context);
  return {
    step: step.step,
    name: step.name,
    ok,
    at,
    commands: context.issued,
    publications: context.publications,
    waited: context.waits.map((w) => w.describe),
    observed: {},
    ...extra,
  };
}

/**
 * The scenario driver (the reference's test machine): runs steps in order.
 * Each step issues its commands to the orchestrator, publishes its batches
 * one after another, lets the system run if asked, waits for its
 * conditions, then checks what it observed. A command the orchestrator
 * refuses, a publication refused or interrupted, a wait still open when the
 * system goes quiescent or past its deadline: the step fails, naming it.
 */
export const scenarioDriverMachine = setup({
  types: {
    context: {} as DriverContext,
    events: {} as DriverEvent,
    input: {} as { steps: ScenarioStep[] },
    output: {} as { results: StepResult[] },
  },
  actors: { awaitConditions },
  delays: {
    stepSleep: ({ context }) => currentStep(context).sleep ?? 0,
    stepDeadline: ({ context }) => currentStep(context).within ?? 0,
  },
  guards: {
    allCommandsApplied: ({ context }) => context.unanswered === 0,
    allPublished: ({ context }) => context.publications.length >= (currentStep(context).publish?.length ?? 0),
    hasSleep: ({ context }) => (currentStep(context).sleep ?? 0) > 0,
    hasWaits: ({ context }) => context.waits.length > 0,
    hasDeadline: ({ context }) => currentStep(context).within !== undefined,
    lastStepFailed: ({ context }) => context.results.length > 0 && !context.results[context.results.length - 1].ok,
    hasMoreSteps: ({ context }) => context.index + 1 < context.steps.length,
  },
  actions: {
    issueCommands: enqueueActions(({ context, enqueue, system, self }) => {
      const step = currentStep(context);
      const commands = typeof step.commands === 'function' ? step.commands(systemView(system, systemNow(system))) : step.commands ?? [];
      // Each command is answered: applied, or refused (which fails the step).
      for (const command of commands) enqueue.sendParent({ type: 'tps.control', command, replyTo: self } satisfies ControlEvent);
      enqueue.assign({ issued: commands, unanswered: commands.length, publications: [], waits: [], openWaits: [] });
    }),
    noteApplied: assign({ unanswered: ({ context }) => context.unanswered - 1 }),
    notePublication: assign(({ context, event }) => {
      if (event.type !== 'wait.answered') return {};
      const a = event.answer;
      const publication: Publication =
        a.type === 'source.batchFailed'
          ? { batch: a.batch as number, outcome: 'interrupted', sent: a.sent as number, failedRecordId: a.failedRecordId as number }
          : { batch: a.batch as number, outcome: 'published', sent: a.count as number };
      return { publications: [...context.publications, publication] };
    }),
    resolveWaits: assign(({ context, system }) => {
      const step = currentStep(context);
      const waits = typeof step.waits === 'function' ? step.waits(systemView(system, systemNow(system))) : step.waits ?? [];
      return { waits, openWaits: waits.map((w) => w.describe) };
    }),
    noteOpenWaits: assign({ openWaits: ({ event }) => (event.type === 'wait.progress' ? event.open : []) }),
    runCheck: assign(({ context, system }) => {
      const step = currentStep(context);
      const now = systemNow(system);
      let outcome: CheckOutcome = { ok: true };
      let threw = false;
      try {
        outcome = step.check ? step.check(systemView(system, now)) : outcome;
      } catch (err) {
        threw = true;
        outcome = { ok: false, detail: `check threw: ${(err as Error).message}` };
      }
      const result = stepResult(context, now, outcome.ok, {
        ...(outcome.ok ? {} : { failure: threw ? 'check-threw' : 'check-failed' }),
        observed: outcome.observed ?? {},
        ...(outcome.detail !== undefined ? { detail: outcome.detail } : !outcome.ok ? { detail: 'the check did not hold' } : {}),
      });
      return { results: [...context.results, result] };
    }),
    recordStuckWait: assign(({ context, event }) => {
      const at = event.type === 'sim.quiescent' ? event.at : 0;
      const open = context.openWaits.length ? context.openWaits : currentPublishWait(context);
      const result = stepResult(context, at, false, { failure: 'quiescent', detail: `the system went quiescent while waiting for: ${open.join('; ')}` });
      return { results: [...context.results, result] };
    }),
    recordDeadline: assign(({ context, system }) => {
      const within = currentStep(context).within;
      const result = stepResult(context, systemNow(system), false, {
        failure: 'deadline',
        detail: `not within ${within} virtual ms; still waiting for: ${context.openWaits.join('; ')}`,
      });
      return { results: [...context.results, result] };
    }),
    recordWaitFailed: assign(({ context, event, system }) => {
      const reason = event.type === 'wait.failed' ? event.reason : '';
      return { results: [...context.results, stepResult(context, systemNow(system), false, { failure: 'wait-failed', detail: reason })] };
    }),
    recordRejectedCommand: assign(({ context, event, system }) => {
      const reason = event.type === 'tps.controlRejected' ? `${event.command.verb} ${event.command.target}: ${event.reason}` : '';
      return { results: [...context.results, stepResult(context, systemNow(system), false, { failure: 'command-rejected', detail: `command rejected: ${reason}` })] };
    }),
    nextStep: assign({ index: ({ context }) => context.index + 1 }),
  },
}).createMachine({
  id: 'scenarioDriver',
  context: ({ input }) => ({ steps: input.steps, index: 0, issued: [], unanswered: 0, publications: [], waits: [], openWaits: [], results: [] }),
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
      always: { guard: 'allCommandsApplied', target: 'publishing' },
      on: { 'tps.controlApplied': { actions: 'noteApplied' } },
    },
    publishing: {
      initial: 'next',
      states: {
        next: { always: [{ guard: 'allPublished', target: '#scenarioDriver.sleeping' }, { target: 'awaiting' }] },
        awaiting: {
          invoke: {
            src: 'awaitConditions',
            input: ({ context }) => {
              const step = currentStep(context);
              return { waits: [publishWait(step.publish![context.publications.length], step.allowInterrupted ?? false)] };
            },
          },
          on: {
            'wait.answered': { actions: 'notePublication' },
            'wait.satisfied': { target: 'next' },
            'wait.failed': { target: '#scenarioDriver.failed', actions: 'recordWaitFailed' },
            'sim.quiescent': { target: '#scenarioDriver.failed', actions: 'recordStuckWait' },
          },
        },
      },
    },
    sleeping: {
      initial: 'decide',
      states: {
        decide: { always: [{ guard: 'hasSleep', target: 'asleep' }, { target: '#scenarioDriver.resolving' }] },
        asleep: { after: { stepSleep: '#scenarioDriver.resolving' } },
      },
    },
    resolving: {
      entry: 'resolveWaits',
      always: [{ guard: 'hasWaits', target: 'waiting' }, { target: 'checking' }],
    },
    waiting: {
      invoke: { src: 'awaitConditions', input: ({ context }) => ({ waits: context.waits }) },
      on: {
        'wait.answered': {},
        'wait.progress': { actions: 'noteOpenWaits' },
        'wait.satisfied': { target: 'checking' },
        'wait.failed': { target: 'failed', actions: 'recordWaitFailed' },
        'sim.quiescent': { target: 'failed', actions: 'recordStuckWait' },
      },
      initial: 'decide',
      states: {
        decide: { always: [{ guard: 'hasDeadline', target: 'timed' }, { target: 'untimed' }] },
        timed: { after: { stepDeadline: { target: '#scenarioDriver.failed', actions: 'recordDeadline' } } },
        untimed: {},
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

function currentPublishWait(context: DriverContext): string[] {
  const batch = currentStep(context).publish?.[context.publications.length];
  return batch === undefined ? [] : [`record source published batch ${batch}`];
}
