/**
 * Evasion hints: the pass that finds digits of other scripts and invisible characters after a
 * digit, the two ways a card number is hidden from ASCII-only detectors (`４１１１…`, `4\u200b111…`).
 *
 * Both used to be Hyperscan patterns, but hundreds of multi-byte literals beside a set of plain
 * ASCII literals defeat Hyperscan's fast literal matcher and halve the whole database's speed. On
 * ASCII text (most logs) neither can match, so a pass that skips every block with no byte >= 0x80
 * costs almost nothing. This file is the reference implementation and the specification; the C++
 * pass in `native/evasion_hints.cc` must report exactly the same hints (test/engine holds it to it).
 *
 * Definitions:
 *
 * - Input is read as code points. A `Uint8Array` is UTF-8: a sequence of 1–4 bytes that is well
 *   formed (Unicode table 3-7: no overlong form, no surrogate, nothing above U+10FFFF) is one code
 *   point; any other byte (invalid, overlong, truncated, a lone continuation byte) is one unit that
 *   is no code point of either list, and decoding resumes at the next byte. A string is UTF-16: a
 *   surrogate pair is one code point of 2 units; a lone surrogate reads as U+FFFD, as V8 writes it
 *   when it converts the string to UTF-8 for the native engine.
 * - A hint is a code point that is (a) in `digits`, or (b) in `invisibles` AND directly preceded by
 *   an ASCII digit `0`–`9` (the unit just before it is that digit).
 * - Each hint is reported once as `[id, start, end]`: its first unit and one past its last, in input
 *   units (bytes or UTF-16 units). Output is sorted by end, then start (hints never overlap).
 *
 * `digits` holds only non-ASCII code points (0x80–0x10FFFF, no surrogates; validate.ts enforces
 * it). `invisibles` may also hold ASCII code points (control characters such as ESC between digit
 * groups): an ASCII invisible is one byte (one UTF-16 unit), tested as a byte set, so both engines
 * still skip other ASCII without decoding it. Because no byte below 0x80 is ever part of a longer
 * UTF-8 sequence, every hint depends only on its own bytes and the one byte before it: streams need
 * to carry at most the 3 bytes of a cut sequence and one digit flag.
 */
import type { EvasionHintConfig } from './types.js';

export type { EvasionHintConfig } from './types.js';

/** Code point sets of a config, built once per config object. */
interface Compiled {
  readonly digits: CodePointSet;
  readonly invisibles: CodePointSet;
  /** asciiInvisible[u] is 1 when the ASCII code point u is in `invisibles` (a table: ASCII is most input). */
  readonly asciiInvisible: Uint8Array;
  readonly anyAsciiInvisible: boolean;
}

/** Sorted, merged inclusive ranges with a binary-search membership test. */
class CodePointSet {
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];

  constructor(ranges: readonly (readonly [number, number])[]) {
    const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
    for (const [first, last] of sorted) {
      const k = this.lasts.length - 1;
      if (k >= 0 && first <= this.lasts[k]! + 1) {
        this.lasts[k] = Math.max(this.lasts[k]!, last);
      } else {
        this.firsts.push(first);
        this.lasts.push(last);
      }
    }
  }

  has(cp: number): boolean {
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < this.firsts[mid]!) hi = mid - 1;
      else if (cp > this.lasts[mid]!) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

const compiledConfigs = new WeakMap<EvasionHintConfig, Compiled>();

function compiled(config: EvasionHintConfig): Compiled {
  let sets = compiledConfigs.get(config);
  if (sets === undefined) {
    const invisibles = new CodePointSet(config.invisibles);
    const asciiInvisible = new Uint8Array(0x80);
    for (let u = 0; u < 0x80; u++) asciiInvisible[u] = invisibles.has(u) ? 1 : 0;
    sets = {
      digits: new CodePointSet(config.digits),
      invisibles,
      asciiInvisible,
      anyAsciiInvisible: asciiInvisible.includes(1),
    };
    compiledConfigs.set(config, sets);
  }
  return sets;
}

const isAsciiDigit = (unit: number | undefined): boolean => unit !== undefined && unit >= 0x30 && unit <= 0x39;

/**
 * The code point of the well-formed UTF-8 sequence starting at `b[i]`, or -1 when none starts
 * there (its length follows from the value: 2 bytes below U+0800, 3 below U+10000, else 4).
 */
export function decodeUtf8At(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0xc2 || c > 0xf4) return -1; // ASCII, continuation, overlong lead C0/C1, or F5..FF
  const more = c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if (i + more >= b.length) return -1; // truncated
  // The second byte's range narrows for the leads whose other forms are overlong, surrogates or
  // above U+10FFFF.
  const low = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
  const high = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
  const second = b[i + 1]!;
  if (second < low || second > high) return -1;
  let cp = (c & (0x7f >> (more + 1))) << 6 | (second & 0x3f);
  for (let k = 2; k <= more; k++) {
    const next = b[i + k]!;
    if ((next & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (next & 0x3f);
  }
  return cp;
}

const utf8Length = (cp: number): number => (cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * Finds the evasion hints of `input`: `[id, start, end]` triples (input units; sorted by end, then
 * start) for every code point that is in `config.digits`, or in `config.invisibles` and directly
 * preceded by an ASCII digit.
 *
 * @example
 * const config = { id: 50, digits: [[0xff10, 0xff19]], invisibles: [[0x200b, 0x200d]] } as const;
 * findEvasionHints('card ４1\u200b1', config); // Float64Array [50, 5, 6, 50, 7, 8]
 * findEvasionHints(Buffer.from('card ４1\u200b1'), config); // Float64Array [50, 5, 8, 50, 9, 12]
 */
export function findEvasionHints(input: string | Uint8Array, config: EvasionHintConfig): Float64Array {
  const { digits, invisibles, asciiInvisible, anyAsciiInvisible } = compiled(config);
  const out: number[] = [];
  const report = (cp: number, start: number, end: number, afterDigit: boolean): void => {
    if (digits.has(cp) || (afterDigit && invisibles.has(cp))) out.push(config.id, start, end);
  };
  if (typeof input === 'string') {
    for (let i = 0; i < input.length; i++) {
      const unit = input.charCodeAt(i);
      if (unit < 0x80) {
        if (anyAsciiInvisible && asciiInvisible[unit] === 1 && i > 0 && isAsciiDigit(input.charCodeAt(i - 1))) out.push(config.id, i, i + 1);
        continue;
      }
      let cp = unit;
      let units = 1;
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = input.charCodeAt(i + 1);
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          cp = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
          units = 2;
        } else {
          cp = 0xfffd; // a lone surrogate
        }
      }
      report(cp, i, i + units, i > 0 && isAsciiDigit(input.charCodeAt(i - 1)));
      i += units - 1;
    }
  } else {
    for (let i = 0; i < input.length; i++) {
      const unit = input[i]!;
      if (unit < 0x80) {
        if (anyAsciiInvisible && asciiInvisible[unit] === 1 && i > 0 && isAsciiDigit(input[i - 1])) out.push(config.id, i, i + 1);
        continue;
      }
      const cp = decodeUtf8At(input, i);
      if (cp < 0) continue; // one invalid byte
      const length = utf8Length(cp);
      report(cp, i, i + length, i > 0 && isAsciiDigit(input[i - 1]));
      i += length - 1;
    }
  }
  return Float64Array.from(out);
}

/**
 * Sorted, merged inclusive `[first, last]` ranges of a list of code points: how the built-in
 * detectors turn their code point lists (`scriptDigitCodePoints()`, `invisibleCodePoints()`) into
 * an `EvasionHintConfig`.
 *
 * @example
 * codePointRanges([0x200d, 0x200b, 0x200c, 0xfeff]); // [[0x200b, 0x200d], [0xfeff, 0xfeff]]
 */
export function codePointRanges(codePoints: readonly number[]): [number, number][] {
  const sorted = [...codePoints].sort((x, y) => x - y);
  const ranges: [number, number][] = [];
  for (const cp of sorted) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && cp <= last[1] + 1) last[1] = Math.max(last[1], cp);
    else ranges.push([cp, cp]);
  }
  return ranges;
}
