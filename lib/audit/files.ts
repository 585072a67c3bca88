/**
 * Where a trail lives: the active file `PATH` plus rotated files `PATH.1`, `PATH.2`, ... (larger
 * number = newer). Rotation renames the active file to the next number, so the order of records is
 * the rotated files by number, then the active file.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface TrailFile {
  readonly path: string;
  /** Rotation number; 0 for the active file. */
  readonly index: number;
}

/** Rotated files oldest first, then the active file (included even if it does not exist yet). */
export function trailFiles(path: string): TrailFile[] {
  const dir = dirname(path);
  const base = basename(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    names = [];
  }
  const rotated: TrailFile[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const suffix = name.slice(base.length + 1);
    if (/^[1-9][0-9]{0,8}$/.test(suffix)) rotated.push({ path: join(dir, name), index: Number(suffix) });
  }
  rotated.sort((a, b) => a.index - b.index);
  return [...rotated, { path, index: 0 }];
}
