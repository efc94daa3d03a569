/**
 * The systemId format, in one place: every actor of a run is addressed by
 * one of these. It imports nothing, so any module (machines, spec, latency,
 * layout, reports) can use it without a cycle. Build and parse ids only
 * with the functions here (test/architecture/source-scan.test.ts).
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
  /** a queue by name in whichever region (the active-passive spec follows a record through either) */
  queueInAnyRegion: (name: string) => `queue:${name}`,
};

/** The kinds an id names by its first segment. */
export type IdKind = 'queue' | 'container' | 'table' | 'dns';

/** An id's kind: its first segment ("container" for "container:core:r1"; the whole id for "source"). */
export const kindOfId = (id: string): string => id.split(':')[0];
/** An id's second segment: a queue's name, a container's or table's stage ("core" for "container:core:r1"). */
export const nameOfId = (id: string): string | undefined => id.split(':')[1];
/** Is the id of that kind (a table's regional parts and replicator are of kind table)? */
export const isKind = (id: string, kind: IdKind): boolean => id.startsWith(`${kind}:`);
/** The segments of an id past its kind and name (["r1"] for "queue:inbound:r1"). */
export const restOfId = (id: string): string[] => id.split(':').slice(2);

/** A global table's replicator ("table:core:replicator")? */
export const isReplicatorId = (id: string): boolean => id.endsWith(':replicator');
/** The component a replicator id belongs to ("table:core" for "table:core:replicator"). */
export const ownerOfReplicator = (id: string): string => id.replace(/:replicator$/, '');
/** The region a regional part ends in ("table:core:r2" -> 2), null for anything else. */
export function regionOfRegionalId(id: string): number | null {
  const m = /:r(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}
/** One region's part of a component ("table:core:r2", "container:core:r1")? */
export const isRegionalId = (id: string): boolean => /:r\d+$/.test(id);
/** Is `id` a regional part of `owner` ("table:core:r2" of "table:core")? */
export const isRegionalPartOf = (id: string, owner: string): boolean => id.startsWith(`${owner}:r`);
/** Is `id` the component `owner` or a part of it (its regions, its replicator)? */
export const isPartOf = (id: string, owner: string): boolean => id === owner || id.startsWith(`${owner}:`);

/** A container id's stage and region ("container:core:r2" -> core, 2). */
export function containerParts(id: string): { stage: string; region: number } {
  const [, stage, r] = id.split(':');
  return { stage, region: Number(r.slice(1)) };
}

/** Selectors as scenario files write them: `*` stands for any stage or any region. */
export const selectors = {
  container: (stage: string, region: number | '*') => `container:${stage}:r${region}`,
  table: (stage: string) => `table:${stage}`,
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
