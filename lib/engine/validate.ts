/**
 * Argument checks shared by both engines, so that a bad pattern or option gets the same typed
 * error, in the same words, whichever engine runs.
 */
import { MAX_PAN_DIGITS, MIN_PAN_DIGITS } from './card-windows.js';
import { EngineError } from './errors.js';
import type { CardWindowConfig, EvasionHintConfig, PatternSpec } from './types.js';

export const FLAG_KEYS = ['caseless', 'dotall', 'multiline', 'singlematch', 'leftmostStart', 'utf8'] as const;
export const EXTENSION_KEYS = ['minOffset', 'maxOffset', 'minLength', 'editDistance', 'hammingDistance'] as const;
const UINT32_MAX = 0xffff_ffff;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** ERR_INVALID_ARGUMENT: `Expected <what> for <name> but received <kind of value>` (never the value of a string). */
export function invalid(what: string, name: string, value: unknown): EngineError {
  return new EngineError('ERR_INVALID_ARGUMENT', `Expected ${what} for ${name} but received ${describe(value)}`);
}

export function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

/** Checks one pattern spec's shape (compilation checks the expression itself). */
export function validateSpec(spec: PatternSpec, index: number): void {
  const at = `patterns[${index}]`;
  if (typeof spec !== 'object' || spec === null) throw invalid('a pattern object', at, spec);
  if (!isUint32(spec.id)) throw invalid('an unsigned 32-bit integer', `${at}.id`, spec.id);
  if (typeof spec.expression !== 'string' || spec.expression.length === 0) {
    throw invalid('a non-empty string', `${at}.expression`, spec.expression);
  }
  // Hyperscan takes C strings: a raw NUL would silently cut the expression short.
  if (spec.expression.includes('\0')) {
    throw new EngineError('ERR_INVALID_ARGUMENT', `Expected no NUL character in ${at}.expression (write \\x00 instead)`);
  }
  const flags = (spec.flags ?? {}) as Record<string, unknown>;
  if (typeof flags !== 'object' || flags === null) throw invalid('an object', `${at}.flags`, flags);
  for (const key of FLAG_KEYS) {
    if (flags[key] !== undefined && typeof flags[key] !== 'boolean') throw invalid('a boolean', `${at}.flags.${key}`, flags[key]);
  }
  const ext = (spec.extensions ?? {}) as Record<string, unknown>;
  if (typeof ext !== 'object' || ext === null) throw invalid('an object', `${at}.extensions`, ext);
  for (const key of EXTENSION_KEYS) {
    const value = ext[key];
    const limit = key === 'editDistance' || key === 'hammingDistance' ? UINT32_MAX : Number.MAX_SAFE_INTEGER;
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > limit)) {
      throw invalid('a non-negative integer', `${at}.extensions.${key}`, value);
    }
  }
}

/** Checks the card-window configuration: an id and issuer ranges of equal-length digit strings. */
export function validateCardWindows(cards: CardWindowConfig): void {
  if (typeof cards !== 'object' || cards === null) throw invalid('an object', 'options.cardWindows', cards);
  if (!isUint32(cards.id)) throw invalid('an unsigned 32-bit integer', 'options.cardWindows.id', cards.id);
  if (!Array.isArray(cards.ranges)) throw invalid('an array', 'options.cardWindows.ranges', cards.ranges);
  cards.ranges.forEach((range, r) => {
    const at = `options.cardWindows.ranges[${r}]`;
    if (typeof range !== 'object' || range === null) throw invalid('a range object', at, range);
    for (const key of ['from', 'to'] as const) {
      if (typeof range[key] !== 'string' || !/^[0-9]{1,19}$/.test(range[key])) {
        throw invalid('a string of 1 to 19 digits', `${at}.${key}`, range[key]);
      }
    }
    if (range.from.length !== range.to.length || range.from > range.to) {
      throw new EngineError('ERR_INVALID_ARGUMENT', `Expected ${at}.from <= ${at}.to with the same number of digits`);
    }
    if (!Array.isArray(range.lengths) || range.lengths.length === 0) {
      throw invalid('a non-empty array of PAN lengths', `${at}.lengths`, range.lengths);
    }
    range.lengths.forEach((length: unknown, k: number) => {
      if (typeof length !== 'number' || !Number.isInteger(length) || length < MIN_PAN_DIGITS || length > MAX_PAN_DIGITS) {
        throw invalid(`an integer from ${MIN_PAN_DIGITS} to ${MAX_PAN_DIGITS}`, `${at}.lengths[${k}]`, length);
      }
    });
  });
}

/** The code points an evasion-hint list may hold: non-ASCII digits, any invisibles, at most U+10FFFF. */
const FIRST_HINT_CODE_POINT = { digits: 0x80, invisibles: 0 } as const;
const LAST_CODE_POINT = 0x10ffff;

/**
 * Checks the evasion-hint configuration: an id and two lists of inclusive `[first, last]` code point
 * ranges free of surrogates (which are never code points of UTF-8 or of well-formed UTF-16); digits
 * are non-ASCII (ASCII digits are what the card-window pass reads), invisibles may be ASCII (control
 * characters between digit groups).
 */
export function validateEvasionHints(hints: EvasionHintConfig): void {
  const name = 'options.evasionHints';
  if (typeof hints !== 'object' || hints === null || Array.isArray(hints)) throw invalid('an object', name, hints);
  if (!isUint32(hints.id)) throw invalid('an unsigned 32-bit integer', `${name}.id`, hints.id);
  for (const list of ['digits', 'invisibles'] as const) {
    const ranges: unknown = hints[list];
    if (!Array.isArray(ranges)) throw invalid('an array of [first, last] code point ranges', `${name}.${list}`, ranges);
    ranges.forEach((range: unknown, r: number) => {
      const at = `${name}.${list}[${r}]`;
      if (!Array.isArray(range) || range.length !== 2) throw invalid('a [first, last] pair', at, range);
      range.forEach((cp: unknown, k: number) => {
        const lowest = FIRST_HINT_CODE_POINT[list];
        if (typeof cp !== 'number' || !Number.isInteger(cp) || cp < lowest || cp > LAST_CODE_POINT) {
          throw invalid(`an integer code point from ${lowest === 0 ? '0' : '0x80'} to 0x10FFFF`, `${at}[${k}]`, cp);
        }
      });
      const [first, last] = range as [number, number];
      if (first > last) throw new EngineError('ERR_INVALID_ARGUMENT', `Expected ${at}[0] <= ${at}[1]`);
      if (first <= 0xdfff && last >= 0xd800) {
        throw new EngineError('ERR_INVALID_ARGUMENT', `Expected ${at} to leave out the surrogates 0xD800 to 0xDFFF`);
      }
    });
  }
}
