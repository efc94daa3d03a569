/** A state value as a dotted path, e.g. "processRecords.awaitingRecord". */
export function stateName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `${k}.${stateName(v)}`)
      .join(',');
  }
  return String(value);
}

/** Does a state value match a state name ("publishing") or dotted path ("processRecords.publishing")? */
export function stateMatches(value: unknown, state: string): boolean {
  const name = stateName(value);
  return name === state || name.endsWith(`.${state}`) || name.startsWith(`${state}.`);
}
