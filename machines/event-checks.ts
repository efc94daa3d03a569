import type { AnyActorRef, EventObject } from 'xstate';
import type * as AP from './active-passive-protocol';
import type * as P from './protocol';

/**
 * Misuse fails loudly, at the boundary: every field a machine reads from an event is checked
 * where it reads it, by hand (one table for all machines, not a schema parse per message), and a
 * bad field throws while the transition is computed, so the actor goes to status 'error' with a
 * message naming the machine, the event and the field.
 */

/** Every event of the machines' protocol. */
export type TpsEvent =
  | P.QueueEvent
  | P.QueueSendCompleted
  | P.QueueRecordDelivered
  | P.QueueRemoveCompleted
  | P.QueueDepthReport
  | P.QueueCountReached
  | P.TableInsert
  | P.TableRead
  | P.TableCount
  | P.TableFail
  | P.TableRecover
  | P.TableFailReplication
  | P.TableRecoverReplication
  | P.TableInsertCompleted
  | P.TableReadResult
  | P.TableCountReport
  | P.ReplicatorReplicate
  | P.ReplicatorRegionRecovered
  | P.ReplicatorFail
  | P.ReplicatorRecover
  | P.ContainerFail
  | P.ContainerRecover
  | P.DnsSend
  | P.DnsReceive
  | P.DnsRemove
  | P.DnsSetRegionOnline
  | P.DnsSendCompleted
  | P.DnsRecordDelivered
  | P.DnsRemoveCompleted
  | P.SourcePublish
  | P.SourceBatchPublished
  | P.SourceBatchFailed
  | P.SourcePublishRejected
  | P.DestinationNotifyAt
  | P.DestinationCountReached
  | P.WrongPeer
  | AP.DatabaseSetRole
  | AP.DatabaseSwitch
  | AP.DatabaseSwitchCompleted
  | AP.ReplicatorSwitch
  | AP.DnsSwitch;

type Kind = 'actor' | 'int' | 'number' | 'boolean' | 'string' | 'record' | 'origin' | 'ints';
/** A field's kind; `?` when it may be absent, ` or null` when it may be null. */
type FieldSpec = Kind | `${Kind}?` | `${Kind} or null`;
type FieldsOf<E> = { [K in Exclude<keyof E, 'type'>]-?: FieldSpec };

// Every event type and every field of it must be listed (the type checks it).
const eventFields: { [E in TpsEvent as E['type']]: FieldsOf<E> } = {
  'queue.send': { replyTo: 'actor', corr: 'int?', record: 'record' },
  'queue.receive': { replyTo: 'actor', corr: 'int?' },
  'queue.remove': { replyTo: 'actor', corr: 'int?', recordId: 'int' },
  'queue.depth': { replyTo: 'actor' },
  'queue.notifyAt': { count: 'int', replyTo: 'actor' },
  'queue.fail': {},
  'queue.recover': {},
  'queue.sendCompleted': { queue: 'string', region: 'int', record: 'record', success: 'boolean', corr: 'int?' },
  'queue.record': { queue: 'string', region: 'int', record: 'record', corr: 'int?' },
  'queue.removeCompleted': {
    queue: 'string',
    region: 'int',
    recordId: 'int',
    success: 'boolean',
    removed: 'boolean',
    corr: 'int?',
  },
  'queue.depthReport': { queue: 'string', region: 'int', depth: 'int', inFlight: 'int or null', sentCount: 'int' },
  'queue.countReached': { queue: 'string', region: 'int', count: 'int' },
  'table.insert': { replyTo: 'actor', corr: 'int?', region: 'int', record: 'record', origin: 'origin?' },
  'table.read': { recordId: 'int', replyTo: 'actor' },
  'table.count': { replyTo: 'actor' },
  'table.fail': { region: 'int?' },
  'table.recover': { region: 'int?' },
  'table.failReplication': {},
  'table.recoverReplication': {},
  'table.insertCompleted': {
    table: 'string',
    stage: 'string',
    region: 'int',
    record: 'record',
    success: 'boolean',
    origin: 'origin',
    corr: 'int?',
  },
  'table.readResult': { table: 'string', region: 'int', recordId: 'int', record: 'record or null' },
  'table.countReport': { table: 'string', region: 'int', count: 'int' },
  'replicator.replicate': { record: 'record', from: 'int' },
  'replicator.regionRecovered': { region: 'int' },
  'replicator.fail': {},
  'replicator.recover': {},
  'container.fail': {},
  'container.recover': {},
  'dns.send': { replyTo: 'actor', corr: 'int?', record: 'record' },
  'dns.receive': { replyTo: 'actor', corr: 'int?', region: 'int?' },
  'dns.remove': { replyTo: 'actor', corr: 'int?', recordId: 'int' },
  'dns.setRegionOnline': { region: 'int', online: 'boolean' },
  'dns.sendCompleted': { dns: 'string', record: 'record', region: 'int or null', success: 'boolean', corr: 'int?' },
  'dns.record': { dns: 'string', region: 'int', record: 'record' },
  'dns.removeCompleted': { dns: 'string', region: 'int or null', recordId: 'int', success: 'boolean', corr: 'int?' },
  // a non-integer batch is answered with source.publishRejected, not an error
  'source.publish': { batch: 'number', replyTo: 'actor?' },
  'source.batchPublished': { batch: 'int', count: 'int' },
  'source.batchFailed': { batch: 'int', sent: 'int', failedRecordId: 'int' },
  'source.publishRejected': { batch: 'number', reason: 'string' },
  'destination.notifyAt': { count: 'int', replyTo: 'actor' },
  'destination.countReached': { count: 'int' },
  'tps.wrongPeer': { peer: 'string', peerKind: 'string', eventType: 'string' },
  // the active-passive design's
  'database.setRole': { active: 'boolean' },
  'database.switch': { replyTo: 'actor?' },
  'database.switchCompleted': { database: 'string', success: 'boolean', activeRegion: 'int', lost: 'ints' },
  'replicator.switch': { to: 'int', replyTo: 'actor?', database: 'string' },
  'dns.switch': {},
};

/** A problem with a value, or undefined when it is of the kind. */
type Check = (value: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const describe = (v: unknown): string =>
  typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? 'an array' : isObject(v) ? 'an object' : String(v);
const unless = (ok: boolean, value: unknown, expected: string): string | undefined =>
  ok ? undefined : `is ${describe(value)}: ${expected} expected`;

const checks: Record<Kind, Check> = {
  actor: (v) => unless(isObject(v) && typeof v.send === 'function', v, 'an actor reference'),
  int: (v) => unless(Number.isInteger(v), v, 'an integer'),
  number: (v) => unless(typeof v === 'number' && !Number.isNaN(v), v, 'a number'),
  boolean: (v) => unless(typeof v === 'boolean', v, 'a boolean'),
  string: (v) => unless(typeof v === 'string', v, 'a string'),
  origin: (v) => unless(v === 'write' || v === 'replication', v, "'write' or 'replication'"),
  ints: (v) => unless(Array.isArray(v) && v.every((x) => Number.isInteger(x)), v, 'an array of integers'),
  record: (v) => {
    if (!isObject(v)) return unless(false, v, 'a record { recordId, recordValue }');
    if (!Number.isInteger(v.recordId)) return `.recordId ${unless(false, v.recordId, 'an integer')}`;
    if (typeof v.recordValue !== 'number' || Number.isNaN(v.recordValue))
      return `.recordValue ${unless(false, v.recordValue, 'a number')}`;
    return undefined;
  },
};

interface FieldCheck {
  name: string;
  check: Check;
  optional: boolean;
  nullable: boolean;
}

const fieldChecks = new Map<string, FieldCheck[]>();
for (const [type, fields] of Object.entries(eventFields)) {
  fieldChecks.set(
    type,
    Object.entries(fields as Record<string, FieldSpec>).map(([name, spec]) => {
      const kind = spec.replace(/\?$| or null$/, '') as Kind;
      return { name, check: checks[kind], optional: spec.endsWith('?'), nullable: spec.endsWith(' or null') };
    }),
  );
}

/** The first bad field of an event of a known type, as `field problem`, or undefined. */
function badField(event: Record<string, unknown>, fields: readonly FieldCheck[]): string | undefined {
  for (const f of fields) {
    const value = event[f.name];
    if (value === undefined) {
      if (f.optional) continue;
      return `${f.name} is missing: ${f.check(undefined)!.replace(/^is undefined: /, '')}`;
    }
    if (value === null && f.nullable) continue;
    const problem = f.check(value);
    if (problem) return problem.startsWith('.') ? `${f.name}${problem}` : `${f.name} ${problem}`;
  }
  return undefined;
}

/** The error a misused machine is put in: names the machine, the event and what is wrong. */
export class MisuseError extends Error {
  constructor(machine: string, id: string, problem: string) {
    super(`${machine} '${id}': ${problem}`);
    this.name = 'MisuseError';
  }
}

// The last event found well formed: a transition's actions and guards read the same event
// several times; it is checked once.
let lastChecked: object | undefined;

/** Like XState's assertEvent, and checks every field of the event (see `eventReader`). */
export type EventReader<E extends EventObject> = <T extends E['type']>(
  owner: { readonly id: string },
  event: E,
  type: T | readonly T[],
) => asserts event is Extract<E, { type: T }>;

/**
 * The check a machine runs where it reads an event: the event is of the type (one of the types)
 * the action or guard expects, and its fields are of their kinds, else it throws a MisuseError
 * naming the machine (`machine` and the owner's id), the event type and the field.
 */
export function eventReader<E extends EventObject>(machine: string): EventReader<E> {
  return (owner, event, type) => {
    const expected = typeof type === 'string' ? event.type === type : (type as readonly string[]).includes(event.type);
    if (!expected) {
      const wanted = typeof type === 'string' ? `'${type}'` : type.map((t) => `'${t}'`).join(' or ');
      throw new MisuseError(machine, owner.id, `expected event ${wanted}, got '${event.type}'`);
    }
    if (event === lastChecked) return;
    const problem = badField(event, fieldChecks.get(event.type) ?? []);
    if (problem) throw new MisuseError(machine, owner.id, `event '${event.type}': field ${problem}`);
    lastChecked = event;
  };
}

/** A machine's event types, all of them (the type checks it): what it is not asked. */
export const protocolOf = <E extends EventObject>(types: Record<E['type'], true>): ReadonlySet<string> =>
  new Set(Object.keys(types));

/**
 * Whether the event is a request (it has `replyTo`) that is not of the machine's protocol: its
 * sender took this machine for a peer of another kind. A foreign event with no `replyTo` stays
 * unhandled, as XState leaves it (the simulator's strict check reports it).
 */
export const isForeignRequest = (protocol: ReadonlySet<string>, event: EventObject): boolean =>
  !protocol.has(event.type) &&
  !event.type.startsWith('xstate.') &&
  (event as { replyTo?: unknown }).replyTo !== undefined;

/** The asker of a foreign request, failing loudly when its replyTo is no actor. */
export function askerOf(machine: string, owner: { readonly id: string }, event: EventObject): AnyActorRef {
  const replyTo = (event as { replyTo?: unknown }).replyTo;
  const problem = checks.actor(replyTo);
  if (problem) throw new MisuseError(machine, owner.id, `event '${event.type}': field replyTo ${problem}`);
  return replyTo as AnyActorRef;
}

export const wrongPeer = (machine: string, owner: { readonly id: string }, event: EventObject): P.WrongPeer => ({
  type: 'tps.wrongPeer',
  peer: owner.id,
  peerKind: machine,
  eventType: event.type,
});

/** What each request's prefix asks for. */
const askedKind: Record<string, string> = {
  queue: 'queue',
  table: 'table',
  dns: 'DNS',
  replicator: 'replicator',
  database: 'database',
  container: 'container',
  source: 'record source',
  destination: 'record destination',
};

/** The error an asker is put in when a peer answers tps.wrongPeer: names both. */
export function wrongPeerError(machine: string, owner: { readonly id: string }, answer: P.WrongPeer): MisuseError {
  const prefix = answer.eventType.split('.')[0];
  const wanted = askedKind[prefix] ?? `'${prefix}' machine`;
  return new MisuseError(
    machine,
    owner.id,
    `peer '${answer.peer}' is a ${answer.peerKind}, not a ${wanted}: it does not handle '${answer.eventType}'`,
  );
}
