import { assign } from 'xstate';
import { weightedDnsMachine } from '../machines/weighted-dns.machine';
import type { MutantInfo } from './support';

export const mutant: MutantInfo = {
  name: 'dns-routes-to-offline-region',
  description: 'The weighted DNS ignores setRegionOnline: it keeps routing to a region taken offline',
  component: 'dns',
};

export const machines = { dns: weightedDnsMachine.provide({ actions: { setRegionOnline: assign({}) } }) };
