/**
 * Runs the TypeScript reference (lib/engine/card-windows.ts) for the C++ differential test and the
 * benchmark's window count. Pattern id 7 throughout.
 *
 *   npx tsx native/test/card_windows_ref.ts <ranges.txt> lines <inputs.hex>
 *     one input per line (hex bytes); prints one JSON array of [id, start, end, ...] per line.
 *   npx tsx native/test/card_windows_ref.ts <ranges.txt> corpus <dir> <minBytes>
 *     builds the benchmark corpus (the dir's *.log files sorted by name, concatenated, repeated
 *     until at least minBytes) exactly as card_windows_bench does; prints its size and window count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findCardWindows } from '../../lib/engine/card-windows.js';
import type { CardWindowConfig, IssuerRange } from '../../lib/engine/types.js';

function parseLengths(spec: string): number[] {
  const lengths: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let n = a!; n <= (b ?? a!); n++) lengths.push(n);
  }
  return lengths;
}

function readRanges(path: string): IssuerRange[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [from, to, lengths] = line.trim().split(/\s+/);
      return { from: from!, to: to!, lengths: parseLengths(lengths!) };
    });
}

const [rangesPath, mode, ...rest] = process.argv.slice(2);
if (rangesPath === undefined || mode === undefined) {
  process.stderr.write('usage: card_windows_ref.ts <ranges.txt> lines <inputs.hex> | corpus <dir> <minBytes>\n');
  process.exit(2);
}
const config: CardWindowConfig = { id: 7, ranges: readRanges(rangesPath) };

if (mode === 'lines') {
  const lines = readFileSync(rest[0]!, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  for (const line of lines) {
    out.push(JSON.stringify(Array.from(findCardWindows(Buffer.from(line, 'hex'), config))));
  }
  process.stdout.write(out.join('\n') + '\n');
} else if (mode === 'corpus') {
  const dir = rest[0]!;
  const minBytes = Number(rest[1]);
  const names = readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
  const one = Buffer.concat(names.map((n) => readFileSync(join(dir, n))));
  const copies = Math.max(1, Math.ceil(minBytes / one.length));
  const corpus = Buffer.concat(Array.from({ length: copies }, () => one));
  const windows = findCardWindows(corpus, config).length / 3;
  process.stdout.write(`bytes ${corpus.length} windows ${windows}\n`);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
