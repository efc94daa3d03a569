import type { AnyStateMachine, StateValue } from 'xstate';
import { regionalTableMachine, type RegionalTableContext } from '../../machines/regional-table.machine';
import { replicatorMachine, type ReplicatorContext } from '../../machines/replicator.machine';
import type { TpsRecord } from '../../machines/protocol';
import { InputError } from '../../machines/support';
import { activeActiveSpecMachine, progressOf } from '../../specs/active-active-spec.machine';
import { activePassiveSpecMachine } from '../../specs/active-passive-spec.machine';
import { oneWayReplicatorMachine, type OneWayReplicatorContext } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine, type RegionalDatabaseContext } from '../../machines/regional-database.machine';
import type { QueueContext } from '../../machines/queue.machine';
import type { RecordDestinationContext } from '../../machines/record-destination.machine';
import { NETWORK, resolveControl, type ControlCommand, type ControlKind } from '../faults/control';
import { faultInjectorMachine } from '../faults/fault-injector.machine';
import { faultTargetKindsOf, type Fault } from '../faults/fault-plan';
import { idPattern, ids, inRegion, isRegionalTableId, kindOfId, parseComponentId, regionLabel, regionOfId } from '../../machines/ids';
import { queueNames, type Layout, type MachineOverrides } from '../../machines/layout';
import type { CheckOutcome, ScenarioStep, SystemView, Wait } from './scenario-driver.machine';
import { stateMatches } from '../../actors/state-name';
import { stateNames } from '../../actors/state-nodes';
import type { CommandSpec, Count, ExpectationSpec, ScenarioFile, Selector, StepSpec, WaitSpec } from './format';
import { destinationHolds, queueHasSeen, specIsCold, tablesConverged } from './steps';

/** What a scenario file becomes for one layout: driver steps and the fault plan. */
export interface CompiledScenario {
  steps: ScenarioStep[];
  faults: Fault[];
  restartFailedContainers: boolean;
}

/** Every actor a scenario may name, with its kind and machine. */
interface Universe {
  /** command targets: components and the network */
  commandable: Record<string, ControlKind>;
  /** actors whose state can be waited for or checked */
  machines: Map<string, AnyStateMachine | undefined>;
  layout: Layout;
}

function universeOf(layout: Layout, machines: MachineOverrides | undefined, hasFaults: boolean): Universe {
  const commandable: Record<string, ControlKind> = {};
  const byId = new Map<string, AnyStateMachine | undefined>();
  for (const c of layout.components) {
    commandable[c.systemId] = c.kind;
    byId.set(c.systemId, machines?.[c.kind] ?? c.logic);
  }
  commandable[NETWORK] = 'network';
  const activePassive = layout.topology.design === 'active-passive';
  for (const stage of layout.stages) {
    for (const region of layout.regions) byId.set(ids.regionalTable(stage, region), activePassive ? regionalDatabaseMachine : regionalTableMachine);
    byId.set(ids.replicator(ids.table(stage)), activePassive ? oneWayReplicatorMachine : replicatorMachine);
  }
  byId.set(ids.spec, activePassive ? activePassiveSpecMachine : activeActiveSpecMachine);
  if (hasFaults) byId.set(ids.faults, faultInjectorMachine);
  return { commandable, machines: byId, layout };
}

// ---- the compile context: what every step compiler shares -----------------

/**
 * What compiling a scenario file for a layout shares: the layout, the record
 * set, every actor a scenario may name, and the issues found so far (each
 * names the field). Compilers check names as they go and push issues here.
 */
interface CompileContext {
  layout: Layout;
  batches: TpsRecord[][];
  allRecords: TpsRecord[];
  /** records in the set */
  total: number;
  u: Universe;
  faults: Fault[];
  issues: string[];
  /** queue names in stage order */
  queueNames: string[];
  stageList: string;
  regionList: string;
  /** command targets: components and the network */
  commandables: string[];
  /** actors with a state to wait for or check */
  stateful: string[];
}

function compileContext(file: ScenarioFile, layout: Layout, batches: TpsRecord[][], machines: MachineOverrides | undefined): CompileContext {
  const faults = file.faults ?? [];
  const u = universeOf(layout, machines, faults.length > 0);
  const allRecords = batches.flat();
  return {
    layout,
    batches,
    allRecords,
    total: allRecords.length,
    u,
    faults,
    issues: [],
    queueNames: queueNames(layout.stages),
    stageList: layout.stages.join(', '),
    regionList: layout.regions.join(', '),
    commandables: Object.keys(u.commandable),
    stateful: [...u.machines.keys()],
  };
}

function needStage(c: CompileContext, stage: string, where: string): boolean {
  if (c.layout.stages.includes(stage)) return true;
  c.issues.push(`${where}: this scenario needs a stage '${stage}'; the topology's stages are ${c.stageList}`);
  return false;
}

/** Replaces {in:stage}, {out:stage}, {next:stage}, {first}, {last} with the topology's names. */
function placeholders(c: CompileContext, text: string, where: string): string {
  const { stages } = c.layout;
  return text.replace(/\{(in|out|next|first|last)(?::([a-z0-9-]+))?\}/g, (whole, op: string, stage?: string) => {
    if (op === 'first') return stages[0];
    if (op === 'last') return stages[stages.length - 1];
    if (!stage || !needStage(c, stage, where)) return whole;
    const at = stages.indexOf(stage);
    if (op === 'in') return c.queueNames[at];
    if (op === 'out') return c.queueNames[at + 1];
    if (at + 1 >= stages.length) {
      c.issues.push(`${where}: {next:${stage}}: '${stage}' is the last stage`);
      return whole;
    }
    return stages[at + 1];
  });
}

/** Why an id is unknown, in terms of the topology. */
function hint(c: CompileContext, id: string): string {
  const parsed = parseComponentId(id);
  if (parsed) {
    const { kind, name, region } = parsed;
    if (kind === 'queue' && !c.queueNames.includes(name)) return `; the topology's queues are ${c.queueNames.join(', ')}`;
    if (kind !== 'queue' && !c.layout.stages.includes(name)) return `; this scenario needs a stage '${name}'; the topology's stages are ${c.stageList}`;
    if (region !== undefined && !c.layout.regions.includes(region)) return `; this scenario needs region ${region}; the topology's regions are ${c.regionList}`;
  }
  const kind = kindOfId(id);
  const same = [...c.u.machines.keys(), NETWORK].filter((k) => kindOfId(k) === kind);
  return same.length ? `; known: ${same.slice(0, 30).join(', ')}${same.length > 30 ? ', ...' : ''}` : `; known: ${[...c.u.machines.keys()].slice(0, 30).join(', ')}, ...`;
}

/** The ids a pattern names among `among` (see idPattern); an issue when it names none. */
function expand(c: CompileContext, raw: string, among: string[], where: string): string[] {
  const pattern = placeholders(c, raw, where);
  if (/\{[^}]*\}/.test(pattern)) return [];
  if (!pattern.includes('*')) {
    if (among.includes(pattern)) return [pattern];
    c.issues.push(`${where}: no component '${pattern}'${hint(c, pattern)}`);
    return [];
  }
  const re = idPattern(pattern);
  const found = among.filter((id) => re.test(id));
  if (found.length === 0) c.issues.push(`${where}: '${pattern}' matches no component${hint(c, pattern.replace(/\*/g, 'x'))}`);
  return found;
}

function checkState(c: CompileContext, id: string, state: string, where: string): void {
  const known = stateNames(c.u.machines.get(id));
  if (known && !known.has(state)) c.issues.push(`${where}: '${id}' has no state '${state}'; its states are ${[...known].join(', ')}`);
}

function checkRegion(c: CompileContext, region: number, where: string): void {
  if (!c.layout.regions.includes(region)) c.issues.push(`${where}: no region ${region}; the topology's regions are ${c.regionList}`);
}

function checkSelector(c: CompileContext, sel: Selector, where: string, hasTarget: boolean): void {
  for (const b of sel.batches ?? []) if (b > c.batches.length) c.issues.push(`${where}.batches: no batch ${b}; the record set has ${c.batches.length}`);
  for (const key of ['regions', 'exceptRegions'] as const)
    for (const r of sel[key] ?? []) {
      if (r === 'same' && !hasTarget) c.issues.push(`${where}.${key}: 'same' needs a target with a region`);
      if (typeof r === 'number') checkRegion(c, r, `${where}.${key}`);
    }
}

const selectors = (count: Selector | Selector[]) => (Array.isArray(count) ? count : [count]);

function checkCount(c: CompileContext, count: Count, where: string, hasTarget: boolean): void {
  if (typeof count === 'number') return;
  selectors(count).forEach((s, i) => checkSelector(c, s, Array.isArray(count) ? `${where}[${i}]` : where, hasTarget));
}

/** The record ids a selector picks, now; `same` is the target's region. */
function select(c: CompileContext, view: SystemView, sel: Selector, targetRegion?: number): number[] {
  const chosen = sel.batches ? sel.batches.flatMap((b) => c.batches[b - 1]) : c.allRecords;
  // regions are read from the spec only when the selector names some (the active-passive spec does not route)
  if (!sel.regions && !sel.exceptRegions) return chosen.map((r) => r.recordId);
  const progress = progressOf(view.spec());
  const resolve = (rs: (number | 'same')[] | undefined) => rs?.map((r) => (r === 'same' ? targetRegion! : r));
  const only = resolve(sel.regions);
  const except = resolve(sel.exceptRegions);
  return chosen
    .map((r) => r.recordId)
    .filter((id) => {
      const region = progress.regionOf(id);
      return (!only || only.includes(region)) && (!except || !except.includes(region));
    });
}

const countNow = (c: CompileContext, view: SystemView, count: Count, targetRegion?: number) =>
  typeof count === 'number' ? count : selectors(count).reduce((n, s) => n + select(c, view, s, targetRegion).length, 0);

const regionsInWords = (rs: (number | 'same')[]) => rs.map((r) => (r === 'same' ? 'its region' : regionLabel(r))).join('/');
function describeSel(sel: Selector): string {
  const parts = [sel.batches ? `batch ${sel.batches.join('+')}` : 'all records'];
  if (sel.regions) parts.push(`routed to ${regionsInWords(sel.regions)}`);
  if (sel.exceptRegions) parts.push(`not routed to ${regionsInWords(sel.exceptRegions)}`);
  return parts.join(' ');
}
const describeCount = (count: Count) => (typeof count === 'number' ? String(count) : selectors(count).map(describeSel).join(' + '));

// ---- commands --------------------------------------------------------------

function compileCommands(c: CompileContext, specs: CommandSpec[], where: string): (view: SystemView) => ControlCommand[] {
  const planned = specs.map((spec, i) => {
    const w = `${where}.do[${i}]`;
    const targets = expand(c, spec.target, c.commandables, `${w}.target`);
    for (const target of targets) {
      const resolved = resolveControl(c.u.commandable, { target, verb: spec.verb, args: spec.args }, c.layout.regions);
      if ('error' in resolved) c.issues.push(`${w}: ${resolved.error}`);
    }
    if (spec.onlyIf) for (const target of targets) checkState(c, target, spec.onlyIf.state, `${w}.onlyIf.state`);
    return { spec, targets };
  });
  return (view) =>
    planned.flatMap(({ spec, targets }) =>
      targets
        .filter((t) => !spec.onlyIf || stateMatches(view.snapshot(t).value, spec.onlyIf.state))
        .map((target) => ({ target, verb: spec.verb, ...(spec.args ? { args: spec.args } : {}) })),
    );
}

// ---- waits: one compiler per kind ------------------------------------------

/** The kinds of a union of one-key objects, and the value under each. */
type KindOf<U> = U extends unknown ? keyof U : never;
type ValueOf<U, K extends PropertyKey> = U extends Record<K, infer V> ? V : never;

type WaitKind = KindOf<WaitSpec>;
type WaitCompiler<K extends WaitKind> = (c: CompileContext, spec: ValueOf<WaitSpec, K>, at: string) => (view: SystemView) => Wait[];

const waitCompilers: { [K in WaitKind]: WaitCompiler<K> } = {
  destinationHolds: (c, count, at) => {
    checkCount(c, count, `${at}.destinationHolds`, false);
    const what = typeof count === 'number' ? '' : ` (${describeCount(count)})`;
    return (view) => {
      const n = countNow(c, view, count);
      return [{ ...destinationHolds(n), describe: `record destination holds ${n} records${what}` }];
    };
  },
  queueHasSeen: (c, spec, at) => {
    const queues = expand(c, spec.queue, c.layout.queues.map((q) => q.id), `${at}.queueHasSeen.queue`);
    checkCount(c, spec.count, `${at}.queueHasSeen.count`, true);
    return (view) => queues.map((q) => queueHasSeen(q, countNow(c, view, spec.count, regionOfId(q))));
  },
  state: (c, spec, at) => {
    const targets = expand(c, spec.target, c.stateful, `${at}.state.target`);
    targets.forEach((t) => checkState(c, t, spec.is, `${at}.state.is`));
    return () => targets.map((target) => ({ kind: 'state' as const, target, state: spec.is, describe: `${target} is ${spec.is}` }));
  },
  specCold: () => () => [specIsCold],
  faultsHealed: (c, _spec, at) => {
    if (c.faults.length === 0) c.issues.push(`${at}.faultsHealed: the scenario has no fault plan`);
    return () => [{ kind: 'state', target: ids.faults, state: 'healed', describe: 'every fault healed (fault injector healed)' }];
  },
};

/** A one-key spec's kind (the schema allows exactly one key per wait or expectation). */
const kindOf = <K extends string>(spec: object) => Object.keys(spec)[0] as K;

function compileWaits(c: CompileContext, specs: WaitSpec[], where: string): (view: SystemView) => Wait[] {
  const planned = specs.map((w, i) => {
    const kind = kindOf<WaitKind>(w);
    return (waitCompilers[kind] as WaitCompiler<WaitKind>)(c, (w as Record<WaitKind, never>)[kind], `${where}.waitFor[${i}]`);
  });
  return (view) => planned.flatMap((p) => p(view));
}

// ---- expectations: one compiler per kind -----------------------------------

/** Whether an expectation holds now; it notes what it saw in `observed` (a report names the failed condition by it). */
type Check = (view: SystemView, observed: Record<string, unknown>) => boolean;
type ExpectationKind = KindOf<ExpectationSpec>;
type ExpectationCompiler<K extends ExpectationKind> = (c: CompileContext, spec: ValueOf<ExpectationSpec, K>, at: string) => Check;

/** Records held for replication to the regions other than their home, over `tables` (active-active). */
function replicationHeldCheck(c: CompileContext, tables: string[], records: Selector): Check {
  return (view, observed) => {
    const progress = progressOf(view.spec());
    let held = 0;
    let expected = 0;
    for (const t of tables) {
      const lanes = view.context<ReplicatorContext>(ids.replicator(t)).lanes;
      for (const id of select(c, view, records)) {
        const home = progress.regionOf(id);
        for (const region of c.layout.regions) {
          if (region === home) continue;
          expected++;
          const absent = !(id in view.context<RegionalTableContext>(inRegion(t, region)).rows);
          if (absent && lanes[region]?.pending.some((r) => r.recordId === id)) held++;
        }
      }
    }
    observed[`copies of ${describeSel(records)} held for replication`] = `${held} of ${expected}`;
    return held === expected;
  };
}

/** Records the one-way replicator holds and the passive copy lacks, over `databases` (active-passive). */
function replicationPendingCheck(c: CompileContext, databases: string[], records: Selector): Check {
  return (view, observed) => {
    let held = 0;
    let expected = 0;
    for (const d of databases) {
      const replicator = view.context<OneWayReplicatorContext>(ids.replicator(d));
      const passive = replicator.databases.find((x) => x.region !== replicator.from)!.region;
      const rows = view.context<RegionalDatabaseContext>(inRegion(d, passive)).rows;
      for (const id of select(c, view, records)) {
        expected++;
        if (replicator.pending.some((r) => r.recordId === id) && !rows.some((r) => r.recordId === id)) held++;
      }
    }
    observed[`copies of ${describeSel(records)} pending replication`] = `${held} of ${expected}`;
    return held === expected;
  };
}

/** In each table, every record of `first` written (or replicated) before any of `then`. */
function orderCheck(c: CompileContext, tables: string[], spec: ValueOf<ExpectationSpec, 'order'>): Check {
  return (view, observed) => {
    const result: Record<string, boolean> = {};
    for (const t of tables) {
      const table = view.context<RegionalTableContext | RegionalDatabaseContext>(t);
      const list = spec.origin === 'write' ? table.writes : table.replicated;
      const position = new Map(list.map((id, k) => [id, k]));
      const first = select(c, view, spec.first, regionOfId(t));
      const then = select(c, view, spec.then, regionOfId(t));
      const firstThen = Math.min(...then.map((id) => position.get(id) ?? Infinity));
      result[t] = first.every((id) => position.has(id) && position.get(id)! < firstThen);
    }
    const key = `${describeSel(spec.first)} ${spec.origin === 'write' ? 'written' : 'replicated'} before ${describeSel(spec.then)}`;
    observed[key] = { ...(observed[key] as object | undefined), ...result };
    return Object.values(result).every(Boolean);
  };
}

const expectationCompilers: { [K in ExpectationKind]: ExpectationCompiler<K> } = {
  state: (c, spec, at) => {
    const targets = expand(c, spec.target, c.stateful, `${at}.state.target`);
    for (const t of targets) {
      if (spec.is) checkState(c, t, spec.is, `${at}.state.is`);
      if (spec.isNot) checkState(c, t, spec.isNot, `${at}.state.isNot`);
    }
    return (view, observed) =>
      targets.every((t) => {
        const value = view.snapshot(t).value as StateValue;
        observed[t] = view.state(t);
        return (!spec.is || stateMatches(value, spec.is)) && (!spec.isNot || !stateMatches(value, spec.isNot));
      });
  },
  queueHolds: (c, spec, at) => {
    const queues = expand(c, spec.queue, c.layout.queues.map((q) => q.id), `${at}.queueHolds.queue`);
    checkSelector(c, spec.records, `${at}.queueHolds.records`, true);
    return (view, observed) =>
      queues.every((q) => {
        const pending = view.context<QueueContext>(q).records.map((r) => r.recordId);
        const expected = select(c, view, spec.records, regionOfId(q));
        observed[`${q} pending`] = pending;
        return pending.length === expected.length && pending.every((id, k) => id === expected[k]);
      });
  },
  destinationCount: (c, count, at) => {
    checkCount(c, count, `${at}.destinationCount`, false);
    return (view, observed) => {
      const delivered = view.context<RecordDestinationContext>(ids.destination).count;
      observed.delivered = delivered;
      return delivered === countNow(c, view, count);
    };
  },
  atDestination: (c, sel, at) => {
    checkSelector(c, sel, `${at}.atDestination`, false);
    return (view, observed) => {
      const kept = view.context<RecordDestinationContext>(ids.destination).records;
      const wanted = select(c, view, sel);
      observed[`${describeSel(sel)} at destination`] = wanted.filter((id) => id in kept);
      return wanted.every((id) => id in kept);
    };
  },
  order: (c, spec, at) => {
    const tables = expand(c, spec.table, c.stateful.filter(isRegionalTableId), `${at}.order.table`);
    checkSelector(c, spec.first, `${at}.order.first`, true);
    checkSelector(c, spec.then, `${at}.order.then`, true);
    return orderCheck(c, tables, spec);
  },
  routed: (c, spec, at) => {
    checkSelector(c, spec.records, `${at}.routed.records`, false);
    for (const r of spec.notTo) checkRegion(c, r, `${at}.routed.notTo`);
    return (view, observed) => {
      const progress = progressOf(view.spec());
      const perRegion: Record<string, number> = {};
      for (const id of select(c, view, spec.records)) {
        const key = regionLabel(progress.regionOf(id));
        perRegion[key] = (perRegion[key] ?? 0) + 1;
      }
      observed[`${describeSel(spec.records)} per region`] = perRegion;
      return spec.notTo.every((r) => !perRegion[regionLabel(r)]);
    };
  },
  replicationHeld: (c, spec, at) => {
    const tables = expand(c, spec.table, c.layout.stages.map(ids.table), `${at}.replicationHeld.table`);
    checkSelector(c, spec.records, `${at}.replicationHeld.records`, false);
    return replicationHeldCheck(c, tables, spec.records);
  },
  replicationPending: (c, spec, at) => {
    if (c.layout.topology.design !== 'active-passive') c.issues.push(`${at}.replicationPending: only an active-passive system has one-way replication`);
    const databases = expand(c, spec.database, c.layout.stages.map(ids.table), `${at}.replicationPending.database`);
    checkSelector(c, spec.records, `${at}.replicationPending.records`, false);
    return replicationPendingCheck(c, databases, spec.records);
  },
  lostOnFailover: (c, spec, at) => {
    if (c.layout.topology.design !== 'active-passive') c.issues.push(`${at}.lostOnFailover: only an active-passive system fails over`);
    const databases = expand(c, spec.database, c.layout.stages.map(ids.table), `${at}.lostOnFailover.database`);
    checkSelector(c, spec.records, `${at}.lostOnFailover.records`, false);
    return (view, observed) => {
      const wanted = select(c, view, spec.records);
      const result: Record<string, number> = {};
      for (const d of databases) {
        const lost = view.context<OneWayReplicatorContext>(ids.replicator(d)).lost.map((l) => l.record.recordId);
        result[d] = wanted.filter((id) => lost.includes(id)).length;
      }
      observed[`copies of ${describeSel(spec.records)} lost on failover (of ${wanted.length})`] = result;
      return Object.values(result).every((n) => n === wanted.length);
    };
  },
  tablesConverged: (c) => (view, observed) => {
    const t = tablesConverged(view, c.layout, c.total);
    observed.tableRows = t.counts;
    return t.ok;
  },
};

function compileExpectations(c: CompileContext, specs: ExpectationSpec[], where: string): Check[] {
  return specs.map((e, i) => {
    const kind = kindOf<ExpectationKind>(e);
    return (expectationCompilers[kind] as ExpectationCompiler<ExpectationKind>)(c, (e as Record<ExpectationKind, never>)[kind], `${where}.expect[${i}]`);
  });
}

// ---- steps and faults ------------------------------------------------------

/** A step's check: every expectation, and for the final step a cold spec with no violations; a failure names what did not hold. */
function stepCheck(checks: Check[], final: boolean) {
  return (view: SystemView): CheckOutcome => {
    const observed: Record<string, unknown> = {};
    // what did not hold, by what it observed: a report names the failed condition, not just the step
    const failed: string[] = [];
    for (const check of checks) {
      const before = new Set(Object.keys(observed));
      if (!check(view, observed)) failed.push(...Object.keys(observed).filter((k) => !before.has(k)).map((k) => `${k} = ${JSON.stringify(observed[k])}`));
    }
    if (final) {
      const spec = view.spec();
      observed.spec = view.state(ids.spec);
      observed.violations = spec.violations.length;
      if (observed.spec !== 'cold') failed.push(`spec is ${String(observed.spec)}, expected cold`);
      if (spec.violations.length) failed.push(`violations = ${spec.violations.length}, expected 0`);
    }
    return failed.length ? { ok: false, observed, detail: `did not hold: ${failed.join('; ')}` } : { ok: true, observed };
  };
}

function compileStep(c: CompileContext, s: StepSpec, i: number): ScenarioStep {
  const label = s.step ?? String(i + 1);
  const where = `steps[${i}] (step ${label})`;
  const commands = s.do ? compileCommands(c, s.do, where) : undefined;
  for (const b of s.publish ?? []) if (b > c.batches.length) c.issues.push(`${where}.publish: no batch ${b}; the record set has ${c.batches.length}`);
  // The final step also waits for every record and a cold spec, and expects them kept and the tables converged.
  const waitSpecs: WaitSpec[] = [...(s.waitFor ?? []), ...(s.final ? [{ destinationHolds: c.total }, { specCold: true as const }] : [])];
  const waits = waitSpecs.length ? compileWaits(c, waitSpecs, where) : undefined;
  const expectSpecs: ExpectationSpec[] = [...(s.expect ?? []), ...(s.final ? [{ destinationCount: c.total }, { tablesConverged: true as const }] : [])];
  const checks = compileExpectations(c, expectSpecs, where);
  return {
    step: label,
    name: s.name,
    ...(commands ? { commands } : {}),
    ...(s.publish ? { publish: s.publish } : {}),
    ...(s.allowInterrupted ? { allowInterrupted: true } : {}),
    ...(s.sleep ? { sleep: s.sleep } : {}),
    ...(waits ? { waits } : {}),
    ...(s.within ? { within: s.within } : {}),
    ...(checks.length || s.final ? { check: stepCheck(checks, Boolean(s.final)) } : {}),
  };
}

/** A fault's target is of a kind its fault takes, its region exists, and a state trigger names a known actor and state. */
function checkFault(c: CompileContext, f: Fault, i: number): void {
  const where = `faults[${i}] (${f.id})`;
  const kinds = faultTargetKindsOf(f.kind);
  const actual = c.u.commandable[f.target];
  if (!kinds.includes(actual)) {
    const same = c.commandables.filter((id) => kinds.includes(c.u.commandable[id]));
    c.issues.push(`${where}.target: ${f.kind} needs a ${kinds.join(' or ')} ('${f.target}' is ${actual ? `a ${actual}` : 'unknown'}); known: ${same.join(', ')}`);
  }
  if (f.region !== undefined) checkRegion(c, f.region, `${where}.region`);
  if ('when' in f.trigger) {
    const { actor, state } = f.trigger.when;
    if (!c.u.machines.has(actor)) c.issues.push(`${where}.trigger.when.actor: no actor '${actor}'${hint(c, actor)}`);
    else checkState(c, actor, state, `${where}.trigger.when.state`);
  }
}

/**
 * Compiles a scenario file for a layout, checking every name in it first:
 * targets, verbs and their arguments, states, stages, regions and batches.
 * Throws an InputError naming each bad field and what is known.
 */
export function compileScenario(file: ScenarioFile, layout: Layout, batches: TpsRecord[][], machines?: MachineOverrides): CompiledScenario {
  const c = compileContext(file, layout, batches, machines);
  const steps = file.steps.map((s, i) => compileStep(c, s, i));
  c.faults.forEach((f, i) => checkFault(c, f, i));
  if (c.issues.length) throw new InputError(`scenario '${file.name}'`, c.issues);
  return { steps, faults: c.faults, restartFailedContainers: file.restartFailedContainers ?? false };
}
