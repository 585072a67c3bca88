/**
 * Lists the regular files under the paths given on the command line, sorted, without following
 * symbolic links, skipping `.git` and whatever the root's `.cardveilignore` (plus any extra
 * ignore files) exclude.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { CliError, toCliError } from './errors.js';
import { IgnoreRules } from './ignore.js';

export const IGNORE_FILE = '.cardveilignore';

export interface InputFile {
  /** Path as it should be opened. */
  readonly path: string;
  /** Path relative to its root (the file's own name when a file was named directly). */
  readonly relative: string;
  /** The directory given on the command line, or null when the file itself was given. */
  readonly root: string | null;
  readonly size: number;
}

export interface WalkOptions {
  /** Extra ignore files (patterns relative to each root). */
  readonly ignoreFiles?: readonly string[];
  /** Do not read `.cardveilignore` files. */
  readonly noIgnore?: boolean;
  /** Absolute paths whose contents are skipped (e.g. the output directory). */
  readonly exclude?: readonly string[];
}

export async function listInputFiles(paths: readonly string[], options: WalkOptions = {}): Promise<InputFile[]> {
  const extra: IgnoreRules[] = [];
  for (const file of options.ignoreFiles ?? []) {
    try {
      extra.push(IgnoreRules.parse(await readFile(file, 'utf8')));
    } catch (error) {
      throw new CliError('ERR_CONFIG', `cannot read ignore file ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const exclude = (options.exclude ?? []).map((p) => resolve(p));
  const files: InputFile[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw toCliError(error, `cannot read ${path}`);
    }
    if (info.isFile()) {
      files.push({ path, relative: path.split(sep).pop()!, root: null, size: info.size });
    } else if (info.isDirectory()) {
      let rules = IgnoreRules.merge(...extra);
      if (!options.noIgnore) {
        const own = await readFile(join(path, IGNORE_FILE), 'utf8').catch(() => null);
        if (own !== null) rules = IgnoreRules.merge(IgnoreRules.parse(own), rules);
      }
      await walkDirectory(path, path, rules, exclude, files);
    } else {
      throw new CliError('ERR_NO_INPUT', `not a regular file or directory: ${path}`);
    }
  }
  return files;
}

async function walkDirectory(root: string, dir: string, rules: IgnoreRules, exclude: readonly string[], out: InputFile[]): Promise<void> {
  if (exclude.some((excluded) => resolve(dir) === excluded)) return;
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const rel = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (entry.name === '.git' || rules.ignores(rel, true)) continue;
      await walkDirectory(root, path, rules, exclude, out);
    } else if (entry.isFile()) {
      if (rules.ignores(rel, false)) continue;
      const { size } = await stat(path);
      out.push({ path, relative: rel, root, size });
    }
  }
}
