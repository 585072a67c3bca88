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

let searchedText: string | undefined;

/**
 * Every non-ASCII code point (in the searched planes) that `oneCharacter` matches. It must be a
 * global Unicode RegExp matching exactly one character, e.g. `/\p{Nd}/gu`: one `matchAll` over a
 * string of all searched code points is ~10x faster than a test per code point.
 */
export function codePointsWhere(oneCharacter: RegExp): number[] {
  if (!oneCharacter.global || !oneCharacter.unicode) throw new TypeError('Expected a global Unicode RegExp (flags gu)');
  if (searchedText === undefined) {
    // Built as UTF-16 units and decoded in one call: 190K String.fromCodePoint calls take ~100 ms.
    let count = 0;
    for (const [from, to] of SEARCHED) count += (to - from + 1) * 2 - Math.max(0, Math.min(to, 0xffff) - from + 1);
    const units = new Uint16Array(count);
    let u = 0;
    for (const [from, to] of SEARCHED) {
      for (let cp = from; cp <= to; cp++) {
        if (cp < 0x10000) units[u++] = cp;
        else {
          units[u++] = 0xd800 + ((cp - 0x10000) >> 10);
          units[u++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        }
      }
    }
    searchedText = Buffer.from(units.buffer).toString('utf16le');
  }
  const out: number[] = [];
  for (const m of searchedText.matchAll(oneCharacter)) out.push(m[0].codePointAt(0)!);
  return out;
}

/** The UTF-8 bytes of one code point (not a surrogate). */
export function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
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
    const bytes = utf8Bytes(cp);
    const last = bytes.pop()!;
    const key = bytes.map(hex).join('');
    const list = groups.get(key) ?? [];
    list.push(last);
    groups.set(key, list);
  }
  const parts = [...groups].map(([prefix, lasts]) => prefix + byteClass(lasts));
  return `(?:${parts.join('|')})`;
}
