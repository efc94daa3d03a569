import type { AnyActorRef } from 'xstate';
import { z } from 'zod';
import type { ComponentKind } from '../../machines/layout';

/** What can be commanded: the components, plus the network the simulation delivers messages over. */
export type ControlKind = ComponentKind | 'network';

/** The systemId of the simulated network (message latency), a command target like any component. */
export const NETWORK = 'network';

const region = z.number().int().positive();
const none = z.object({}).strict();

/**
 * Operator verbs each kind accepts: the event each becomes and the
 * arguments it takes (checked before a command is carried out).
 */
export const controlVerbs: Record<ControlKind, Record<string, { event: string; args: z.ZodType }>> = {
  queue: { fail: { event: 'queue.fail', args: none }, recover: { event: 'queue.recover', args: none } },
  container: { fail: { event: 'container.fail', args: none }, recover: { event: 'container.recover', args: none } },
  table: {
    fail: { event: 'table.fail', args: z.object({ region: region.optional() }).strict() },
    recover: { event: 'table.recover', args: z.object({ region: region.optional() }).strict() },
    failReplication: { event: 'table.failReplication', args: none },
    recoverReplication: { event: 'table.recoverReplication', args: none },
  },
  dns: { setRegionOnline: { event: 'dns.setRegionOnline', args: z.object({ region, online: z.boolean() }).strict() } },
  database: {
    fail: { event: 'table.fail', args: none },
    recover: { event: 'table.recover', args: none },
    failReplication: { event: 'table.failReplication', args: none },
    recoverReplication: { event: 'table.recoverReplication', args: none },
    switch: { event: 'database.switch', args: none },
  },
  failoverDns: { switch: { event: 'dns.switch', args: none } },
  source: { publish: { event: 'source.publish', args: z.object({ batch: z.number().int().positive() }).strict() } },
  destination: { notifyAt: { event: 'destination.notifyAt', args: z.object({ count: z.number().int().positive() }).strict() } },
  network: {
    slow: { event: 'network.slow', args: z.object({ region, factor: z.number().min(1).max(1000) }).strict() },
    restore: { event: 'network.restore', args: z.object({ region }).strict() },
    delayInFlight: { event: 'network.delayInFlight', args: z.object({ from: z.string().min(1), ms: z.number().int().min(0).max(60_000) }).strict() },
  },
};

/** A fault or control command, addressed by component systemId. */
export interface ControlCommand {
  target: string;
  verb: string;
  args?: Record<string, unknown>;
}
export type ControlEvent = { type: 'tps.control'; command: ControlCommand; replyTo?: AnyActorRef };
export type ControlRejected = { type: 'tps.controlRejected'; command: ControlCommand; reason: string };
/** The answer to a command sent with replyTo: it was handed to its target (which has carried it out). */
export type ControlApplied = { type: 'tps.controlApplied'; command: ControlCommand };

/** Regions a command's arguments name, so a command for a region the topology lacks is refused. */
const regionArgs = (args: Record<string, unknown>) => (typeof args.region === 'number' ? [args.region] : []);

/** The event a command becomes, or why it cannot be carried out. */
export function resolveControl(
  components: Record<string, ControlKind>,
  command: ControlCommand,
  regions?: readonly number[],
): { event: { type: string } & Record<string, unknown>; kind: ControlKind } | { error: string } {
  const kind = Object.hasOwn(components, command.target) ? components[command.target] : undefined;
  if (!kind) {
    return { error: `unknown component '${command.target}'; known: ${Object.keys(components).sort().join(', ')}` };
  }
  const verb = Object.hasOwn(controlVerbs[kind], command.verb) ? controlVerbs[kind][command.verb] : undefined;
  if (!verb) {
    const verbs = Object.keys(controlVerbs[kind]);
    return { error: `${kind} '${command.target}' has no verb '${command.verb}'; it accepts: ${verbs.join(', ') || 'none'}` };
  }
  const args = verb.args.safeParse(command.args ?? {});
  if (!args.success) {
    const issues = args.error.issues.map((i) => `${i.path.length ? `args.${i.path.join('.')}` : 'args'}: ${i.message}`);
    return { error: `${kind} '${command.target}' ${command.verb}: ${issues.join('; ')}` };
  }
  const unknownRegion = regions ? regionArgs(args.data as Record<string, unknown>).find((r) => !regions.includes(r)) : undefined;
  if (unknownRegion !== undefined) {
    return { error: `${kind} '${command.target}' ${command.verb}: args.region: no region ${unknownRegion}; regions are ${regions!.join(', ')}` };
  }
  return { event: { ...(args.data as Record<string, unknown>), type: verb.event }, kind };
}
