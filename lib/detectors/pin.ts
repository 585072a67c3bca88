/**
 * PIN blocks (ISO 9564: 16 hex digits, 32 for format 4) and clear PINs (4-12 digits) after PIN
 * context: `pin`, `epb`, `pin_block`, `PIN block:`, `pin code is`, `"pin": "1234"`.
 * Without context a 16-hex string is just a hash fragment and 4 digits are just a number, so
 * neither is reported.
 */
import { raw, type RawFinding } from './finding.js';
import { bytesText, isAlnum, isAlpha, isDigit, isHex } from './text.js';
import { valueAfter } from './values.js';

/**
 * The PIN or PIN block after a keyword ending at `keywordEnd`. `blockKey`: the keyword names a
 * block (`pin block`, `epb`); `codeKey`: it names a clear PIN (`pin code`, `pin number`).
 */
export function pinAfterKeyword(b: Uint8Array, keywordEnd: number, blockKey: boolean): RawFinding | undefined {
  const token = valueAfter(b, formatHintEnd(b, keywordEnd), 'hex', 32);
  if (!token) return undefined;
  const length = token.end - token.start;
  // A block printed in four groups of four (`0412 AC89 ABCD EF67`).
  const grouped = length === 4 ? groupedBlockEnd(b, token.end) : -1;
  if (grouped > 0) return raw('pin_block', token.start, grouped, 0.9);
  let allDigits = true;
  for (let i = token.start; i < token.end; i++) if (!isDigit(b[i])) allDigits = false;
  if (length === 16 || length === 32) return raw('pin_block', token.start, token.end, 0.93);
  if (!blockKey && allDigits && length >= 4 && length <= 12) {
    const next = b[token.end];
    if (next === 0x2e || next === 0x2f || next === 0x3a) return undefined; // 12.5, 3/4, 10:30
    if (hardwareWordBefore(b, keywordEnd - 3)) return undefined; // `GPIO pin 1234`
    return raw('pin', token.start, token.end, 0.85);
  }
  return undefined;
}

/**
 * Past a parenthesised format hint after a PIN block key (`PIN block (ISO-0): …`, `(format 1)`),
 * else `at`: the hint's letters would stop the value search.
 */
function formatHintEnd(b: Uint8Array, at: number): number {
  const open = b[at] === 0x20 ? at + 1 : at;
  if (b[open] !== 0x28) return at;
  let p = open + 1;
  while (p - open < 24 && b[p] !== 0x29 && (isAlnum(b[p]) || b[p] === 0x20 || b[p] === 0x2d || b[p] === 0x5f)) p++;
  return b[p] === 0x29 ? p + 1 : at;
}

/** End of three more ` XXXX` hex groups after a 4-hex group ending at `end` (a grouped PIN block), else -1. */
function groupedBlockEnd(b: Uint8Array, end: number): number {
  let p = end;
  for (let k = 0; k < 3; k++) {
    if (b[p] !== 0x20 || !isHex(b[p + 1]) || !isHex(b[p + 2]) || !isHex(b[p + 3]) || !isHex(b[p + 4])) return -1;
    p += 5;
  }
  return isAlnum(b[p]) ? -1 : p;
}

/**
 * Whether the PIN key ending at `end` names a block (`pin block`, `pinblk`, `epb`, `epb_hex`): then
 * only a block is reported after it, never a clear PIN.
 */
export function isBlockKey(b: Uint8Array, end: number): boolean {
  const last = b[end - 1]! | 0x20;
  return last === 0x6b /* block, blk */ || last === 0x78 /* epb_hex */ || (b[end - 3]! | 0x20) === 0x65 /* epb */;
}

/** Words that make `pin` a hardware pin (`GPIO pin 17`, `header pin 1234`), not a card PIN. */
const HARDWARE = new Set(['gpio', 'io', 'pwm', 'adc', 'led', 'header', 'jumper', 'board', 'chip', 'reset', 'power', 'input', 'output']);

/** True when the word right before the key at `keyStart` (across one space or `_`) names hardware. */
function hardwareWordBefore(b: Uint8Array, keyStart: number): boolean {
  const end = b[keyStart - 1] === 0x20 || b[keyStart - 1] === 0x5f ? keyStart - 1 : keyStart;
  let p = end;
  while (p > 0 && end - p < 8 && isAlpha(b[p - 1])) p--;
  return p < end && HARDWARE.has(bytesText(b, p, end).toLowerCase());
}
