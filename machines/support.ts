import type { AnyActorRef } from 'xstate';
import { z } from 'zod';

// An unknown key in a strict object names the keys that are known, wherever
// the schema is parsed (CLI, API, files): a typo should point at its fix.
z.config({
  customError: (issue) => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${shape ? `; known: ${Object.keys(shape).join(', ')}` : ''}`;
  },
});

/** Thrown for input that fails its schema; the message names every bad field. */
export class InputError extends Error {
  constructor(
    readonly what: string,
    readonly issues: string[],
  ) {
    super(`Invalid ${what}: ${issues.join('; ')}`);
    this.name = 'InputError';
  }
}

/** Formats zod issues as `path: message` so the offending field is named. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
}

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InputError(what, formatIssues(result.error));
  return result.data;
}

/**
 * The part of an actor system a machine looks peers up in. XState types a system's actors `any`
 * (ActorSystem<any>); this view types a lookup as an AnyActorRef, and any system is one.
 */
export interface PeerSystem {
  get: (systemId: string) => AnyActorRef | undefined;
}

/** Resolves a peer by systemId, failing loudly rather than sending into the void. */
export function peer(system: PeerSystem, systemId: string, asker: string): AnyActorRef {
  const ref = system.get(systemId);
  if (!ref) throw new Error(`${asker}: no actor with systemId '${systemId}'`);
  return ref;
}

/**
 * Name of the delay every inter-actor send uses. By default it resolves to
 * `undefined`, which XState treats as "deliver now"; a simulation provides a
 * seeded latency with `machine.provide({ delays: { latency } })`.
 */
export const LATENCY = 'latency';
export const immediate = (): number => undefined as unknown as number;

/**
 * An actor a machine keeps in its context to answer later: its systemId when it has one (plain
 * data: a snapshot persisted as JSON restores it, whichever actor system it lives in), else the
 * reference itself (XState restores that only for the actor's own children).
 */
export type KeptActor = string | AnyActorRef;

export const keepActor = (ref: AnyActorRef): KeptActor => (ref as { systemId?: string }).systemId ?? ref;

/** The actor a KeptActor names, failing loudly when its systemId is not in the system. */
export const keptActor = (system: PeerSystem, kept: KeptActor, asker: string): AnyActorRef =>
  typeof kept === 'string' ? peer(system, kept, asker) : kept;

/** An input whose optional `activeRegion` must be one of the regions it spans (failover DNS, global database). */
export const withActiveRegion = <S extends z.ZodType<{ activeRegion?: number }>>(
  schema: S,
  regionsOf: (input: z.infer<S>) => readonly number[],
  message: string,
): S => schema.refine((i) => i.activeRegion === undefined || regionsOf(i).includes(i.activeRegion), { message, path: ['activeRegion'] });

/**
 * An actor's context, typed as the caller knows its machine (XState types an AnyActorRef's
 * snapshot `any`). The caller vouches for the type: nothing checks it at run time.
 */
export const contextOf = <C>(ref: AnyActorRef): C => (ref.getSnapshot() as { context: C }).context;
