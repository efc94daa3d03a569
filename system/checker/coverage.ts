import type { AnyStateMachine, InspectionEvent } from 'xstate';
import { allStateNodes, enteredBy, initialStateNodes, statePath, transitionsOf, type AnyTransition } from '../../actors/state-nodes';
import { containerMachine } from '../../machines/container.machine';
import { globalTableMachine } from '../../machines/global-table.machine';
import { queueMachine } from '../../machines/queue.machine';
import { recordDestinationMachine } from '../../machines/record-destination.machine';
import { recordSourceMachine } from '../../machines/record-source.machine';
import { regionalTableMachine } from '../../machines/regional-table.machine';
import { replicatorMachine } from '../../machines/replicator.machine';
import { weightedDnsMachine } from '../../machines/weighted-dns.machine';
import { activeActiveSpecMachine } from '../../specs/active-active-spec.machine';
import { activePassiveSpecMachine } from '../../specs/active-passive-spec.machine';
import { failoverDnsMachine } from '../../machines/failover-dns.machine';
import { globalDatabaseMachine } from '../../machines/global-database.machine';
import { oneWayReplicatorMachine } from '../../machines/one-way-replicator.machine';
import { regionalDatabaseMachine } from '../../machines/regional-database.machine';
import { formatEvent, formatGuard } from '../diagrams/machine-dot';
import type { FaultRecord } from '../faults/fault-plan';
import { faultInjectorMachine } from '../faults/fault-injector.machine';
import type { MachineOverrides } from '../machines-module';
import { scenarioDriverMachine } from '../scenarios/scenario-driver.machine';
import { logicOf, microstepTransitions } from '../../actors/xstate-internals';

/**
 * Transition and state coverage. The definition (every state, every
 * transition) is read from each machine object (`machine.root`), never from
 * a hand-kept list; what a run took comes from XState's `@xstate.microstep`
 * inspection events, whose `_transitions` are the very transition objects of
 * the definition. Counts are keyed by readable ids, so coverage from seeds,
 * workers or shards adds up with `mergeCoverage`.
 */

/** The machine kinds covered. */
export const coverageKindNames = ['queue', 'container', 'regional-table', 'replicator', 'global-table', 'weighted-dns', 'record-source', 'record-destination', 'spec', 'driver', 'fault-injector', 'regional-database', 'one-way-replicator', 'global-database', 'failover-dns', 'active-passive-spec'] as const;
export type CoverageKind = (typeof coverageKindNames)[number];

/** Each kind with the machine it runs by default (typed loosely: the declarations stay small). */
const defaultMachines: Record<CoverageKind, AnyStateMachine> = {
  queue: queueMachine,
  container: containerMachine,
  'regional-table': regionalTableMachine,
  replicator: replicatorMachine,
  'global-table': globalTableMachine,
  'weighted-dns': weightedDnsMachine,
  'record-source': recordSourceMachine,
  'record-destination': recordDestinationMachine,
  spec: activeActiveSpecMachine,
  driver: scenarioDriverMachine,
  'fault-injector': faultInjectorMachine,
  'regional-database': regionalDatabaseMachine,
  'one-way-replicator': oneWayReplicatorMachine,
  'global-database': globalDatabaseMachine,
  'failover-dns': failoverDnsMachine,
  'active-passive-spec': activePassiveSpecMachine,
};

/** --machines component kinds -> coverage kinds. */
const overrideKinds: Record<string, CoverageKind> = {
  queue: 'queue',
  container: 'container',
  table: 'global-table',
  dns: 'weighted-dns',
  source: 'record-source',
  destination: 'record-destination',
  database: 'global-database',
  failoverDns: 'failover-dns',
};

/**
 * A machine's kind, known by its definition, not its id: `machine.provide(...)` keeps the config
 * object, so a planted bug or an in-place form of a machine is covered under its kind whatever its
 * id; a machine with a config of its own is declared (`declareCoverageKind`, or given as an override).
 */
const kindByConfig = new WeakMap<object, CoverageKind>();
for (const [kind, machine] of Object.entries(defaultMachines)) kindByConfig.set(machine.config, kind as CoverageKind);

/** Declares the kind a machine (and every machine provided from it) is covered under. */
export function declareCoverageKind(machine: AnyStateMachine, kind: CoverageKind): void {
  kindByConfig.set(machine.config, kind);
}

const declareOverrides = (overrides: MachineOverrides | undefined) => {
  for (const [k, m] of Object.entries(overrides ?? {})) if (overrideKinds[k] && m && !kindByConfig.has(m.config)) declareCoverageKind(m, overrideKinds[k]);
};

/** The kind a machine is covered under, if it is one of the covered kinds. */
export const coverageKindOf = (machine: AnyStateMachine): CoverageKind | undefined =>
  typeof machine.config === 'object' && machine.config !== null ? kindByConfig.get(machine.config) : undefined;

export interface TransitionDef {
  id: string;
  source: string;
  event: string;
  /** the guard that was true when taken, or 'no guard' */
  guard: string;
  /** target state path(s), or 'targetless' */
  target: string;
}

export interface MachineDefinition {
  kind: CoverageKind;
  states: string[];
  transitions: TransitionDef[];
}

interface Walked {
  definition: MachineDefinition;
  /** transition object -> [id, states it leaves active] */
  byObject: Map<AnyTransition, [string, string[]]>;
  initialStates: string[];
}

const walkedCache = new WeakMap<AnyStateMachine, Walked>();

function walk(machine: AnyStateMachine, kind: CoverageKind): Walked {
  const cached = walkedCache.get(machine);
  if (cached) return cached;
  const states: string[] = [];
  const transitions: TransitionDef[] = [];
  const byObject = new Map<AnyTransition, [string, string[]]>();
  const seen = new Map<string, number>();
  for (const n of allStateNodes(machine)) {
    if (n.path.length > 0) states.push(statePath(n));
    for (const { event, transition: t } of transitionsOf(n)) {
      const guard = formatGuard(t.guard) || 'no guard';
      const target = t.target?.length ? t.target.map(statePath).join(',') : 'targetless';
      const base = `${statePath(n)}: ${formatEvent(event)} [${guard}] -> ${target}`;
      const dup = (seen.get(base) ?? 0) + 1;
      seen.set(base, dup);
      const id = dup === 1 ? base : `${base} #${dup}`;
      transitions.push({ id, source: statePath(n), event: formatEvent(event), guard, target });
      byObject.set(t, [id, (t.target ?? []).flatMap(enteredBy).map(statePath)]);
    }
  }
  const initialStates = initialStateNodes(machine).map(statePath);
  const walked = { definition: { kind, states, transitions }, byObject, initialStates };
  walkedCache.set(machine, walked);
  return walked;
}

/** Every state and transition of every covered machine kind (the overrides' own machines where given). */
export function coverageDefinitions(overrides?: MachineOverrides): MachineDefinition[] {
  const machines: Record<CoverageKind, AnyStateMachine> = { ...defaultMachines };
  declareOverrides(overrides);
  for (const [k, m] of Object.entries(overrides ?? {})) if (overrideKinds[k] && m) machines[overrideKinds[k]] = m;
  return (Object.keys(machines) as CoverageKind[]).map((kind) => walk(machines[kind], kind).definition);
}

/** Coverage counts: per kind, per state path and per transition id; fault hits by `<kind> while <state>`. Sums. */
export interface CoverageCounts {
  runs: number;
  states: Partial<Record<CoverageKind, Record<string, number>>>;
  transitions: Partial<Record<CoverageKind, Record<string, number>>>;
  faultHits: Record<string, number>;
}

export const emptyCoverage = (): CoverageCounts => ({ runs: 0, states: {}, transitions: {}, faultHits: {} });

const bump = (table: Record<string, number>, key: string, by = 1) => {
  table[key] = (table[key] ?? 0) + by;
};

/** Adds `b` into `a` (returns `a`). */
export function mergeCoverage(a: CoverageCounts, b: CoverageCounts): CoverageCounts {
  a.runs += b.runs;
  for (const part of ['states', 'transitions'] as const) {
    for (const [kind, table] of Object.entries(b[part]) as [CoverageKind, Record<string, number>][]) {
      const into = (a[part][kind] ??= {});
      for (const [key, n] of Object.entries(table)) bump(into, key, n);
    }
  }
  for (const [key, n] of Object.entries(b.faultHits)) bump(a.faultHits, key, n);
  return a;
}

/** `container-fail while processRecords.publishing`: what each fault hit when it started. */
export function faultHitKey(f: FaultRecord): string | undefined {
  if (f.start === null) return `${f.kind} never started`;
  return `${f.kind} while ${f.hitState ?? '(no state)'}`;
}

/**
 * A collector for one run: pass `inspect` as the run's `onInspectionEvent`
 * (not as `inspect`, which copies every inspection event: a third slower),
 * then `finish(faults)` for its counts.
 */
export function coverageCollector(overrides?: MachineOverrides): { inspect: (event: InspectionEvent) => void; finish: (faults?: FaultRecord[]) => CoverageCounts } {
  declareOverrides(overrides);
  const counts = emptyCoverage();
  counts.runs = 1;
  // Per machine object: its walk and count tables (a run uses a handful of machines).
  const perMachine = new Map<unknown, { walked: Walked; states: Record<string, number>; transitions: Record<string, number> } | null>();
  const tablesFor = (logic: AnyStateMachine) => {
    let entry = perMachine.get(logic);
    if (entry === undefined) {
      const kind = logic.root ? coverageKindOf(logic) : undefined;
      if (!kind) entry = null;
      else {
        entry = { walked: walk(logic, kind), states: (counts.states[kind] ??= {}), transitions: (counts.transitions[kind] ??= {}) };
        // Actors spawned with the root are never announced: the initial states count once per machine.
        for (const s of entry.walked.initialStates) bump(entry.states, s);
      }
      perMachine.set(logic, entry);
    }
    return entry;
  };
  const inspect = (event: InspectionEvent) => {
    if (event.type !== '@xstate.microstep') return;
    const tables = tablesFor(logicOf(event.actorRef) as AnyStateMachine);
    if (!tables) return;
    for (const t of microstepTransitions(event) as AnyTransition[]) {
      const known = tables.walked.byObject.get(t);
      if (!known) continue; // XState's own (initial, stop)
      bump(tables.transitions, known[0]);
      for (const s of known[1]) bump(tables.states, s);
    }
  };
  return {
    inspect,
    finish: (faults = []) => {
      for (const f of faults) {
        const key = faultHitKey(f);
        if (key) bump(counts.faultHits, key);
      }
      return counts;
    },
  };
}

export interface KindCoverage {
  kind: CoverageKind;
  states: { covered: number; total: number };
  transitions: { covered: number; total: number };
}

/** The short form (`tps check` prints it; `--json` carries it). */
export interface CoverageSummary {
  runs: number;
  kinds: KindCoverage[];
  /** fault kind and the state it hit, most frequent first */
  faultHits: { hit: string; count: number }[];
  /** per kind, what was never taken (all of it) */
  neverTaken: { kind: CoverageKind; states: string[]; transitions: string[] }[];
}

/** The full table (`--coverage FILE`). */
export interface CoverageTable {
  runs: number;
  kinds: {
    kind: CoverageKind;
    states: { path: string; count: number }[];
    transitions: (TransitionDef & { count: number })[];
    neverTaken: { states: string[]; transitions: string[] };
    /** taken but not in the definition (a replacement machine shaped otherwise) */
    unknown: { id: string; count: number }[];
  }[];
  faultHits: { hit: string; count: number }[];
}

/** Kinds only one design runs: listed only when one of their actors ran (the other design's are not "never taken"). */
const oneDesignKinds = new Set<CoverageKind>([
  'regional-table',
  'replicator',
  'global-table',
  'weighted-dns',
  'spec',
  'regional-database',
  'one-way-replicator',
  'global-database',
  'failover-dns',
  'active-passive-spec',
]);

export function coverageTable(counts: CoverageCounts, overrides?: MachineOverrides): CoverageTable {
  const ran = (d: { kind: CoverageKind }) => !oneDesignKinds.has(d.kind) || counts.states[d.kind] !== undefined;
  const kinds = coverageDefinitions(overrides).filter(ran).map((d) => {
    const s = counts.states[d.kind] ?? {};
    const t = counts.transitions[d.kind] ?? {};
    const states = d.states.map((path) => ({ path, count: s[path] ?? 0 }));
    const transitions = d.transitions.map((tr) => ({ ...tr, count: t[tr.id] ?? 0 }));
    const known = new Set(d.transitions.map((tr) => tr.id));
    return {
      kind: d.kind,
      states,
      transitions,
      neverTaken: { states: states.filter((x) => x.count === 0).map((x) => x.path), transitions: transitions.filter((x) => x.count === 0).map((x) => x.id) },
      unknown: Object.entries(t)
        .filter(([id]) => !known.has(id))
        .map(([id, count]) => ({ id, count })),
    };
  });
  const faultHits = Object.entries(counts.faultHits)
    .map(([hit, count]) => ({ hit, count }))
    .sort((a, b) => b.count - a.count || a.hit.localeCompare(b.hit));
  return { runs: counts.runs, kinds, faultHits };
}

export function coverageSummary(counts: CoverageCounts, overrides?: MachineOverrides): CoverageSummary {
  const table = coverageTable(counts, overrides);
  return {
    runs: table.runs,
    kinds: table.kinds.map((k) => ({
      kind: k.kind,
      states: { covered: k.states.length - k.neverTaken.states.length, total: k.states.length },
      transitions: { covered: k.transitions.length - k.neverTaken.transitions.length, total: k.transitions.length },
    })),
    faultHits: table.faultHits,
    neverTaken: table.kinds
      .filter((k) => k.neverTaken.states.length || k.neverTaken.transitions.length)
      .map((k) => ({ kind: k.kind, ...k.neverTaken })),
  };
}

/** A few lines for the text summary. */
export function formatCoverage(summary: CoverageSummary, faultLines = 8): string[] {
  const lines = [`Coverage over ${summary.runs} runs (states, transitions taken at least once):`];
  for (const k of summary.kinds) {
    lines.push(
      `  ${k.kind.padEnd(19)} states ${`${k.states.covered}/${k.states.total}`.padEnd(6)} transitions ${k.transitions.covered}/${k.transitions.total}`,
    );
  }
  if (summary.faultHits.length) {
    lines.push('  fault hits (fault kind while the state it hit):');
    for (const h of summary.faultHits.slice(0, faultLines)) lines.push(`    ${h.hit}: ${h.count} times`);
    if (summary.faultHits.length > faultLines) lines.push(`    and ${summary.faultHits.length - faultLines} more (--json, --coverage FILE)`);
  }
  return lines;
}
