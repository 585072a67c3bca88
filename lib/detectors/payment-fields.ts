/**
 * The PAN fields of payment messages, where the PAN is glued to its tag or length, so the
 * card-window pass (which reports whole digit groups only) cannot see it:
 *
 * - EMV TLV tag `5A` (Application PAN) in terminal and switch hex dumps: `5A`, a length byte
 *   (`06`–`0A`: 6–10 bytes), then the PAN as BCD nibbles padded with `F` to a whole byte:
 *   `…9F0206000000001000 5A08 4111111111111111 5F2403…` (written without spaces), or as spaced hex
 *   bytes `5A 08 41 11 11 11 11 11 11 11`.
 * - ISO 8583 field 2 (primary account number, LLVAR): two length digits glued to the PAN after a
 *   field label: `DE2=164111111111111111`, `field 2: 16…`, `F002: 16…`, `[002] 16…`; or the same
 *   as the hex of its ASCII digits (`DE2: 3136 3431…` without the space).
 * - A PAN as the hex of its ASCII digits behind a PAN key: `pan_hex=34313131…`.
 *
 * Both return a PAN finding for the digits only (the tag, length and padding are not card data).
 * The PAN must pass Luhn and the issuer table, like every PAN.
 */
import { raw, type RawFinding } from './finding.js';
import { brandOf } from './iin.js';
import { isTestCard, luhn } from './luhn.js';
import { bytesText, isAlnum, isDigit, isHex } from './text.js';

function hexValue(c: number): number {
  return isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

function panFinding(digits: string, start: number, end: number, confidence: number): RawFinding | undefined {
  const brand = digits.length >= 12 && digits.length <= 19 && luhn(digits) ? brandOf(digits) : undefined;
  return brand ? raw('pan', start, end, confidence, { brand, testCard: isTestCard(digits) }) : undefined;
}

/**
 * The PAN of an EMV tag `5A` whose `5` is at `tagAt` (`5A08` + 16 nibbles, or spaced `5A 08 41 11 …`).
 * Not when `5A` is the second byte of a two-byte tag (`9F5A`, `DF5A`).
 *
 * @example
 * emvTag5aPan(Buffer.from('5A0841111111111111115F2403251231'), 0) // pan [4, 20), visa
 */
export function emvTag5aPan(b: Uint8Array, tagAt: number): RawFinding | undefined {
  if (b[tagAt] !== 0x35 || (b[tagAt + 1]! | 0x20) !== 0x61) return undefined;
  // A two-byte tag's first byte has its low five bits set (`9F`, `5F`, `DF`): then 5A is its second byte.
  if (tagAt >= 2 && (b[tagAt - 1]! | 0x20) === 0x66 && isHex(b[tagAt - 2]) && hexValue(b[tagAt - 2]!) % 2 === 1) return undefined;
  const spaced = b[tagAt + 2] === 0x20;
  let p = tagAt + 2 + (spaced ? 1 : 0);
  if (b[p] !== 0x30 || !isHex(b[p + 1])) return undefined;
  const bytes = hexValue(b[p + 1]!);
  if (bytes < 6 || bytes > 10) return undefined;
  p += 2;
  let digits = '';
  let start = -1;
  let end = -1;
  for (let k = 0; k < bytes; k++) {
    if (spaced) {
      if (b[p] !== 0x20) return undefined;
      p++;
    }
    for (let half = 0; half < 2; half++) {
      const c = b[p];
      if (isDigit(c)) {
        if (end >= 0) return undefined; // a digit after the padding
        if (start < 0) start = p;
        digits += String.fromCharCode(c!);
      } else if ((c! | 0x20) === 0x66 && k === bytes - 1 && half === 1 && digits.length > 0) {
        end = p; // F padding of an odd digit count
      } else return undefined;
      p++;
    }
  }
  if (end < 0) end = p;
  // Spaced bytes end at a word boundary; glued TLV continues with the next tag's hex.
  if (spaced && isAlnum(b[p]) ) return undefined;
  return panFinding(digits, start, end, 0.95);
}

/** ISO 8583 field 2 labels, right before the LLVAR value: `DE2=`, `DE 002:`, `F2 `, `field 2: `, `fld002=`, `[002] `, `P-2:`. */
const FIELD2_LABEL = /(?:(?:^|[^a-z0-9])(?:de|f|fld|field|p|bit)[ _-]?0{0,2}2|\[0{0,2}2\])[ \t]*[:=]?[ \t]*$/i;

/**
 * The PAN of an ISO 8583 field 2 value whose first length digit is at `at`: `NN` then exactly NN
 * digits (12–19), after a field-2 label (`DE2=164111111111111111`). Without the label a length
 * glued to digits cannot be told from any longer number (epoch nanoseconds start with `17`).
 *
 * @example
 * iso8583Field2Pan(Buffer.from('DE2=164111111111111111'), 4) // pan [6, 22), visa
 */
export function iso8583Field2Pan(b: Uint8Array, at: number): RawFinding | undefined {
  if (!isDigit(b[at]) || !isDigit(b[at + 1]) || isDigit(b[at - 1])) return undefined;
  const label = (): boolean => FIELD2_LABEL.test(bytesText(b, Math.max(0, at - 16), at));
  // The value as the hex of its ASCII digits (`DE2: 3136 3431…`): the length `16` as `3136`, then the PAN.
  if (b[at] === 0x33 && hexAsciiDigit(b, at + 2) >= 0) {
    const hex = hexAsciiRun(b, at);
    if (!hex || !label()) return undefined;
    const n = Number(hex.digits.slice(0, 2));
    return hex.digits.length === n + 2 ? panFinding(hex.digits.slice(2), at + 4, hex.end, 0.9) : panFinding(hex.digits, at, hex.end, 0.9);
  }
  const n = (b[at]! - 0x30) * 10 + (b[at + 1]! - 0x30);
  if (n < 12 || n > 19) return undefined;
  let end = at + 2;
  while (isDigit(b[end])) end++;
  if (end - at - 2 !== n || isAlnum(b[end]) || !label()) return undefined;
  return panFinding(bytesText(b, at + 2, end), at + 2, end, 0.95);
}

/** The digit that the hex-ASCII pair at `i` stands for (`34` is `4`), or -1. */
function hexAsciiDigit(b: Uint8Array, i: number): number {
  return b[i] === 0x33 && isDigit(b[i + 1]) ? b[i + 1]! - 0x30 : -1;
}

/**
 * The hex-ASCII digit pairs from `at` to the end of the hex run (at most 21 digits: a PAN and its
 * length). Undefined when more hex follows: then the pairs are part of a longer hex string (a hash,
 * a key), where `3X` pairs are common, not a value of their own.
 */
function hexAsciiRun(b: Uint8Array, at: number): { digits: string; end: number } | undefined {
  let digits = '';
  let end = at;
  while (hexAsciiDigit(b, end) >= 0 && digits.length <= 21) {
    digits += String.fromCharCode(b[end + 1]!);
    end += 2;
  }
  return isAlnum(b[end]) ? undefined : { digits, end };
}

/** PAN keys right before a value: `pan=`, `pan_hex: `, `"cardNumber":"`, `card_no=`, `primary_account_number=`. */
const PAN_KEY = /(?:^|[^a-z0-9])(?:pan|primary[ _-]?account[ _-]?number|card[ _-]?(?:number|num|no)|cc[ _-]?(?:number|num))(?:[ _-]?(?:hex|ascii))?["']?[ \t]*[:=][ \t]*["']?$/i;

/**
 * A PAN written as the hex of its ASCII digits (`pan_hex=34313131…`: each digit as `3X`) whose
 * first pair is at `at`, behind a PAN key only: bare hex is full of `3X` pairs (hashes, UUIDs), so
 * without the key no run of them is a card. The finding is the whole hex value.
 *
 * @example
 * keyedHexAsciiPan(Buffer.from('pan_hex=34313131313131313131313131313131'), 8) // pan [8, 40), visa
 */
export function keyedHexAsciiPan(b: Uint8Array, at: number): RawFinding | undefined {
  if (hexAsciiDigit(b, at) < 0 || isAlnum(b[at - 1])) return undefined;
  const hex = hexAsciiRun(b, at);
  if (!hex || !PAN_KEY.test(bytesText(b, Math.max(0, at - 32), at))) return undefined;
  return panFinding(hex.digits, at, hex.end, 0.9);
}

/**
 * `keyedHexAsciiPan` for a trigger on the key's word (`pan`) ending at `keyEnd`: the value starts
 * after the next `:` or `=` within 12 bytes (past `_hex`, a quote) and the spaces and quote after it.
 *
 * @example
 * hexAsciiPanAfterKey(Buffer.from('pan_hex=34313131313131313131313131313131'), 3) // pan [8, 40), visa
 */
export function hexAsciiPanAfterKey(b: Uint8Array, keyEnd: number): RawFinding | undefined {
  let at = keyEnd;
  while (at < keyEnd + 12 && at < b.length && b[at] !== 0x3a && b[at] !== 0x3d) at++;
  at++;
  while (at < keyEnd + 16 && (b[at] === 0x20 || b[at] === 0x09 || b[at] === 0x22 || b[at] === 0x27)) at++;
  return keyedHexAsciiPan(b, at);
}
