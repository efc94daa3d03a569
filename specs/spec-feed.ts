import type { AnyActorRef, AnyMachineSnapshot } from 'xstate';
import { applySpecFact, type SpecContext, type SpecEvent } from './active-active-spec.machine';

/**
 * How facts reach the spec actor. `direct`: each fact is applied to the spec's
 * context in place (what its `observe` action does) and the machine is sent
 * `spec.check` only when its state or its violations may change: every record
 * complete (hot -> cold) or a new violation. A stuck spec is sent the fact
 * itself (it goes back to hot). Otherwise (a viewer is attached) every fact is
 * an event, so it is seen as one. Both give the same verdicts, violations and
 * `coldAt`. `onDirect` (coverage) is told of each fact applied directly, with
 * the spec's snapshot before it: the transition the event would have taken.
 */
export function createSpecFeed(
  spec: () => AnyActorRef | undefined,
  direct: boolean,
  onDirect?: (ref: AnyActorRef, before: AnyMachineSnapshot, e: SpecEvent) => void,
): (e: SpecEvent) => void {
  if (!direct) return (e) => spec()?.send(e);
  return (e) => {
    const ref = spec();
    if (!ref) return;
    const snapshot = ref.getSnapshot() as AnyMachineSnapshot;
    if (snapshot.status !== 'active' || (snapshot.value !== 'hot' && snapshot.value !== 'cold')) {
      ref.send(e);
      return;
    }
    onDirect?.(ref, snapshot, e);
    const c = snapshot.context as SpecContext;
    const violations = c.violations.length;
    applySpecFact(c, e);
    if ((snapshot.value === 'hot' && c.pending === 0) || c.violations.length !== violations)
      ref.send({ type: 'spec.check', at: 'at' in e ? e.at : 0 });
  };
}
