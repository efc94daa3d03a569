import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * The one statechart walker: reads a machine's definition (states, transitions) through XState's
 * public StateNode fields, for coverage, diagrams, the scenario compiler and the simulator's
 * `handles`. Walks are cached per machine object (a provided machine has state nodes of its own).
 */

export type AnyTransition = AnyTransitionDefinition;

/** A transition with the event it is taken on: its descriptor, or 'always' for an eventless one. */
export interface NodeTransition {
  event: string;
  transition: AnyTransition;
  always: boolean;
}

/** A state's dotted path; the root is '(machine)'. */
export const statePath = (node: AnyStateNode): string => node.path.join('.') || '(machine)';

/** The child states, in definition order. */
export const childrenOf = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states) as AnyStateNode[];

const nodesCache = new WeakMap<AnyStateMachine, AnyStateNode[]>();

/** Every state node, the root first, then depth first in definition order. */
export function allStateNodes(machine: AnyStateMachine): readonly AnyStateNode[] {
  const cached = nodesCache.get(machine);
  if (cached) return cached;
  const nodes: AnyStateNode[] = [];
  const visit = (n: AnyStateNode) => {
    nodes.push(n);
    for (const child of childrenOf(n)) visit(child);
  };
  visit(machine.root);
  nodesCache.set(machine, nodes);
  return nodes;
}

/** The atomic (and final) states: the leaves a configuration is made of. */
export const atomicStateNodes = (machine: AnyStateMachine): AnyStateNode[] =>
  allStateNodes(machine).filter((n) => n.type === 'atomic' || n.type === 'final');

/** A node's own transitions: event-keyed ones (on, after, done, wildcard) in definition order, then its `always` ones. */
export function transitionsOf(node: AnyStateNode): NodeTransition[] {
  const out: NodeTransition[] = [];
  for (const [event, list] of node.transitions) for (const transition of list) out.push({ event, transition, always: false });
  for (const transition of node.always ?? []) out.push({ event: 'always', transition, always: true });
  return out;
}

/** The states a transition to `target` leaves active: the target, its ancestors and its initial (or parallel) descendants. */
export function enteredBy(target: AnyStateNode): AnyStateNode[] {
  const out = new Set<AnyStateNode>();
  for (let n: AnyStateNode | undefined = target; n && n.path.length > 0; n = n.parent) out.add(n);
  const down = (n: AnyStateNode) => {
    const children = n.type === 'parallel' ? childrenOf(n) : n.type === 'compound' ? [...(n.initial?.target ?? [])] : [];
    for (const child of children) {
      out.add(child);
      down(child);
    }
  };
  down(target);
  return [...out];
}

/** The states a machine starts in (its root's initial configuration, root excluded). */
export const initialStateNodes = (machine: AnyStateMachine): AnyStateNode[] => [
  ...new Set((machine.root.initial?.target ?? []).flatMap(enteredBy)),
];

const namesCache = new WeakMap<AnyStateMachine, ReadonlySet<string>>();

/**
 * Every state's name (key) and dotted path, root excluded: what a scenario may name. Undefined
 * for no machine, or logic that is not a state machine (no states to name).
 */
export function stateNames(machine: AnyStateMachine | undefined): ReadonlySet<string> | undefined {
  if (!machine?.root) return undefined;
  const cached = namesCache.get(machine);
  if (cached) return cached;
  const names = new Set<string>();
  for (const n of allStateNodes(machine)) {
    if (n.path.length === 0) continue;
    names.add(n.key);
    names.add(n.path.join('.'));
  }
  namesCache.set(machine, names);
  return names;
}

/** XState's own matching of an event type against a transition's descriptor ('a.b', 'a.*', '*'). */
export function matchesEventDescriptor(type: string, descriptor: string): boolean {
  if (descriptor === type || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  const partial = descriptor.split('.');
  const tokens = type.split('.');
  for (let i = 0; i < partial.length; i++) {
    if (partial[i] === '*') return i === partial.length - 1;
    if (partial[i] !== tokens[i]) return false;
  }
  return true;
}
