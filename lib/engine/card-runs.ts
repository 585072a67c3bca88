/**
 * The card-window pass for the fallback engine: the reference `findCardWindows` run only where it
 * can find something.
 *
 * The reference walks every character through a small UTF-8 decoder, which makes it the slowest
 * part of a fallback scan (about 20 MB/s on the loghub samples). Windows only exist inside runs
 * (digit groups joined by gaps of 1–3 separators) holding at least 12 digits, so a RegExp finds
 * the runs first, and the reference runs on each qualifying run alone (plus one byte or unit after
 * it, which the track 2 suffix check reads). Runs are self-contained in the reference's definition,
 * so the windows are exactly the reference's (test/engine/fallback-cards.test.ts checks it).
 */
import { findCardWindows, MIN_PAN_DIGITS, SEPARATORS } from './card-windows.js';
import type { CardWindowConfig } from './types.js';

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** Separators as UTF-16 units (all of them are in the BMP). */
const UNIT_SEPARATOR = `[${SEPARATORS.map((cp) => `\\u${cp.toString(16).padStart(4, '0')}`).join('')}]`;
/** Separators as UTF-8 byte sequences, for latin1 strings of bytes. */
const BYTE_SEPARATOR = `(?:${SEPARATORS.map((cp) =>
  Array.from(Buffer.from(String.fromCodePoint(cp), 'utf8'), (b) => `\\x${hex(b)}`).join(''),
).join('|')})`;

const UNIT_RUN = new RegExp(`[0-9]+(?:${UNIT_SEPARATOR}{1,3}[0-9]+)*`, 'g');
const BYTE_RUN = new RegExp(`[0-9]+(?:${BYTE_SEPARATOR}{1,3}[0-9]+)*`, 'g');

/**
 * Card windows of `input`, identical to `findCardWindows(input, config)`: `[id, start, end]`
 * triples sorted by end, then start. `latin1` may pass the latin1 string of a byte input when the
 * caller already has it.
 *
 * @example
 * scanCardWindows('card 4111 1111 1111 1111', { id: 1, ranges: [{ from: '4', to: '4', lengths: [16] }] });
 * // Float64Array [1, 5, 24]
 */
export function scanCardWindows(input: string | Uint8Array, config: CardWindowConfig, latin1?: string): Float64Array {
  const isString = typeof input === 'string';
  const text = isString ? input : (latin1 ?? Buffer.from(input.buffer, input.byteOffset, input.length).toString('latin1'));
  const run = isString ? UNIT_RUN : BYTE_RUN;
  const out: number[] = [];
  run.lastIndex = 0;
  for (let m = run.exec(text); m !== null; m = run.exec(text)) {
    const found = m[0];
    let digits = 0;
    for (let k = 0; k < found.length && digits < MIN_PAN_DIGITS; k++) {
      const c = found.charCodeAt(k);
      if (c >= 48 && c <= 57) digits++;
    }
    if (digits < MIN_PAN_DIGITS) continue;
    const start = m.index;
    const end = Math.min(start + found.length + 1, text.length);
    const windows = findCardWindows(isString ? input.slice(start, end) : input.subarray(start, end), config);
    for (let k = 0; k < windows.length; k += 3) out.push(windows[k]!, windows[k + 1]! + start, windows[k + 2]! + start);
  }
  return Float64Array.from(out);
}
