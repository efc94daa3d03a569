import type { AnyActorRef, InspectionEvent } from 'xstate';
import { logicOf, parentOf } from '../../actors/xstate-internals';

/**
 * XState inspection events -> the Stately inspector's messages (the shape
 * @statelyai/inspect's createInspector sends). Converted here, synchronously,
 * while the event's snapshot is current: @statelyai/inspect converts later
 * (setTimeout), when a synchronous run has already moved on, and stamps
 * wall-clock time. `createdAt` here is the run's virtual time in ms.
 */
const VERSION = '0.7.2';
const MAX_DEPTH = 10;

/** JSON with functions as `{ type: name }`, actors as their toJSON, cycles and depth cut. */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'function') return { type: (v as { name?: string }).name || 'anonymous' };
    if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? String(v) : v;
    const withToJson = v as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function' && !(v instanceof Date)) return walk(withToJson.toJSON(), depth);
    if (v instanceof Date) return v.toISOString();
    if (depth >= MAX_DEPTH) return '[...]';
    if (seen.has(v)) return '[Circular]';
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v) || ArrayBuffer.isView(v)) out = Array.from(v as ArrayLike<unknown>, (x) => walk(x, depth + 1));
    else if (v instanceof Map) out = Object.fromEntries([...v].map(([k, x]) => [String(k), walk(x, depth + 1)]));
    else if (v instanceof Set) out = [...v].map((x) => walk(x, depth + 1));
    else {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        const x = walk((v as Record<string, unknown>)[k], depth + 1);
        if (x !== undefined) o[k] = x;
      }
      out = o;
    }
    seen.delete(v);
    return out;
  };
  return JSON.stringify(walk(value, 0)) ?? 'null';
}


/** One inspection event as a Stately message (a JSON string); undefined for the kinds it does not show. */
export function toStatelyMessage(event: InspectionEvent, virtualMs: number): string | undefined {
  const base = { _version: VERSION, createdAt: String(virtualMs), id: null, rootId: event.rootId };
  const ref = event.actorRef as AnyActorRef;
  switch (event.type) {
    case '@xstate.actor': {
      const config = (logicOf(ref) as { config?: { id?: string } } | undefined)?.config;
      const name = ref.id === ref.sessionId && config?.id ? config.id : ref.id;
      const snapshot: unknown = ref.getSnapshot();
      return safeJson({
        ...base,
        type: '@xstate.actor',
        name,
        definition: config && typeof config === 'object' ? safeJson(config) : safeJson({ id: name }),
        parentId: parentOf(ref)?.sessionId,
        sessionId: ref.sessionId,
        snapshot,
      });
    }
    case '@xstate.event':
      return safeJson({ ...base, type: '@xstate.event', event: event.event, sourceId: event.sourceRef?.sessionId, sessionId: ref.sessionId });
    case '@xstate.snapshot':
      return safeJson({ ...base, type: '@xstate.snapshot', event: event.event, snapshot: event.snapshot, sessionId: ref.sessionId });
    default:
      return undefined;
  }
}
