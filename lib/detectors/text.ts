/**
 * Byte-level helpers over UTF-8 input. Detectors inspect context by reading a few bytes around a
 * match, never by converting the whole input to a string.
 */
import { SEPARATORS } from '../engine/card-windows.js';

const SEPARATOR_SET = new Set(SEPARATORS);

export function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

export function isAlpha(b: number | undefined): boolean {
  if (b === undefined) return false;
  const l = b | 0x20;
  return l >= 0x61 && l <= 0x7a;
}

export function isAlnum(b: number | undefined): boolean {
  return isDigit(b) || isAlpha(b);
}

export function isHex(b: number | undefined): boolean {
  if (b === undefined) return false;
  const l = b | 0x20;
  return isDigit(b) || (l >= 0x61 && l <= 0x66);
}

/** Decodes the UTF-8 code point at `i`: `[codePoint, byteLength]`; invalid bytes give `[-1, 1]`. */
export function decodeAt(b: Uint8Array, i: number): [number, number] {
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  let need: number;
  let cp: number;
  if ((c & 0xe0) === 0xc0) [need, cp] = [1, c & 0x1f];
  else if ((c & 0xf0) === 0xe0) [need, cp] = [2, c & 0x0f];
  else if ((c & 0xf8) === 0xf0) [need, cp] = [3, c & 0x07];
  else return [-1, 1];
  if (i + need > b.length - 1) return [-1, 1];
  for (let k = 1; k <= need; k++) {
    const cc = b[i + k];
    if (cc === undefined || (cc & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (cc & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  return cp >= min ? [cp, need + 1] : [-1, 1];
}

/** The UTF-8 code point at `i` (as `decodeAt`, -1 for invalid bytes) without allocating. */
export function codePointAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return c;
  let need: number;
  let cp: number;
  if ((c & 0xe0) === 0xc0) {
    need = 1;
    cp = c & 0x1f;
  } else if ((c & 0xf0) === 0xe0) {
    need = 2;
    cp = c & 0x0f;
  } else if ((c & 0xf8) === 0xf0) {
    need = 3;
    cp = c & 0x07;
  } else return -1;
  if (i + need > b.length - 1) return -1;
  for (let k = 1; k <= need; k++) {
    const cc = b[i + k]!;
    if ((cc & 0xc0) !== 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3f);
  }
  return cp >= (need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000) ? cp : -1;
}

/** Offset of the code point that ends just before `i` (steps back over continuation bytes). */
export function prevStart(b: Uint8Array, i: number): number {
  let p = i - 1;
  let steps = 0;
  while (p > 0 && steps < 3 && (b[p]! & 0xc0) === 0x80) {
    p--;
    steps++;
  }
  return p;
}

/** A card-window separator (see lib/engine/card-windows.ts). */
export function isSeparator(cp: number): boolean {
  return SEPARATOR_SET.has(cp);
}

/**
 * `b[from..to)` as a string of char codes, one per byte: what `String.fromCharCode(...b.subarray(from, to))`
 * gives (same index rules: negative offsets count from the end, both are clamped), without
 * allocating a view and spreading it (that costs ~10x the bytes it reads, on every keyword hit).
 */
export function bytesText(b: Uint8Array, from: number, to: number): string {
  const length = b.length;
  let i = from < 0 ? Math.max(length + from, 0) : Math.min(from, length);
  const end = to < 0 ? Math.max(length + to, 0) : Math.min(to, length);
  let s = '';
  for (; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Lower-cased ASCII view of `b[from..to)` (non-ASCII bytes become `\u0080`). */
export function asciiLower(b: Uint8Array, from: number, to: number): string {
  const slice = b.subarray(Math.max(0, from), Math.min(to, b.length));
  return String.fromCharCode.apply(null, slice as unknown as number[]).toLowerCase().replace(/[^\x00-\x7f]/g, '\u0080');
}

/** The digits of `b[from..to)` as a string, other bytes skipped. */
export function digitsOf(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) if (isDigit(b[i])) s += String.fromCharCode(b[i]!);
  return s;
}

/** Offset just past the digit run starting at `i`. */
export function digitRunEnd(b: Uint8Array, i: number): number {
  while (i < b.length && isDigit(b[i])) i++;
  return i;
}

/** Offset of the first digit of the digit run ending just before `i`. */
export function digitRunStart(b: Uint8Array, i: number): number {
  while (i > 0 && isDigit(b[i - 1])) i--;
  return i;
}

/** Converts byte offsets of `text`'s UTF-8 encoding into UTF-16 offsets. `offsets` may be unsorted. */
export function utf16Offsets(text: string, offsets: readonly number[]): Map<number, number> {
  const wanted = [...new Set(offsets)].sort((x, y) => x - y);
  const out = new Map<number, number>();
  let byte = 0;
  let unit = 0;
  let k = 0;
  while (k < wanted.length) {
    while (k < wanted.length && wanted[k]! <= byte) out.set(wanted[k++]!, unit);
    if (unit >= text.length) break;
    const cp = text.codePointAt(unit)!;
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    unit += cp >= 0x10000 ? 2 : 1;
  }
  while (k < wanted.length) out.set(wanted[k++]!, text.length);
  return out;
}
