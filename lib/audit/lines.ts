/** Streams the lines of every file of a trail, in record order, with file and line number. */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { trailFiles } from './files.js';

export interface TrailLine {
  readonly file: string;
  /** 1-based line number within `file`. */
  readonly line: number;
  readonly text: string;
}

async function* fileLines(path: string): AsyncGenerator<TrailLine> {
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  // A torn last line (no newline) comes out like any other and fails to parse where it is checked.
  for await (const text of rl) {
    n += 1;
    yield { file: path, line: n, text };
  }
}

/** Every line of the trail at `path` (rotated files first). Missing files are skipped. */
export async function* trailLines(path: string): AsyncGenerator<TrailLine> {
  for (const file of trailFiles(path)) {
    if (!existsSync(file.path)) continue;
    yield* fileLines(file.path);
  }
}
