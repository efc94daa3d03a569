import type { InspectionEvent, Observer } from 'xstate';
import { z } from 'zod';
import { parseInput } from '../machines/support';

/**
 * What a run's `inspect` option takes: anything XState's `createActor(..., { inspect })`
 * takes, an observer (`{ next, error?, complete? }`, e.g. `@statelyai/inspect`'s
 * `inspector.inspect`) or a function; a function is also told the run's virtual time.
 */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent, virtualMs: number) => void);

const isInspectOption = (v: unknown): v is InspectOption => {
  if (typeof v === 'function') return true;
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  // XState only ever calls `next` with inspection events: an observer without it would see nothing.
  return typeof o.next === 'function' && ['error', 'complete'].every((k) => o[k] === undefined || typeof o[k] === 'function');
};

export const inspectOptionSchema = z.custom<InspectOption>(
  isInspectOption,
  'inspect must be a function or an observer with a next method (e.g. inspector.inspect)',
);

/** The inspect option as XState takes it: an observer as it is, a function given the virtual time. */
export function toXStateInspect(inspect: InspectOption, now: () => number): Observer<InspectionEvent> | ((event: InspectionEvent) => void) {
  return typeof inspect === 'function' ? (event: InspectionEvent) => inspect(event, now()) : inspect;
}

/** Throws an InputError naming `inspect` unless it is undefined or an inspect option. */
export function checkInspectOption(inspect: unknown, what: string): void {
  if (inspect !== undefined) parseInput(z.object({ inspect: inspectOptionSchema }), { inspect }, what);
}
