import type { AnyStateMachine } from 'xstate';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { replicatorMachine, type ReplicatorContext } from '../../machines/replicator.machine';
import type { TpsRecord } from '../../machines/protocol';
import { InputError } from '../../machines/support';
import { activeActiveSpecMachine, progressOf } from '../../specs/active-active-spec.machine';
import { activePassiveSpecMachine } from '../../specs/active-passive-spec.machine';
import { oneWayReplicatorMachine } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine } from '../../machines/regional-database.machine';
import { NETWORK, resolveControl, type ControlCommand, type ControlKind } from '../faults/control';
import { faultInjectorMachine } from '../faults/fault-injector.machine';
import { faultTargetKindsOf, type Fault } from '../faults/fault-plan';
import { ids, regionOfId } from '../../machines/ids';
import { queueNames, type Layout, type MachineOverrides } from '../../machines/layout';
import type { CheckOutcome, ScenarioStep, SystemView, Wait } from './scenario-driver.machine';
import { stateMatches } from '../../actors/state-name';
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
    byId.set(`${ids.table(stage)}:replicator`, activePassive ? oneWayReplicatorMachine : replicatorMachine);
  }
  byId.set(ids.spec, activePassive ? activePassiveSpecMachine : activeActiveSpecMachine);
  if (hasFaults) byId.set(ids.faults, faultInjectorMachine);
  return { commandable, machines: byId, layout };
}

/** Every state of a machine, by name and by dotted path (walked once per machine object). */
const statesCache = new WeakMap<object, Set<string>>();
function statesOf(machine: AnyStateMachine | undefined): Set<string> | undefined {
  const root = (machine as { root?: { states?: Record<string, unknown> } } | undefined)?.root;
  if (!root) return undefined;
  const cached = statesCache.get(root);
  if (cached) return cached;
  const names = new Set<string>();
  statesCache.set(root, names);
  const walk = (node: { states?: Record<string, unknown> }, prefix: string) => {
    for (const [key, child] of Object.entries(node.states ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      names.add(key);
      names.add(path);
      walk(child as { states?: Record<string, unknown> }, path);
    }
  };
  walk(root, '');
  return names;
}


/**
 * Compiles a scenario file for a layout, checking every name in it first:
 * targets, verbs and their arguments, states, stages, regions and batches.
 * Throws an InputError naming each bad field and what is known.
 */
export function compileScenario(
  file: ScenarioFile,
  layout: Layout,
  batches: TpsRecord[][],
  machines?: MachineOverrides,
): CompiledScenario {
  const faults = file.faults ?? [];
  const u = universeOf(layout, machines, faults.length > 0);
  const issues: string[] = [];
  const names = queueNames(layout.stages);
  const stageList = layout.stages.join(', ');
  const regionList = layout.regions.join(', ');

  const needStage = (stage: string, where: string) => {
    if (layout.stages.includes(stage)) return true;
    issues.push(`${where}: this scenario needs a stage '${stage}'; the topology's stages are ${stageList}`);
    return false;
  };
  const placeholders = (text: string, where: string): string =>
    text.replace(/\{(in|out|next|first|last)(?::([a-z0-9-]+))?\}/g, (whole, op: string, stage?: string) => {
      if (op === 'first') return layout.stages[0];
      if (op === 'last') return layout.stages[layout.stages.length - 1];
      if (!stage || !needStage(stage, where)) return whole;
      const at = layout.stages.indexOf(stage);
      if (op === 'in') return names[at];
      if (op === 'out') return names[at + 1];
      if (at + 1 >= layout.stages.length) {
        issues.push(`${where}: {next:${stage}}: '${stage}' is the last stage`);
        return whole;
      }
      return layout.stages[at + 1];
    });

  /** Why an id is unknown, in terms of the topology. */
  const hint = (id: string): string => {
    const m = /^(queue|container|table):([^:]+)(?::r(\d+))?/.exec(id);
    if (m) {
      const [, kind, name, region] = m;
      if (kind === 'queue' && !names.includes(name)) return `; the topology's queues are ${names.join(', ')}`;
      if (kind !== 'queue' && !layout.stages.includes(name)) return `; this scenario needs a stage '${name}'; the topology's stages are ${stageList}`;
      if (region !== undefined && !layout.regions.includes(Number(region)))
        return `; this scenario needs region ${region}; the topology's regions are ${regionList}`;
    }
    const kind = id.split(':')[0];
    const same = [...u.machines.keys(), NETWORK].filter((k) => k.split(':')[0] === kind);
    return same.length ? `; known: ${same.slice(0, 30).join(', ')}${same.length > 30 ? ', ...' : ''}` : `; known: ${[...u.machines.keys()].slice(0, 30).join(', ')}, ...`;
  };

  /** The ids a pattern names: `*` stands for one name segment. */
  const expand = (raw: string, among: string[], where: string): string[] => {
    const pattern = placeholders(raw, where);
    if (/\{[^}]*\}/.test(pattern)) return [];
    if (!pattern.includes('*')) {
      if (among.includes(pattern)) return [pattern];
      issues.push(`${where}: no component '${pattern}'${hint(pattern)}`);
      return [];
    }
    // "r*" is any region; otherwise `*` is any one name segment.
    const segment = (seg: string) =>
      seg === 'r*' ? 'r[0-9]+' : seg.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^:]*');
    const re = new RegExp(`^${pattern.split(':').map(segment).join(':')}$`);
    const found = among.filter((id) => re.test(id));
    if (found.length === 0) issues.push(`${where}: '${pattern}' matches no component${hint(pattern.replace(/\*/g, 'x'))}`);
    return found;
  };

  const checkState = (id: string, state: string, where: string) => {
    const known = statesOf(u.machines.get(id));
    if (known && !known.has(state)) issues.push(`${where}: '${id}' has no state '${state}'; its states are ${[...known].join(', ')}`);
  };

  const checkSelector = (sel: Selector, where: string, hasTarget: boolean) => {
    for (const b of sel.batches ?? [])
      if (b > batches.length) issues.push(`${where}.batches: no batch ${b}; the record set has ${batches.length}`);
    for (const key of ['regions', 'exceptRegions'] as const)
      for (const r of sel[key] ?? []) {
        if (r === 'same' && !hasTarget) issues.push(`${where}.${key}: 'same' needs a target with a region`);
        if (typeof r === 'number' && !layout.regions.includes(r))
          issues.push(`${where}.${key}: no region ${r}; the topology's regions are ${regionList}`);
      }
  };
  const checkCount = (count: Count, where: string, hasTarget: boolean) => {
    if (typeof count === 'number') return;
    (Array.isArray(count) ? count : [count]).forEach((s, i) => checkSelector(s, Array.isArray(count) ? `${where}[${i}]` : where, hasTarget));
  };

  const allRecords = batches.flat();
  const total = allRecords.length;
  const select = (view: SystemView, sel: Selector, targetRegion?: number): number[] => {
    const chosen = sel.batches ? sel.batches.flatMap((b) => batches[b - 1]) : allRecords;
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
  };
  const count = (view: SystemView, c: Count, targetRegion?: number) =>
    typeof c === 'number' ? c : (Array.isArray(c) ? c : [c]).reduce((n, s) => n + select(view, s, targetRegion).length, 0);
  const describeSel = (sel: Selector): string => {
    const parts = [sel.batches ? `batch ${sel.batches.join('+')}` : 'all records'];
    if (sel.regions) parts.push(`routed to ${sel.regions.map((r) => (r === 'same' ? 'its region' : `r${r}`)).join('/')}`);
    if (sel.exceptRegions) parts.push(`not routed to ${sel.exceptRegions.map((r) => (r === 'same' ? 'its region' : `r${r}`)).join('/')}`);
    return parts.join(' ');
  };
  const describeCount = (c: Count) =>
    typeof c === 'number' ? String(c) : (Array.isArray(c) ? c : [c]).map(describeSel).join(' + ');

  const commandables = Object.keys(u.commandable);
  const stateful = [...u.machines.keys()];

  const compileCommands = (specs: CommandSpec[], where: string) => {
    const planned = specs.map((c, i) => {
      const w = `${where}.do[${i}]`;
      const targets = expand(c.target, commandables, `${w}.target`);
      for (const target of targets) {
        const resolved = resolveControl(u.commandable, { target, verb: c.verb, args: c.args }, layout.regions);
        if ('error' in resolved) issues.push(`${w}: ${resolved.error}`);
      }
      if (c.onlyIf) for (const target of targets) checkState(target, c.onlyIf.state, `${w}.onlyIf.state`);
      return { spec: c, targets };
    });
    return (view: SystemView): ControlCommand[] =>
      planned.flatMap(({ spec, targets }) =>
        targets
          .filter((t) => !spec.onlyIf || stateMatches(view.snapshot(t).value, spec.onlyIf.state))
          .map((target) => ({ target, verb: spec.verb, ...(spec.args ? { args: spec.args } : {}) })),
      );
  };

  const compileWaits = (specs: WaitSpec[], where: string) => {
    const planned = specs.map((w, i): ((view: SystemView) => Wait[]) => {
      const at = `${where}.waitFor[${i}]`;
      if ('destinationHolds' in w) {
        checkCount(w.destinationHolds, `${at}.destinationHolds`, false);
        const what = typeof w.destinationHolds === 'number' ? '' : ` (${describeCount(w.destinationHolds)})`;
        return (view) => [{ ...destinationHolds(count(view, w.destinationHolds)), describe: `record destination holds ${count(view, w.destinationHolds)} records${what}` }];
      }
      if ('queueHasSeen' in w) {
        const queues = expand(w.queueHasSeen.queue, layout.queues.map((q) => q.id), `${at}.queueHasSeen.queue`);
        checkCount(w.queueHasSeen.count, `${at}.queueHasSeen.count`, true);
        return (view) => queues.map((q) => queueHasSeen(q, count(view, w.queueHasSeen.count, regionOfId(q))));
      }
      if ('state' in w) {
        const targets = expand(w.state.target, stateful, `${at}.state.target`);
        targets.forEach((t) => checkState(t, w.state.is, `${at}.state.is`));
        return () => targets.map((target) => ({ kind: 'state' as const, target, state: w.state.is, describe: `${target} is ${w.state.is}` }));
      }
      if ('specCold' in w) return () => [specIsCold];
      if (faults.length === 0) issues.push(`${at}.faultsHealed: the scenario has no fault plan`);
      return () => [{ kind: 'state', target: ids.faults, state: 'healed', describe: 'every fault healed (fault injector healed)' }];
    });
    return (view: SystemView) => planned.flatMap((p) => p(view));
  };

  type Check = (view: SystemView, observed: Record<string, unknown>) => boolean;
  const compileExpectations = (specs: ExpectationSpec[], where: string): Check[] =>
    specs.map((e, i): Check => {
      const at = `${where}.expect[${i}]`;
      if ('state' in e) {
        const targets = expand(e.state.target, stateful, `${at}.state.target`);
        for (const t of targets) {
          if (e.state.is) checkState(t, e.state.is, `${at}.state.is`);
          if (e.state.isNot) checkState(t, e.state.isNot, `${at}.state.isNot`);
        }
        return (view, observed) =>
          targets.every((t) => {
            const value = view.snapshot(t).value;
            observed[t] = view.state(t);
            return (!e.state.is || stateMatches(value, e.state.is)) && (!e.state.isNot || !stateMatches(value, e.state.isNot));
          });
      }
      if ('queueHolds' in e) {
        const queues = expand(e.queueHolds.queue, layout.queues.map((q) => q.id), `${at}.queueHolds.queue`);
        checkSelector(e.queueHolds.records, `${at}.queueHolds.records`, true);
        return (view, observed) =>
          queues.every((q) => {
            const pending = (view.context(q).records as TpsRecord[]).map((r) => r.recordId);
            const expected = select(view, e.queueHolds.records, regionOfId(q));
            observed[`${q} pending`] = pending;
            return pending.length === expected.length && pending.every((id, k) => id === expected[k]);
          });
      }
      if ('destinationCount' in e) {
        checkCount(e.destinationCount, `${at}.destinationCount`, false);
        return (view, observed) => {
          const delivered = view.context(ids.destination).count;
          observed.delivered = delivered;
          return delivered === count(view, e.destinationCount);
        };
      }
      if ('atDestination' in e) {
        checkSelector(e.atDestination, `${at}.atDestination`, false);
        return (view, observed) => {
          const kept = view.context(ids.destination).records;
          const wanted = select(view, e.atDestination);
          observed[`${describeSel(e.atDestination)} at destination`] = wanted.filter((id) => id in kept);
          return wanted.every((id) => id in kept);
        };
      }
      if ('order' in e) {
        const tables = expand(e.order.table, stateful.filter((id) => /^table:[^:]+:r\d+$/.test(id)), `${at}.order.table`);
        checkSelector(e.order.first, `${at}.order.first`, true);
        checkSelector(e.order.then, `${at}.order.then`, true);
        return (view, observed) => {
          const result: Record<string, boolean> = {};
          for (const t of tables) {
            const list: number[] = e.order.origin === 'write' ? view.context(t).writes : view.context(t).replicated;
            const position = new Map(list.map((id, k) => [id, k]));
            const first = select(view, e.order.first, regionOfId(t));
            const then = select(view, e.order.then, regionOfId(t));
            const firstThen = Math.min(...then.map((id) => position.get(id) ?? Infinity));
            result[t] = first.every((id) => position.has(id) && position.get(id)! < firstThen);
          }
          const key = `${describeSel(e.order.first)} ${e.order.origin === 'write' ? 'written' : 'replicated'} before ${describeSel(e.order.then)}`;
          observed[key] = { ...(observed[key] as object | undefined), ...result };
          return Object.values(result).every(Boolean);
        };
      }
      if ('routed' in e) {
        checkSelector(e.routed.records, `${at}.routed.records`, false);
        for (const r of e.routed.notTo)
          if (!layout.regions.includes(r)) issues.push(`${at}.routed.notTo: no region ${r}; the topology's regions are ${regionList}`);
        return (view, observed) => {
          const progress = progressOf(view.spec());
          const perRegion: Record<string, number> = {};
          for (const id of select(view, e.routed.records)) {
            const key = `r${progress.regionOf(id)}`;
            perRegion[key] = (perRegion[key] ?? 0) + 1;
          }
          observed[`${describeSel(e.routed.records)} per region`] = perRegion;
          return e.routed.notTo.every((r) => !perRegion[`r${r}`]);
        };
      }
      if ('replicationHeld' in e) {
        const tables = expand(e.replicationHeld.table, layout.stages.map(ids.table), `${at}.replicationHeld.table`);
        checkSelector(e.replicationHeld.records, `${at}.replicationHeld.records`, false);
        return (view, observed) => {
          const progress = progressOf(view.spec());
          let held = 0;
          let expected = 0;
          for (const t of tables) {
            const lanes = view.context(`${t}:replicator`).lanes as ReplicatorContext['lanes'];
            for (const id of select(view, e.replicationHeld.records)) {
              const home = progress.regionOf(id);
              for (const region of layout.regions) {
                if (region === home) continue;
                expected++;
                const absent = !(id in view.context(`${t}:r${region}`).rows);
                if (absent && lanes[region]?.pending.some((r) => r.recordId === id)) held++;
              }
            }
          }
          observed[`copies of ${describeSel(e.replicationHeld.records)} held for replication`] = `${held} of ${expected}`;
          return held === expected;
        };
      }
      if ('replicationPending' in e) {
        if (layout.topology.design !== 'active-passive') issues.push(`${at}.replicationPending: only an active-passive system has one-way replication`);
        const databases = expand(e.replicationPending.database, layout.stages.map(ids.table), `${at}.replicationPending.database`);
        checkSelector(e.replicationPending.records, `${at}.replicationPending.records`, false);
        return (view, observed) => {
          let held = 0;
          let expected = 0;
          for (const d of databases) {
            const replicator = view.context(`${d}:replicator`) as { from: number; databases: { region: number }[]; pending: TpsRecord[] };
            const passive = replicator.databases.find((x) => x.region !== replicator.from)!.region;
            const rows = view.context(`${d}:r${passive}`).rows as TpsRecord[];
            for (const id of select(view, e.replicationPending.records)) {
              expected++;
              if (replicator.pending.some((r) => r.recordId === id) && !rows.some((r) => r.recordId === id)) held++;
            }
          }
          observed[`copies of ${describeSel(e.replicationPending.records)} pending replication`] = `${held} of ${expected}`;
          return held === expected;
        };
      }
      if ('lostOnFailover' in e) {
        if (layout.topology.design !== 'active-passive') issues.push(`${at}.lostOnFailover: only an active-passive system fails over`);
        const databases = expand(e.lostOnFailover.database, layout.stages.map(ids.table), `${at}.lostOnFailover.database`);
        checkSelector(e.lostOnFailover.records, `${at}.lostOnFailover.records`, false);
        return (view, observed) => {
          const result: Record<string, number> = {};
          for (const d of databases) {
            const lost = (view.context(`${d}:replicator`).lost as { record: TpsRecord }[]).map((l) => l.record.recordId);
            result[d] = select(view, e.lostOnFailover.records).filter((id) => lost.includes(id)).length;
          }
          const wanted = select(view, e.lostOnFailover.records).length;
          observed[`copies of ${describeSel(e.lostOnFailover.records)} lost on failover (of ${wanted})`] = result;
          return Object.values(result).every((n) => n === wanted);
        };
      }
      return (view, observed) => {
        const t = tablesConverged(view, layout, total);
        observed.tableRows = t.counts;
        return t.ok;
      };
    });

  const steps = file.steps.map((s: StepSpec, i): ScenarioStep => {
    const label = s.step ?? String(i + 1);
    const where = `steps[${i}] (step ${label})`;
    const commands = s.do ? compileCommands(s.do, where) : undefined;
    for (const b of s.publish ?? []) if (b > batches.length) issues.push(`${where}.publish: no batch ${b}; the record set has ${batches.length}`);
    const waitSpecs: WaitSpec[] = [...(s.waitFor ?? []), ...(s.final ? [{ destinationHolds: total }, { specCold: true as const }] : [])];
    const waits = waitSpecs.length ? compileWaits(waitSpecs, where) : undefined;
    const expectSpecs: ExpectationSpec[] = [
      ...(s.expect ?? []),
      ...(s.final ? [{ destinationCount: total }, { tablesConverged: true as const }] : []),
    ];
    const checks = compileExpectations(expectSpecs, where);
    const check = (view: SystemView): CheckOutcome => {
      const observed: Record<string, unknown> = {};
      // what did not hold, by what it observed: a report names the failed condition, not just the step
      const failed: string[] = [];
      for (const c of checks) {
        const before = new Set(Object.keys(observed));
        if (!c(view, observed)) failed.push(...Object.keys(observed).filter((k) => !before.has(k)).map((k) => `${k} = ${JSON.stringify(observed[k])}`));
      }
      if (s.final) {
        const spec = view.spec();
        observed.spec = view.state(ids.spec);
        observed.violations = spec.violations.length;
        if (observed.spec !== 'cold') failed.push(`spec is ${String(observed.spec)}, expected cold`);
        if (spec.violations.length) failed.push(`violations = ${spec.violations.length}, expected 0`);
      }
      return failed.length ? { ok: false, observed, detail: `did not hold: ${failed.join('; ')}` } : { ok: true, observed };
    };
    return {
      step: label,
      name: s.name,
      ...(commands ? { commands } : {}),
      ...(s.publish ? { publish: s.publish } : {}),
      ...(s.allowInterrupted ? { allowInterrupted: true } : {}),
      ...(s.sleep ? { sleep: s.sleep } : {}),
      ...(waits ? { waits } : {}),
      ...(s.within ? { within: s.within } : {}),
      ...(checks.length || s.final ? { check } : {}),
    };
  });

  faults.forEach((f, i) => {
    const where = `faults[${i}] (${f.id})`;
    const kinds = faultTargetKindsOf(f.kind);
    const kind = kinds.join(' or ');
    const actual = u.commandable[f.target];
    if (!kinds.includes(actual)) {
      const same = commandables.filter((id) => kinds.includes(u.commandable[id]));
      issues.push(`${where}.target: ${f.kind} needs a ${kind} ('${f.target}' is ${actual ? `a ${actual}` : 'unknown'}); known: ${same.join(', ')}`);
    }
    if (f.region !== undefined && !layout.regions.includes(f.region))
      issues.push(`${where}.region: no region ${f.region}; the topology's regions are ${regionList}`);
    if ('when' in f.trigger) {
      const { actor, state } = f.trigger.when;
      if (!u.machines.has(actor)) issues.push(`${where}.trigger.when.actor: no actor '${actor}'${hint(actor)}`);
      else checkState(actor, state, `${where}.trigger.when.state`);
    }
  });

  if (issues.length) throw new InputError(`scenario '${file.name}'`, issues);
  return { steps, faults, restartFailedContainers: file.restartFailedContainers ?? false };
}
