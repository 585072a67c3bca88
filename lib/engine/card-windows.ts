/**
 * Card windows: the candidate pass for payment card numbers (PANs).
 *
 * Per-brand card regexes are Hyperscan's weak spot (no literal factor; see shared/PERFORMANCE.md),
 * so PAN candidates come from this pass instead: a linear walk over digit runs, a Luhn check and an
 * issuer-range check. This file is the reference implementation and the specification; the C++
 * pass in `native/card_windows.cc` must report exactly the same windows (the differential test in
 * test/engine holds them to it). The issuer ranges are data (lib/detectors/iin.ts), passed in.
 *
 * Definitions (on code points; Buffers are read as UTF-8, strings as UTF-16):
 *
 * - digit: ASCII `0`–`9` only (other scripts' digits are the detectors' normalisation's job);
 * - separator unit: one of SEPARATORS below (ASCII space, tab, `-`, `.`, `/`, `_`, CR, LF, and
 *   Unicode spaces, dashes, zero-width and other invisible format characters);
 * - gap: 1 to MAX_GAP consecutive separator units between two digits;
 * - group: a maximal sequence of consecutive digits;
 * - run: a maximal sequence of groups joined by gaps;
 * - window: consecutive groups g[i..j] of one run whose digits, concatenated, number 12–19, pass
 *   Luhn, and begin with a prefix inside some issuer range that issues that length;
 * - suffix window: when a group of more than 12 digits is followed directly by `=` or `D` (the
 *   track 2 field separator), its last 12–19 digits (fewer than the whole group) also form
 *   windows, under the same Luhn and range checks: a tag or length glued before the PAN, as in
 *   EMV tag 57 hex `5713…D…` or ISO 8583 field 35 `164111…=`, hides it from whole-group windows.
 *
 * Each window is reported as `[id, start, end]`: the offset of its first digit and the offset just
 * past its last digit, in input units. Output is sorted by end, then start.
 */
import type { CardWindowConfig, IssuerRange } from './types.js';

export const MIN_PAN_DIGITS = 12;
export const MAX_PAN_DIGITS = 19;
export const MAX_GAP = 3;

/** Separator code points, ASCII first. */
export const SEPARATORS: readonly number[] = [
  0x20, 0x09, 0x2d, 0x2e, 0x2f, 0x5f, 0x0a, 0x0d,
  0xa0, // no-break space
  0xad, // soft hyphen
  0x180e, // Mongolian vowel separator
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, // spaces
  0x200b, 0x200c, 0x200d, // zero-width space, non-joiner, joiner
  0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, // hyphens and dashes
  0x202f, 0x205f, 0x2060, // narrow no-break space, medium math space, word joiner
  0x2212, // minus sign
  0x3000, // ideographic space
  0xfeff, // zero-width no-break space (BOM)
];

const SEPARATOR_SET = new Set(SEPARATORS);

/** Luhn (mod 10) check over ASCII digit codes. */
export function luhnValid(digits: readonly number[], from: number, to: number): boolean {
  let sum = 0;
  let double = false;
  for (let i = to - 1; i >= from; i--) {
    let d = digits[i]! - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** True when the digits `digits[from..to)` start inside a range that issues that length. */
export function inIssuerRange(
  ranges: readonly IssuerRange[],
  digits: readonly number[],
  from: number,
  to: number,
): boolean {
  const length = to - from;
  for (const range of ranges) {
    if (!range.lengths.includes(length)) continue;
    const width = range.from.length;
    if (width > length) continue;
    let prefix = '';
    for (let k = 0; k < width; k++) prefix += String.fromCharCode(digits[from + k]!);
    if (prefix >= range.from && prefix <= range.to) return true;
  }
  return false;
}

interface Group {
  /** Input offsets of each digit of the group. */
  start: number;
  end: number;
  /** Index into the run's digit list. */
  digitFrom: number;
  digitTo: number;
}

/** A reader over either input kind: the code point at an offset and its length in units. */
interface Reader {
  readonly length: number;
  /** Returns the code point at `i` (ASCII fast path), or -1 for an invalid byte sequence. */
  codePointAt(i: number): number;
  /** Units taken by the code point at `i` (1 for ASCII and for invalid bytes). */
  unitsAt(i: number): number;
}

function stringReader(s: string): Reader {
  return {
    length: s.length,
    codePointAt: (i) => s.charCodeAt(i),
    unitsAt: () => 1,
  };
}

/** Decodes just enough UTF-8 to recognise the separators (all in the BMP, at most 3 bytes). */
function bytesReader(b: Uint8Array): Reader {
  const decode = (i: number): [number, number] => {
    const c = b[i]!;
    if (c < 0x80) return [c, 1];
    if ((c & 0xe0) === 0xc0 && i + 1 < b.length && (b[i + 1]! & 0xc0) === 0x80) {
      const cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      return cp >= 0x80 ? [cp, 2] : [-1, 1];
    }
    if (
      (c & 0xf0) === 0xe0 &&
      i + 2 < b.length &&
      (b[i + 1]! & 0xc0) === 0x80 &&
      (b[i + 2]! & 0xc0) === 0x80
    ) {
      const cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      return cp >= 0x800 ? [cp, 3] : [-1, 1];
    }
    return [-1, 1];
  };
  return {
    length: b.length,
    codePointAt: (i) => decode(i)[0],
    unitsAt: (i) => decode(i)[1],
  };
}

function isDigit(cp: number): boolean {
  return cp >= 48 && cp <= 57;
}

/**
 * Finds the card windows of `input`. Returns `[id, start, end]` triples sorted by end, then start.
 */
export function findCardWindows(input: string | Uint8Array, config: CardWindowConfig): Float64Array {
  const reader = typeof input === 'string' ? stringReader(input) : bytesReader(input);
  const out: number[] = [];
  let i = 0;
  while (i < reader.length) {
    if (!isDigit(reader.codePointAt(i))) {
      i += reader.unitsAt(i);
      continue;
    }
    // A run starts here: collect its groups.
    const digits: number[] = [];
    const groups: Group[] = [];
    let runEnd = i;
    let p = i;
    for (;;) {
      const start = p;
      const digitFrom = digits.length;
      while (p < reader.length && isDigit(reader.codePointAt(p))) digits.push(reader.codePointAt(p++));
      groups.push({ start, end: p, digitFrom, digitTo: digits.length });
      runEnd = p;
      // Try a gap of 1..MAX_GAP separator units followed by a digit.
      let q = p;
      let units = 0;
      while (units < MAX_GAP && q < reader.length && SEPARATOR_SET.has(reader.codePointAt(q))) {
        q += reader.unitsAt(q);
        units++;
      }
      if (units > 0 && q < reader.length && isDigit(reader.codePointAt(q))) {
        p = q;
        continue;
      }
      break;
    }
    emitWindows(reader, digits, groups, config, out);
    i = runEnd;
  }
  return sortTriples(out);
}

function emitWindows(
  reader: Reader,
  digits: number[],
  groups: Group[],
  config: CardWindowConfig,
  out: number[],
): void {
  for (let a = 0; a < groups.length; a++) {
    const first = groups[a]!;
    for (let b = a; b < groups.length; b++) {
      const last = groups[b]!;
      const n = last.digitTo - first.digitFrom;
      if (n > MAX_PAN_DIGITS) break;
      if (n < MIN_PAN_DIGITS) continue;
      if (
        luhnValid(digits, first.digitFrom, last.digitTo) &&
        inIssuerRange(config.ranges, digits, first.digitFrom, last.digitTo)
      ) {
        out.push(config.id, first.start, last.end);
      }
    }
  }
  // Suffix windows of groups followed by a track 2 field separator.
  for (const g of groups) {
    const count = g.digitTo - g.digitFrom;
    if (count <= MIN_PAN_DIGITS || g.end >= reader.length) continue;
    const next = reader.codePointAt(g.end);
    if (next !== 0x3d /* = */ && next !== 0x44 /* D */) continue;
    for (let n = MIN_PAN_DIGITS; n <= MAX_PAN_DIGITS && n < count; n++) {
      const from = g.digitTo - n;
      if (luhnValid(digits, from, g.digitTo) && inIssuerRange(config.ranges, digits, from, g.digitTo)) {
        // Digits of one group are one unit each, so the offset is end - n.
        out.push(config.id, g.end - n, g.end);
      }
    }
  }
}

/** Sorts flat `[id, start, end]` triples by end, then id, then start. */
export function sortTriples(flat: number[]): Float64Array {
  const count = flat.length / 3;
  const order = Array.from({ length: count }, (_, k) => k);
  order.sort(
    (x, y) =>
      flat[x * 3 + 2]! - flat[y * 3 + 2]! ||
      flat[x * 3]! - flat[y * 3]! ||
      flat[x * 3 + 1]! - flat[y * 3 + 1]!,
  );
  const result = new Float64Array(flat.length);
  order.forEach((k, n) => {
    result[n * 3] = flat[k * 3]!;
    result[n * 3 + 1] = flat[k * 3 + 1]!;
    result[n * 3 + 2] = flat[k * 3 + 2]!;
  });
  return result;
}
