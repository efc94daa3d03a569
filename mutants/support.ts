import type { AnyStateMachine } from 'xstate';
import type { ComponentKind } from '../machines/layout';

/** What a mutant module exports besides `machines` (the `--machines MODULE` format). */
export interface MutantInfo {
  name: string;
  description: string;
  component: ComponentKind;
}

export interface MutantModule {
  mutant: MutantInfo;
  machines: Partial<Record<ComponentKind, AnyStateMachine>>;
}
