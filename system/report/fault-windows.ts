import { z } from 'zod';
import { ids, inRegion, isKind, isRegionalPartOf } from '../../machines/ids';

/**
 * A span of virtual time during which a component was failed (or a region
 * taken out of a DNS). `end` is null when the run ended before recovery.
 */
export const faultWindowSchema = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.string(),
  start: z.number(),
  end: z.number().nullable(),
  label: z.string(),
  /** the region it hits when the target does not say (a DNS region, a slowed region) */
  region: z.number().int().positive().nullable().optional(),
});
export type FaultWindow = z.infer<typeof faultWindowSchema>;

/** The part of a scenario step result the derivation reads. */
export interface StepCommands {
  at: number;
  commands: { target: string; verb: string; args?: Record<string, unknown> }[];
}

const regionOf = (args: Record<string, unknown> | undefined): number | undefined =>
  typeof args?.region === 'number' ? args.region : undefined;

/**
 * Fault windows read from the operator commands of a run's steps: `fail`,
 * `failReplication` and `setRegionOnline {online:false}` open a window on
 * their target, the matching `recover`, `recoverReplication` or
 * `setRegionOnline {online:true}` closes it. A fault injector that reports
 * its own windows (same shape) should be preferred to this.
 *
 * The driver issues a step's commands when the step starts, which is when the
 * previous step ended (`at` is when a step ended, after its waits), so a
 * command's time is the previous step's `at`.
 */
export function faultWindowsFromSteps(steps: readonly StepCommands[]): FaultWindow[] {
  const windows: FaultWindow[] = [];
  const open = new Map<string, FaultWindow>();
  const openWindow = (key: string, at: number, kind: string, target: string, label: string, region?: number) => {
    if (open.has(key)) return; // failing a failed component changes nothing
    const w: FaultWindow = { id: `f${windows.length + 1}`, kind, target, start: at, end: null, label, ...(region !== undefined ? { region } : {}) };
    windows.push(w);
    open.set(key, w);
  };
  const close = (at: number, matches: (key: string) => boolean) => {
    for (const [key, w] of [...open]) {
      if (!matches(key)) continue;
      w.end = at;
      open.delete(key);
    }
  };

  steps.forEach((step, i) => {
    const at = i === 0 ? 0 : Math.max(steps[i - 1].at, 0);
    for (const { target, verb, args } of step.commands) {
      const region = regionOf(args);
      const isTable = isKind(target, 'table');
      switch (verb) {
        case 'fail':
          if (isTable && region !== undefined) {
            const id = inRegion(target, region);
            openWindow(`fail|${id}`, at, 'fail', id, `${id} failed`);
          } else if (isTable) {
            openWindow(`fail|${target}`, at, 'fail', target, `${target} failed (every region and replication)`);
          } else {
            openWindow(`fail|${target}`, at, 'fail', target, `${target} failed`);
          }
          break;
        case 'recover':
          if (isTable && region !== undefined) close(at, (k) => k === `fail|${inRegion(target, region)}`);
          // a whole-table recover recovers every region and the replicator
          else if (isTable) close(at, (k) => k === `fail|${target}` || (k.startsWith('fail|') && isRegionalPartOf(k.slice(5), target)) || k === `failReplication|${target}`);
          else close(at, (k) => k === `fail|${target}`);
          break;
        case 'failReplication':
          openWindow(`failReplication|${target}`, at, 'failReplication', ids.replicator(target), `${target} replication failed`);
          break;
        case 'recoverReplication':
          close(at, (k) => k === `failReplication|${target}`);
          break;
        case 'setRegionOnline':
          if (region === undefined) break;
          if (args?.online === false) openWindow(`offline|${target}|${region}`, at, 'regionOffline', target, `${target}: region ${region} offline`, region);
          else close(at, (k) => k === `offline|${target}|${region}`);
          break;
      }
    }
  });
  return windows;
}
