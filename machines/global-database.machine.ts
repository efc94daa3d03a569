import { assign, enqueueActions, sendTo, setup } from 'xstate';
import { z } from 'zod';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, type EventReader } from './event-checks';
import type { DatabaseSwitch, DatabaseSwitchCompleted, ReplicatorSwitch } from './active-passive-protocol';
import { oneWayReplicatorMachine } from './one-way-replicator.machine';
import type { TableFail, TableFailReplication, TableInsert, TableInsertCompleted, TableRecover, TableRecoverReplication } from './protocol';
import { regionSchema } from './protocol';
import { insertCompleted } from './messages';
import { regionalDatabaseMachine } from './regional-database.machine';
import { immediate, LATENCY, parseInput, peer, withActiveRegion } from './support';
import { ids, inRegion } from './ids';

export const globalDatabaseInputSchema = withActiveRegion(
  z
    .object({
      id: z.string().min(1),
      stage: z.string().min(1),
      /** the primary region first: it is the active one at the start unless `activeRegion` says otherwise */
      regions: z
        .array(regionSchema)
        .length(2, 'an active-passive database spans exactly two regions')
        .refine((r) => r[0] !== r[1], 'regions must be distinct'),
      activeRegion: regionSchema.optional(),
    })
    .strict(),
  (i) => i.regions,
  'activeRegion must be one of regions',
);
export type GlobalDatabaseInput = z.input<typeof globalDatabaseInputSchema>;

export type GlobalDatabaseEvent =
  | TableInsert
  | TableFail
  | TableRecover
  | TableFailReplication
  | TableRecoverReplication
  | DatabaseSwitch;

/** systemIds of the parts of a global database, derived from its own. */
export const regionalDatabaseId = (id: string, region: number) => inRegion(id, region);
export const oneWayReplicatorId = (id: string) => ids.replicator(id);

export interface GlobalDatabaseContext {
  readonly id: string;
  readonly stage: string;
  /** [primary, secondary] */
  readonly regions: readonly [number, number];
  readonly activeRegion: number;
  readonly replicationFailed: boolean;
  /** switches carried out */
  readonly switches: number;
}

const otherRegion = (c: GlobalDatabaseContext) => (c.activeRegion === c.regions[0] ? c.regions[1] : c.regions[0]);

/** What either active region does: the same but for the region a switch goes to. */
const serving = (other: 'region1Active' | 'region2Active') =>
  ({
    'table.insert': { actions: 'routeWrite' },
    'database.switch': { target: other, actions: 'switchRegions' },
    'table.fail': { target: 'failed', actions: 'failAll' },
    'table.recover': { description: 'Already serving.' },
  }) as const;

const DATABASE = 'global database';
const read: EventReader<GlobalDatabaseEvent> = eventReader<GlobalDatabaseEvent>(DATABASE);
const protocol = protocolOf<GlobalDatabaseEvent>({
  'table.insert': true,
  'table.fail': true,
  'table.recover': true,
  'table.failReplication': true,
  'table.recoverReplication': true,
  'database.switch': true,
});

/**
 * An active-passive global database (Aurora Global Database): a regional
 * database per region, of which only the active one takes writes, and a
 * replicator copying the active region's writes to the passive one. Every
 * write goes to the active region, whichever region the writer is in. It
 * switches the active region, fails and recovers whole, or fails replication
 * only. States: the primary (region1Active) or the secondary (region2Active)
 * is active, or the database has failed.
 */
export const globalDatabaseMachine = setup({
  types: {
    context: {} as GlobalDatabaseContext,
    events: {} as GlobalDatabaseEvent,
    input: {} as GlobalDatabaseInput,
  },
  actors: { regionalDatabase: regionalDatabaseMachine, replicator: oneWayReplicatorMachine },
  delays: { [LATENCY]: immediate },
  guards: {
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
    primaryIsActive: ({ context }) => context.activeRegion === context.regions[0],
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(DATABASE, context, event),
      ({ context, event }) => wrongPeer(DATABASE, context, event),
      { delay: LATENCY },
    ),
    // Internal routing within the component: no network hop, so no latency.
    routeWrite: sendTo(
      ({ context, system }) => peer(system, regionalDatabaseId(context.id, context.activeRegion), context.id),
      ({ context, event }) => (read(context, event, 'table.insert'), { ...event, region: context.activeRegion }),
    ),
    refuseWrite: sendTo(
      ({ context, event }) => (read(context, event, 'table.insert'), event.replyTo),
      ({ context, event }): TableInsertCompleted => {
        read(context, event, 'table.insert');
        const table = regionalDatabaseId(context.id, context.activeRegion);
        return insertCompleted({ table, stage: context.stage, region: context.activeRegion }, event, false);
      },
      { delay: LATENCY },
    ),
    // Roles first, then the replicator: a write routed before the switch reaches the old active database before its new role.
    switchRegions: enqueueActions(({ context, event, enqueue, system }) => {
      read(context, event, 'database.switch');
      const to = otherRegion(context);
      for (const region of context.regions)
        enqueue.sendTo(peer(system, regionalDatabaseId(context.id, region), context.id), { type: 'database.setRole', active: region === to });
      const turn: ReplicatorSwitch = { type: 'replicator.switch', to, replyTo: event.replyTo, database: context.id };
      enqueue.sendTo(peer(system, oneWayReplicatorId(context.id), context.id), turn);
      enqueue.assign({ activeRegion: to, switches: context.switches + 1 });
    }),
    refuseSwitch: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'database.switch');
      if (!event.replyTo) return;
      const refused: DatabaseSwitchCompleted = {
        type: 'database.switchCompleted',
        database: context.id,
        success: false,
        activeRegion: context.activeRegion,
        lost: [],
      };
      enqueue.sendTo(event.replyTo, refused, { delay: LATENCY });
    }),
    failAll: enqueueActions(({ context, enqueue, system }) => {
      for (const region of context.regions) enqueue.sendTo(peer(system, regionalDatabaseId(context.id, region), context.id), { type: 'table.fail' });
      enqueue.sendTo(peer(system, oneWayReplicatorId(context.id), context.id), { type: 'replicator.fail' });
      enqueue.assign({ replicationFailed: true });
    }),
    recoverAll: enqueueActions(({ context, enqueue, system }) => {
      for (const region of context.regions) enqueue.sendTo(peer(system, regionalDatabaseId(context.id, region), context.id), { type: 'table.recover' });
      enqueue.sendTo(peer(system, oneWayReplicatorId(context.id), context.id), { type: 'replicator.recover' });
      enqueue.assign({ replicationFailed: false });
    }),
    failReplication: sendTo(({ context, system }) => peer(system, oneWayReplicatorId(context.id), context.id), { type: 'replicator.fail' }),
    recoverReplication: sendTo(({ context, system }) => peer(system, oneWayReplicatorId(context.id), context.id), {
      type: 'replicator.recover',
    }),
    noteReplicationFailed: assign({ replicationFailed: true }),
    noteReplicationRecovered: assign({ replicationFailed: false }),
  },
}).createMachine({
  id: 'globalDatabase',
  context: ({ input, spawn }) => {
    const { id, stage, regions, activeRegion } = parseInput(globalDatabaseInputSchema, input, 'global database input');
    const active = activeRegion ?? regions[0];
    spawn('replicator', {
      id: oneWayReplicatorId(id),
      systemId: oneWayReplicatorId(id),
      input: { id: oneWayReplicatorId(id), databases: regions.map((region) => ({ region, database: regionalDatabaseId(id, region) })), from: active },
    });
    for (const region of regions) {
      const databaseId = regionalDatabaseId(id, region);
      spawn('regionalDatabase', {
        id: databaseId,
        systemId: databaseId,
        input: { id: databaseId, stage, region, active: region === active, replicator: oneWayReplicatorId(id) },
      });
    }
    return { id, stage, regions: [regions[0], regions[1]] as const, activeRegion: active, replicationFailed: false, switches: 0 };
  },
  initial: 'starting',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
    'table.failReplication': { actions: ['failReplication', 'noteReplicationFailed'] },
    'table.recoverReplication': { actions: ['recoverReplication', 'noteReplicationRecovered'] },
  },
  states: {
    starting: {
      always: [{ guard: 'primaryIsActive', target: 'region1Active' }, { target: 'region2Active' }],
    },
    region1Active: { description: 'The primary region (the first of `regions`) is active.', on: serving('region2Active') },
    region2Active: { description: 'The secondary region is active.', on: serving('region1Active') },
    failed: {
      on: {
        'table.insert': { actions: 'refuseWrite' },
        'database.switch': { actions: 'refuseSwitch' },
        'table.fail': { description: 'Already failed.' },
        'table.recover': [
          { guard: 'primaryIsActive', target: 'region1Active', actions: 'recoverAll' },
          { target: 'region2Active', actions: 'recoverAll' },
        ],
      },
    },
  },
});
