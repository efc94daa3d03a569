import { containerMachine } from '../machines/container.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'container-no-in-doubt-guard',
  description: 'The container forgets a send still unanswered at its failure: recovered, it sends that record a second time',
  component: 'container',
};

export const machines = { container: containerMachine.provide({ guards: { isCurrentAndInDoubt: () => false } }) };
