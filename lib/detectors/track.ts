/**
 * Magnetic-stripe track data, parsed structurally around the engine's triggers.
 *
 * Track 1 (ISO/IEC 7813 format B): `%B` PAN `^` NAME `^` YYMM service-code discretionary `?`.
 * Track 2: `;` PAN `=` YYMM service-code discretionary `?`; its "equivalent data" in EMV tag 57
 * (hex, `D` as the separator, `F` padding) and ISO 8583 field 35 (a length prefix glued to the
 * PAN) have the same body. Sentinels are optional. The PAN inside must pass Luhn and the issuer
 * table; the expiry month must be 01-12. The whole track, sentinels included, is one finding.
 */
import { brandOf } from './iin.js';
import { isTestCard, luhn } from './luhn.js';
import { bytesText, digitRunStart, digitsOf, isAlpha, isDigit } from './text.js';
import type { CardBrand } from './types.js';

export interface TrackFinding {
  readonly type: 'track1' | 'track2';
  readonly start: number;
  readonly end: number;
  readonly brand: CardBrand;
  readonly testCard: boolean;
  readonly confidence: number;
}

/** Track 1 is at most 79 characters, track 2 at most 40. */
const TRACK1_MAX = 79;
const TRACK2_MAX = 40;

function validPan(digits: string): CardBrand | undefined {
  return digits.length >= 12 && digits.length <= 19 && luhn(digits) ? brandOf(digits) : undefined;
}

function validMonth(b: Uint8Array, at: number): boolean {
  const m = (b[at]! - 48) * 10 + (b[at + 1]! - 48);
  return isDigit(b[at]) && isDigit(b[at + 1]) && m >= 1 && m <= 12;
}

/**
 * Track 1 around the `^` at `caret` (the PAN's end).
 *
 * @example
 * parseTrack1(Buffer.from('%B4111111111111111^DOE/JOHN^25121010000000?'), 17)
 */
export function parseTrack1(b: Uint8Array, caret: number): TrackFinding | undefined {
  const { start: panStart, digits } = track1Pan(b, caret);
  const brand = validPan(digits);
  if (!brand) return undefined;
  let start = panStart;
  const hasFormatCode = b[start - 1] === 0x42 || b[start - 1] === 0x62; // B
  if (hasFormatCode) start--;
  if (hasFormatCode && b[start - 1] === 0x25) start--; // %
  // Name: up to 26 printable characters, then the second caret. A non-ASCII letter (`MÜLLER`) counts
  // as one character: logs and encoders write the name in UTF-8 whatever the stripe holds.
  let p = caret + 1;
  let chars = 0;
  while (p < b.length && chars <= 26 && b[p] !== 0x5e && b[p]! >= 0x20 && b[p] !== 0x7f && b[p] !== 0x3f) {
    if ((b[p]! & 0xc0) !== 0x80) chars++;
    p++;
  }
  if (b[p] !== 0x5e) return undefined;
  p++;
  // Expiry YYMM (or `^` when absent), service code (or `^`), discretionary data.
  if (b[p] === 0x5e) p++;
  else if (isDigit(b[p]) && validMonth(b, p + 2) && isDigit(b[p + 1]) && isDigit(b[p + 3])) p += 4;
  else return undefined;
  let end = p;
  while (end < b.length && end - start < TRACK1_MAX && (isDigit(b[end]) || b[end] === 0x20 || b[end] === 0x5e)) end++;
  while (end > p && b[end - 1] === 0x20) end--;
  if (b[end] === 0x3f) end++; // end sentinel
  // Without the format code the caret structure alone must carry it: require a service code.
  if (!hasFormatCode && end - p < 3) return undefined;
  return { type: 'track1', start, end, brand, testCard: isTestCard(digits), confidence: hasFormatCode ? 0.99 : 0.9 };
}

/**
 * The PAN that ends at the track 1 caret: one digit run, or groups joined by single spaces
 * (`B4111 1111 1111 1111^…`, a track typed or printed by hand), at most 19 digits.
 */
function track1Pan(b: Uint8Array, caret: number): { start: number; digits: string } {
  const runStart = digitRunStart(b, caret);
  // A whole run of 12 digits or more is the PAN as it always was; only a shorter last group looks back.
  const starts = [runStart];
  let count = caret - runStart;
  while (caret - runStart < 12 && b[starts[0]! - 1] === 0x20 && isDigit(b[starts[0]! - 2])) {
    const groupStart = digitRunStart(b, starts[0]! - 1);
    count += starts[0]! - 1 - groupStart;
    if (count > 19) break;
    starts.unshift(groupStart);
  }
  // The widest grouping that is a card (`12 4111 1111 1111 1111^` is the card, not `12…`).
  for (const start of starts) {
    let digits = '';
    for (let i = start; i < caret; i++) if (isDigit(b[i])) digits += String.fromCharCode(b[i]!);
    if (start === runStart || validPan(digits)) return { start, digits };
  }
  return { start: runStart, digits: bytesText(b, runStart, caret) };
}

/**
 * Track 2 (or its equivalent data) around the separator at `sep` (`=`, `D` or `d`).
 *
 * @example
 * parseTrack2(Buffer.from(';4111111111111111=25121010000000000?'), 17)
 */
export function parseTrack2(b: Uint8Array, sep: number): TrackFinding | undefined {
  const runStart = digitRunStart(b, sep);
  const run = bytesText(b, runStart, sep);
  // The PAN is the whole digit run, or (EMV tag 57, ISO 8583 LL prefix) a suffix of it. A tag 57
  // whose length fits the data decides first: in `…31010` `5710` `36844096875744D…` the longest
  // valid suffix (`571036…`) would take the tag for the PAN.
  let digits = tag57Pan(b, runStart, sep);
  let brand = digits ? validPan(digits) : undefined;
  if (!digits && run.length <= 19) {
    brand = validPan(run);
    if (brand) digits = run;
  }
  for (let n = Math.min(19, run.length - 1); !digits && n >= 12; n--) {
    const suffix = run.slice(run.length - n);
    brand = validPan(suffix);
    if (brand) digits = suffix;
  }
  let start = digits ? sep - digits.length : -1;
  // A PAN typed in groups (`;4111 1111 1111 1111=2512…?`): only behind the start sentinel, which
  // makes the whole a track and not a PAN followed by some `=2512`.
  if (!digits && run.length < 12) {
    const groups = groupedPanBefore(b, runStart, sep);
    if (groups && b[groups.start - 1] === 0x3b) {
      digits = groups.digits;
      brand = validPan(digits);
      start = groups.start;
    }
  }
  if (!digits || !brand) return undefined;
  if (!validMonth(b, sep + 3)) return undefined;
  const sentinel = b[start - 1] === 0x3b; // ;
  if (sentinel) start--;
  // Data length counts characters of the track, not the joiners of a grouped PAN.
  const dataStart = sep - digits.length - (sentinel ? 1 : 0);
  let end = sep + 5;
  while (end < b.length && end - dataStart < TRACK2_MAX && isDigit(b[end])) end++;
  // Service code and discretionary data in groups (`;4111…=2512 101 0000?`), behind the start sentinel.
  if (sentinel && b[end] === 0x20 && isDigit(b[end + 1])) {
    const spaced = spacedDataEnd(b, end, TRACK2_MAX - (end - dataStart));
    if (spaced > 0) end = spaced;
  }
  // EMV tag 57 pads an odd nibble count with F.
  if (b[end] === 0x46 || b[end] === 0x66) end++;
  else if (b[end] === 0x3f) end++; // end sentinel
  // `=` glued to letters on both sides without a sentinel reads as an identifier, not a track.
  if (b[sep] === 0x3d && !sentinel && isAlpha(b[end]) && isAlpha(b[start - 1])) return undefined;
  // `D` (or `d`: tag 57 in lower-case hex) with a letter glued before the PAN or after the data is
  // hex (`sha1=4539…D25123A9F0…`, `9A4539…D2512…`): EMV tag 57 data ends at its `F` padding or at the
  // next tag's digits.
  // EMV tag 57 says how long its data is (`570F…`: 15 bytes, 30 nibbles): the next tag starts there.
  const tag57 = !sentinel && tag57Before(b, start);
  if (tag57) {
    const tagEnd = start + 2 * parseInt(String.fromCharCode(b[start - 2]!, b[start - 1]!), 16);
    if (tagEnd >= sep + 5 && tagEnd <= end) end = tagEnd;
  }
  if ((b[sep]! | 0x20) === 0x64 && !sentinel && ((isAlpha(b[start - 1]) && !tag57) || (isAlpha(b[end]) && !tag57))) return undefined;
  return { type: 'track2', start, end, brand, testCard: isTestCard(digits), confidence: sentinel ? 0.99 : 0.92 };
}

/**
 * Track 2 typed or printed with spaces around its fields, inside both sentinels: `; 4111111111111111
 * = 2512 101 0000?`. `[panStart, panEnd)` is a card window (the PAN, digits or groups) followed by a
 * space. Only between `;` and `?`: without them `PAN = 2512` is any assignment. The finding is the
 * data between the sentinels, PAN to the last digit.
 *
 * @example
 * parseSpacedTrack2(Buffer.from('; 4111111111111111 = 2512 101 0000?'), 2, 18) // track2 [2, 34)
 */
export function parseSpacedTrack2(b: Uint8Array, panStart: number, panEnd: number): TrackFinding | undefined {
  // The start sentinel first: this runs for every card window followed by a space.
  let p = panStart - 1;
  while (p > 0 && b[p] === 0x20 && panStart - p <= 2) p--;
  if (b[p] !== 0x3b) return undefined;
  p = panEnd;
  while (b[p] === 0x20 && p - panEnd < 2) p++;
  if (b[p] !== 0x3d) return undefined;
  p++;
  while (b[p] === 0x20 && p - panEnd < 4) p++;
  if (!isDigit(b[p]) || !isDigit(b[p + 1]) || !validMonth(b, p + 2)) return undefined;
  const digits = digitsOf(b, panStart, panEnd);
  const brand = validPan(digits);
  if (!brand) return undefined;
  const end = spacedDataEnd(b, p + 4, TRACK2_MAX - digits.length - 5);
  if (end < 0) return undefined;
  return { type: 'track2', start: panStart, end, brand, testCard: isTestCard(digits), confidence: 0.95 };
}

/**
 * Service code and discretionary data from `from`: digits with single spaces between them, closed
 * by the end sentinel `?` (a space before it allowed), at most `room` digits. The offset past the
 * last digit (`from` when there is none), or -1 when no `?` closes it.
 */
function spacedDataEnd(b: Uint8Array, from: number, room: number): number {
  let end = from;
  let p = from;
  for (; p < b.length && room >= 0; p++) {
    if (isDigit(b[p])) {
      room--;
      end = p + 1;
    } else if (b[p] !== 0x20 || b[p + 1] === 0x20) break;
  }
  return b[p] === 0x3f && room >= 0 ? end : -1;
}

/**
 * The PAN in groups of digits joined by one space or `-` (one kind) that ends at `sep`, its last
 * group starting at `runStart` (`4111 1111 1111 1111=…`): its start and digits when all the groups
 * make 12-19 digits and a valid PAN.
 */
function groupedPanBefore(b: Uint8Array, runStart: number, sep: number): { start: number; digits: string } | undefined {
  const joiner = b[runStart - 1];
  if (joiner !== 0x20 && joiner !== 0x2d) return undefined;
  let start = runStart;
  let count = sep - runStart;
  while (b[start - 1] === joiner && isDigit(b[start - 2])) {
    const groupStart = digitRunStart(b, start - 1);
    count += start - 1 - groupStart;
    if (count > 19) return undefined;
    start = groupStart;
  }
  const digits = digitsOf(b, start, sep);
  return count >= 12 && validPan(digits) ? { start, digits } : undefined;
}

/**
 * The PAN of an EMV tag 57 inside the digit run that ends at the separator `sep`: 12-19 digits after
 * `57` and a length byte that covers the PAN, the separator, YYMM and the service code and does not
 * run past the digits (and `F` pad) seen after the separator. Not behind a start sentinel.
 */
function tag57Pan(b: Uint8Array, runStart: number, sep: number): string | undefined {
  if (b[runStart - 1] === 0x3b) return undefined; // `;4557 10…`: behind a sentinel the run is the PAN
  let dataEnd = sep + 1;
  while (dataEnd < b.length && dataEnd - sep <= TRACK2_MAX && isDigit(b[dataEnd])) dataEnd++;
  if ((b[dataEnd]! | 0x20) === 0x66) dataEnd++;
  for (let start = Math.max(runStart, sep - 19); start <= sep - 12; start++) {
    if (!tag57Before(b, start)) continue;
    const tagEnd = start + 2 * parseInt(String.fromCharCode(b[start - 2]!, b[start - 1]!), 16);
    if (tagEnd < sep + 8 || tagEnd > dataEnd) continue;
    const digits = bytesText(b, start, sep);
    if (validPan(digits)) return digits;
  }
  return undefined;
}

/** True when EMV tag 57 and its length byte end at `start` (`570F5038…D…`: the letter before the PAN is the length's). */
function tag57Before(b: Uint8Array, start: number): boolean {
  const hex = (c: number | undefined): boolean => c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
  return b[start - 4] === 0x35 && b[start - 3] === 0x37 && hex(b[start - 2]) && hex(b[start - 1]);
}
