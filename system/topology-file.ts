import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../machines/support';
import { TOPOLOGY_LIMITS as L } from '../machines/topology';

// Reading files is the harness's job; the topology's schema is the model's (machines/topology.ts).
/** Reads a JSON topology file (not yet validated); `what` names the input in errors. */
export function readTopologyFile(file: string, what: string): unknown {
  if (file.trim() === '') throw new InputError(what, ['needs a file name']);
  if (!existsSync(file)) throw new InputError(what, [`no file '${file}'`]);
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError(what, [`'${file}' is not a file`]);
  if (stat.size > L.maxFileBytes) throw new InputError(what, [`'${file}' is larger than ${L.maxFileBytes} bytes`]);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(what, [`'${file}' is not JSON: ${(err as Error).message}`]);
  }
  // null or a list would otherwise read as "no topology" and run the default one.
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new InputError(what, [`'${file}' must hold a JSON object ({ regions, stages }), not ${data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data}`]);
  return data;
}
