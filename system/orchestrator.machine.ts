import { enqueueActions, setup, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { recordSchema } from '../machines/protocol';
import { withInPlaceUpdates } from '../machines/context-update';
import { parseInput } from '../machines/support';
import { activeActiveSpecMachine } from '../specs/active-active-spec.machine';
import { activePassiveSpecMachine } from '../specs/active-passive-spec.machine';
import { NETWORK, resolveControl, type ControlApplied, type ControlCommand, type ControlEvent, type ControlKind, type ControlRejected } from './faults/control';
import { faultInjectorMachine } from './faults/fault-injector.machine';
import { faultSchema } from './faults/fault-plan';
import { NetworkConditions } from './faults/network';
import { ids } from '../machines/ids';
import { layoutOf, peerOf, queueNames } from '../machines/layout';
import { scenarioDriverMachine, type ScenarioStep } from './scenarios/scenario-driver.machine';
import { topologySchema } from '../machines/topology';

/** Latency in virtual ms of a message sent by the actor with this systemId. */
export type { LatencyFn } from '../actors/latency';
import type { LatencyFn } from '../actors/latency';

export { controlVerbs, resolveControl, type ControlCommand, type ControlEvent, type ControlRejected } from './faults/control';

export const orchestratorInputSchema = z.object({
  topology: topologySchema,
  batches: z.array(z.array(recordSchema).min(1)).min(1),
  /** seeded per-message latency; without it messages are delivered at once */
  latency: z.custom<LatencyFn>((v) => typeof v === 'function', 'latency must be a function').optional(),
  /** replacement logic per component kind, e.g. a container given a faulty action */
  machines: z
    .record(z.string(), z.custom<AnyStateMachine>((v) => typeof v === 'object' && v !== null && 'provide' in v))
    .optional(),
  /** a test driver to run in the system, like the reference's test machine */
  scenario: z.array(z.custom<ScenarioStep>()).optional(),
  /** a fault plan, carried out by a fault injector actor (systemId `faults`) */
  faults: z.array(faultSchema).optional(),
  /**
   * Components apply their context updates in place (no copy per message). Only for a run whose
   * snapshots nobody keeps: a kept snapshot would change under its reader. Default: off.
   */
  inPlaceUpdates: z.boolean().optional(),
  /** after a fault heals, recover containers left in failed dependency */
  restartFailedContainers: z.boolean().optional(),
  /** network conditions the latency reads; network commands (slow a region) change them */
  network: z.custom<NetworkConditions>((v) => v instanceof NetworkConditions, 'network must be a NetworkConditions').optional(),
});
export type OrchestratorInput = z.input<typeof orchestratorInputSchema>;

export interface OrchestratorContext {
  components: Record<string, ControlKind>;
  regions: number[];
  network: NetworkConditions | undefined;
  rejected: { command: ControlCommand; reason: string }[];
}

// The system type an actor ref carries (XState does not export its AnyActorSystem).
type AnyActorSystem = AnyActorRef['system'];

/** Each running system's seeded latency, looked up by the machines' latency delay. */
const latencyBySystem = new WeakMap<AnyActorSystem, LatencyFn>();
const withLatency = new WeakMap<AnyStateMachine, AnyStateMachine>();

/**
 * Gives a machine, and the machines it spawns, the simulation's latency.
 * Done once per machine, not per run: building a machine is costly, and the
 * delay finds the latency of the system the actor runs in.
 */
function provideLatency(machine: AnyStateMachine): AnyStateMachine {
  const cached = withLatency.get(machine);
  if (cached) return cached;
  const actors: Record<string, unknown> = {};
  for (const [name, logic] of Object.entries(machine.implementations.actors ?? {})) {
    actors[name] = logic && typeof logic === 'object' && 'implementations' in logic ? provideLatency(logic as AnyStateMachine) : logic;
  }
  const provided = machine.provide({
    delays: {
      latency: ({ self, system }: { self: AnyActorRef; system: AnyActorSystem }) => latencyBySystem.get(system)?.(self.id),
    },
    actors,
  } as never);
  withLatency.set(machine, provided);
  return provided;
}

/**
 * The root of the system: spawns every component of the topology as a child
 * actor with a readable systemId, the spec, and optionally a scenario driver,
 * and routes control commands to components by id.
 */
export const orchestratorMachine = setup({
  types: {
    context: {} as OrchestratorContext,
    events: {} as ControlEvent,
    input: {} as OrchestratorInput,
  },
  actors: { spec: activeActiveSpecMachine, activePassiveSpec: activePassiveSpecMachine, scenarioDriver: scenarioDriverMachine, faultInjector: faultInjectorMachine },
  guards: {
    isValidCommand: ({ context, event }) => 'event' in resolveControl(context.components, event.command, context.regions),
  },
  actions: {
    forwardCommand: enqueueActions(({ context, event, enqueue, system }) => {
      const resolved = resolveControl(context.components, event.command, context.regions);
      if (!('event' in resolved)) return;
      if (resolved.kind !== 'network') enqueue.sendTo(system.get(event.command.target), resolved.event);
      else {
        // The network is not an actor: its conditions are what the latency reads.
        const { type, region, factor, from, ms } = resolved.event as { type: string; region: number; factor?: number; from?: string; ms?: number };
        if (type === 'network.slow') context.network!.slowRegion(region, factor!);
        else if (type === 'network.delayInFlight') context.network!.delayInFlight(from!, ms!);
        else context.network!.restore(region);
      }
      // Sent after the command, so the target has carried it out when the answer lands.
      if (event.replyTo) enqueue.sendTo(event.replyTo, { type: 'tps.controlApplied', command: event.command } satisfies ControlApplied);
    }),
    startScenario: enqueueActions(({ enqueue, system }) => {
      const driver = system.get(ids.driver) as AnyActorRef | undefined;
      if (driver) enqueue.sendTo(driver, { type: 'driver.start' });
    }),
    rejectCommand: enqueueActions(({ context, event, enqueue }) => {
      const resolved = resolveControl(context.components, event.command, context.regions);
      const reason = 'error' in resolved ? resolved.error : 'unknown';
      enqueue.assign({ rejected: [...context.rejected, { command: event.command, reason }] });
      if (event.replyTo) {
        const rejected: ControlRejected = { type: 'tps.controlRejected', command: event.command, reason };
        enqueue.sendTo(event.replyTo, rejected);
      }
    }),
  },
}).createMachine({
  id: 'orchestrator',
  context: ({ input, spawn, self }) => {
    const { topology, batches, latency, machines, scenario, faults, restartFailedContainers, network, inPlaceUpdates } = parseInput(
      orchestratorInputSchema,
      input,
      'orchestrator input',
    );
    const layout = layoutOf(topology, batches);
    if (latency) latencyBySystem.set(self.system, latency);
    const withLatency = (logic: AnyStateMachine) => (latency ? provideLatency(logic) : logic);
    const prepare = (logic: AnyStateMachine) => (inPlaceUpdates ? withInPlaceUpdates(withLatency(logic)) : withLatency(logic));
    const components: Record<string, ControlKind> = {};
    for (const c of layout.components) {
      components[c.systemId] = c.kind;
      spawn(prepare(machines?.[c.kind] ?? c.logic), { id: c.systemId, systemId: c.systemId, input: c.input } as never);
    }
    // The spec of the topology's design.
    const recordIds = batches.flat().map((r) => r.recordId);
    if (topology.design === 'active-passive') {
      const input = { recordIds, stages: topology.stages, regions: layout.regions, queueNames: queueNames(topology.stages) };
      spawn('activePassiveSpec', { id: ids.spec, systemId: ids.spec, input });
    } else {
      spawn('spec', {
        id: ids.spec,
        systemId: ids.spec,
        input: {
          recordIds,
          stages: topology.stages,
          regions: layout.regions,
          queueNames: queueNames(topology.stages),
          weights: topology.regions.map((r) => r.weight),
        },
      });
    }
    if (network) components[NETWORK] = 'network';
    if (faults?.length) {
      const containers = layout.components.filter((c) => c.kind === 'container').map((c) => c.systemId);
      spawn('faultInjector', {
        id: ids.faults,
        systemId: ids.faults,
        input: { faults, restartFailedContainers: restartFailedContainers ?? false, containers, peers: faults.map((f) => peerOf(layout, f.target, f.region) ?? null) },
      });
    }
    if (scenario) spawn('scenarioDriver', { id: ids.driver, systemId: ids.driver, input: { steps: scenario } });
    return { components, regions: layout.regions, network, rejected: [] };
  },
  entry: 'startScenario',
  initial: 'running',
  states: {
    running: {
      on: {
        'tps.control': [{ guard: 'isValidCommand', actions: 'forwardCommand' }, { actions: 'rejectCommand' }],
      },
    },
  },
});
