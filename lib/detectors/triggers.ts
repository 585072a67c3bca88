/**
 * From the engine's literal trigger hits to the places the detectors inspect.
 *
 * The built-in Hyperscan triggers are plain literals (`exp`, `cvv`, `pin`, `%`, …): a small set of
 * ASCII literals is the one shape Hyperscan scans at memory-like speed (shared/PERFORMANCE.md; a
 * trailing `[0-9]` or `\b` on a few of them halved the whole database's throughput). The structure
 * around a keyword (a word boundary, the separator, the digit that must follow) is confirmed here
 * instead, by reading a few bytes. The keyword and evasion confirmations mirror the former regular
 * expressions exactly (test/detectors/triggers.test.ts holds them to those expressions on random
 * input); the expiry ones read the key grammar of expiry.ts, which finds more than the former
 * expression did (XML elements, form keys, month names).
 */
import { expiryGapEnd, expiryValueAfterKey, nestedExpiry } from './expiry.js';
import { isDigit, isHex } from './text.js';

/** What a confirmed trigger asks the detectors to look at. */
export const Keyword = {
  /** `cvv`, `cvc`, `cvd`, `cvn`, `cid`, `csc`: the value follows the 3-letter key. */
  cvv: 0,
  /** "security code", "verification value"…: the value follows the phrase. */
  cvvPhrase: 1,
  /** `exp…` then a digit: the digit is where the date starts. */
  expiry: 2,
  /** "valid thru"… then a digit. */
  expiryPhrase: 3,
  /** `pin` or `epb` as a word. */
  pin: 4,
  /** `pin block`, `pinblk`, `pin code`, `pin number`, `pin no`, `epb_hex`. */
  pinBlock: 5,
  /** `exp…` opening a nested object with month and year keys (`"exp":{"month":12,"year":2027}`). */
  expiryNested: 6,
} as const;
export type Keyword = (typeof Keyword)[keyof typeof Keyword];

function isWordByte(c: number | undefined): boolean {
  if (c === undefined) return false;
  const l = c | 0x20;
  return (c >= 0x30 && c <= 0x39) || (l >= 0x61 && l <= 0x7a) || c === 0x5f;
}

/** Whether `b[at..]` starts with `word` (lower case), letters compared case-insensitively. */
function wordAt(b: Uint8Array, at: number, word: string, caseless = true): boolean {
  if (at < 0 || at + word.length > b.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = b[at + k]!;
    if ((caseless && c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** `(?:\b|_)KEY\b` for a key at `[start, end)`: a word of its own or the last snake_case part. */
function isKeywordWord(b: Uint8Array, start: number, end: number): boolean {
  const before = b[start - 1];
  return (before === 0x5f || !isWordByte(before)) && !isWordByte(b[end]);
}

function isSeparator(c: number | undefined): boolean {
  return c === 0x20 || c === 0x5f || c === 0x2d; // space, _, -
}

/** After an optional `[ _-]`, the first of `words` found at that point: its end, or -1. */
function wordAfter(b: Uint8Array, at: number, words: readonly string[]): number {
  const from = isSeparator(b[at]) ? [at, at + 1] : [at];
  for (const p of from) for (const w of words) if (wordAt(b, p, w)) return p + w.length;
  return -1;
}

/**
 * Where `C1{0,max1} C2{0,4} [0-9]` ends when it starts at `at`, or -1. Taking C1 greedily is exact:
 * the two classes share only the space, so a longer C1 part never rules a match out.
 */
function digitAfter(b: Uint8Array, at: number, inC1: (c: number) => boolean, max1: number, inC2: (c: number) => boolean): number {
  let p = at;
  while (p < b.length && p - at < max1 && inC1(b[p]!)) p++;
  const c2From = p;
  while (p < b.length && p - c2From < 4 && inC2(b[p]!)) p++;
  return isDigit(b[p]) ? p + 1 : -1;
}

const isLetter = (c: number): boolean => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
/** `[a-z_ ]` (case-insensitive): `exp` then `iry`, `_month`, `ires on`. */
const expiryWordByte = (c: number): boolean => isLetter(c) || c === 0x5f || c === 0x20;
/** `[:="'#/ \t.-]` */
const expiryPunct = (c: number): boolean => c === 0x3a || c === 0x3d || c === 0x22 || c === 0x27 || c === 0x23 || c === 0x2f || c === 0x20 || c === 0x09 || c === 0x2e || c === 0x2d;
/** `[a-z ]` (case-insensitive) */
const phraseWordByte = (c: number): boolean => isLetter(c) || c === 0x20;
/** `[:="' \t.-]` */
const phrasePunct = (c: number): boolean => c === 0x3a || c === 0x3d || c === 0x22 || c === 0x27 || c === 0x20 || c === 0x09 || c === 0x2e || c === 0x2d;

/** Receives each confirmed keyword place: its kind and the offset where the former expression ended. */
export type KeywordSink = (kind: Keyword, end: number) => void;

/**
 * `cv[vcdn]` needs no confirmation; `cid|csc` must be a word (or the last snake_case part).
 * `end` is the literal's end; reports the key's end.
 */
export function confirmCvvKey(b: Uint8Array, end: number, short: boolean, emit: KeywordSink): void {
  if (!short || isKeywordWord(b, end - 3, end)) emit(Keyword.cvv, end);
}

/**
 * The first visible digit after a mask run, from a hit of a mask trigger (patterns.ts
 * `maskThenDigit`) ending at `end`, or -1. A trigger is either `MASK{4}[ .-]?[0-9]`, whose last
 * byte is the digit, or `MASK{4}[^MASK]`, which ends on the byte after the run: the digit, or one of
 * ` .-` before it. (The second shape is one Hyperscan literal where the first is thirteen: see the
 * literal budget in patterns.ts.)
 *
 * @example
 * maskDigit(Buffer.from('#### 4242'), 5) // 5
 */
export function maskDigit(b: Uint8Array, end: number): number {
  const c = b[end - 1];
  if (isDigit(c)) return end - 1;
  return (c === 0x20 || c === 0x2e || c === 0x2d) && isDigit(b[end]) ? end : -1;
}

/**
 * `exp` ending at `end` when it is an expiry key (`exp`, `expiry`, `expMonth`, `EXP12/27`, not
 * `export`) with a value after it (expiry.ts reads the key and the gap); reports the end past the
 * value's first character; or, when the key opens a nested object with month and year keys, the key's
 * end as `expiryNested`.
 */
export function confirmExpiry(b: Uint8Array, end: number, emit: KeywordSink): void {
  const at = expiryValueAfterKey(b, end);
  if (at >= 0) emit(Keyword.expiry, at + 1);
  else if (nestedExpiry(b, end)) emit(Keyword.expiryNested, end);
}

/**
 * A CVV phrase (the literal ending at `end`): reported as it is, except `sec code` inside another
 * word (`msec code`): `(?:\b|_)sec[ _-]?code`.
 */
export function confirmCvvPhrase(b: Uint8Array, end: number, emit: KeywordSink): void {
  const sec = wordAt(b, end - 7, 'seccode') ? end - 7 : isSeparator(b[end - 5]) && wordAt(b, end - 8, 'sec') && wordAt(b, end - 4, 'code') ? end - 8 : -1;
  if (sec >= 0 && b[sec - 1] !== 0x5f && isWordByte(b[sec - 1])) return;
  emit(Keyword.cvvPhrase, end);
}

/**
 * `MM/YY` or `MM/YYYY` (the literal `mm/yy` ending at `end`) as a label of its own, not inside a
 * word or a longer format (`YYYY-MM/YY`), with a value after it; reported as a phrase.
 */
export function confirmExpiryLabel(b: Uint8Array, end: number, emit: KeywordSink): void {
  if (isWordByte(b[end - 6])) return;
  const labelEnd = wordAt(b, end, 'yy') ? end + 2 : end;
  if (isWordByte(b[labelEnd])) return;
  confirmExpiryPhrase(b, labelEnd, emit);
}

/** "valid thru"… (the literal ending at `end`) with a value after it; reports the end past its first character. */
export function confirmExpiryPhrase(b: Uint8Array, end: number, emit: KeywordSink): void {
  const at = expiryGapEnd(b, end);
  if (at >= 0) emit(Keyword.expiryPhrase, at + 1);
}

/**
 * `(?:\b|_)(?:pin|epb)\b`, `pin[ _-]?(?:block|blk|code|number|no)` and `(?:\b|_)epb_hex\b` from the hit of `pin` or `epb`
 * ending at `end`; reports each key's end.
 */
export function confirmPin(b: Uint8Array, end: number, emit: KeywordSink): void {
  if (isKeywordWord(b, end - 3, end)) emit(Keyword.pin, end);
  if ((b[end - 3]! | 0x20) !== 0x70) {
    // `epb_hex` (an encrypted PIN block as hex, payment-API field).
    if (b[end] === 0x5f && wordAt(b, end + 1, 'hex') && !isWordByte(b[end + 4]) && (b[end - 4] === 0x5f || !isWordByte(b[end - 4]))) emit(Keyword.pinBlock, end + 4);
    return;
  }
  const phraseEnd = wordAfter(b, end, ['block', 'blk', 'code', 'number', 'no']);
  if (phraseEnd >= 0) emit(Keyword.pinBlock, phraseEnd);
}

/**
 * The evasion place of a layout trigger whose first byte is at `at`, when it splits digits: a
 * quoted-printable soft line break (`4111111=\r\n111…`) or encoded space (`4111=201111`), a `+`
 * between digit groups (`card=4111+1111+…`), both hinted by the evasion-hint pass after a digit; a
 * line break then an indentation (`4111 1111\n    1111 1111`, patterns.ts `evasionLayout`).
 * Reports `at`.
 *
 * @example
 * layoutPlaces(Buffer.from('4111=201111'), 4, (p) => console.log(p)) // 4
 */
export function layoutPlaces(b: Uint8Array, at: number, push: (place: number) => void): void {
  const c = b[at];
  if (c === 0x2b /* + */) {
    if (isDigit(b[at - 1]) && isDigit(b[at + 1])) push(at);
  } else if (c === 0x3d /* = */) {
    const nl = b[at + 1] === 0x0a ? 2 : b[at + 1] === 0x0d && b[at + 2] === 0x0a ? 3 : 0;
    const after = b[at + nl];
    if (nl > 0 && (isDigit(after) || (after === 0x20 && isDigit(b[at + nl + 1])))) push(at);
    else if (b[at + 1] === 0x32 && b[at + 2] === 0x30 && isDigit(b[at + 3]) && isDigit(b[at - 1])) push(at);
  } else {
    // `\n` + 3 spaces or tabs, `\r\n` + 2: a digit before the break, more indentation, then a digit.
    const before = c === 0x0d ? at - 1 : b[at - 1] === 0x0d ? at - 2 : at - 1;
    let p = at + 4;
    while (p - at < 20 && (b[p] === 0x20 || b[p] === 0x09)) p++;
    if (isDigit(b[before]) && isDigit(b[p])) push(at);
  }
}

/**
 * The evasion places around a hit of `&`, `%` or `\` at `at` (the byte's offset): the offsets where
 * the former evasion expressions ended, minus one (what the evasion pass expects). Mirrors
 * `&#[0-9xX]`, `[0-9]&nbsp;`, `%3[0-9]`, `%[eE][fF]%[bB][cC]%9[0-9]`, `[0-9]%2[0dD]`,
 * `%[0-9A-Fa-f]{2}[0-9]`, `\\u[0-9a-fA-F]{4}`, `\\x3[0-9]`, `\\u\{[0-9a-fA-F]{1,6}\}` and `[0-9 ]\\[ntr]`.
 */
export function evasionPlaces(b: Uint8Array, at: number, push: (place: number) => void): void {
  const next = b[at + 1];
  switch (b[at]) {
    case 0x26: // &
      if (next === 0x23 && (isDigit(b[at + 2]) || (b[at + 2]! | 0x20) === 0x78)) push(at + 2);
      else if (isDigit(b[at - 1]) && wordAt(b, at + 1, 'nbsp;', false)) push(at + 5);
      return;
    case 0x25: // %
      if (next === 0x33 && isDigit(b[at + 2])) push(at + 2);
      if (next === 0x32 && isDigit(b[at - 1]) && (b[at + 2] === 0x30 || (b[at + 2]! | 0x20) === 0x64)) push(at + 2);
      if (isHex(next) && isHex(b[at + 2]) && isDigit(b[at + 3])) push(at + 3);
      if (wordAt(b, at + 1, 'ef%bc%9') && isDigit(b[at + 8])) push(at + 8);
      return;
    case 0x5c: // backslash
      if (next === 0x75 && isHex(b[at + 2]) && isHex(b[at + 3]) && isHex(b[at + 4]) && isHex(b[at + 5])) push(at + 5);
      else if (next === 0x75 && b[at + 2] === 0x7b /* { */) {
        // An ES2015 code point escape `\u{34}`: one to six hex digits, then `}`.
        let p = at + 3;
        while (p - at - 3 < 6 && isHex(b[p])) p++;
        if (p > at + 3 && b[p] === 0x7d) push(p);
      } else if (next === 0x78 && b[at + 2] === 0x33 && isDigit(b[at + 3])) push(at + 3);
      // A JSON-escaped line break or tab after a digit group (`"4111\n1111\n…"` in a prompt body).
      else if ((next === 0x6e || next === 0x74 || next === 0x72) && (isDigit(b[at - 1]) || b[at - 1] === 0x20)) push(at + 1);
      return;
  }
}
