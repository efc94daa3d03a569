import { accessSync, constants, existsSync, linkSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../machines/support';

const canonical = (file: string) => {
  const abs = resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
};

/**
 * Checks, before anything runs, that `file` can be written: its directory
 * exists and is writable, it is not a directory, and it is not a file the
 * same command reads or writes under another flag.
 */
export function checkOutputFile(flag: string, file: string, others: Record<string, string | undefined>, force = false): void {
  if (file.trim() === '') throw new InputError(flag, ['needs a file name']);
  const abs = resolve(file);
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(flag, [`directory '${dir}' does not exist`]);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(flag, [`directory '${dir}' is not writable`]);
  }
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new InputError(flag, [`'${file}' is a directory`]);
  for (const [other, path] of Object.entries(others)) {
    if (other !== flag && path !== undefined && canonical(path) === canonical(abs))
      throw new InputError(flag, [`'${file}' is also given as ${other}; refusing to overwrite it`]);
  }
  if (!force && existsSync(abs)) throw new InputError(flag, [`'${file}' exists; refusing to overwrite it (give --force to replace it)`]);
}

/**
 * Checks every output of a command before anything runs: each against the
 * command's inputs and its other outputs, and an existing file only with `force`.
 */
export function checkOutputFiles(
  outputs: Record<string, string | undefined>,
  inputs: Record<string, string | undefined>,
  force: boolean,
): void {
  for (const [flag, file] of Object.entries(outputs))
    if (file !== undefined) checkOutputFile(flag, file, { ...inputs, ...outputs }, force);
}

/** Writes through a temporary file in the same directory, so a reader never sees half a file. */
export function writeFileAtomic(file: string, text: string): void {
  const abs = resolve(file);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, abs);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw err;
  }
}

/**
 * Writes `text` to `file` only if no file of that name exists (whole, through
 * a temporary file linked into place, which fails rather than replace one).
 * `same`: a file of that name already holds exactly this text; `taken`: it holds something else.
 */
export function writeNewFile(file: string, text: string): 'written' | 'same' | 'taken' {
  const abs = resolve(file);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  try {
    linkSync(tmp, abs);
    return 'written';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return statSync(abs).isFile() && readFileSync(abs, 'utf8') === text ? 'same' : 'taken';
  } finally {
    unlinkSync(tmp);
  }
}
