import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { childrenOf, transitionsOf, type AnyTransition } from '../../actors/state-nodes';

/**
 * Machine -> Graphviz DOT, read from the machine object itself
 * (`machine.root`), so a diagram cannot drift from the code it draws.
 *
 * - a leaf state is a rounded box; a compound state a cluster with a dot
 *   pointing at its initial child; a parallel state a dashed cluster; a final
 *   state has a double border
 * - an edge is labelled `event [guard] / actions`, wrapped at 28 characters so
 *   a diagram stays narrow; `always` transitions are bold; targetless ones
 *   (actions only) are grey `⟲ event / actions` lines under the state's name
 *   (self-loops would overprint each other's labels)
 * - descriptions become tooltips
 * - every state's SVG element gets the id `<name>:<state path>` (the root is
 *   `<name>:`) and the class `state`, so a page can highlight current states
 * Output is stable: states, events and transitions in definition order.
 */

export interface DotOptions {
  /** diagram name, used in element ids (default: the machine's id) */
  name?: string;
  /** draw action names on edges (default true) */
  actions?: boolean;
}

/** `<name>:<path>`: the id of a state's element in the SVG (root: `<name>:`). */
export const stateElementId = (name: string, path: readonly string[]) => `${name}:${path.join('.')}`;

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** A guard as written: `name`, `and(a, b)`, `!a`, `in(state)`. */
export function formatGuard(guard: unknown): string {
  if (guard === undefined || guard === null) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { name?: string; check?: unknown; guards?: unknown[]; stateValue?: unknown };
    if (g.check && Array.isArray(g.guards)) {
      const inner = g.guards.map(formatGuard);
      if (g.name === 'not') return `!${inner[0]}`;
      return `${g.name ?? 'guard'}(${inner.join(', ')})`;
    }
    if (g.check && g.stateValue !== undefined) return `in(${JSON.stringify(g.stateValue)})`;
    return g.name || 'inline';
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') return (guard as { type: string }).type;
  return 'guard';
}

function formatAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') return (action as { name?: string }).name || 'inline';
  if (action && typeof action === 'object' && typeof (action as { type?: unknown }).type === 'string') return (action as { type: string }).type;
  return 'action';
}

/** XState's internal event names, in words. */
export function formatEvent(eventType: string): string {
  let m = /^xstate\.after\.(.+?)\.[^.]*$/.exec(eventType);
  if (m) return `after ${m[1]}`;
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (m) return `${m[1]}: ${m[2]}`;
  return eventType;
}

/** Longest line of an edge label: longer ones wrap, so a diagram stays narrow enough to read at page width. */
const WRAP = 28;

/** Words joined by `sep` into lines of at most WRAP characters (a longer word keeps its own line). */
function wrap(words: string[], sep: string): string[] {
  const lines: string[] = [];
  for (const w of words) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + sep.length + w.length <= WRAP) lines[last] += sep + w;
    else lines.push(w);
  }
  return lines;
}

/** `event [guard] / actions` on one line (`oneLine`), or wrapped: the event, the guard, the actions. */
function edgeLabel(event: string, t: AnyTransition, withActions: boolean, oneLine = false): string {
  const guard = formatGuard(t.guard);
  const actions = withActions ? t.actions.map(formatAction).filter((a) => a !== 'inline' || t.actions.length === 1) : [];
  if (oneLine) return `${event}${guard ? ` [${guard}]` : ''}${actions.length ? ` / ${actions.join(', ')}` : ''}`;
  const head = guard && event.length + guard.length + 3 <= WRAP ? [`${event} [${guard}]`] : [event, ...(guard ? [`[${guard}]`] : [])];
  return [...head, ...(actions.length ? wrap(actions, ', ').map((l, i) => (i === 0 ? `/ ${l}` : l)) : [])].join('\n');
}

/** A diagram being written: its state lines (clusters nest) and its edges (listed after them). */
interface Drawing {
  root: AnyStateNode;
  name: string;
  withActions: boolean;
  lines: string[];
  edges: string[];
  edgeCount: number;
}

const isCluster = (d: Drawing, n: AnyStateNode) => n === d.root || n.type === 'compound' || n.type === 'parallel';
const nodeName = (n: AnyStateNode) => q(n.path.join('.') || '(machine)');
// A cluster is entered and left through its anchor: the initial dot.
const anchor = (n: AnyStateNode) => q(`${n.path.join('.')}/•`);
const clusterName = (n: AnyStateNode) => q(`cluster_${n.path.join('.') || '(machine)'}`);
const end = (d: Drawing, n: AnyStateNode, side: 'tail' | 'head') =>
  isCluster(d, n) ? { id: anchor(n), attr: `${side === 'tail' ? 'ltail' : 'lhead'}=${clusterName(n)}` } : { id: nodeName(n), attr: '' };
const nextEdgeId = (d: Drawing) => q(`${d.name}:e${++d.edgeCount}`);

function addEdge(d: Drawing, from: AnyStateNode, to: AnyStateNode, label: string, always: boolean, tooltip?: string): void {
  const a = end(d, from, 'tail');
  const b = end(d, to, 'head');
  const attrs = [`id=${nextEdgeId(d)}`, `label=${q(label)}`];
  if (always) attrs.push('style=bold');
  if (tooltip) attrs.push(`tooltip=${q(tooltip)}`);
  // ltail/lhead only where the edge really leaves/enters the cluster.
  const inside = (outer: AnyStateNode, inner: AnyStateNode) =>
    inner.path.length >= outer.path.length && outer.path.every((k, i) => inner.path[i] === k);
  if (a.attr && !inside(from, to)) attrs.push(a.attr);
  if (b.attr && !inside(to, from)) attrs.push(b.attr);
  d.edges.push(`  ${a.id} -> ${b.id} [${attrs.join(', ')}];`);
}

const extras = (n: AnyStateNode) => n.invoke.map((inv) => `invoke ${typeof inv.src === 'string' ? inv.src : inv.id}`);

/** targetless transitions as grey `⟲` lines under a state's name (HTML label) */
const internalLines = (d: Drawing, n: AnyStateNode) =>
  transitionsOf(n)
    .filter(({ transition }) => !transition.target)
    .map(({ event, transition }) => edgeLabel(formatEvent(event), transition, d.withActions, true))
    .map((l) => `<br/><font point-size="9" color="#666666">⟲ ${html(l)}</font>`);

function drawCluster(d: Drawing, n: AnyStateNode, indent: string): void {
  const id = q(stateElementId(d.name, n.path));
  // A cluster's targetless transitions are listed under its name: self-loops
  // on its dot would pile up their labels.
  const title = [n === d.root ? d.name : n.key, ...extras(n)].map(html).join('<br/>');
  const label = `<<b>${title}</b>${internalLines(d, n).join('')}>`;
  d.lines.push(`${indent}subgraph ${clusterName(n)} {`);
  d.lines.push(
    `${indent}  id=${id}; class="state${n === d.root ? ' root' : ''}"; label=${label}; style="rounded${n.type === 'parallel' ? ',dashed' : ''}"${
      n.description ? `; tooltip=${q(n.description)}` : ''
    };`,
  );
  const initial = n.initial?.target[0];
  d.lines.push(`${indent}  ${anchor(n)} [id=${q(`${stateElementId(d.name, n.path)}/init`)}, shape=point, width=0.1, fillcolor=black${initial ? '' : ', style=invis'}];`);
  if (initial) {
    const to = end(d, initial, 'head');
    d.edges.push(`  ${anchor(n)} -> ${to.id} [id=${nextEdgeId(d)}${to.attr ? `, ${to.attr}` : ''}];`);
  }
  for (const child of childrenOf(n)) drawState(d, child, indent + '  ');
  d.lines.push(`${indent}}`);
}

function drawLeaf(d: Drawing, n: AnyStateNode, indent: string): void {
  const id = q(stateElementId(d.name, n.path));
  const tooltip = n.description ? `, tooltip=${q(n.description)}` : '';
  // Its targetless transitions are listed in the box too: several self-loops overprint their labels.
  const internal = internalLines(d, n);
  const label = internal.length ? `<${[n.key, ...extras(n)].map(html).join('<br/>')}${internal.join('')}>` : q([n.key, ...extras(n)].join('\n'));
  const final = n.type === 'final' ? ', peripheries=2' : '';
  d.lines.push(`${indent}${nodeName(n)} [id=${id}, class="state", label=${label}${final}${tooltip}];`);
}

function drawState(d: Drawing, n: AnyStateNode, indent: string): void {
  if (isCluster(d, n)) drawCluster(d, n, indent);
  else drawLeaf(d, n, indent);
  for (const { event, transition: t, always } of transitionsOf(n)) {
    const target = t.target?.[0];
    if (target) addEdge(d, n, target, edgeLabel(formatEvent(event), t, d.withActions), always, t.description);
  }
}

export function machineToDot(machine: AnyStateMachine, options: DotOptions = {}): string {
  const d: Drawing = { root: machine.root, name: options.name ?? machine.id, withActions: options.actions ?? true, lines: [], edges: [], edgeCount: 0 };
  drawState(d, d.root, '  ');
  const name = d.name;
  return [
    `digraph ${q(name)} {`,
    `  graph [id=${q(name)}, compound=true, rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.5];`,
    `  node [shape=box, style="rounded,filled", fillcolor="#f7f7f7", fontname="Helvetica", fontsize=11];`,
    `  edge [fontname="Helvetica", fontsize=9];`,
    ...d.lines,
    ...d.edges,
    '}',
    '',
  ].join('\n');
}
