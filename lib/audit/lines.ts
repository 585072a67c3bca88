/** Streams the lines of every file of a trail, in record order, with file and line number. */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { trailFiles } from './files.js';

export interface TrailLine {
  readonly file: string;
  /** 1-based line number within `file`. */
  readonly line: number;
  readonly text: string;
  /** True when this is the file's last line and it has no terminating newline (a torn write). */
  readonly unterminated: boolean;
}

async function* fileLines(path: string): AsyncGenerator<TrailLine> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  let endsWithNewline = true;
  stream.on('data', (chunk) => {
    if (chunk.length > 0) endsWithNewline = (chunk as string).endsWith('\n');
  });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let pending: string | undefined;
  let n = 0;
  for await (const text of rl) {
    if (pending !== undefined) yield { file: path, line: n, text: pending, unterminated: false };
    pending = text;
    n += 1;
  }
  if (pending !== undefined) yield { file: path, line: n, text: pending, unterminated: !endsWithNewline };
}

/** Every line of the trail at `path` (rotated files first). Missing files are skipped. */
export async function* trailLines(path: string): AsyncGenerator<TrailLine> {
  for (const file of trailFiles(path)) {
    if (!existsSync(file.path)) continue;
    yield* fileLines(file.path);
  }
}
