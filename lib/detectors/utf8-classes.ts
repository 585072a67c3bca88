/**
 * Turns a set of Unicode code points into a byte-level regular expression over their UTF-8
 * encodings, so that Hyperscan (and the JavaScript fallback reading bytes as Latin-1) can find them
 * without UTF-8 mode. Generated from the running engine's Unicode data, never hand-typed.
 */

/**
 * Planes searched: the BMP and plane 1 (every script's digits, most format characters) and the
 * tags block of plane 14. Planes 2-13 hold only ideographs and 15-16 private use: no decimal digits
 * and no default-ignorable characters there, and skipping them saves ~200 ms at start-up.
 */
const SEARCHED: readonly [number, number][] = [
  [0x80, 0xd7ff],
  [0xe000, 0x1ffff],
  [0xe0000, 0xe0fff],
];

/** Every non-ASCII code point (in the searched planes) that `test` accepts. */
export function codePointsWhere(test: RegExp): number[] {
  const out: number[] = [];
  for (const [from, to] of SEARCHED) {
    for (let cp = from; cp <= to; cp++) if (test.test(String.fromCodePoint(cp))) out.push(cp);
  }
  return out;
}

function hex(byte: number): string {
  return `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Compresses a sorted list of bytes into a character class body: `\x90-\x99\xA0`. */
function byteClass(bytes: number[]): string {
  const sorted = [...new Set(bytes)].sort((a, b) => a - b);
  if (sorted.length === 1) return hex(sorted[0]!);
  let body = '';
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    body += j > i ? `${hex(sorted[i]!)}-${hex(sorted[j]!)}` : hex(sorted[i]!);
    i = j + 1;
  }
  return `[${body}]`;
}

/**
 * A non-capturing alternation matching exactly one UTF-8 encoded code point of `codePoints`:
 * encodings are grouped by every byte but the last, whose values become one class per group.
 */
export function utf8Alternation(codePoints: readonly number[]): string {
  const groups = new Map<string, number[]>();
  for (const cp of codePoints) {
    const bytes = [...Buffer.from(String.fromCodePoint(cp), 'utf8')];
    const last = bytes.pop()!;
    const key = bytes.map(hex).join('');
    const list = groups.get(key) ?? [];
    list.push(last);
    groups.set(key, list);
  }
  const parts = [...groups].map(([prefix, lasts]) => prefix + byteClass(lasts));
  return `(?:${parts.join('|')})`;
}
