import { performance } from 'node:perf_hooks';
import { ZodError } from 'zod';
import { latencySchema, type LatencyOptions } from '../../actors/latency';
import { InputError } from '../../machines/support';
import type { Fault } from '../faults/fault-plan';
import type { MachineOverrides } from '../machines-module';
import { runScenario, type RunReport } from '../run-scenario';
import { parseScenarioFile, type ScenarioFile } from '../scenarios';
import type { Count, ExpectationSpec, Selector, StepSpec, WaitSpec } from '../scenarios/format';
import { signatureOf } from '../verdict';
import { resolveMachinesOption } from './machines-option';

/**
 * Shrinking a failing run (delta debugging, after QuickCheck and Zeller's
 * ddmin): with the seed fixed, drop faults, batches and records, shorten
 * fault windows and move triggers, as long as the run still fails the same
 * way (`failureSignature`). Every candidate is a whole scenario file, run
 * from scratch, so the result replays with `tps run --scenario-file`.
 */

/** How a run failed, as a short stable key (system/verdict.ts); undefined when it passed. */
export function failureSignature(report: RunReport): string | undefined {
  if (report.verdict === 'pass') return undefined;
  return report.failure ? signatureOf(report.failure) : 'fail';
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
  /**
   * A candidate run threw (a bug in the model or a replacement machine, not
   * a failure of the plan): shrinking stopped there; `plan` is that candidate.
   */
  crash?: { error: string; stack?: string; plan: ScenarioFile };
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

/** How a record set shrinks: batches kept (old numbers, in order) and the new batch size. */
interface Remap {
  oldSize: number;
  size: number;
  /** old batch number -> new */
  newIndex: Map<number, number>;
  /** new records / old records, for plain counts */
  ratio: number;
}

const remapBatches = (m: Remap, list: number[]) => list.filter((b) => m.newIndex.has(b)).map((b) => m.newIndex.get(b)!);

/** A selector over the new record set; undefined when it now picks nothing. */
function remapSelector(m: Remap, s: Selector): Selector | undefined {
  if (!s.batches) return s;
  const b = remapBatches(m, s.batches);
  return b.length ? { ...s, batches: b } : undefined;
}

function remapCount(m: Remap, c: Count): Count {
  if (typeof c === 'number') return Math.round(c * m.ratio);
  if (Array.isArray(c)) {
    const kept = c.map((s) => remapSelector(m, s)).filter((s): s is Selector => s !== undefined);
    return kept.length ? kept : 0;
  }
  return remapSelector(m, c) ?? 0;
}

function remapWait(m: Remap, w: WaitSpec): WaitSpec {
  if ('destinationHolds' in w) return { destinationHolds: remapCount(m, w.destinationHolds) };
  if ('queueHasSeen' in w) return { queueHasSeen: { ...w.queueHasSeen, count: remapCount(m, w.queueHasSeen.count) } };
  return w;
}

/** An expectation over the new record set; undefined when a selector it needs now picks nothing. */
function remapExpectation(m: Remap, e: ExpectationSpec): ExpectationSpec | undefined {
  const sel = (s: Selector) => remapSelector(m, s);
  if ('destinationCount' in e) return { destinationCount: remapCount(m, e.destinationCount) };
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
}

function remapRecordId(m: Remap, id: number): number | undefined {
  const b = Math.ceil(id / m.oldSize);
  const i = id - (b - 1) * m.oldSize;
  const nb = m.newIndex.get(b);
  return nb !== undefined && i <= m.size ? (nb - 1) * m.size + i : undefined;
}

function remapStep(m: Remap, s: StepSpec): StepSpec {
  const step: StepSpec = { ...s };
  if (step.publish) {
    const b = remapBatches(m, step.publish);
    if (b.length) step.publish = b;
    else delete step.publish;
    // The name follows: batch numbers renumbered, or said to be gone.
    step.name = b.length
      ? step.name.replace(/\bbatch(es)? (\d+)\b/g, (whole, _s, n: string) => (m.newIndex.has(Number(n)) ? `batch ${m.newIndex.get(Number(n))}` : whole))
      : `${step.name} (its batch dropped by shrinking)`.slice(0, 1000);
  }
  if (step.waitFor) step.waitFor = step.waitFor.map((w) => remapWait(m, w));
  if (step.expect) step.expect = step.expect.map((e) => remapExpectation(m, e)).filter((e): e is ExpectationSpec => e !== undefined);
  return step;
}

function remapFault(m: Remap, f: Fault): Fault {
  if (!('when' in f.trigger) || f.trigger.when.recordId === undefined) return f;
  const id = remapRecordId(m, f.trigger.when.recordId);
  const when = { ...f.trigger.when };
  if (id === undefined) delete when.recordId;
  else when.recordId = id;
  return { ...f, trigger: { ...f.trigger, when } };
}

/** Rewrites every record reference for a new record set (batches kept, in order, and size). */
function remapRecords(p: ScenarioFile, keep: number[], size: number): ScenarioFile {
  const m: Remap = { oldSize: p.records.size, size, newIndex: new Map(keep.map((b, i) => [b, i + 1])), ratio: (keep.length * size) / recordsOf(p) };
  const steps = p.steps.map((s) => remapStep(m, s));
  const faults = p.faults?.map((f) => remapFault(m, f));
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

/** A candidate run threw: not a failure of the plan but of the code running it. */
class CandidateCrash extends Error {
  constructor(
    readonly plan: ScenarioFile,
    readonly error: unknown,
  ) {
    super(`a candidate plan crashed the run: ${(error as Error)?.message ?? String(error)}`);
  }
}

interface Outcome {
  signature?: string;
  report?: RunReport;
}

/** What every candidate run shares: checked once, before the first run. */
interface ShrinkSetup {
  seed: number;
  latency: ReturnType<typeof latencySchema.parse>;
  strict: boolean;
  topology: unknown;
  machines?: MachineOverrides;
  original: ScenarioFile;
  started: number;
  deadline: number;
  maxRuns: number;
}

function shrinkSetup(options: ShrinkOptions): ShrinkSetup {
  const started = performance.now();
  const { machines } = resolveMachinesOption(options, 'shrink options');
  return {
    seed: options.seed,
    latency: latencySchema.parse(options.latency ?? (options.plan as { latency?: unknown })?.latency ?? {}),
    strict: options.strict ?? true,
    topology: options.topology,
    machines,
    original: parseScenarioFile(options.plan, 'plan'),
    started,
    deadline: started + (options.deadlineMs ?? 30_000),
    maxRuns: options.maxRuns ?? 2000,
  };
}

/**
 * Runs candidates, each once (cached by content), within the budget. A plan
 * this topology refuses (an InputError) is not a candidate; any other throw
 * is a crash, raised as a CandidateCrash.
 */
function candidateRunner(setup: ShrinkSetup) {
  const cache = new Map<string, Outcome>();
  const runner = {
    runs: 0,
    run(p: ScenarioFile): Outcome {
      const key = JSON.stringify(p);
      const hit = cache.get(key);
      if (hit) return hit;
      if (runner.runs >= setup.maxRuns || performance.now() > setup.deadline) throw new Budget();
      runner.runs++;
      let outcome: Outcome;
      try {
        const parsed = parseScenarioFile(p, 'candidate');
        const { seed, latency, topology, strict, machines } = setup;
        const { report } = runScenario({ scenarioData: parsed, seed, latency, topology, strict, machines });
        outcome = { signature: failureSignature(report), report };
      } catch (err) {
        if (!(err instanceof InputError || err instanceof ZodError)) throw new CandidateCrash(p, err);
        outcome = {}; // not a valid plan for this topology: not a candidate
      }
      cache.set(key, outcome);
      return outcome;
    },
  };
  return runner;
}

/** The search's state: the smallest plan that still fails the same way, and its run. */
interface Search {
  signature: string;
  best: ScenarioFile;
  bestReport: RunReport;
  /** keeps `candidate` (normalized) if it fails the same way */
  attempt: (candidate: ScenarioFile) => boolean;
}

// ---- passes: each tries smaller plans, keeping every one that still fails the same way

function dropFaults(s: Search): void {
  const faults = s.best.faults ?? [];
  const base = s.best;
  ddmin(faults, (subset) => subset.length < faults.length && s.attempt({ ...base, faults: subset }));
}

function dropBatches(s: Search): void {
  const all = Array.from({ length: s.best.records.batches }, (_, i) => i + 1);
  const base = s.best;
  ddmin(all, (keep) => keep.length > 0 && keep.length < all.length && s.attempt(remapRecords(base, keep, base.records.size)));
}

function shrinkBatchSize(s: Search): void {
  for (const size of smaller(s.best.records.size, 1)) {
    const all = Array.from({ length: s.best.records.batches }, (_, i) => i + 1);
    if (s.attempt(remapRecords(s.best, all, size))) break;
  }
}

/** A step that only sleeps is left from a dropped batch: try without it. */
function dropSleeps(s: Search): void {
  for (let i = s.best.steps.length - 1; i >= 0; i--) {
    const step = s.best.steps[i];
    if (i < s.best.steps.length && step.sleep && !step.do && !step.publish && !step.waitFor && !step.expect && !step.final)
      s.attempt({ ...s.best, steps: s.best.steps.filter((_, k) => k !== i) });
  }
}

/** Earlier, rounder trigger times; a state trigger becomes the time it fired in the current run. */
function moveTriggers(s: Search): void {
  for (let i = 0; i < (s.best.faults?.length ?? 0); i++) {
    const f = s.best.faults![i];
    if ('when' in f.trigger) {
      const start = s.bestReport.faults.find((r) => r.id === f.id)?.start;
      if (start !== null && start !== undefined && s.attempt(withFault(s.best, i, { ...f, trigger: { at: start } }))) continue;
      const { recordId: _r, ...when } = f.trigger.when;
      if (f.trigger.when.recordId !== undefined) s.attempt(withFault(s.best, i, { ...f, trigger: { ...f.trigger, when } }));
      continue;
    }
    const at = f.trigger.at;
    const tries = [...smaller(at), ...[100, 10].map((unit) => Math.round(at / unit) * unit).filter((v) => v !== at)];
    for (const t of tries) if (s.attempt(withFault(s.best, i, { ...f, trigger: { at: t } }))) break;
  }
}

/** Shorter fault windows, milder slow-region factors, fewer stragglers. */
function shortenDurations(s: Search): void {
  for (let i = 0; i < (s.best.faults?.length ?? 0); i++) {
    let changed = true;
    while (changed) {
      changed = false;
      const f = s.best.faults![i];
      for (const d of smaller(f.duration)) {
        if (s.attempt(withFault(s.best, i, { ...f, duration: d }))) {
          changed = d > 0;
          break;
        }
      }
    }
    const f = s.best.faults![i];
    if (f.kind === 'slow-region' && (f.factor ?? 10) > 2)
      for (const factor of smaller(f.factor ?? 10, 2)) if (s.attempt(withFault(s.best, i, { ...f, factor }))) break;
    shortenStragglers(s, i);
  }
}

/** A crash's stragglers: none if the failure does without them, else fewer ms. */
function shortenStragglers(s: Search, i: number): void {
  const f = s.best.faults![i];
  if (f.stragglers === undefined) return;
  const { stragglers, ...without } = f;
  if (s.attempt(withFault(s.best, i, without))) return;
  for (const ms of smaller(stragglers)) if (s.attempt(withFault(s.best, i, { ...f, stragglers: ms }))) break;
}

const passes: [string, (s: Search) => void][] = [
  ['faults', dropFaults],
  ['batches', dropBatches],
  ['records', shrinkBatchSize],
  ['sleeps', dropSleeps],
  ['triggers', moveTriggers],
  ['durations', shortenDurations],
];

/**
 * Runs the passes until a round changes nothing (at most 20 rounds). Stops
 * early when the budget runs out (complete: false) or a candidate crashes.
 */
function searchToFixpoint(search: Search, onPass: (name: string) => void): { complete: boolean; crash?: CandidateCrash } {
  try {
    for (let round = 0; round < 20; round++) {
      const before = JSON.stringify(search.best);
      for (const [name, pass] of passes) {
        onPass(name);
        pass(search);
      }
      if (JSON.stringify(search.best) === before) break;
    }
    return { complete: true };
  } catch (err) {
    if (err instanceof CandidateCrash) return { complete: false, crash: err };
    if (!(err instanceof Budget)) throw err;
    return { complete: false };
  }
}

/** The minimal plan, ready to save: named, described, with its seed, latency and topology. */
function minimalPlanFile(setup: ShrinkSetup, search: Search, before: ShrinkSize): ScenarioFile {
  const { original, seed } = setup;
  const name = `${original.name}-seed-${seed}-min`.slice(0, 80).replace(/-+$/, '');
  const minimal: ScenarioFile = {
    ...clone(search.best),
    name,
    description: `Shrunk from ${original.name} seed ${seed} (fails with: ${search.signature}): ${before.faults} -> ${search.best.faults?.length ?? 0} faults, ${recordsOf(original)} -> ${recordsOf(search.best)} records`,
    seed,
    latency: setup.latency,
    topology: search.bestReport.topology,
  };
  delete minimal.$schema;
  return minimal;
}

const crashOf = (c: CandidateCrash): NonNullable<ShrinkResult['crash']> => ({
  error: (c.error as Error)?.message ?? String(c.error),
  ...((c.error as Error)?.stack ? { stack: (c.error as Error).stack } : {}),
  plan: c.plan,
});

/**
 * Shrinks a failing plan to a smaller one that fails the same way with the
 * same seed. Throws an InputError when the plan does not fail; an error the
 * original plan's run throws is thrown as it is (a crash, not a failure).
 */
export function shrinkPlan(options: ShrinkOptions): ShrinkResult {
  const setup = shrinkSetup(options);
  const runner = candidateRunner(setup);
  let first: Outcome;
  try {
    first = runner.run(setup.original);
  } catch (err) {
    throw err instanceof CandidateCrash ? err.error : err;
  }
  if (!first.report) throw new InputError('plan', ['the plan does not run (check it with tps run --scenario-file)']);
  if (!first.signature) throw new InputError('plan', [`seed ${setup.seed} passes this plan: nothing to shrink`]);

  let pass = 'start';
  const search: Search = {
    signature: first.signature,
    best: setup.original,
    bestReport: first.report,
    attempt: (candidate) => {
      const c = normalize(candidate);
      const outcome = runner.run(c);
      options.onProgress?.({ runs: runner.runs, elapsedMs: performance.now() - setup.started, pass, size: sizeOf(search.best, search.bestReport) });
      if (outcome.signature !== search.signature || !outcome.report) return false;
      search.best = c;
      search.bestReport = outcome.report;
      return true;
    },
  };
  const { complete, crash } = searchToFixpoint(search, (name) => (pass = name));

  const before = sizeOf(setup.original, first.report);
  return {
    signature: search.signature,
    plan: minimalPlanFile(setup, search, before),
    before,
    after: sizeOf(search.best, search.bestReport),
    runs: runner.runs,
    ms: Math.round(performance.now() - setup.started),
    complete,
    report: search.bestReport,
    ...(crash ? { crash: crashOf(crash) } : {}),
  };
}
