import { scheduleSchema } from '../../actors/schedule-order';
import { MAX_SEED } from '../../actors/prng';
import { z } from 'zod';
import { latencySchema } from '../../actors/latency';
import { faultSchema } from '../faults/fault-plan';

/**
 * The scenario file format (JSON). A scenario is data: steps addressed by
 * systemId and verb, the record set's shape, an optional topology and an
 * optional fault plan. Targets may use `*` for one name segment
 * ("container:*:r1", "table:*") and placeholders resolved from the
 * topology: {in:STAGE} / {out:STAGE} the queue feeding / fed by a stage,
 * {next:STAGE} the stage after it, {first} and {last} stage.
 */

const regionRef = z.union([z.number().int().positive(), z.literal('same')]);

/** Which records: of some batches, routed to some regions ("same": the region of the target the item is about). */
export const selectorSchema = z
  .object({
    batches: z.array(z.number().int().positive()).min(1).optional(),
    regions: z.array(regionRef).min(1).optional(),
    exceptRegions: z.array(regionRef).min(1).optional(),
  })
  .strict();
export type Selector = z.infer<typeof selectorSchema>;

/** A count: a number, the number of records a selector picks, or the sum over several selectors. */
export const countSchema = z.union([z.number().int().nonnegative(), selectorSchema, z.array(selectorSchema).min(1)]);
export type Count = z.infer<typeof countSchema>;

const pattern = z.string().min(1);

export const commandSchema = z
  .object({
    target: pattern,
    verb: z.string().min(1),
    args: z.record(z.string(), z.unknown()).optional(),
    /** carried out only on targets in this state (e.g. recover containers in "failedDependency") */
    onlyIf: z.object({ state: z.string().min(1) }).strict().optional(),
  })
  .strict();
export type CommandSpec = z.infer<typeof commandSchema>;

export const waitSchema = z.union([
  z.object({ destinationHolds: countSchema }).strict(),
  z.object({ queueHasSeen: z.object({ queue: pattern, count: countSchema }).strict() }).strict(),
  z.object({ state: z.object({ target: pattern, is: z.string().min(1) }).strict() }).strict(),
  z.object({ specCold: z.literal(true) }).strict(),
  z.object({ faultsHealed: z.literal(true) }).strict(),
]);
export type WaitSpec = z.infer<typeof waitSchema>;

export const expectationSchema = z.union([
  z
    .object({
      state: z
        .object({ target: pattern, is: z.string().min(1).optional(), isNot: z.string().min(1).optional() })
        .strict()
        .refine((s) => s.is !== undefined || s.isNot !== undefined, 'give is or isNot'),
    })
    .strict(),
  /** the queue holds exactly these records, in this order */
  z.object({ queueHolds: z.object({ queue: pattern, records: selectorSchema }).strict() }).strict(),
  /** the destination has kept this many records */
  z.object({ destinationCount: countSchema }).strict(),
  /** the destination has kept every one of these records */
  z.object({ atDestination: selectorSchema }).strict(),
  /** in a regional table, every `first` record was written (or replicated) before any `then` record */
  z
    .object({
      order: z
        .object({ table: pattern, origin: z.enum(['write', 'replication']).default('write'), first: selectorSchema, then: selectorSchema })
        .strict(),
    })
    .strict(),
  /** the in-DNS routed these records only to regions other than `notTo` */
  z.object({ routed: z.object({ records: selectorSchema, notTo: z.array(z.number().int().positive()).default([]) }).strict() }).strict(),
  /** copies of these records are held by the global tables' replicators, not yet in the other regions */
  z.object({ replicationHeld: z.object({ table: pattern, records: selectorSchema }).strict() }).strict(),
  /** active-passive: copies of these records wait in the databases' replicators, not yet in the passive region */
  z.object({ replicationPending: z.object({ database: pattern, records: selectorSchema }).strict() }).strict(),
  /** active-passive: these records' copies were dropped by a switch before they reached the databases' new active region */
  z.object({ lostOnFailover: z.object({ database: pattern, records: selectorSchema }).strict() }).strict(),
  /** every regional table of every stage holds every record */
  z.object({ tablesConverged: z.literal(true) }).strict(),
]);
export type ExpectationSpec = z.infer<typeof expectationSchema>;

export const stepSchema = z
  .object({
    /** a label, e.g. the reference's step number "6" (default: the step's position) */
    step: z.string().min(1).max(20).optional(),
    name: z.string().min(1).max(1000),
    do: z.array(commandSchema).optional(),
    publish: z.array(z.number().int().positive()).min(1).optional(),
    allowInterrupted: z.boolean().optional(),
    sleep: z.number().int().min(1).max(1e8).optional(),
    waitFor: z.array(waitSchema).optional(),
    within: z.number().int().min(1).max(1e9).optional(),
    expect: z.array(expectationSchema).optional(),
    /** the end of a scenario: wait until every record is at the destination and the spec is cold, replicas converged */
    final: z.literal(true).optional(),
  })
  .strict();
export type StepSpec = z.infer<typeof stepSchema>;
export type StepSpecInput = z.input<typeof stepSchema>;

export const scenarioFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case words joined by dashes').max(80),
    description: z.string().max(2000).default(''),
    /** the design the scenario is written for (default active-active); its topology must be of that design */
    design: z.enum(['active-active', 'active-passive']).optional(),
    /**
     * active-passive: records a region switch drops before they are replicated either fail the run
     * (`fails`, the default: the scenario promises no loss) or are `measured` (reported, not a failure)
     */
    lossOnFailover: z.enum(['fails', 'measured']).optional(),
    /** the record set: batches of `size` records, ids 1..batches*size */
    records: z
      .object({ batches: z.number().int().min(1).max(1000), size: z.number().int().min(1).max(100_000) })
      .strict()
      .default({ batches: 3, size: 10 }),
    /** the topology (default: the seed's two regions and five stages); --topology overrides it */
    topology: z.unknown().optional(),
    /** the seed a run uses when none is given */
    seed: z.number().int().min(0).max(MAX_SEED).optional(),
    /** the latency model a run uses when none is given */
    latency: latencySchema.optional(),
    /** a fault plan carried out by the fault injector (systemId "faults") */
    faults: z.array(faultSchema).max(1000).optional(),
    /** a message order other than by due time (PCT-style; actors/schedule-order.ts), as a strategy drew it */
    schedule: scheduleSchema.optional(),
    /** after a fault heals, recover the containers it left in failed dependency */
    restartFailedContainers: z.boolean().optional(),
    steps: z.array(stepSchema).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = s.faults?.map((f) => f.id) ?? [];
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['faults'], message: 'fault ids must be distinct' });
  });
export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type ScenarioFileInput = z.input<typeof scenarioFileSchema>;
