import { enqueueActions, sendTo, setup, type ActorRefFrom } from 'xstate';
import { z } from 'zod';
import type {
  TableFail,
  TableFailReplication,
  TableInsert,
  TableInsertCompleted,
  TableRecover,
  TableRecoverReplication,
} from './protocol';
import { regionSchema } from './protocol';
import { insertCompleted } from './messages';
import { askerOf, eventReader, isForeignRequest, protocolOf, wrongPeer, type EventReader } from './event-checks';
import { regionalTableMachine } from './regional-table.machine';
import { replicatorMachine } from './replicator.machine';
import { ids, inRegion } from './ids';
import { immediate, LATENCY, parseInput } from './support';

export const globalTableInputSchema = z.object({
  id: z.string().min(1),
  stage: z.string().min(1),
  regions: z
    .array(regionSchema)
    .min(2, 'a global table spans at least two regions')
    .refine((r) => new Set(r).size === r.length, 'regions must be distinct'),
});
export type GlobalTableInput = z.input<typeof globalTableInputSchema>;

export type GlobalTableEvent =
  | TableInsert
  | TableFail
  | TableRecover
  | TableFailReplication
  | TableRecoverReplication;

const GLOBAL_TABLE = 'global table';
const read: EventReader<GlobalTableEvent> = eventReader<GlobalTableEvent>(GLOBAL_TABLE);
const protocol = protocolOf<GlobalTableEvent>({
  'table.insert': true,
  'table.fail': true,
  'table.recover': true,
  'table.failReplication': true,
  'table.recoverReplication': true,
});

/** systemIds of the parts of a global table, derived from its own. */
export const regionalTableId = inRegion;
export const replicatorId = ids.replicator;

export interface GlobalTableContext {
  id: string;
  stage: string;
  regions: number[];
  failedRegions: number[];
  replicationFailed: boolean;
  tables: Record<number, ActorRefFrom<typeof regionalTableMachine>>;
  replicator: ActorRefFrom<typeof replicatorMachine>;
}

/**
 * A global table (DynamoDB global table): one regional table per region and
 * a replicator. Writes go to the writer's region; the replicator copies them
 * to the others. It fails and recovers per region, whole, or replication only.
 */
export const globalTableMachine = setup({
  types: {
    context: {} as GlobalTableContext,
    events: {} as GlobalTableEvent,
    input: {} as GlobalTableInput,
  },
  actors: { regionalTable: regionalTableMachine, replicator: replicatorMachine },
  delays: { [LATENCY]: immediate },
  guards: {
    hasRegion: ({ context, event }) => (read(context, event, 'table.insert'), event.region in context.tables),
    isForeignRequest: ({ event }) => isForeignRequest(protocol, event),
  },
  actions: {
    answerWrongPeer: sendTo(
      ({ context, event }) => askerOf(GLOBAL_TABLE, context, event),
      ({ context, event }) => wrongPeer(GLOBAL_TABLE, context, event),
      { delay: LATENCY },
    ),
    // Internal routing within the component: no network hop, so no latency.
    routeInsert: sendTo(
      ({ context, event }) => (read(context, event, 'table.insert'), context.tables[event.region]),
      ({ context, event }) => (read(context, event, 'table.insert'), event),
    ),
    refuseUnknownRegion: sendTo(
      ({ context, event }) => (read(context, event, 'table.insert'), event.replyTo),
      ({ context, event }): TableInsertCompleted => (
        read(context, event, 'table.insert'), insertCompleted({ table: context.id, stage: context.stage, region: event.region }, event, false)
      ),
      { delay: LATENCY },
    ),
    failTables: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'table.fail');
      const only = event.region;
      // an unknown region is ignored: an undefined sendTo target would be this machine itself
      const regions = only === undefined ? context.regions : context.regions.filter((r) => r === only);
      for (const region of regions) enqueue.sendTo(context.tables[region], { type: 'table.fail' });
      if (only === undefined) enqueue.sendTo(context.replicator, { type: 'replicator.fail' });
      enqueue.assign({
        failedRegions: [...new Set([...context.failedRegions, ...regions])].sort((a, b) => a - b),
        replicationFailed: only === undefined ? true : context.replicationFailed,
      });
    }),
    recoverTables: enqueueActions(({ context, event, enqueue }) => {
      read(context, event, 'table.recover');
      const only = event.region;
      // an unknown region is ignored: an undefined sendTo target would be this machine itself
      const regions = only === undefined ? context.regions : context.regions.filter((r) => r === only);
      for (const region of regions) {
        enqueue.sendTo(context.tables[region], { type: 'table.recover' });
        // held copies for this region may now be applied
        enqueue.sendTo(context.replicator, { type: 'replicator.regionRecovered', region });
      }
      if (only === undefined) enqueue.sendTo(context.replicator, { type: 'replicator.recover' });
      enqueue.assign({
        failedRegions: context.failedRegions.filter((r) => !regions.includes(r)),
        replicationFailed: only === undefined ? false : context.replicationFailed,
      });
    }),
    failReplication: enqueueActions(({ context, enqueue }) => {
      enqueue.sendTo(context.replicator, { type: 'replicator.fail' });
      enqueue.assign({ replicationFailed: true });
    }),
    recoverReplication: enqueueActions(({ context, enqueue }) => {
      enqueue.sendTo(context.replicator, { type: 'replicator.recover' });
      enqueue.assign({ replicationFailed: false });
    }),
  },
}).createMachine({
  id: 'globalTable',
  context: ({ input, spawn }) => {
    const { id, stage, regions } = parseInput(globalTableInputSchema, input, 'global table input');
    const replicator = spawn('replicator', {
      id: replicatorId(id),
      systemId: replicatorId(id),
      input: { id: replicatorId(id), tables: regions.map((region) => ({ region, table: regionalTableId(id, region) })) },
    });
    const tables: GlobalTableContext['tables'] = {};
    for (const region of regions) {
      const tableId = regionalTableId(id, region);
      tables[region] = spawn('regionalTable', {
        id: tableId,
        systemId: tableId,
        input: { id: tableId, stage, region, replicator: replicatorId(id) },
      });
    }
    return { id, stage, regions, failedRegions: [], replicationFailed: false, tables, replicator };
  },
  initial: 'serving',
  on: {
    '*': { guard: 'isForeignRequest', actions: 'answerWrongPeer' },
  },
  states: {
    serving: {
      on: {
        'table.insert': [{ guard: 'hasRegion', actions: 'routeInsert' }, { actions: 'refuseUnknownRegion' }],
        'table.fail': { actions: 'failTables' },
        'table.recover': { actions: 'recoverTables' },
        'table.failReplication': { actions: 'failReplication' },
        'table.recoverReplication': { actions: 'recoverReplication' },
      },
    },
  },
});
