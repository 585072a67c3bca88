/**
 * PAN confirmation: turns card windows (Luhn-valid, issuer-range digit windows from the engine's
 * card-window pass) into PAN findings by looking at their shape and their context.
 *
 * The pass reports every window of a digit run, so one run can yield several overlapping windows;
 * this file judges each window, and `choosePans` keeps the best non-overlapping ones.
 *
 * Rules at `standard` (the default):
 * - the run must not be glued to a word that is not a card word (`abc4111…`, IBAN `DE89…`, hashes)
 *   nor attached to a longer token (`v1.4111…`, `4111….log`, `…:8080`);
 * - the key before it must not name an identifier (`blk_`, `uid=`, `id:`, `ts=`, `phone`, …) unless
 *   it also names a card (`card_id`);
 * - no `+` (phone) or currency sign before it;
 * - a window that is only part of its run must be printed the way cards are printed (one group, or
 *   4-4-4-4 style, 4-6-5, 4-6-4) and stand apart from the rest of the run: otherwise it is a slice
 *   of a longer number;
 * - a window across a line break must be its whole run.
 * `high` accepts slices in printed groupings and words glued through punctuation; `restricted`
 * reports every window except those after an identifier key, which it reports at low confidence.
 */
import { MAX_GAP, MAX_PAN_DIGITS, MIN_PAN_DIGITS } from '../engine/card-windows.js';
import {
  cardWordsBefore,
  classifyKey,
  csvColumnKind,
  gluedHexTail,
  leftContext,
  otherNumberWordsBefore,
  rightContext,
  sqlInsertColumnKind,
  unitAfter,
  type LeftContext,
} from './context.js';
import { expiryAfterPan, expiryAtTrigger } from './expiry.js';
import { brandOf } from './iin.js';
import { isTestCard, luhn } from './luhn.js';
import { keepBest } from './overlaps.js';
import { asciiLower, bytesText, codePointAt, isAlnum, isAlpha, isDigit, isHex, isSeparator, prevStart } from './text.js';
import type { CardBrand, Sensitivity } from './types.js';

/** A confirmed PAN, offsets in the scanned bytes (or in a normalised region's bytes). */
export interface PanCandidate {
  readonly start: number;
  readonly end: number;
  readonly digits: string;
  readonly brand: CardBrand;
  readonly confidence: number;
  readonly testCard: boolean;
  readonly evasion: boolean;
  /** Ranking among overlapping windows: whole run > printed grouping > other. */
  readonly rank: number;
}

interface Shape {
  readonly digits: string;
  /** Digit count of each group. */
  readonly groups: number[];
  /** The separator code points of each gap. */
  readonly gaps: number[][];
}

/** Bytes of the code point `codePointAt` read (-1, an invalid byte: one); as decodeAt's length, without its array. */
function utf8Bytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Reads the groups and gaps of `b[start..end)`. */
function shapeOf(b: Uint8Array, start: number, end: number): Shape {
  let digits = '';
  const groups: number[] = [];
  const gaps: number[][] = [];
  let i = start;
  while (i < end) {
    let n = 0;
    while (i < end && isDigit(b[i])) {
      digits += String.fromCharCode(b[i]!);
      i++;
      n++;
    }
    groups.push(n);
    const gap: number[] = [];
    while (i < end && !isDigit(b[i])) {
      const cp = codePointAt(b, i);
      gap.push(cp);
      i += utf8Bytes(cp);
    }
    if (gap.length > 0) gaps.push(gap);
  }
  return { digits, groups, gaps };
}

/** A neighbouring group of the same run: its digit count and the gap that joins it. */
interface Neighbour {
  readonly digits: number;
  /** The group's digits, in reading order. */
  readonly text: string;
  readonly gap: number[];
}

const NO_GROUPS: Neighbour[] = [];

/**
 * Where the digits before the gap that ends at `p` end: a gap of 1 to MAX_GAP separators without a
 * line break, with a digit before it. -1 when nothing of the run precedes `p`. Allocation-free.
 */
function gapBefore(b: Uint8Array, p: number): number {
  let q = p;
  let units = 0;
  while (units < MAX_GAP && q > 0) {
    const c = b[q - 1]!;
    if (c < 0x80) {
      if (!isSeparator(c) || c === 0x0a || c === 0x0d) return c === 0x0a || c === 0x0d ? -1 : units > 0 && isDigit(c) ? q : -1;
      q--;
    } else {
      const s = prevStart(b, q);
      if (!isSeparator(codePointAt(b, s))) break;
      q = s;
    }
    units++;
  }
  return units > 0 && isDigit(b[q - 1]) ? q : -1;
}

/** Where the digits after the gap that starts at `p` begin, or -1 (the mirror of `gapBefore`). */
function gapAfter(b: Uint8Array, p: number): number {
  let q = p;
  let units = 0;
  while (units < MAX_GAP && q < b.length) {
    const c = b[q]!;
    if (c < 0x80) {
      if (!isSeparator(c) || c === 0x0a || c === 0x0d) return c === 0x0a || c === 0x0d ? -1 : units > 0 && isDigit(c) ? q : -1;
      q++;
    } else {
      const cp = codePointAt(b, q);
      if (!isSeparator(cp)) break;
      q += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    units++;
  }
  return units > 0 && isDigit(b[q]) ? q : -1;
}

/** The code points of `b[from..to)` (a gap of separators). */
function codePoints(b: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; ) {
    const cp = codePointAt(b, i);
    out.push(cp);
    i += utf8Bytes(cp);
  }
  return out;
}

/**
 * Groups of the run after `end`, up to `limit`. A line break ends the run here: the next line's
 * digits (a timestamp, a line number) never make a card at the end of this line a slice. A PAN
 * wrapped across lines is a window that spans the break itself.
 */
function groupsAfter(b: Uint8Array, end: number, limit: number): { groups: Neighbour[]; runEnd: number } {
  const groups: Neighbour[] = [];
  let runEnd = end;
  let p = end;
  while (groups.length < limit) {
    let q = gapAfter(b, p);
    if (q < 0) break;
    const gap = codePoints(b, p, q);
    const from = q;
    while (isDigit(b[q])) q++;
    groups.push({ digits: q - from, text: bytesText(b, from, q), gap });
    p = runEnd = q;
  }
  return { groups, runEnd };
}

/** Groups of the run before `start`, nearest first, up to `limit`. */
function groupsBefore(b: Uint8Array, start: number, limit: number): { groups: Neighbour[]; runStart: number } {
  const groups: Neighbour[] = [];
  let runStart = start;
  let p = start;
  while (groups.length < limit) {
    let q = gapBefore(b, p);
    if (q < 0) break;
    const gap = codePoints(b, q, p);
    const to = q;
    while (q > 0 && isDigit(b[q - 1])) q--;
    groups.push({ digits: to - q, text: bytesText(b, q, to), gap });
    p = runStart = q;
  }
  return { groups, runStart };
}

/** How cards are printed: one group, 4-4-4-4(-3), 4-4-4-1..7, 4-6-4, 4-6-5, 6-13, 4-4-5, 4-5-6 (UATP). */
export function isPrintedGrouping(groups: readonly number[]): boolean {
  // Allocation-free: this runs for every card window.
  const n = groups.length;
  if (n === 1) return true;
  const [a, b, c, d] = groups;
  if (n === 2 && a === 6 && b === 13) return true;
  if (n === 3 && a === 4 && ((b === 6 && (c === 4 || c === 5)) || (b === 4 && c === 5) || (b === 5 && c === 6))) return true;
  if (n === 4 && a === 4 && b === 3 && c === 3 && d === 3) return true;
  for (let i = 0; i < n - 1; i++) if (groups[i] !== 4) return false;
  const last = groups[n - 1];
  return last !== undefined && last >= 1 && last <= 7;
}

const WHITESPACE = new Set([0x20, 0x09, 0xa0, 0x2007, 0x202f, 0x3000, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x2009, 0x200a, 0x205f]);
const LINE_BREAKS = new Set([0x0a, 0x0d]);
/** Separators a card is printed with; anything else between digits is an evasion. */
const PRINTED_SEPARATORS = new Set([0x20, 0x2d, 0x2e, 0xa0, 0x09]);

function sameGap(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function sameOffset(offset: number): number {
  return offset;
}

/**
 * Judges one card window `b[start..end)`. `context` is where the window's surroundings are read
 * (the scanned input itself, or the original input of a normalised region, through `toContext`).
 * Returns undefined when the window is not reported at this sensitivity.
 */
export function judgeWindow(
  b: Uint8Array,
  start: number,
  end: number,
  sensitivity: Sensitivity,
  context?: { bytes: Uint8Array; toContext: (offset: number, side: 'start' | 'end') => number },
): PanCandidate | undefined {
  // No closures and no neighbour lists on the common path: this runs for every card window, and
  // most windows in real logs die on their left context (`blk_…`, `id=…`) or as slices.
  const cb = context ? context.bytes : b;
  const toContext = context ? context.toContext : sameOffset;
  const endAtWindow = toContext(end, 'end');
  const runBefore = gapBefore(b, start) >= 0;
  // When nothing of the run precedes the window, the left context is read at `start` whatever the
  // shape: reject right away.
  let left = runBefore ? undefined : leftContext(cb, toContext(start, 'start'));
  if (left && sensitivity !== 'restricted' && (identifier(left, cb, endAtWindow) || foreign(left))) return undefined;
  const shape = shapeOf(b, start, end);
  const wholeRun = !runBefore && gapAfter(b, end) < 0;
  const printed = isPrintedGrouping(shape.groups);
  // Part of a longer run and not printed like a card: always a slice (isStandaloneSlice needs a
  // printed grouping), and a slice is reported only at restricted. Saves the context reads below.
  if (!wholeRun && !printed && sensitivity !== 'restricted') return undefined;
  const brand = brandOf(shape.digits);
  if (!brand) return undefined;
  const before = runBefore ? groupsBefore(b, start, 8) : { groups: NO_GROUPS, runStart: start };
  const after = wholeRun ? { groups: NO_GROUPS, runEnd: end } : groupsAfter(b, end, 8);
  let lineBreak = false;
  let oddSeparators = false;
  for (const g of shape.gaps) {
    if (g.length > 1) oddSeparators = true;
    for (const c of g) {
      if (LINE_BREAKS.has(c)) lineBreak = true;
      if (!PRINTED_SEPARATORS.has(c)) oddSeparators = true;
    }
  }
  // One digit or two per group (`4 1 1 1…`, `41.11.11…`) is a deliberate split; odd separators too.
  const evasion = oddSeparators || (!printed && Math.min(...shape.groups) <= 2);

  let slice = !wholeRun && !isStandaloneSlice(shape, before.groups, after.groups, printed);
  // A whole segment of a URL path (`/accounts/4111…/balance`, `POST /v1/4111…/charge`): the `/`
  // that joins it to `v1` or to the next segment's digits is not a separator inside a number.
  const segment = shape.groups.length === 1 && cb[toContext(start, 'start') - 1] === 0x2f && isPathSegment(cb, toContext(start, 'start'), toContext(end, 'end'));
  if (segment) slice = false;
  // A window standing apart after other numbers of its run takes the run's key too: the second id
  // of `ids: 4539… 5114…` is an id, and `seat 12 4111 1111 1111 1111` keeps whatever `seat` says.
  if (!slice && before.groups.length > 0 && sensitivity !== 'restricted') {
    const runLeft = leftContext(cb, toContext(before.runStart, 'start'));
    if (identifier(runLeft, cb, endAtWindow) || foreign(runLeft)) return undefined;
  }
  // A card word right before a printed window that starts its run: `card=4111 1111 1111 1111 081109 …`.
  if (slice && printed && left?.kind === 'positive') slice = false;
  // A slice that stands apart is judged by its own surroundings, a whole run by the run's
  // (the same offset as `start` when nothing of the run precedes it).
  left ??= leftContext(cb, toContext(slice ? before.runStart : start, 'start'));
  const right = rightContext(cb, toContext(slice ? after.runEnd : end, 'end'));
  const positive = left.kind === 'positive';
  // Most windows in real logs die here (`blk_…`, `id=…`): reject before the costlier checks.
  if (sensitivity !== 'restricted' && (identifier(left, cb, endAtWindow) || foreign(left))) return undefined;
  // Read lazily, at most once.
  let near: boolean | undefined;

  // Reasons a window is not a card, from the strongest; the cheap ones first (below restricted
  // they end most windows here).
  const endAt = toContext(slice ? after.runEnd : end, 'end');
  // Below restricted an identifier key has already ended the window (above).
  const identifierKey = sensitivity === 'restricted' && identifier(left, cb, endAtWindow);
  const phoneOrAmount = left.phone || left.currency || left.marked || unitAfter(cb, endAt);
  const wrappedSlice = lineBreak && !wholeRun;
  // Digits split evenly (`4 1 1 1 …`, `41.11.11…`) are an evasion; uneven groups that are not a
  // printed grouping are several numbers (`4800.935999999999`, `13562\r\n2015-10-18 18`).
  // A PAN wrapped across lines is judged with its wrap points joined (`41111111\n11111111`).
  const unevenSplit =
    !printed && !isEvenSplit(shape) && !printedOrEven(unwrap(shape)) &&
    !(wholeRun && isPlainBlocks(shape)) && !(wholeRun && positive && isTwoBlocks(shape));
  if (sensitivity !== 'restricted' && ((phoneOrAmount && !positive) || wrappedSlice || unevenSplit)) return undefined;
  // An amount in thousands groups (`363.003.633.201.681,46`) and a 12-digit cloud account id
  // (`aws account 501830741853`, `principal 6304…`) are not cards.
  if (sensitivity !== 'restricted' && !positive && (isAmount(shape, cb, endAt) || (shape.digits.length === 12 && ACCOUNT_KEYS.has(left.word)))) return undefined;
  if (sensitivity === 'standard' && slice) return undefined;
  // A letter glued on the right is a hash or identifier's tail, except after a printed multi-group
  // window (no hash is printed in card groups: `4111 1111 1111 1111z`), when it starts a card
  // keyword (`4111111111111111cvv123`) or when it is one letter ending the token (`…1111z`: a hash
  // of 16 digits and one letter is as rare as the card is likely). One letter glued on the left is
  // an evasion when a card key, a number word or card words precede it (`card number: a4111…`,
  // `num: x4111…`), and so is a number word glued to the digits (`numéro4111…`).
  const endOfRun = toContext(slice ? after.runEnd : end, 'end');
  const gluedRight =
    right.gluedAlpha && !positive && !(printed && shape.groups.length > 1) && !cardKeywordAt(cb, endOfRun) && !oneLetterAfter(cb, endOfRun);
  const startOfRun = toContext(slice ? before.runStart : start, 'start');
  const gluedLeft =
    left.glued && !positive &&
    !(left.word.length === 1 ? letterBeforeIsEvasion(cb, startOfRun) : numberWordGluedBefore(cb, startOfRun));
  // Card words before rescue a glued word, unless it is a digest's tail (`…ab3f9e01c2`) or a unit (`…us`).
  const gluedWord =
    gluedLeft ||
    (gluedRight && !(!gluedHexTail(cb, toContext(end, 'end')) && !unitAfter(cb, toContext(end, 'end')) && (near ??= cardWordsBefore(cb, toContext(start, 'start')))));
  // A whole path segment (`/accounts/4111…/balance`) and a dump's tail (`4111…/1227/123`,
  // `4111…:12:27:123`) are not longer tokens.
  const attachedToken =
    !positive &&
    ((left.delimiters.length > 0 && /^[_./-]$/.test(left.delimiters) && left.word.length > 0) || right.attached) &&
    !segment &&
    !(right.attached && dumpTailAt(cb, endAt));
  // A bare number in square brackets opening a line, then more text, is a log prefix field (a
  // thread, request or message id: `[127059731100347] INFO start`). A JSON array (`[4111…]`) is not.
  const bracketField = !positive && wholeRun && isLogPrefixField(cb, toContext(start, 'start'), toContext(end, 'end'));
  // What ops tools print (a metric sample, a file size, a wei amount) and numbers that prose says
  // are something else (a phone, a parcel, a bank account): only without card words before.
  const otherNumber =
    !positive &&
    (opsMeasurement(cb, toContext(start, 'start'), toContext(end, 'end')) ||
      (left.word === 'value' && ethereumAddressOnLine(cb, toContext(start, 'start'))) ||
      csvColumnKind(cb, toContext(start, 'start'), toContext(end, 'end')) === 'negative' ||
      sqlInsertColumnKind(cb, toContext(start, 'start')) === 'negative' ||
      (!(near ??= cardWordsBefore(cb, toContext(start, 'start'))) &&
        (otherNumberWordsBefore(cb, toContext(start, 'start'), shape.digits.length) || isMobileWithoutPlus(shape.digits))));

  let confidence = positive ? 0.97 : printed ? 0.8 : 0.7;
  if (sensitivity === 'restricted') {
    if (!positive && (near ??= cardWordsBefore(cb, toContext(start, 'start')))) confidence = 0.9;
    const weak = identifierKey || gluedWord || attachedToken || bracketField || otherNumber || phoneOrAmount || slice || wrappedSlice || unevenSplit;
    return candidate(start, end, shape.digits, brand, weak ? 0.35 : confidence, evasion, wholeRun, printed);
  }
  if (otherNumber || (sensitivity === 'standard' && (gluedWord || attachedToken || bracketField))) return undefined;
  if (sensitivity === 'high') {
    if (left.glued && !positive && classifyKey(left.word) !== 'neutral') return undefined;
    if (slice && !printed) return undefined;
    if (gluedWord || attachedToken || bracketField || slice) confidence = 0.5;
  }
  if (!positive && confidence > 0.5 && (near ??= cardWordsBefore(cb, toContext(start, 'start')))) confidence = 0.9;
  return candidate(start, end, shape.digits, brand, confidence, evasion, wholeRun, printed);
}

/**
 * True when an identifier key (`id:`, `order`, `phone:`) precedes the window ending at `end`. It
 * does not veto a number followed by its expiry and CVV or by a labelled card value
 * (`id: 4111 1111 1111 1111 exp 12/27 cvv 123`): putting `id:` before a PAN is an evasion.
 */
function identifier(left: LeftContext, b: Uint8Array, end: number): boolean {
  return left.kind === 'negative' && !cardDataAfter(b, end);
}

/** A phone prefix, a currency sign, or punctuation that makes the digits part of something else (not after a card key). */
function foreign(left: LeftContext): boolean {
  return left.phone || left.currency || (left.marked && left.kind !== 'positive');
}

/**
 * A mobile number in international form without its `+`, which overlaps Maestro's historic 56-58
 * block at 12 digits: Colombia (`57` then a mobile `3…`, 10 national digits) and Venezuela (`58` then
 * `4…`). Twelve-digit Maestro cards are rare; these phones are common in chat and CRM logs.
 */
function isMobileWithoutPlus(digits: string): boolean {
  return digits.length === 12 && digits.charCodeAt(0) === 0x35 && ((digits.charCodeAt(1) === 0x37 && digits.charCodeAt(2) === 0x33) || (digits.charCodeAt(1) === 0x38 && digits.charCodeAt(2) === 0x34));
}

/** Where the line holding `p` starts, or -1 when that is more than `max` bytes back. */
function lineStartBefore(b: Uint8Array, p: number, max: number): number {
  let q = p;
  while (q > 0 && b[q - 1] !== 0x0a && b[q - 1] !== 0x0d) if (p - --q > max) return -1;
  return q;
}

const MONTHS = new Set(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']);

/**
 * True when `b[start..end)` is a value that ops tools print as a measurement (sizes of 13-19 digits
 * are petabytes, counters and byte totals run that high):
 * - a Prometheus sample, `name{labels} value` then the line's end or a timestamp;
 * - a column of an `ls -l` line (it starts with a file mode) right before the date
 *   (`-rw-r--r-- 1 pg pg 4160… Nov 28 03:12 base.tar.gz`);
 * - `du`'s size opening a line, then a tab and a path or its `total` (`4634…\t/var/lib/mysql`);
 * - a column of a `df` line after its device (`/dev/sda1 4113… 120000000000`);
 * - the response size of an access log line (Apache/nginx common and combined formats: the request
 *   line in quotes, the status, then `%b`): `"GET / HTTP/1.1" 200 4111…`. The format defines the
 *   field; card data leaks in the request line or the referrer, which stay read.
 */
function opsMeasurement(b: Uint8Array, start: number, end: number): boolean {
  const before = b[start - 1];
  if (before === 0x20 && isDigit(b[start - 2]) && isDigit(b[start - 3]) && isDigit(b[start - 4]) && b[start - 5] === 0x20) return isRequestLineBefore(b, start - 6);
  if (before === 0x20 && b[start - 2] === 0x7d) return isMetricLabels(b, start - 2) && (end >= b.length || b[end] === 0x0a || b[end] === 0x0d || (b[end] === 0x20 && isDigit(b[end + 1])));
  if (before !== 0x20 && before !== 0x09) return (start === 0 || before === 0x0a) && b[end] === 0x09 && (b[end + 1] === 0x2f || b[end + 1] === 0x2e || (asciiLower(b, end + 1, end + 6) === 'total' && !isAlnum(b[end + 6])));
  const line = lineStartBefore(b, start, 256);
  if (line < 0) return false;
  if (isFileMode(b, line)) return b[end] === 0x20 && MONTHS.has(asciiLower(b, end + 1, end + 4)) && b[end + 4] === 0x20;
  if (b[line] !== 0x2f || asciiLower(b, line, line + 5) !== '/dev/') return false;
  let p = line + 5;
  while (p < start && b[p]! > 0x20) p++;
  while (p < start && (b[p] === 0x20 || b[p] === 0x09 || isDigit(b[p]))) p++;
  return p === start;
}

/** True when the `"` at `quote` closes an HTTP request line (`… HTTP/1.1"`, `… HTTP/2"`). */
function isRequestLineBefore(b: Uint8Array, quote: number): boolean {
  if (b[quote] !== 0x22) return false;
  let p = quote;
  while (p > 0 && quote - p < 4 && (isDigit(b[p - 1]) || b[p - 1] === 0x2e)) p--;
  return p < quote && asciiLower(b, p - 6, p) === ' http/';
}

/** True when the `}` at `close` ends a metric's label set after its name at a line start (`name{a="b"}`), the name no card word. */
function isMetricLabels(b: Uint8Array, close: number): boolean {
  let p = close;
  while (p > 0 && close - p < 512 && b[p - 1] !== 0x7b && b[p - 1] !== 0x0a) p--;
  if (b[p - 1] !== 0x7b) return false;
  const nameEnd = p - 1;
  let q = nameEnd;
  while (q > 0 && (isAlnum(b[q - 1]) || b[q - 1] === 0x5f || b[q - 1] === 0x3a)) q--;
  // A metric named after cards (`card_number{…}`) says what its value is.
  return q < nameEnd && !isDigit(b[q]) && (q === 0 || b[q - 1] === 0x0a || b[q - 1] === 0x0d) && classifyKey(bytesText(b, q, nameEnd)) !== 'positive';
}

/** `ls -l`'s file mode at `p`: a type letter, nine permission letters, then a space or an ACL/xattr mark. */
function isFileMode(b: Uint8Array, p: number): boolean {
  if (!FILE_TYPES.has(b[p]!)) return false;
  for (let k = 1; k <= 9; k++) if (!PERMISSIONS.has(b[p + k]!)) return false;
  const next = b[p + 10];
  return next === 0x20 || next === 0x2e || next === 0x2b || next === 0x40;
}

const FILE_TYPES = new Set([...'-dlcbps'].map((c) => c.charCodeAt(0)));
const PERMISSIONS = new Set([...'rwxsStT-'].map((c) => c.charCodeAt(0)));

/**
 * True when an Ethereum address (`0x` then 40 hex digits) is on the line of `start`: the `value` of a
 * transaction (`{"to":"0x9f8e…","value":"4809…"}`) is an amount in wei, 18 decimals, often 19 digits.
 */
function ethereumAddressOnLine(b: Uint8Array, start: number): boolean {
  let p = start;
  while (p > 0 && start - p < 256 && b[p - 1] !== 0x0a) p--;
  const to = Math.min(b.length, start + 256);
  for (; p + 42 <= to; p++) {
    if (b[p] !== 0x30 || (b[p + 1]! | 0x20) !== 0x78 || isHex(b[p - 1])) continue;
    let n = 0;
    while (n < 41 && isHex(b[p + 2 + n])) n++;
    if (n === 40) return true;
  }
  return false;
}

/** True when `b[start..end)` is bracketed at the start of a line and a space follows: `[1270…] INFO`. */
function isLogPrefixField(b: Uint8Array, start: number, end: number): boolean {
  const lineStart = start === 1 || b[start - 2] === 0x0a || b[start - 2] === 0x0d;
  return lineStart && b[start - 1] === 0x5b && b[end] === 0x5d && b[end + 1] === 0x20;
}

/** Characters that end a URL path segment. */
const SEGMENT_END = new Set([0x2f, 0x3f, 0x23, 0x3b, 0x20, 0x09, 0x0a, 0x0d, 0x22, 0x27]);

/**
 * True when `b[start..end)` is a whole path segment of a URL or of an HTTP request line
 * (`GET /api/v1/accounts/4111…/balance`, `https://pay.test/c/4111…?x=1`): a value in a REST path
 * (access logs), not the tail of a longer token (`v1.4111…`, `file_4111…`). A file path
 * (`/data/4347…/x`) is not a URL: ids in storage paths stay ids.
 */
function isPathSegment(b: Uint8Array, start: number, end: number): boolean {
  if (b[start - 1] !== 0x2f || !(end >= b.length || SEGMENT_END.has(b[end]!))) return false;
  let p = start - 1;
  while (p > 0 && start - 1 - p < 64 && (isAlnum(b[p - 1]) || b[p - 1] === 0x2d || b[p - 1] === 0x5f || b[p - 1] === 0x2e || b[p - 1] === 0x7e)) p--;
  if (!(p < start - 1 && b[p - 1] === 0x2f)) return false;
  // After a collection of other things (`/orders/…`, `/users/…/posts`, `/status/…`, `/channels/…`,
  // `/p/…`), another id (`/channels/<guild>/<channel>`) or `wa.me/` (a phone), it is that thing's id.
  const previous = bytesText(b, p, start - 1).toLowerCase();
  if (ID_COLLECTIONS.has(previous) || /^\d+$/.test(previous)) return false;
  // The token that holds the path: a URL with a scheme, or the target of an HTTP method.
  let t = p - 1;
  while (t > 0 && p - t < 512 && b[t - 1]! > 0x20 && b[t - 1] !== 0x22 && b[t - 1] !== 0x27) t--;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(bytesText(b, t, Math.min(t + 16, start)));
  // Storage URLs (`s3://bucket/events/<id>/part-0`) hold ids, like file paths.
  if (scheme) return !STORAGE_SCHEMES.has(scheme[1]!.toLowerCase());
  if (b[t] !== 0x2f || b[t - 1] !== 0x20) return false;
  let w = t - 1;
  while (w > 0 && t - 1 - w < 7 && b[w - 1]! >= 0x41 && b[w - 1]! <= 0x5a) w--;
  return HTTP_METHODS.has(bytesText(b, w, t - 1)) && !isAlnum(b[w - 1]);
}

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Path segments whose next segment is the id of something that is no card (red team s3, F1). */
const ID_COLLECTIONS = new Set([
  'orders', 'order', 'users', 'user', 'status', 'statuses', 'channels', 'guilds', 'p', 'posts', 'products', 'product',
  'objects', 'items', 'events', 'messages', 'tickets', 'invoices', 'shipments', 'comments', 'photos', 'videos', 'wa.me',
]);

/** URL schemes of object stores and file systems: their paths hold ids. */
const STORAGE_SCHEMES = new Set(['s3', 's3a', 'gs', 'hdfs', 'file', 'abfs', 'abfss', 'wasb', 'wasbs']);

/**
 * True when a dump's tail follows `end`: the expiry then the CVV joined by one kind of punctuation
 * (`/1227/123`, `:12:27:123`, `-12-27-123`, `_1227_123`, `|1227|123`).
 */
function dumpTailAt(b: Uint8Array, end: number): boolean {
  const sep = b[end];
  if (sep !== 0x2f && sep !== 0x3a && sep !== 0x2d && sep !== 0x5f && sep !== 0x7c) return false;
  const groups: string[] = [];
  let p = end;
  while (groups.length < 4 && b[p] === sep && isDigit(b[p + 1])) {
    const from = p + 1;
    p = from;
    while (isDigit(b[p])) p++;
    groups.push(bytesText(b, from, p));
  }
  if (groups.length < 2 || isAlnum(b[p]) || (b[p] === sep && isAlnum(b[p + 1]))) return datedTailAt(b, end);
  const n = expiryLength(groups);
  return (n > 0 && n === groups.length - 1 && (groups[n]!.length === 3 || groups[n]!.length === 4)) || datedTailAt(b, end);
}

/**
 * A dump's tail whose expiry is written with its own separator (`:12/27:123`, `/2027-12/123`,
 * `:12-27:123`, ` / 2027-12 / 123`), or an expiry alone after `:` (`…4444:0327`).
 */
function datedTailAt(b: Uint8Array, end: number): boolean {
  const spaced = b[end] === 0x20 && b[end + 2] === 0x20;
  const sep = spaced ? b[end + 1] : b[end];
  if (sep !== 0x2f && sep !== 0x3a && sep !== 0x7c && sep !== 0x3b) return false;
  const from = end + (spaced ? 3 : 1);
  const m = /^(?:(0[1-9]|1[0-2])[/-](\d{2}|20\d\d)|(20\d\d)-(0[1-9]|1[0-2])|(0[1-9]|1[0-2])(\d\d))(?!\d)/.exec(String.fromCharCode(...b.subarray(from, Math.min(b.length, from + 8))));
  if (!m) return false;
  let p = from + m[0].length;
  if (m[6] !== undefined) return sep === 0x3a && !isAlnum(b[p]) && b[p] !== sep; // `:0327`
  const gap = spaced ? [0x20, sep, 0x20] : [sep];
  if (!gap.every((c, k) => b[p + k] === c)) return !isAlnum(b[p]) && b[p] !== sep;
  p += gap.length;
  const q = cvvDigitsAt(b, p);
  return q > 0 && !isAlnum(b[q]);
}

/** Keys of 12-digit cloud account ids (AWS account ids are exactly 12 digits). */
const ACCOUNT_KEYS = new Set(['account', 'aws_account', 'account_number', 'principal', 'owner', 'owner_id']);

/**
 * Thousands groups with a decimal part: the first group 1-3 digits, the others exactly 3, joined by
 * `.` then `,dd` after them (or by `,` then `.dd`): `363.003.633.201.681,46`.
 */
function isAmount(shape: Shape, b: Uint8Array, end: number): boolean {
  const gap = shape.gaps[0];
  if (gap === undefined || gap.length !== 1 || (gap[0] !== 0x2e && gap[0] !== 0x2c) || shape.groups[0]! > 3) return false;
  for (let k = 1; k < shape.groups.length; k++) if (shape.groups[k] !== 3 || !sameGap(shape.gaps[k - 1]!, gap)) return false;
  const decimal = gap[0] === 0x2e ? 0x2c : 0x2e;
  return b[end] === decimal && isDigit(b[end + 1]) && isDigit(b[end + 2]) && !isDigit(b[end + 3]);
}

/** Two blocks joined by one space or dash (`41111111 11111111`, `411111-1111111111`): a card only after a card key. */
function isTwoBlocks(shape: Shape): boolean {
  const gap = shape.gaps[0];
  return shape.groups.length === 2 && gap !== undefined && gap.length === 1 && (gap[0] === 0x20 || gap[0] === 0x2d);
}

/** Separators between a PAN and the card data that follows it in forms and dumps. */
function skipSeparators(b: Uint8Array, p: number, max: number): number {
  let q = p;
  while (q < b.length && q - p < max && (b[q] === 0x20 || b[q] === 0x09 || b[q] === 0x7c || b[q] === 0x2c || b[q] === 0x3b)) q++;
  return q;
}

/** 3 or 4 digits at `p` standing alone (a CVV), else -1; returns the end. */
function cvvDigitsAt(b: Uint8Array, p: number): number {
  let q = p;
  while (isDigit(b[q])) q++;
  const n = q - p;
  return (n === 3 || n === 4) && !isAlnum(b[q]) && b[q] !== 0x2f && b[q] !== 0x2d ? q : -1;
}

/**
 * True when the card data of a card follows `end`: an expiry then a CVV (`12/27 123`), or a labelled
 * CVV (`cvv 123`, `cvc: 1234`) or a labelled expiry (`exp 12/27`), possibly after an expiry.
 */
function cardDataAfter(b: Uint8Array, end: number): boolean {
  let p = skipSeparators(b, end, 3);
  if (p === end) return false;
  const expiry = expiryAfterPan(b, end);
  if (expiry) {
    const q = skipSeparators(b, expiry.end, 3);
    if (q > expiry.end && cvvDigitsAt(b, q) > 0) return true;
    p = q;
  }
  // Every key below starts with `c` or `e`: most numbers are followed by something else.
  const first = b[p]! | 0x20;
  if (first !== 0x63 && first !== 0x65) return false;
  let w = p;
  while (isAlpha(b[w]) && w - p < 12) w++;
  const word = bytesText(b, p, w).toLowerCase();
  if (/^(?:cvv|cvc|cvn|cvd|csc|cid)$/.test(word) || /^(?:cvv|cvc)2$/.test(word + String.fromCharCode(b[w] ?? 0))) {
    let q = b[w] === 0x32 /* 2 */ ? w + 1 : w;
    while (q < b.length && q - w < 3 && (b[q] === 0x20 || b[q] === 0x3a || b[q] === 0x3d || b[q] === 0x23)) q++;
    return cvvDigitsAt(b, q) > 0;
  }
  if (/^exp(?:iry|iration|ires)?$/.test(word)) {
    let q = w;
    while (q < b.length && q - w < 3 && (b[q] === 0x20 || b[q] === 0x3a || b[q] === 0x3d || b[q] === 0x23)) q++;
    return isDigit(b[q]) && expiryAtTrigger(b, q, false) !== undefined;
  }
  return false;
}

/** True when a card keyword starts at `at` (`cvv`, `cvc`, `cvd`, `cvn`, `csc`, `exp`). */
function cardKeywordAt(b: Uint8Array, at: number): boolean {
  if (at + 3 > b.length) return false;
  const w = String.fromCharCode(b[at]! | 0x20, b[at + 1]! | 0x20, b[at + 2]! | 0x20);
  return w === 'cvv' || w === 'cvc' || w === 'cvd' || w === 'cvn' || w === 'csc' || w === 'exp';
}

/** Words that say "a number follows", in the languages of the card keys (`numéro`, `número`, `nummer`). */
const NUMBER_WORDS = new Set(['number', 'num', 'no', 'nr', 'nbr', 'nro', 'numero', 'numéro', 'número', 'nummer', 'numer']);

/**
 * True when the one letter glued at `start - 1` hides a card number: it starts a token (not the
 * tail of `0x4111…` or `abc4111…`) and a card key or a number word precedes it (`card number:
 * a4111…`, `num: x4111…`, `my number is X4111…`), or card words are near, or it is the track 1
 * format code `B` (`B5555555555554444`, a track whose `%` and `^` fields were cut off).
 */
function letterBeforeIsEvasion(b: Uint8Array, start: number): boolean {
  if (isAlnum(b[start - 2]) || b[start - 2] === 0x5f) return false;
  if (b[start - 1] === 0x42 && (start === 1 || !isAlnum(b[start - 2]))) return true;
  const key = leftContext(b, start - 1);
  if (key.kind === 'negative' || key.phone || key.currency || key.marked) return false;
  return key.kind === 'positive' || key.word.split(/[_-]/).some((w) => NUMBER_WORDS.has(w)) || cardWordsBefore(b, start - 1);
}

/** True when a number word is glued before `start`, non-ASCII letters included (`numéro4111…`, `nummer4111…`). */
function numberWordGluedBefore(b: Uint8Array, start: number): boolean {
  let p = start;
  while (p > 0 && start - p < 12 && (isAlpha(b[p - 1]) || b[p - 1]! >= 0x80)) p--;
  if (p === start || isAlnum(b[p - 1])) return false;
  return NUMBER_WORDS.has(Buffer.from(b.subarray(p, start)).toString('utf8').toLowerCase());
}

/** One-letter units and suffixes of numbers: durations (`…s`, `…ms`), sizes (`…k`, `…G`), a Java long (`…L`). */
const UNIT_LETTERS = new Set([...'smhdwyklbgtKMGTBL'].map((c) => c.charCodeAt(0)));

/**
 * True when exactly one letter is glued at `end` and the token ends there (`…1111z`, `…1111X "`):
 * not a unit (`…s`, `…k`), not a longer word or hex tail, not attached to more of the token (`…1111a.log`).
 */
function oneLetterAfter(b: Uint8Array, end: number): boolean {
  const next = b[end + 1];
  if (!isAlpha(b[end]) || isAlnum(next) || next === 0x5f || UNIT_LETTERS.has(b[end]!)) return false;
  return !((next === 0x2e || next === 0x2f || next === 0x2d || next === 0x3a || next === 0x40) && isAlnum(b[end + 2]));
}

/** Every group but the last has the same size (at most 4), the last is not longer, one gap kind. */
function isEvenSplit(shape: Shape): boolean {
  const size = shape.groups[0]!;
  if (size > 4) return false;
  const inner = shape.groups.slice(0, -1);
  const last = shape.groups[shape.groups.length - 1]!;
  const gap = shape.gaps[0]!;
  return inner.every((g) => g === size) && last <= size && shape.gaps.every((g) => sameGap(g, gap) || sameCategory(g, gap));
}

/**
 * Unusual but plausible print: three or more blocks of 3-8 digits, all joined by the same single
 * space or dash (`37828 22463 10005`, `4111 111111 111111`).
 */
function isPlainBlocks(shape: Shape): boolean {
  const gap = shape.gaps[0];
  return (
    shape.groups.length >= 3 &&
    shape.groups.every((g) => g >= 3 && g <= 8) &&
    gap !== undefined && gap.length === 1 && (gap[0] === 0x20 || gap[0] === 0x2d) &&
    shape.gaps.every((g) => sameGap(g, gap))
  );
}

/** A printed grouping or an even split (the test a wrapped PAN's joined shape must pass). */
function printedOrEven(shape: Shape): boolean {
  return isPrintedGrouping(shape.groups) || isEvenSplit(shape);
}

/** The shape with the groups on both sides of each line-break gap joined. */
function unwrap(shape: Shape): Shape {
  const groups = [shape.groups[0]!];
  const gaps: number[][] = [];
  shape.gaps.forEach((gap, k) => {
    if (gap.some((c) => LINE_BREAKS.has(c))) groups[groups.length - 1]! += shape.groups[k + 1]!;
    else {
      groups.push(shape.groups[k + 1]!);
      gaps.push(gap);
    }
  });
  return { digits: shape.digits, groups, gaps };
}

/** Line breaks of either convention count as one kind of gap (a PAN wrapped across lines). */
function sameCategory(a: readonly number[], b: readonly number[]): boolean {
  return a.some((c) => LINE_BREAKS.has(c)) || b.some((c) => LINE_BREAKS.has(c));
}

function candidate(
  start: number,
  end: number,
  digits: string,
  brand: CardBrand,
  confidence: number,
  evasion: boolean,
  wholeRun: boolean,
  printed: boolean,
): PanCandidate {
  const rank = (wholeRun ? 4 : 0) + (printed ? 2 : 0) + confidence;
  return { start, end, digits, brand, confidence, testCard: isTestCard(digits), evasion, rank };
}

/**
 * A window that is part of a longer run still counts as a card when it stands apart: one group
 * separated from its neighbours by whitespace only (`4111111111111111 123`), or a printed grouping
 * whose neighbours are joined differently (`4111-1111-1111-1111 12/25`), come after it and are
 * short (a CVV or an expiry: `4111 1111 1111 1111 123`), or are themselves whole cards
 * (`4111 1111 1111 1111 5555 5555 5555 4444`: a list of cards, not one long number).
 */
function isStandaloneSlice(shape: Shape, before: Neighbour[], after: Neighbour[], printed: boolean): boolean {
  if (!printed) return false;
  const outer = [...before.slice(0, 1), ...after.slice(0, 1)];
  if (shape.groups.length === 1 && outer.every((n) => n.gap.every((c) => WHITESPACE.has(c)))) return true;
  const inner = shape.gaps[0];
  if (inner !== undefined && outer.every((n) => !sameGap(n.gap, inner))) return true;
  if (before.length === 0 && after.reduce((sum, n) => sum + n.digits, 0) <= 4) return true;
  // A multi-group card after one short number (`seat 12 4111 1111 1111 1111`), or followed by a date
  // (`4111 1111 1111 1111 2024-01-02 10:00`).
  const tail = after.length === 0 || isExpiryCvvTail(after.map((n) => n.text), false);
  if (shape.groups.length >= 3 && isShortNumberBefore(before) && tail) return true;
  if (shape.groups.length >= 3 && before.length === 0 && isDateTail(after)) return true;
  // What follows a card in forms and dumps: its expiry, then maybe its CVV (`12/27 123`, `/1227/123`).
  if (before.length === 0 && isExpiryCvvTail(after.map((n) => n.text), brandOf(shape.digits) === 'amex')) return true;
  return wholeCards([...before].reverse(), 0) && wholeCards(after, 4);
}

/**
 * `MM YY`, `MM YYYY` or `MMYY`, then optionally a CVV; or a CVV then the expiry (`123 12/27`). A CVV
 * is 3 digits; for Amex 4 (the front CID) or 3 (the back CSC: `3406 396908 70104 03/2027 999`).
 */
function isExpiryCvvTail(groups: readonly string[], amex: boolean): boolean {
  const cvv = (c: string | undefined) => c !== undefined && (c.length === 3 || (amex && c.length === 4));
  if (cvv(groups[0]) && groups.length > 1 && expiryLength(groups.slice(1)) === groups.length - 1) return true;
  const n = expiryLength(groups);
  if (n === 0) return false;
  const rest = groups.slice(n);
  return rest.length === 0 || (rest.length === 1 && cvv(rest[0]));
}

/**
 * The run before a multi-group card is one short number (`seat 12`) or a local phone number
 * (`555 0100`: 3 then 4 digits), joined by whitespace: not more groups of the same card number.
 */
function isShortNumberBefore(before: readonly Neighbour[]): boolean {
  const white = (n: Neighbour) => n.gap.every((c) => WHITESPACE.has(c));
  if (before.length === 1) return before[0]!.digits <= 3 && white(before[0]!);
  return before.length === 2 && before[0]!.digits === 4 && before[1]!.digits === 3 && white(before[0]!) && white(before[1]!);
}

/** A date after a card: `YYYY-MM-DD` (or `/`, `.`), after whitespace, maybe followed by a time. */
function isDateTail(after: readonly Neighbour[]): boolean {
  const [year, month, day] = after;
  if (!year || !month || !day || !year.gap.every((c) => WHITESPACE.has(c))) return false;
  const sep = month.gap;
  return (
    /^(?:19|20)\d\d$/.test(year.text) && /^(?:0[1-9]|1[0-2])$/.test(month.text) && /^(?:0[1-9]|[12]\d|3[01])$/.test(day.text) &&
    sep.length === 1 && (sep[0] === 0x2d || sep[0] === 0x2f || sep[0] === 0x2e) && sameGap(day.gap, sep)
  );
}

/** How many groups an expiry at the start of `groups` takes (`MM YY`, `MM YYYY`: 2; `MMYY`: 1), else 0. */
function expiryLength(groups: readonly string[]): number {
  const month = (m: string | undefined) => m !== undefined && /^(?:0[1-9]|1[0-2])$/.test(m);
  if (month(groups[0]) && /^(?:\d{2}|20\d{2})$/.test(groups[1] ?? '')) return 2;
  if (/^20\d{2}$/.test(groups[0] ?? '') && month(groups[1])) return 2; // YYYY-MM
  if (/^\d{4}$/.test(groups[0] ?? '') && month(groups[0]!.slice(0, 2))) return 1;
  return 0;
}

/**
 * True when `groups` (in reading order) split into consecutive card numbers (12-19 digits, Luhn,
 * a known issuer), leaving at most `tail` digits after the last one (a CVV).
 */
function wholeCards(groups: readonly Neighbour[], tail: number): boolean {
  let digits = '';
  for (const g of groups) {
    digits += g.text;
    if (digits.length > MAX_PAN_DIGITS) return false;
    if (digits.length >= MIN_PAN_DIGITS && luhn(digits) && brandOf(digits)) digits = '';
  }
  return digits.length <= tail;
}

/** Keeps the best of overlapping candidates (rank, then earliest start), sorted by start. */
export function choosePans(candidates: PanCandidate[]): PanCandidate[] {
  return keepBest(candidates, (x, y) => y.rank - x.rank || x.start - y.start || y.end - x.end);
}
