/**
 * The systemId format, in one place: every actor of a run is addressed by
 * one of these. It imports nothing, so any module (machines, spec, latency,
 * layout, reports) can use it without a cycle. Parse ids only with
 * `regionOfId` here.
 */
export const ids = {
  source: 'source',
  destination: 'destination',
  inDns: 'dns:in',
  outDns: 'dns:out',
  spec: 'spec',
  driver: 'driver',
  faults: 'faults',
  queue: (name: string, region: number) => `queue:${name}:r${region}`,
  container: (stage: string, region: number) => `container:${stage}:r${region}`,
  table: (stage: string) => `table:${stage}`,
  /** a global table's copy in one region (its own id + the region) */
  regionalTable: (stage: string, region: number) => inRegion(`table:${stage}`, region),
  replicator: (tableId: string) => `${tableId}:replicator`,
};

/** A regional part of a component: `${id}:r${region}`. */
export const inRegion = (id: string, region: number) => `${id}:r${region}`;

/** The region an id names (its `:rN` segment), if any. */
export function regionOfId(id: string): number | undefined {
  const m = /:r(\d+)(?::|$)/.exec(id);
  return m ? Number(m[1]) : undefined;
}

/** A region label as --slow and reports write it: "r2". */
export const regionLabel = (region: number) => `r${region}`;
/** The region a label ("r2") names, if it is one. */
export function regionOfLabel(label: string): number | undefined {
  const m = /^r(\d+)$/.exec(label);
  return m ? Number(m[1]) : undefined;
}

/** An id's kind: its first segment ("queue" of "queue:in:r1"). */
export const kindOfId = (id: string): string => id.split(':')[0];

/** A queue, container or table id taken apart: kind, name (queue name or stage) and region, if any. */
export function parseComponentId(id: string): { kind: 'queue' | 'container' | 'table'; name: string; region?: number } | undefined {
  const m = /^(queue|container|table):([^:]+)(?::r(\d+))?/.exec(id);
  if (!m) return undefined;
  return { kind: m[1] as 'queue' | 'container' | 'table', name: m[2], ...(m[3] !== undefined ? { region: Number(m[3]) } : {}) };
}

/** A global table's regional copy ("table:write:r2"), not the table or its replicator. */
export const isRegionalTableId = (id: string): boolean => /^table:[^:]+:r\d+$/.test(id);

/**
 * The ids a pattern matches: `*` stands for any text within one segment,
 * a whole segment `r*` for any region ("container:*:r*").
 */
export function idPattern(pattern: string): RegExp {
  const segment = (seg: string) =>
    seg === 'r*' ? 'r[0-9]+' : seg.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^:]*');
  return new RegExp(`^${pattern.split(':').map(segment).join(':')}$`);
}
