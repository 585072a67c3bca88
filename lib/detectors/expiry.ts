/**
 * Card expiry dates next to a keyword (`exp`, `expiry`, `expiration_date`, `expMonth`/`exp_year`,
 * "valid thru", "good through") or right after a PAN.
 *
 * Formats: MM/YY, MM/YYYY, MM-YY, MM.YY, MM YY, MMYY, YYYY-MM, MM%2FYY, and a lone month or year after a
 * month or year key (`exp_month=12`, `"exp_year": 2027`).
 */
import { cardWordsBefore } from './context.js';
import { raw, type RawFinding } from './finding.js';
import { bytesText, isAlnum, isAlpha, isDigit } from './text.js';
import type { Token } from './values.js';
import { FILLERS, layoutEnd, wordEnd } from './values.js';

const KEY = /^exp(?:iry|iration|ires|ire|ired|iring|\.)?(?:[_.-]?(date|dt|month|mon|mm|year|yr|yy|yyyy|on|mm[_.-]?yy|mmyy|mm[_.-]?yyyy|mmyyyy))?$/;

type KeyKind = 'month' | 'year' | 'date';

function keyKind(suffix: string | undefined): KeyKind {
  if (suffix === 'month' || suffix === 'mon' || suffix === 'mm') return 'month';
  if (suffix === 'year' || suffix === 'yr' || suffix === 'yy' || suffix === 'yyyy') return 'year';
  // `exp_mm_yy`, `expiry_mmyy`: a whole date.
  return 'date';
}

/** The value of the digit token `t` (digits only). */
function num(b: Uint8Array, t: Token): number {
  // Exact in doubles up to 15 digits; a longer token (never a month or a year) is parsed as before.
  if (t.end - t.start > 15) return Number(bytesText(b, t.start, t.end));
  let n = 0;
  for (let i = t.start; i < t.end; i++) n = n * 10 + (b[i]! - 0x30);
  return n;
}

function digitToken(b: Uint8Array, at: number): Token | undefined {
  if (!isDigit(b[at])) return undefined;
  let end = at;
  while (isDigit(b[end])) end++;
  return { start: at, end };
}

const validMonth = (m: number): boolean => m >= 1 && m <= 12;
const validYear = (y: number, digits: number): boolean => (digits === 2 ? true : y >= 1990 && y <= 2099);

/** Parses an expiry date starting at `at`; returns its span or undefined. `fieldSep`: the separator of the dump the date sits in, if any. */
export function parseExpiry(b: Uint8Array, at: number, kind: KeyKind = 'date', fieldSep = -1): Token | undefined {
  const first = digitToken(b, at);
  if (!first) return undefined;
  const n1 = first.end - first.start;
  if (isAlpha(b[first.end])) return undefined;
  if (kind === 'month') return n1 <= 2 && validMonth(num(b, first)) ? first : undefined;
  if (kind === 'year') return (n1 === 2 || n1 === 4) && validYear(num(b, first), n1) ? first : undefined;
  // A separator (one of / - . or one space, maybe with a space before / - .) then a second group.
  let p = first.end;
  if (b[p] === 0x20 && !isDigit(b[p + 1])) p++;
  // A percent-encoded slash is a slash (`cc-exp=12%2F27` in a form body).
  const encodedSlash = b[p] === 0x25 && b[p + 1] === 0x32 && (b[p + 2]! | 0x20) === 0x66;
  const sep = encodedSlash ? 0x2f : b[p];
  if (sep === 0x2f || sep === 0x2d || sep === 0x2e || (sep === 0x20 && p === first.end)) {
    let q = encodedSlash ? p + 3 : p + 1;
    if (sep !== 0x20 && b[q] === 0x20) q++;
    const second = digitToken(b, q);
    if (second) {
      const n2 = second.end - second.start;
      const trailing = b[second.end];
      // In a dump whose fields are joined by `/` or `-`, that separator then a CVV ends the expiry
      // (`4111…/2027-12/123`, `4111…/12-27/123`): the next field, not a longer date.
      const longer =
        (trailing === 0x2f || trailing === 0x2d || trailing === 0x2e) && isDigit(b[second.end + 1]) && !(trailing === fieldSep && codeAt(b, second.end + 1));
      if (!longer && !isAlnum(trailing)) {
        if (n1 <= 2 && validMonth(num(b, first)) && (n2 === 2 || n2 === 4) && validYear(num(b, second), n2)) {
          return { start: first.start, end: second.end };
        }
        if (n1 === 4 && validYear(num(b, first), 4) && n2 === 2 && validMonth(num(b, second))) {
          return { start: first.start, end: second.end };
        }
      }
      if (sep === 0x20) return n1 === 4 ? compact(b, first) : undefined;
      return undefined;
    }
  }
  return compact(b, first);
}

/** MMYY or MMYYYY without a separator. */
function compact(b: Uint8Array, t: Token): Token | undefined {
  const s = bytesText(b, t.start, t.end);
  if (s.length === 4 && validMonth(Number(s.slice(0, 2)))) return t;
  if (s.length === 6 && validMonth(Number(s.slice(0, 2))) && validYear(Number(s.slice(2)), 4)) return t;
  return undefined;
}

/** Words that may stand between an expiry key and its value: fillers and a format hint (`(MM/YY)`). */
const GAP_WORDS = new Set([...FILLERS, 'end', 'thru', 'through', 'mm', 'yy', 'yyyy', 'mmyy', 'mmyyyy', 'm', 'y']);

/** Punctuation that may stand between an expiry key and its value, XML and form brackets included. */
function gapPunct(c: number | undefined): boolean {
  return (
    c === 0x20 || c === 0x09 || c === 0x3a || c === 0x3d || c === 0x22 || c === 0x27 || c === 0x23 || c === 0x2f ||
    c === 0x2e || c === 0x2d || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x3e || c === 0x2c ||
    c === 0x60 || c === 0x7b || c === 0x7d || c === 0x7c
  );
}

const MONTHS = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/;

/**
 * Where the value after an expiry key or phrase starts, reading from `from` (just past the key):
 * punctuation (`: `, `=`, `>` of an XML element, `]=` of a form key, `%5D=` URL-encoded), filler
 * words and a format hint (`Expiry Date (MM/YY): 12/27`) are skipped. Returns the offset of the
 * value's first digit, or of a month name (`expiry: Dec 2027`), or -1.
 */
export function expiryGapEnd(b: Uint8Array, from: number): number {
  const limit = Math.min(b.length, from + GAP_REACH);
  let p = from;
  while (p < limit) {
    const c = b[p]!;
    if (isDigit(c)) return p;
    if (gapPunct(c) || lineBreakAfterColon(b, p)) p++;
    else if (c === 0xc2 && b[p + 1] === 0xa0) p += 2; // NBSP
    else if (layoutEnd(b, p) > p) p = layoutEnd(b, p); // `：`, `**`, `</td><td>`
    else if (c === 0x25 /* % */ && isHexByte(b[p + 1]) && isHexByte(b[p + 2])) p += 3; // %5D, %3D
    else if (isAlpha(c)) {
      let q = p;
      while (isAlpha(b[q]) && q - p < 12) q++;
      const word = bytesText(b, p, q).toLowerCase();
      if (GAP_WORDS.has(word) && !isDigit(b[q])) p = q;
      else return MONTHS.test(word) && monthYearEnd(b, q) > 0 ? p : -1;
    } else return -1;
  }
  return -1;
}

/** A line break after a label's colon (`Expiry:\n12/27`, forms and CSV-like dumps). */
function lineBreakAfterColon(b: Uint8Array, p: number): boolean {
  if (b[p] !== 0x0a && b[p] !== 0x0d) return false;
  let q = p;
  while (q > 0 && (b[q - 1] === 0x20 || b[q - 1] === 0x09 || b[q - 1] === 0x0d)) q--;
  return b[q - 1] === 0x3a;
}

/** How far after a key its value may start. */
const GAP_REACH = 40;

/** True when a digit comes after `from` through gap characters only (a byte-only superset of `expiryGapEnd`). */
function digitAhead(b: Uint8Array, from: number): boolean {
  const limit = Math.min(b.length, from + GAP_REACH);
  for (let p = from; p < limit; p++) {
    const c = b[p]!;
    if (isDigit(c)) return true;
    if (!(gapPunct(c) || isAlpha(c) || c === 0x25 || c === 0xc2 || c === 0xa0 || c === 0x2a || c === 0x3c || c >= 0x80 || lineBreakAfterColon(b, p))) return false;
  }
  return false;
}

function isHexByte(c: number | undefined): boolean {
  return c !== undefined && (isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
}

/** End of ` 2027` / ` 27` / `. 2027` after a month name ending at `p`, else -1. */
function monthYearEnd(b: Uint8Array, p: number): number {
  let q = p;
  if (b[q] === 0x2e) q++;
  if (b[q] !== 0x20 && b[q] !== 0x2d && b[q] !== 0x2f) return -1;
  q++;
  const year = digitToken(b, q);
  if (!year || isAlnum(b[year.end])) return -1;
  const n = year.end - year.start;
  return (n === 2 || (n === 4 && validYear(num(b, year), 4))) ? year.end : -1;
}

/**
 * Where the value of an expiry key starts when `exp` ends at `keyEnd` (the trigger's hit), else -1:
 * the key must be an expiry key (`exp`, `expiry`, `expiration_date`, `expMonth`, `exp_mm_yy`,
 * `EXP12/27`, not `export` or `rexp`), then `expiryGapEnd`. What the engine's `exp` literal is
 * confirmed with; `expiryAtTrigger` then parses the value at that offset.
 *
 * @example
 * expiryValueAfterKey(Buffer.from('<expiry>12/27</expiry>'), 4) // 8
 */
export function expiryValueAfterKey(b: Uint8Array, keyEnd: number): number {
  // Cheap checks first: most `exp` in logs (`expired`, `expected`) have no value after them.
  // Cheap byte checks first: most `exp` in logs (`expired`, `expected`) lead to no value at all.
  const k = keyEnd - 3;
  const end = expiryKeyEnd(b, k);
  // A bare `exp(` is the exponential function (`y = exp(1227)`), not a key.
  if (end < 0 || !keyShape(b, k, end) || (end === keyEnd && b[end] === 0x28) || !digitAhead(b, end)) return -1;
  const at = expiryGapEnd(b, end);
  return at >= 0 && expiryKey(b, k) ? at : -1;
}

/** How far after an expiry key its nested month and year keys may be. */
const NESTED_REACH = 72;

/**
 * The month and the year under an expiry key that opens a nested object when `exp` ends at `keyEnd`
 * (`"exp":{"month":12,"year":2027}`, YAML `expiry:\n  month: 12\n  year: 2027`, XML
 * `<expiryDate><date month="05" year="2035"/>`): both values, or undefined when either is missing.
 *
 * @example
 * nestedExpiry(Buffer.from('"exp":{"month":12,"year":2027}'), 4) // expiry [15, 17) and [25, 29)
 */
export function nestedExpiry(b: Uint8Array, keyEnd: number): [RawFinding, RawFinding] | undefined {
  // Cheap test first: an object opens right after the key (`{`, a line break, an element).
  let p = expiryKeyEnd(b, keyEnd - 3);
  if (p < 0) return undefined;
  const keyStop = p;
  let separator = false; // `:`, `=` or `>`: a key, not a word of prose (`expected\n`)
  while (p - keyStop < 4 && (b[p] === 0x22 || b[p] === 0x27 || b[p] === 0x3a || b[p] === 0x3d || b[p] === 0x20 || b[p] === 0x3e)) {
    if (b[p] === 0x3a || b[p] === 0x3d || b[p] === 0x3e) separator = true;
    p++;
  }
  if (!separator || (b[p] !== 0x7b && b[p] !== 0x0a && b[p] !== 0x0d && b[p] !== 0x3c)) return undefined;
  const key = expiryKey(b, keyEnd - 3);
  if (!key || key.kind !== 'date') return undefined;
  const month = nestedValue(b, p, 'month');
  const year = nestedValue(b, p, 'year');
  return month && year ? [raw('expiry', month.start, month.end, 0.9), raw('expiry', year.start, year.end, 0.9)] : undefined;
}

/** The value of the first `name` key (a whole word) within NESTED_REACH of `from`, parsed as `kind`. */
function nestedValue(b: Uint8Array, from: number, kind: 'month' | 'year'): Token | undefined {
  const limit = Math.min(b.length, from + NESTED_REACH);
  for (let p = from; p + kind.length < limit; p++) {
    if ((b[p]! | 0x20) !== kind.charCodeAt(0) || isAlnum(b[p - 1]) || bytesText(b, p, p + kind.length).toLowerCase() !== kind || isAlnum(b[p + kind.length])) continue;
    let q = p + kind.length;
    while (q - p - kind.length < 4 && (b[q] === 0x22 || b[q] === 0x27 || b[q] === 0x3a || b[q] === 0x3d || b[q] === 0x20)) q++;
    const t = parseExpiry(b, q, kind);
    return t && !isDigit(b[t.end]) ? t : undefined;
  }
  return undefined;
}

/**
 * Where the key starting at `k` (`exp…`) ends: letters, `_`, `-` up to the first digit (`EXP12/27`,
 * `exp1227` glue the value to it); -1 when `exp` is inside a lower-case word (`rexp`; camelCase
 * `cardExp` is a key).
 */
function expiryKeyEnd(b: Uint8Array, k: number): number {
  const before = b[k - 1];
  if (before !== undefined && before >= 0x61 && before <= 0x7a && b[k] === 0x65 && !cardBefore(b, k)) return -1;
  let end = wordEnd(b, k);
  for (let i = k + 3; i < end; i++) {
    if (isDigit(b[i])) {
      end = i;
      break;
    }
  }
  return end;
}

/** True when `card` (any case) ends at `k` (`cardExp`). */
function cardBefore(b: Uint8Array, k: number): boolean {
  return k >= 4 && (b[k - 4]! | 0x20) === 0x63 && (b[k - 3]! | 0x20) === 0x61 && (b[k - 2]! | 0x20) === 0x72 && (b[k - 1]! | 0x20) === 0x64;
}

/** What may follow `exp` in a key (see KEY): nothing, `iry`…, a separator, `date`, `month`, `year`, `on`. */
function keyShape(b: Uint8Array, k: number, end: number): boolean {
  if (end === k + 3) return true;
  const c = b[k + 3]!;
  const l = c | 0x20;
  return l === 0x69 || l === 0x64 || l === 0x6d || l === 0x79 || l === 0x6f || c === 0x5f || c === 0x2d;
}

/** Key text as written -> its kind (null: not an expiry key). Keys repeat; bounded like classifyKey's. */
const keyKinds = new Map<string, KeyKind | null>();

/** The expiry key starting at `k` (`exp…`): its end and kind, or undefined. */
function expiryKey(b: Uint8Array, k: number): { end: number; kind: KeyKind } | undefined {
  const end = expiryKeyEnd(b, k);
  if (end < 0 || !keyShape(b, k, end)) return undefined;
  const written = bytesText(b, k, end);
  let kind = keyKinds.get(written);
  if (kind === undefined) {
    const m = KEY.exec(written.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase());
    kind = m ? keyKind(m[1]) : null;
    // Only short keys are kept: a long run of letters after the keyword must not stay in memory.
    if (written.length <= 64) {
      if (keyKinds.size >= 1024) keyKinds.clear();
      keyKinds.set(written, kind);
    }
  }
  return kind === null ? undefined : { end, kind };
}

/**
 * The expiry that a keyword trigger points at: `at` is where the value starts (the first digit, or
 * a month name), as found by `expiryValueAfterKey` or, for a phrase ("valid thru"), by
 * `expiryGapEnd`. `phrase`: the trigger was "valid thru".
 */
export function expiryAtTrigger(b: Uint8Array, at: number, phrase: boolean): RawFinding | undefined {
  let kind: KeyKind = 'date';
  if (!phrase) {
    // Find the keyword: the last `exp` before the value, within the trigger's reach.
    let k = -1;
    for (let i = at - 3; i >= Math.max(0, at - 64); i--) {
      if ((b[i]! | 0x20) === 0x65 && (b[i + 1]! | 0x20) === 0x78 && (b[i + 2]! | 0x20) === 0x70) {
        k = i;
        break;
      }
    }
    if (k < 0) return undefined;
    const key = expiryKey(b, k);
    if (!key || expiryGapEnd(b, key.end) !== at) return undefined;
    kind = key.kind;
  }
  if (isAlpha(b[at])) {
    // A month name and a year: `Dec 2027`, `December 2027`.
    let q = at;
    while (isAlpha(b[q])) q++;
    const end = monthYearEnd(b, q);
    return kind === 'date' && end > 0 ? raw('expiry', at, end, phrase ? 0.85 : 0.88) : undefined;
  }
  const span = parseExpiry(b, at, kind);
  // A duration after the value is a cache or token lifetime (`cache expiry 1230 s`), not a card's.
  if (!span || durationAfter(b, span.end)) return undefined;
  if (!phrase && bareExpNumber(b, at, span)) return undefined;
  return raw('expiry', span.start, span.end, phrase ? 0.9 : 0.92);
}

/**
 * The expiry date starting at `at`, the first digit after a non-English label (labels.ts):
 * MM/YY, MM/YYYY, MMYY, YYYY-MM… as after `exp`, never followed by a duration.
 */
export function expiryAfterLabel(b: Uint8Array, at: number): RawFinding | undefined {
  const span = parseExpiry(b, at);
  return span && !durationAfter(b, span.end) ? raw('expiry', span.start, span.end, 0.88) : undefined;
}

const DURATIONS = new Set(['s', 'sec', 'secs', 'second', 'seconds', 'ms', 'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour', 'hours', 'd', 'day', 'days']);

/** True when a unit of time follows `end` after one space or glued (`1230 s`, `1230ms`). */
function durationAfter(b: Uint8Array, end: number): boolean {
  let p = b[end] === 0x20 ? end + 1 : end;
  const from = p;
  while (isAlpha(b[p]) && p - from < 8) p++;
  return p > from && !isAlnum(b[p]) && DURATIONS.has(bytesText(b, from, p).toLowerCase());
}

/** Field delimiters of card dumps: space, tab, `|`, `,`, `;`, `:`, `/`, `_`. */
function isFieldDelimiter(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x7c || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x2f || c === 0x5f;
}

/**
 * Where the next field starts after a field (a PAN, an expiry) ending at `end`: after 1-3 of space,
 * tab, `|`, `,`, `;`, `:`, `/`, `_`, or after ` / `, ` - `, ` | ` (`4111 1111 1111 1111 / 12/27 / 123`);
 * a quote closing the field and one opening the next are skipped (`'4111…', '12/27'`, JSON arrays,
 * SQL values, quoted CSV). -1 when nothing separates them.
 *
 * @example
 * fieldAfter(Buffer.from('"4111111111111111","12/27"'), 17) // 20
 */
export function fieldAfter(b: Uint8Array, end: number): number {
  let p = end;
  const quote = b[p] === 0x22 || b[p] === 0x27 ? b[p] : 0;
  if (quote) p++;
  if (b[p] === 0x20 && (b[p + 1] === 0x2f || b[p + 1] === 0x2d || b[p + 1] === 0x7c) && b[p + 2] === 0x20) p += 3;
  else {
    const from = p;
    while (p < b.length && p - from < 3 && isFieldDelimiter(b[p])) p++;
    if (p === from) return -1;
  }
  if (quote && b[p] === quote) p++;
  return p;
}

/** 3 or 4 digits at `p` standing alone (a CVV after an expiry). */
function codeAt(b: Uint8Array, p: number): boolean {
  const t = digitToken(b, p);
  const n = t ? t.end - t.start : 0;
  return (n === 3 || n === 4) && !isAlnum(b[p + n]) && b[p + n] !== 0x2f && b[p + n] !== 0x2d;
}

/** An expiry right after a PAN (`4111… 12/25`, `4111…|12/2027|123`). */
export function expiryAfterPan(b: Uint8Array, panEnd: number): RawFinding | undefined {
  const p = fieldAfter(b, panEnd);
  if (p < 0) return undefined;
  const first = digitToken(b, p);
  if (!first) return undefined;
  // Only separated forms (MM/YY, MM/YYYY, MM YY, YYYY-MM, MM|YYYY) count here: a bare 4-digit group
  // is a CVV, unless a CVV follows it (`4111… 1227 123`, `4111…,1227,123`, `371…:1227:1234`).
  // `1227/123` is no MM/YY: then the 4 digits alone, a CVV after them (`4111…/1227/123`).
  const span = parseExpiry(b, p, 'date', b[p - 1]) ?? (first.end - first.start === 4 ? compact(b, first) : undefined);
  if (span && span.end > first.end) return raw('expiry', span.start, span.end, 0.8);
  if (span && first.end - first.start === 4) {
    const next = fieldAfter(b, first.end);
    if (next > 0 && codeAt(b, next)) return raw('expiry', span.start, span.end, 0.75);
  }
  // Pipe-separated month and year: 12|2027.
  const sep = b[first.end];
  if ((sep === 0x7c || sep === 0x2c || sep === 0x3b) && first.end - first.start <= 2 && validMonth(num(b, first))) {
    const second = digitToken(b, first.end + 1);
    if (second && (second.end - second.start === 2 || second.end - second.start === 4) && !isAlnum(b[second.end])) {
      return raw('expiry', first.start, second.end, 0.75);
    }
  }
  return undefined;
}

/**
 * True when a bare `exp` then one space then four digits (`exp 1024`) is more likely an exponent,
 * experience points or a size than a card's MMYY: no card words before it and no CVV key after it.
 * `exp: 1024`, `exp 10/24`, `expiry 1024` and `card … exp 1227` stay expiries.
 */
function bareExpNumber(b: Uint8Array, at: number, span: Token): boolean {
  if (span.end - span.start !== 4 || span.start !== at || b[at - 1] !== 0x20 || (b[at - 2]! | 0x20) !== 0x70) return false;
  const k = at - 4;
  if ((b[k]! | 0x20) !== 0x65 || (b[k + 1]! | 0x20) !== 0x78 || isAlnum(b[k - 1])) return false;
  if (cardWordsBefore(b, k, 64)) return false;
  const after = bytesText(b, span.end, Math.min(b.length, span.end + 16)).toLowerCase();
  return !/\b(?:cv[vcn]|cid|csc)/.test(after);
}
