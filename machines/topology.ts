import { z } from 'zod';
import { formatIssues, InputError } from './support';

/** The limits the model is built and tested for (docs/scenarios.md, "Topology limits"). */
export const TOPOLOGY_LIMITS = {
  /** the spec keeps a record's replicas as a bitmask, and 16 regions is already far past the reference's two */
  maxRegions: 16,
  maxRegionNumber: 999,
  maxStages: 32,
  maxStageName: 40,
  maxWeight: 1_000_000,
  maxFileBytes: 1024 * 1024,
} as const;
const L = TOPOLOGY_LIMITS;

const nameSchema = z
  .string()
  .max(L.maxStageName, `at most ${L.maxStageName} characters`)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'use lower-case words joined by dashes, e.g. "preprocess"');

/** The two designs of the reference: every region serves (active-active), or one does and the other stands by. */
export const designSchema = z.enum(['active-active', 'active-passive']);
export type Design = z.infer<typeof designSchema>;

export const topologySchema = z
  .object({
    /** which design the system is built as (default active-active) */
    design: designSchema.optional(),
    /** regions and the in-DNS weight of each */
    regions: z
      .array(
        z
          .object({
            region: z.number().int().min(1).max(L.maxRegionNumber),
            weight: z.number().int('must be a whole number').min(0).max(L.maxWeight).default(1),
          })
          .strict(),
      )
      .min(2, 'an active-active system needs at least two regions')
      .max(L.maxRegions, `at most ${L.maxRegions} regions`),
    /** pipeline stages in order; each has a container per region and a global table */
    stages: z.array(nameSchema).min(1, 'at least one stage').max(L.maxStages, `at most ${L.maxStages} stages`),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (new Set(t.regions.map((r) => r.region)).size !== t.regions.length)
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'region numbers must be distinct' });
    if (new Set(t.stages).size !== t.stages.length)
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'stage names must be distinct' });
    if (t.design === 'active-passive' && t.regions.length !== 2)
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'an active-passive system has exactly two regions: the primary first, then the standby' });
    if (!t.regions.some((r) => r.weight > 0))
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'at least one region needs a weight above 0' });
  });

export type TopologyInput = z.input<typeof topologySchema>;
export type Topology = z.infer<typeof topologySchema>;

/** The seed's system: two regions at 50/50 and five stages. */
export const defaultTopology: Topology = {
  regions: [
    { region: 1, weight: 50 },
    { region: 2, weight: 50 },
  ],
  stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'],
};

/** The reference's active-passive system: region 1 active, region 2 standing by, five stages (weights unused). */
export const defaultActivePassiveTopology: Topology = {
  design: 'active-passive',
  regions: [
    { region: 1, weight: 1 },
    { region: 2, weight: 1 },
  ],
  stages: ['inbound', 'preprocess', 'core', 'postprocess', 'outbound'],
};

/** A topology's design (none given: active-active). */
export const designOf = (t: { design?: Design }): Design => t.design ?? 'active-active';

/** The built-in topology of a design. */
export const defaultTopologyFor = (design: Design): Topology => (design === 'active-passive' ? defaultActivePassiveTopology : defaultTopology);

export function parseTopology(input: unknown): Topology {
  const result = topologySchema.safeParse(input);
  if (!result.success) throw new InputError('topology', formatIssues(result.error));
  return result.data;
}
