import { isSlow, latencySchema } from '../actors/latency';
import { replicatorId } from '../machines/global-table.machine';
import { InputError } from '../machines/support';
import { createActor, type AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { ids } from '../machines/ids';
import { layoutOf, type ComponentKind } from '../machines/layout';
import type { MachineOverrides } from './machines-module';
import type { Topology } from '../machines/topology';

/** Every systemId that sends messages in a topology's layout (what `--slow` may name). */
export function sendersOf(topology: Topology): string[] {
  const layout = layoutOf(topology, []);
  const senders = layout.components.map((c) => c.systemId);
  for (const stage of layout.stages) {
    senders.push(replicatorId(ids.table(stage)));
    for (const region of layout.regions) senders.push(ids.regionalTable(stage, region));
  }
  return senders;
}

/**
 * A skewed latency's `slow` must name something in the topology: a slow
 * target that matches nothing would run with nothing slowed. `raw` is the
 * latency as given, before defaults: slow or factor without the skewed
 * model would be ignored, so they are refused.
 */
export function checkLatencyFor(latency: z.infer<typeof latencySchema>, raw: unknown, topology: Topology, what = 'latency'): void {
  const given = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (latency.model !== 'skewed') {
    // A report's latency carries the defaults for every model: only other values would be lost.
    const defaults: Record<string, unknown> = latencySchema.parse({});
    const ignored = ['slow', 'factor'].filter((k) => given[k] !== undefined && given[k] !== defaults[k]);
    if (ignored.length) throw new InputError(what, ignored.map((k) => `${k}: only the skewed latency model uses it (model is ${latency.model})`));
    return;
  }
  const senders = sendersOf(topology);
  if (senders.some((s) => isSlow(latency.slow, s))) return;
  const regions = topology.regions.map((r) => `r${r.region}`).join(', ');
  throw new InputError(what, [
    `slow: '${latency.slow}' matches nothing in the topology; give a region (${regions}) or a component or its prefix (e.g. ${ids.container(topology.stages[0], topology.regions[0].region)}, container:${topology.stages[0]})`,
  ]);
}

/**
 * Each replacement machine must take its slot's input: it is created (not
 * started) with the input of the first component of its kind, so a machine
 * in the wrong slot is bad input, named by its slot, before anything runs.
 */
export function checkMachinesFor(machines: MachineOverrides | undefined, topology: Topology, what = 'machines'): void {
  if (!machines) return;
  const layout = layoutOf(topology, []);
  const issues: string[] = [];
  for (const [kind, machine] of Object.entries(machines) as [ComponentKind, AnyStateMachine][]) {
    const component = layout.components.find((c) => c.kind === kind);
    if (!component) continue;
    let error: unknown;
    try {
      const snapshot = createActor(machine, { input: component.input }).getSnapshot() as { status: string; error?: unknown };
      if (snapshot.status === 'error') error = snapshot.error;
    } catch (err) {
      error = err;
    }
    // Only the input's own schema speaks here: a machine may also look up its peers, which exist only in a run.
    if ((error as Error | undefined)?.name === 'InputError')
      issues.push(`${kind}: the machine cannot be a ${kind} (created with the input of ${component.systemId}: ${String((error as Error)?.message ?? error).split('\n')[0]})`);
  }
  if (issues.length) throw new InputError(what, issues);
}
