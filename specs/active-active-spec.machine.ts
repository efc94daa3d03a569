import { assign, setup } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../machines/support';

/**
 * Facts the spec is fed, one per observed delivery. `position` k is the
 * queue feeding stage k (k = stages.length is the outbound queue read by
 * the destination); `at` is virtual time.
 */
export type SpecEvent =
  | { type: 'spec.sent'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.received'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.removed'; position: number; region: number; recordId: number; at: number }
  | { type: 'spec.persisted'; stage: number; region: number; recordId: number; replication: boolean; at: number }
  | { type: 'spec.delivered'; region: number; recordId: number; at: number }
  | { type: 'spec.quiescent'; at: number };

export interface Violation {
  kind: 'removed-before-persisted-and-forwarded' | 'forwarded-before-persisted' | 'duplicate' | 'unknown-record' | 'wrong-region' | 'out-of-order';
  recordId: number;
  component: string;
  at: number;
  message: string;
}

export interface PendingRecord {
  recordId: number;
  region: number | null;
  stuckAt: string;
}

/** What the spec knows of one record. Counters are per queue position / stage. */
export interface RecordProgress {
  region: number;
  sent: Uint8Array;
  received: Uint8Array;
  removed: Uint8Array;
  written: Uint8Array;
  /** per stage, bit i set when region index i holds the record */
  replicas: Uint32Array;
  delivered: number;
  complete: boolean;
}

export const specInputSchema = z.object({
  recordIds: z.array(z.number().int().nonnegative()).min(1),
  stages: z.array(z.string().min(1)).min(1),
  regions: z.array(z.number().int().positive()).min(1).max(31),
  /** queue names by position, stages.length + 1 of them */
  queueNames: z.array(z.string().min(1)),
});
export type SpecInput = z.input<typeof specInputSchema>;

export interface SpecContext {
  stages: string[];
  regions: number[];
  queueNames: string[];
  regionIndex: Record<number, number>;
  fullMask: number;
  records: Record<number, RecordProgress>;
  pending: number;
  violations: Violation[];
  stuck: PendingRecord[];
  coldAt: number | null;
}

const queueLabel = (c: SpecContext, position: number, region: number) => `queue:${c.queueNames[position]}:r${region}`;

function isComplete(c: SpecContext, p: RecordProgress): boolean {
  if (p.delivered < 1) return false;
  for (let k = 0; k < p.sent.length; k++) if (p.sent[k] < 1 || p.removed[k] < 1) return false;
  for (let s = 0; s < p.replicas.length; s++) if (p.replicas[s] !== c.fullMask) return false;
  return true;
}

/** Where a record that has not completed is stuck, in words. */
export function whereIsRecord(c: SpecContext, recordId: number): string {
  const p = c.records[recordId];
  if (!p.region) return 'never published (not in any inbound queue)';
  const S = c.stages.length;
  for (let k = 0; k <= S; k++) {
    const q = queueLabel(c, k, p.region);
    const reader = k < S ? `container:${c.stages[k]}:r${p.region}` : 'destination';
    if (p.sent[k] < 1) return `not yet sent to ${q}`;
    if (p.received[k] < 1) return `waiting in ${q}, not received by ${reader}`;
    if (k < S && p.written[k] < 1) return `received by ${reader} from ${q}, not written to table:${c.stages[k]}:r${p.region}`;
    if (k === S && p.delivered < 1) return `in ${q}, not delivered to the destination`;
    if (p.removed[k] < 1) return `in flight in ${q}, not removed by ${reader}`;
  }
  for (let s = 0; s < S; s++) {
    if (p.replicas[s] !== c.fullMask) {
      const missing = c.regions.filter((_, i) => !(p.replicas[s] & (1 << i)));
      return `not replicated to table:${c.stages[s]} in region ${missing.join(', ')}`;
    }
  }
  return 'complete';
}

/**
 * The safety and liveness spec (the reference's ActiveActiveIsSafeAndLive,
 * per record). Hot while any record has not been through every stage of its
 * region, replicated to every region, delivered to the destination and
 * removed from every queue; cold when all have. Safety violations are
 * recorded the moment they are observed; quiescence while hot is a liveness
 * failure that lists where each pending record is stuck.
 */
export const activeActiveSpecMachine = setup({
  types: {
    context: {} as SpecContext,
    events: {} as SpecEvent,
    input: {} as SpecInput,
  },
  guards: {
    allComplete: ({ context }) => context.pending === 0,
  },
  actions: {
    observe: assign(({ context: c, event: e }) => {
      if (e.type === 'spec.quiescent') return {};
      const p = c.records[e.recordId];
      const flag = (kind: Violation['kind'], component: string, message: string) =>
        c.violations.push({ kind, recordId: e.recordId, component, at: e.at, message: `record ${e.recordId}: ${message}` });
      if (!p) {
        const where = 'position' in e ? queueLabel(c, e.position, e.region) : 'stage' in e ? `table:${c.stages[e.stage]}` : 'destination';
        flag('unknown-record', where, `not in the published record set (seen at ${where})`);
        return { violations: c.violations };
      }
      const S = c.stages.length;
      const ri = c.regionIndex[e.region];
      if (e.type !== 'spec.persisted' || !e.replication) {
        if (p.region === 0 && e.type === 'spec.sent' && e.position === 0) p.region = e.region;
        else if (p.region !== e.region) {
          const where = 'position' in e ? queueLabel(c, e.position, e.region) : `region ${e.region}`;
          flag('wrong-region', where, `routed to region ${p.region || 'none'} but seen at ${where}`);
        }
      }
      switch (e.type) {
        case 'spec.sent': {
          const q = queueLabel(c, e.position, e.region);
          if (e.position > 0 && (p.written[e.position - 1] < 1 || p.received[e.position - 1] < 1))
            flag('forwarded-before-persisted', q, `sent to ${q} before ${c.stages[e.position - 1]} received and persisted it`);
          if (p.sent[e.position] > 0) flag('duplicate', q, `sent to ${q} a second time`);
          p.sent[e.position]++;
          break;
        }
        case 'spec.received': {
          const q = queueLabel(c, e.position, e.region);
          if (p.sent[e.position] < 1) flag('out-of-order', q, `received from ${q} before it was sent there`);
          p.received[e.position]++;
          break;
        }
        case 'spec.persisted': {
          const t = `table:${c.stages[e.stage]}:r${e.region}`;
          if (!e.replication) {
            if (p.received[e.stage] < 1) flag('out-of-order', t, `written to ${t} before its container received it`);
            p.written[e.stage]++;
          }
          p.replicas[e.stage] |= 1 << ri;
          break;
        }
        case 'spec.removed': {
          const q = queueLabel(c, e.position, e.region);
          const done =
            e.position < S ? p.written[e.position] > 0 && p.sent[e.position + 1] > 0 : p.delivered > 0;
          if (!done)
            flag(
              'removed-before-persisted-and-forwarded',
              q,
              e.position < S
                ? `removed from ${q} before ${c.stages[e.position]} persisted it and sent it on`
                : `removed from ${q} before the destination got it`,
            );
          p.removed[e.position]++;
          break;
        }
        case 'spec.delivered':
          if (p.sent[S] < 1) flag('out-of-order', 'destination', 'delivered before it reached an outbound queue');
          p.delivered++;
          break;
      }
      if (!p.complete && isComplete(c, p)) {
        p.complete = true;
        return { pending: c.pending - 1 };
      }
      return {};
    }),
    markCold: assign({ coldAt: ({ event }) => ('at' in event ? event.at : null) }),
    listStuck: assign({
      stuck: ({ context }) =>
        Object.keys(context.records)
          .map(Number)
          .filter((id) => !context.records[id].complete)
          .map((recordId) => ({
            recordId,
            region: context.records[recordId].region || null,
            stuckAt: whereIsRecord(context, recordId),
          })),
    }),
  },
}).createMachine({
  id: 'activeActiveSpec',
  context: ({ input }) => {
    const { recordIds, stages, regions, queueNames } = parseInput(specInputSchema, input, 'spec input');
    if (queueNames.length !== stages.length + 1)
      throw new Error(`Invalid spec input: queueNames needs ${stages.length + 1} names, got ${queueNames.length}`);
    const S = stages.length;
    const records: Record<number, RecordProgress> = {};
    for (const id of recordIds) {
      records[id] = {
        region: 0,
        sent: new Uint8Array(S + 1),
        received: new Uint8Array(S + 1),
        removed: new Uint8Array(S + 1),
        written: new Uint8Array(S),
        replicas: new Uint32Array(S),
        delivered: 0,
        complete: false,
      };
    }
    return {
      stages,
      regions,
      queueNames,
      regionIndex: Object.fromEntries(regions.map((r, i) => [r, i])),
      fullMask: (1 << regions.length) - 1,
      records,
      pending: Object.keys(records).length,
      violations: [],
      stuck: [],
      coldAt: null,
    };
  },
  initial: 'hot',
  states: {
    hot: {
      on: {
        'spec.quiescent': { target: 'stuck', actions: 'listStuck' },
        '*': { actions: 'observe' },
      },
      always: { guard: 'allComplete', target: 'cold', actions: 'markCold' },
    },
    cold: {
      on: {
        'spec.quiescent': {},
        '*': { actions: 'observe' },
      },
    },
    stuck: {
      description: 'Liveness failure: the system went quiescent with records pending.',
      on: {
        'spec.quiescent': {},
        '*': { target: 'hot', actions: 'observe' },
      },
    },
  },
});
