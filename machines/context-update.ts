import { Immer } from 'immer';
import {
  assign,
  enqueueActions,
  type AnyStateMachine,
  type EventObject,
  type MachineContext,
  type ParameterizedObject,
} from 'xstate';

// An instance of our own: an app's global Immer settings are left alone. Not frozen: a run may
// mix an update's copying form with in-place forms (a planted bug enqueueing a stock action).
const immer = new Immer({ autoFreeze: false });

/** The in-place form of each update action, keyed by the action `update` returned. */
const inPlaceForms = new WeakMap<object, unknown>();

/**
 * A change to a machine's own context, written once as a recipe that edits
 * the context it is given. As exported, it is an `assign`: the recipe edits
 * an Immer draft, so every change is a new context (structural sharing) and
 * a snapshot handed out never changes (or, given `copy`, on a copy it makes:
 * for data Immer does not draft). `withInPlaceUpdates` swaps in the same
 * recipe applied to the live context, for runs nobody outside can observe.
 */
export function update<
  TContext extends MachineContext,
  TEvent extends EventObject,
  TParams extends ParameterizedObject['params'] | undefined = undefined,
>(
  recipe: (context: TContext, event: TEvent, params: TParams) => void,
  options: { copy?: (context: TContext) => TContext } = {},
) {
  const { copy } = options;
  const action = assign<TContext, TEvent, TParams, TEvent, never>(({ context, event }, params) => {
    if (!copy)
      return immer.produce(context, (draft) => {
        recipe(draft as TContext, event, params);
      });
    const next = copy(context);
    recipe(next, event, params);
    return next;
  });
  // enqueueActions runs while the transition is computed, so later guards and actions of the
  // same step see the change, as they see an assign's.
  inPlaceForms.set(
    action,
    enqueueActions<TContext, TEvent, TParams>(({ context, event }, params) => recipe(context, event, params)),
  );
  return action;
}

const inPlaceMachines = new WeakMap<AnyStateMachine, AnyStateMachine>();

/**
 * The machine (and the machines it spawns) with every `update` action applied
 * in place: no context copy per message. Only for actors whose snapshots no
 * one keeps (a simulation with no viewer): the same snapshot object then
 * changes under a reader. Actions that are not `update`s (e.g. a planted bug's
 * own `assign`) are kept as they are.
 */
export function withInPlaceUpdates(machine: AnyStateMachine): AnyStateMachine {
  const cached = inPlaceMachines.get(machine);
  if (cached) return cached;
  const actions: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(machine.implementations.actions ?? {})) {
    const inPlace = action && inPlaceForms.get(action);
    if (inPlace) actions[name] = inPlace;
  }
  const actors: Record<string, unknown> = {};
  for (const [name, logic] of Object.entries(machine.implementations.actors ?? {})) {
    actors[name] = isMachine(logic) ? withInPlaceUpdates(logic) : logic;
  }
  const provided = machine.provide({ actions, actors } as never);
  inPlaceMachines.set(machine, provided);
  return provided;
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'implementations' in logic && 'provide' in logic;
}

/** `update` with the machine's context and event types fixed once: `const change = updater<Ctx, Ev>()`. */
export const updater =
  <TContext extends MachineContext, TEvent extends EventObject>() =>
  <TParams extends ParameterizedObject['params'] | undefined = undefined>(
    recipe: (context: TContext, event: TEvent, params: TParams) => void,
  ) =>
    update<TContext, TEvent, TParams>(recipe);
