import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues, InputError } from '../machines/support';

const nameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'use lower-case words joined by dashes, e.g. "preprocess"');

export const topologySchema = z
  .object({
    /** regions and the in-DNS weight of each */
    regions: z
      .array(z.object({ region: z.number().int().positive(), weight: z.number().nonnegative().default(1) }))
      .min(2, 'an active-active system needs at least two regions'),
    /** pipeline stages in order; each has a container per region and a global table */
    stages: z.array(nameSchema).min(1, 'at least one stage'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (new Set(t.regions.map((r) => r.region)).size !== t.regions.length)
      ctx.addIssue({ code: 'custom', path: ['regions'], message: 'region numbers must be distinct' });
    if (new Set(t.stages).size !== t.stages.length)
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'stage names must be distinct' });
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

export function parseTopology(input: unknown): Topology {
  const result = topologySchema.safeParse(input);
  if (!result.success) throw new InputError('topology', formatIssues(result.error));
  return result.data;
}

/** Reads a JSON topology file (not yet validated); `what` names the input in errors. */
export function readTopologyFile(file: string, what: string): unknown {
  if (!existsSync(file)) throw new InputError(what, [`no file '${file}'`]);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(what, [`'${file}' is not JSON: ${(err as Error).message}`]);
  }
}
