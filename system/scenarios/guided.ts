import { Prng } from '../../actors/prng';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import type { Fault, FaultRecord } from '../faults/fault-plan';
import { ids, kindOfId } from '../../machines/ids';
import { queueNames } from '../../machines/layout';
import type { Topology } from '../../machines/topology';
import type { ScenarioFileInput as ScenarioFile } from './format';
import { healingBound } from './generated';
import { swarmPlan } from './swarm';
import { targetedPlan, watchableStates } from './targeted';

/**
 * Coverage-guided chaos (after P's feedback-guided scheduler): seeds run in
 * generations; a seed of the first generation draws a swarm or targeted plan, a later
 * one mostly mutates a plan of the corpus: the plans of earlier generations
 * that reached a combination no earlier seed had reached (a fault hitting a
 * state while its peer was in another, two faults in an order, a faulted
 * component's sequence of states). Every
 * choice comes from a generator seeded by the seed, and the corpus only
 * from finished generations, so plans do not depend on the worker count.
 */

/** Seeds per generation: a generation's plans see only the corpus of the generations before it. */
export const GENERATION = 32;
/** Of a later generation's seeds, the share that still draw a fresh plan (new material for the corpus). */
const FRESH = 0.25;

const pick = <T>(rng: Prng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

/**
 * What a run reached: each fault's kind, target kind, the state it hit and
 * its target's peer's state then; each pair of successive faults (their
 * order); and each faulted component's trail, the states it went through
 * from the fault's start (system/faults/trails.ts).
 */
export function hitCombinations(faults: readonly FaultRecord[]): string[] {
  const started = faults.filter((f) => f.start !== null).sort((a, b) => a.start! - b.start! || a.id.localeCompare(b.id));
  const what = (f: FaultRecord) => `${f.kind} ${kindOfId(f.target)}`;
  const key = (f: FaultRecord) => `${what(f)} while ${f.hitState ?? '-'}`;
  // A pair names its faults without their peers: pairs of peer states would be too many to be new news.
  const keys = new Set(started.map((f) => (f.peer !== undefined ? `${key(f)}, peer ${f.peerState ?? '-'}` : key(f))));
  for (let i = 1; i < started.length; i++) {
    const same = started[i].target === started[i - 1].target ? ' (same target)' : '';
    keys.add(`${key(started[i - 1])} then ${key(started[i])}${same}`);
  }
  for (const f of started) if (f.trail !== undefined && f.trail.length > 1) keys.add(`${what(f)}: ${f.trail.join(' > ')}`);
  return [...keys].sort();
}

/** The corpus: plans that reached something new, and every combination reached so far. */
export interface GuidedCorpus {
  plans: ScenarioFile[];
  seen: Set<string>;
}
export const emptyCorpus = (): GuidedCorpus => ({ plans: [], seen: new Set() });

/** Adds a finished seed's plan when it reached a combination none before it had; true when it did. Call in seed order. */
export function learn(corpus: GuidedCorpus, plan: ScenarioFile, hits: readonly string[]): boolean {
  const fresh = hits.filter((h) => !corpus.seen.has(h));
  for (const h of fresh) corpus.seen.add(h);
  if (fresh.length > 0) corpus.plans.push(plan);
  return fresh.length > 0;
}

/** Fresh material: a swarm plan on odd seeds, a targeted one on even seeds. */
export const freshStrategy = (seed: number): 'swarm' | 'targeted' => (seed % 2 === 1 ? 'swarm' : 'targeted');

/** A guided seed's plan: a fresh draw (first generation, or now and then), else 1-3 mutations of a corpus plan. */
export function guidedPlan(seed: number, corpus: readonly ScenarioFile[], topology: Topology, latency?: LatencyOptions): ScenarioFile {
  const rng = new Prng((seed ^ 0x6e1ded) >>> 0);
  const fresh = freshStrategy(seed) === 'swarm' ? swarmPlan(seed, topology, latency) : targetedPlan(seed, topology, latency);
  if (corpus.length === 0 || rng.next() < FRESH) return withLatency({ ...fresh, description: `guided seed ${seed}, fresh: ${fresh.description}` }, topology, latency);
  const parentAt = rng.int(0, corpus.length - 1);
  let plan: ScenarioFile = { ...corpus[parentAt], seed, faults: [...(corpus[parentAt].faults ?? [])] };
  const done: string[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    const [next, what] = mutate(plan, rng, fresh.faults ?? [], topology, latency !== undefined);
    plan = next;
    done.push(what);
  }
  const origin = (corpus[parentAt].description ?? '').replace(/^guided seed \d+, [^:]*: /, '');
  return withLatency({ ...plan, description: `guided seed ${seed}, corpus plan ${parentAt + 1} mutated (${done.join('; ')}): ${origin}` }, topology, latency);
}

/** A given latency is the plan's (so its file replays alone); the liveness bound follows the plan's latency. */
function withLatency(plan: ScenarioFile, topology: Topology, given?: LatencyOptions): ScenarioFile {
  const latency = latencySchema.parse(given ?? plan.latency ?? {});
  const bound = healingBound((plan.records?.batches ?? 3) * (plan.records?.size ?? 10), topology.stages.length, latency);
  return { ...plan, latency, steps: plan.steps.map((s) => (s.final && s.within !== undefined ? { ...s, within: Math.max(s.within, bound) } : s)) };
}

type Mutation = [ScenarioFile, string];

/** One mutation: move a fault, add one (from this seed's fresh draw), retarget one, or perturb the latency. */
function mutate(plan: ScenarioFile, rng: Prng, donors: readonly Fault[], topology: Topology, latencyFixed: boolean): Mutation {
  const faults = plan.faults ?? [];
  const op = pick(rng, latencyFixed ? (['move', 'add', 'retarget'] as const) : (['move', 'add', 'retarget', 'latency'] as const));
  if (op === 'add' || faults.length === 0) {
    if (donors.length === 0) return [plan, 'nothing to add'];
    const id = `g${faults.length + 1}`;
    const f = { ...pick(rng, donors), id };
    return [{ ...plan, faults: [...faults, f] }, `add ${f.kind} on ${f.target}`];
  }
  const at = rng.int(0, faults.length - 1);
  const replace = (f: Fault) => faults.map((g, i) => (i === at ? f : g));
  const f = faults[at];
  if (op === 'move') {
    const t = f.trigger;
    const moved: Fault['trigger'] =
      'at' in t ? { at: Math.max(0, t.at + rng.int(-150, 150)) } : { ...t, when: { ...t.when, state: pick(rng, watchableStates(t.when.actor, topology) ?? [t.when.state]) }, from: Math.max(0, (t.from ?? 0) + rng.int(-50, 100)) };
    return [{ ...plan, faults: replace({ ...f, trigger: moved, duration: rng.next() < 0.5 ? f.duration : rng.int(0, 400) }) }, `move ${f.id}`];
  }
  if (op === 'retarget') {
    const target = retarget(f, rng, topology);
    if (target === undefined) return [plan, `keep ${f.id}`];
    const t = f.trigger;
    const trigger = 'when' in t && t.when.actor === f.target ? { ...t, when: { ...t.when, actor: target } } : t;
    return [{ ...plan, faults: replace({ ...f, target, trigger }) }, `retarget ${f.id} to ${target}`];
  }
  const l = latencySchema.parse(plan.latency ?? {});
  const model = pick(rng, ['uniform', 'heavy-tail', l.model] as const);
  // slow and factor belong to the skewed model only
  const latency = model === 'skewed' ? { ...l, max: pick(rng, [5, 10, 20, 50]) } : { model, min: l.min, max: pick(rng, [5, 10, 20, 50]) };
  return [{ ...plan, latency }, `latency ${latency.model} ${latency.min}-${latency.max} ms`];
}

/** Another component of the same kind as the fault's target (containers and queues); none for the others. */
function retarget(f: Fault, rng: Prng, topology: Topology): string | undefined {
  const regions = topology.regions.map((r) => r.region);
  if (f.kind === 'container-fail') return ids.container(pick(rng, topology.stages), pick(rng, regions));
  if (f.kind === 'queue-fail') return ids.queue(pick(rng, queueNames(topology.stages)), pick(rng, regions));
  return undefined;
}
