import { performance } from 'node:perf_hooks';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import { InputError } from '../../machines/support';
import type { Fault } from '../faults/fault-plan';
import { loadMachinesModule, validateMachines, type MachineOverrides } from '../machines-module';
import { runScenario, type RunReport } from '../run-scenario';
import { parseScenarioFile, type ScenarioFile } from '../scenarios';
import type { Count, ExpectationSpec, Selector, StepSpec, WaitSpec } from '../scenarios/format';
import { kindOfId } from '../../machines/ids';

/**
 * Shrinking a failing run (delta debugging, after QuickCheck and Zeller's
 * ddmin): with the seed fixed, drop faults, batches and records, shorten
 * fault windows and move triggers, as long as the run still fails the same
 * way (`failureSignature`). Every candidate is a whole scenario file, run
 * from scratch, so the result replays with `tps run --scenario-file`.
 */

/** How a run failed, as a short stable key; undefined when it passed. */
export function failureSignature(report: RunReport): string | undefined {
  if (report.verdict === 'pass') return undefined;
  const v = report.violations[0];
  if (v) return `violation ${v.kind}`;
  const step = report.steps.find((s) => !s.ok);
  if (step) {
    const d = step.detail ?? '';
    const kind = d.startsWith('the system went quiescent')
      ? 'quiescent'
      : d.startsWith('not within')
        ? 'deadline'
        : d.startsWith('command rejected')
          ? 'rejected'
          : 'check';
    return `step ${kind}${report.specState === 'stuck' ? ' (spec stuck)' : ''}`;
  }
  if (report.specState !== 'cold') return `spec ${report.specState}`;
  const u = report.unhandled[0];
  if (u) return `unhandled ${u.event} in ${kindOfId(u.actor)}`;
  return 'fail';
}

export interface ShrinkSize {
  faults: number;
  records: number;
  messages: number;
}

export interface ShrinkProgress {
  runs: number;
  elapsedMs: number;
  pass: string;
  size: ShrinkSize;
}

export interface ShrinkOptions {
  /** the plan that failed (a scenario file's content) */
  plan: unknown;
  seed: number;
  latency?: LatencyOptions;
  topology?: unknown;
  machines?: MachineOverrides;
  machinesModule?: string;
  strict?: boolean;
  /** stop trying after this many wall ms (default 30 000): the smallest plan so far is returned */
  deadlineMs?: number;
  /** stop after this many runs (default 2000) */
  maxRuns?: number;
  onProgress?: (p: ShrinkProgress) => void;
}

export interface ShrinkResult {
  /** what the original run and the minimal one fail with */
  signature: string;
  /** the minimal plan, ready to save: named, with seed, latency and topology */
  plan: ScenarioFile;
  before: ShrinkSize;
  after: ShrinkSize;
  runs: number;
  ms: number;
  /** false when the time or run budget ran out before a fixpoint */
  complete: boolean;
  /** the minimal plan's run */
  report: RunReport;
}

const recordsOf = (p: ScenarioFile) => p.records.batches * p.records.size;
const sizeOf = (p: ScenarioFile, r: RunReport): ShrinkSize => ({ faults: p.faults?.length ?? 0, records: recordsOf(p), messages: r.stats.messages });
const clone = <T>(v: T): T => structuredClone(v);

// ---- plan rewrites -------------------------------------------------------

/** Steps left with nothing to do are dropped; without faults, nothing waits for them to heal. */
function normalize(p: ScenarioFile): ScenarioFile {
  const noFaults = (p.faults?.length ?? 0) === 0;
  const steps = p.steps
    .map((s) => {
      const step: StepSpec = { ...s };
      if (noFaults && step.waitFor) {
        step.waitFor = step.waitFor.filter((w) => !('faultsHealed' in w));
        if (step.waitFor.length === 0) delete step.waitFor;
      }
      if (!step.publish) delete step.allowInterrupted;
      if (step.expect?.length === 0) delete step.expect;
      if (step.do?.length === 0) delete step.do;
      return step;
    })
    .filter((s) => s.do || s.publish || s.sleep || s.waitFor || s.expect || s.final);
  const out: ScenarioFile = { ...p, steps: steps.length ? steps : p.steps };
  if (noFaults) {
    delete out.faults;
    delete out.restartFailedContainers;
  }
  return out;
}

/** Rewrites every record reference for a new record set (batches kept, in order, and size). */
function remapRecords(p: ScenarioFile, keep: number[], size: number): ScenarioFile {
  const oldSize = p.records.size;
  const newIndex = new Map(keep.map((b, i) => [b, i + 1]));
  const ratio = (keep.length * size) / recordsOf(p);
  const batches = (list: number[]) => list.filter((b) => newIndex.has(b)).map((b) => newIndex.get(b)!);
  /** undefined: the selector now picks nothing */
  const selector = (s: Selector): Selector | undefined => {
    if (!s.batches) return s;
    const b = batches(s.batches);
    return b.length ? { ...s, batches: b } : undefined;
  };
  const count = (c: Count): Count => {
    if (typeof c === 'number') return Math.round(c * ratio);
    if (Array.isArray(c)) {
      const kept = c.map(selector).filter((s): s is Selector => s !== undefined);
      return kept.length ? kept : 0;
    }
    return selector(c) ?? 0;
  };
  const wait = (w: WaitSpec): WaitSpec => {
    if ('destinationHolds' in w) return { destinationHolds: count(w.destinationHolds) };
    if ('queueHasSeen' in w) return { queueHasSeen: { ...w.queueHasSeen, count: count(w.queueHasSeen.count) } };
    return w;
  };
  const expectation = (e: ExpectationSpec): ExpectationSpec | undefined => {
    if ('destinationCount' in e) return { destinationCount: count(e.destinationCount) };
    const sel = (s: Selector) => selector(s);
    if ('queueHolds' in e) {
      const records = sel(e.queueHolds.records);
      return records && { queueHolds: { ...e.queueHolds, records } };
    }
    if ('atDestination' in e) {
      const s = sel(e.atDestination);
      return s && { atDestination: s };
    }
    if ('order' in e) {
      const first = sel(e.order.first);
      const then = sel(e.order.then);
      return first && then && { order: { ...e.order, first, then } };
    }
    if ('routed' in e) {
      const records = sel(e.routed.records);
      return records && { routed: { ...e.routed, records } };
    }
    if ('replicationHeld' in e) {
      const records = sel(e.replicationHeld.records);
      return records && { replicationHeld: { ...e.replicationHeld, records } };
    }
    return e;
  };
  const recordId = (id: number): number | undefined => {
    const b = Math.ceil(id / oldSize);
    const i = id - (b - 1) * oldSize;
    const nb = newIndex.get(b);
    return nb !== undefined && i <= size ? (nb - 1) * size + i : undefined;
  };
  const steps = p.steps.map((s) => {
    const step: StepSpec = { ...s };
    if (step.publish) {
      const b = batches(step.publish);
      if (b.length) step.publish = b;
      else delete step.publish;
      // The name follows: batch numbers renumbered, or said to be gone.
      step.name = b.length
        ? step.name.replace(/\bbatch(es)? (\d+)\b/g, (whole, _s, n: string) => (newIndex.has(Number(n)) ? `batch ${newIndex.get(Number(n))}` : whole))
        : `${step.name} (its batch dropped by shrinking)`.slice(0, 1000);
    }
    if (step.waitFor) step.waitFor = step.waitFor.map(wait);
    if (step.expect) step.expect = step.expect.map(expectation).filter((e): e is ExpectationSpec => e !== undefined);
    return step;
  });
  const faults = p.faults?.map((f) => {
    if (!('when' in f.trigger) || f.trigger.when.recordId === undefined) return f;
    const id = recordId(f.trigger.when.recordId);
    const when = { ...f.trigger.when };
    if (id === undefined) delete when.recordId;
    else when.recordId = id;
    return { ...f, trigger: { ...f.trigger, when } };
  });
  return { ...p, records: { batches: keep.length, size }, steps, ...(faults ? { faults } : {}) };
}

const withFault = (p: ScenarioFile, i: number, f: Fault): ScenarioFile => ({ ...p, faults: p.faults!.map((g, k) => (k === i ? f : g)) });

// ---- search --------------------------------------------------------------

class Budget extends Error {}

/** Classic ddmin: a 1-minimal subset of `items` for which `test` holds (given it holds for all of them). */
function ddmin<T>(items: T[], test: (subset: T[]) => boolean): T[] {
  if (items.length === 0 || test([])) return [];
  let n = 2;
  while (items.length >= 2) {
    const chunks: T[][] = [];
    const size = Math.ceil(items.length / n);
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    let reduced = false;
    for (const chunk of chunks) {
      if (chunk.length < items.length && test(chunk)) {
        items = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, k) => k !== i).flat();
        if (test(complement)) {
          items = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= items.length) break;
      n = Math.min(items.length, n * 2);
    }
  }
  return items;
}

/** Smaller values to try for a number, smallest first: 0 (or `floor`), then halving the distance. */
function smaller(value: number, floor = 0): number[] {
  const out: number[] = [];
  if (value > floor) out.push(floor);
  for (let d = Math.floor((value - floor) / 2); d >= 1; d = Math.floor(d / 2)) out.push(value - d);
  return [...new Set(out)].filter((v) => v < value);
}

/**
 * Shrinks a failing plan to a smaller one that fails the same way with the
 * same seed. Throws an InputError when the plan does not fail.
 */
export function shrinkPlan(options: ShrinkOptions): ShrinkResult {
  const started = performance.now();
  const deadline = started + (options.deadlineMs ?? 30_000);
  const maxRuns = options.maxRuns ?? 2000;
  if (options.machines !== undefined && options.machinesModule !== undefined)
    throw new InputError('shrink options', ['machines: give machines or machinesModule, not both']);
  const machines =
    options.machinesModule !== undefined
      ? loadMachinesModule(options.machinesModule)
      : options.machines !== undefined
        ? validateMachines(options.machines, 'machines')
        : undefined;
  const latency = latencySchema.parse(options.latency ?? (options.plan as { latency?: unknown })?.latency ?? {});
  const strict = options.strict ?? true;
  const seed = options.seed;
  const original = parseScenarioFile(options.plan, 'plan');

  let runs = 0;
  const cache = new Map<string, { signature?: string; report?: RunReport }>();
  const run = (p: ScenarioFile) => {
    const key = JSON.stringify(p);
    const hit = cache.get(key);
    if (hit) return hit;
    if (runs >= maxRuns || performance.now() > deadline) throw new Budget();
    runs++;
    let outcome: { signature?: string; report?: RunReport };
    try {
      const parsed = parseScenarioFile(p, 'candidate');
      const { report } = runScenario({ scenarioData: parsed, seed, latency, topology: options.topology, strict, machines });
      outcome = { signature: failureSignature(report), report };
    } catch {
      outcome = {}; // not a valid plan for this topology: not a candidate
    }
    cache.set(key, outcome);
    return outcome;
  };

  const first = run(original);
  if (!first.signature || !first.report) {
    if (!first.report) throw new InputError('plan', ['the plan does not run (check it with tps run --scenario-file)']);
    throw new InputError('plan', [`seed ${seed} passes this plan: nothing to shrink`]);
  }
  const signature = first.signature;
  let best = original;
  let bestReport = first.report;
  let pass = 'start';
  const progress = () => options.onProgress?.({ runs, elapsedMs: performance.now() - started, pass, size: sizeOf(best, bestReport) });

  /** Keeps `candidate` if it fails the same way. */
  const attempt = (candidate: ScenarioFile): boolean => {
    const c = normalize(candidate);
    const outcome = run(c);
    progress();
    if (outcome.signature !== signature || !outcome.report) return false;
    best = c;
    bestReport = outcome.report;
    return true;
  };

  const passes: [string, () => void][] = [
    [
      'faults',
      () => {
        const faults = best.faults ?? [];
        const base = best;
        ddmin(faults, (subset) => subset.length < faults.length && attempt({ ...base, faults: subset }));
      },
    ],
    [
      'batches',
      () => {
        const all = Array.from({ length: best.records.batches }, (_, i) => i + 1);
        const base = best;
        ddmin(all, (keep) => keep.length > 0 && keep.length < all.length && attempt(remapRecords(base, keep, base.records.size)));
      },
    ],
    [
      'records',
      () => {
        for (const size of smaller(best.records.size, 1)) {
          const all = Array.from({ length: best.records.batches }, (_, i) => i + 1);
          if (attempt(remapRecords(best, all, size))) break;
        }
      },
    ],
    [
      'sleeps',
      () => {
        // A step that only sleeps is left from a dropped batch: try without it.
        for (let i = best.steps.length - 1; i >= 0; i--) {
          const s = best.steps[i];
          if (i < best.steps.length && s.sleep && !s.do && !s.publish && !s.waitFor && !s.expect && !s.final)
            attempt({ ...best, steps: best.steps.filter((_, k) => k !== i) });
        }
      },
    ],
    [
      'triggers',
      () => {
        for (let i = 0; i < (best.faults?.length ?? 0); i++) {
          const f = best.faults![i];
          if ('when' in f.trigger) {
            // A state trigger becomes the time it fired in the current run.
            const start = bestReport.faults.find((r) => r.id === f.id)?.start;
            if (start !== null && start !== undefined && attempt(withFault(best, i, { ...f, trigger: { at: start } }))) continue;
            const { recordId: _r, ...when } = f.trigger.when;
            if (f.trigger.when.recordId !== undefined) attempt(withFault(best, i, { ...f, trigger: { ...f.trigger, when } }));
            continue;
          }
          const at = f.trigger.at;
          const tries = [...smaller(at), ...[100, 10].map((unit) => Math.round(at / unit) * unit).filter((v) => v !== at)];
          for (const t of tries) if (attempt(withFault(best, i, { ...f, trigger: { at: t } }))) break;
        }
      },
    ],
    [
      'durations',
      () => {
        for (let i = 0; i < (best.faults?.length ?? 0); i++) {
          let changed = true;
          while (changed) {
            changed = false;
            const f = best.faults![i];
            for (const d of smaller(f.duration)) {
              if (attempt(withFault(best, i, { ...f, duration: d }))) {
                changed = d > 0;
                break;
              }
            }
          }
          const f = best.faults![i];
          if (f.kind === 'slow-region' && (f.factor ?? 10) > 2)
            for (const factor of smaller(f.factor ?? 10, 2)) if (attempt(withFault(best, i, { ...f, factor }))) break;
        }
      },
    ],
  ];

  let complete = true;
  try {
    for (let round = 0; round < 20; round++) {
      const before = JSON.stringify(best);
      for (const [name, fn] of passes) {
        pass = name;
        fn();
      }
      if (JSON.stringify(best) === before) break;
    }
  } catch (err) {
    if (!(err instanceof Budget)) throw err;
    complete = false;
  }

  const name = `${original.name}-seed-${seed}-min`.slice(0, 80).replace(/-+$/, '');
  const minimal: ScenarioFile = {
    ...clone(best),
    name,
    description: `Shrunk from ${original.name} seed ${seed} (fails with: ${signature}): ${sizeOf(original, first.report).faults} -> ${best.faults?.length ?? 0} faults, ${recordsOf(original)} -> ${recordsOf(best)} records`,
    seed,
    latency,
    topology: bestReport.topology,
  };
  delete minimal.$schema;
  return {
    signature,
    plan: minimal,
    before: sizeOf(original, first.report),
    after: sizeOf(best, bestReport),
    runs,
    ms: Math.round(performance.now() - started),
    complete,
    report: bestReport,
  };
}
