/**
 * The built-in PCI pattern set: what goes into the engine's one database, and under which ids.
 *
 * PAN candidates do not come from regexes (per-brand card regexes are Hyperscan's weak spot, see
 * shared/PERFORMANCE.md) but from the card-window pass, configured here with the IIN table.
 * Every pattern below is a TRIGGER: literal-anchored (a keyword, a sentinel, an escape prefix or a
 * rare byte sequence), bounded, and shaped so that two matches of one pattern can neither nest nor
 * overlap. That matters twice: Hyperscan reports every end offset while the JavaScript fallback
 * reports leftmost matches, and on this set both must agree; and the detectors parse the actual
 * value around each trigger in TypeScript, so a pattern only has to say "look here".
 *
 * Expressions are byte-level (no UTF-8 mode): non-ASCII characters are written as their UTF-8
 * byte sequences, generated from the Unicode data of the running engine (utf8-classes.ts). The
 * detector always scans UTF-8 bytes, so a JavaScript engine reading bytes as Latin-1 matches them
 * exactly as Hyperscan does.
 *
 * Keyword triggers were checked for hit counts on the loghub samples: `cv[vcdn]`, `cid`/`csc`,
 * the security-code phrases, track sentinels and escapes never fire there; `exp…` fires only where
 * a digit follows within a few characters (the plain word `expired` appears 394 times and does not
 * fire).
 */
import type { CardWindowConfig, PatternSpec } from '../engine/types.js';
import { issuerRanges } from './iin.js';
import { codePointsWhere, utf8Alternation, utf8Bytes, utf8Key, utf8PrefixAlternation } from './utf8-classes.js';

/** Stable pattern ids of the built-in set. Custom patterns and blocked terms use ids above. */
export const PATTERN_ID = {
  /** Card-window pass: PAN candidates. */
  cardWindow: 1,
  /** A digit followed by `^`: the PAN/name field separator of track 1. */
  track1Caret: 2,
  /** 12 digits, `=` or `D`, 4 digits: the PAN/expiry separator of track 2 (and EMV tag 57, whose
   * hex is upper case; a lower-case `d` would make this trigger fire all over ordinary text). */
  track2Separator: 3,
  /** `cvv`, `cvc`, `cvd`, `cvn` anywhere (camelCase and snake_case keys included). */
  cvvKeyword: 10,
  /** `cid`, `csc` as words or as the last snake_case part (`card_cid`). */
  cvvShortKeyword: 11,
  /** "security code", "verification value", "card code" and similar phrases. */
  cvvPhrase: 12,
  /** `exp…` (exp, expiry, expiration, exp_month, expDate…) followed closely by a digit. */
  expiryKeyword: 20,
  /** "valid thru", "valid through", "good thru", "valid until" followed closely by a digit. */
  expiryPhrase: 21,
  /** `pin` or `epb` as a word or as the last snake_case part (`card_pin`). */
  pinKeyword: 30,
  /** `pinblock`, `pin block`, `pin_code`, `pin-number`, `pin no`. */
  pinBlockKeyword: 31,
  /** Four mask characters of one kind, then the visible digits (`****1`, `XXXX-1`, `••••1`). */
  maskThenDigit: 40,
  /** The UTF-8 encoding of a decimal digit of a non-Latin script (any `\p{Nd}` outside ASCII)
   * WITHOUT its last byte: the detector confirms the last byte with `scriptDigitEndsAt`. Matching
   * the ~70 prefixes instead of the ~700 full encodings cuts Hyperscan's compile time by ~2/3. */
  evasionScriptDigit: 50,
  /** An ASCII digit followed by an invisible (default-ignorable or format) character. */
  evasionInvisible: 51,
  /** An HTML numeric character reference `&#`. */
  evasionHtmlEntity: 52,
  /** A percent-encoded digit (`%3x`) or fullwidth digit (`%EF%BC%9x`). */
  evasionPercent: 53,
  /** A `\uXXXX` or `\x3N` escape. */
  evasionEscape: 54,
  /** A digit followed by an encoded separator: `%20`, `%2D`, `&nbsp;`. */
  evasionEncodedSeparator: 55,
  /** Any percent escape directly before a digit (`%20`, `%3D`, `%22`, `%0A`): an encoded delimiter
   * before a PAN in a query string or form body (`q=card%3D4111…`). Four fixed bytes with one `%`,
   * so two matches can neither nest nor overlap. */
  evasionEncodedDelimiter: 56,
} as const;

/** Ids from here up belong to custom DLP patterns, then blocked terms (see detector.ts). */
export const FIRST_CUSTOM_ID = 1000;

/** Characters that mask digits in already-masked PANs: `*`, `x`, `X`, `#`, `•`, `●`. */
export const MASK_CODE_POINTS: readonly number[] = [0x2a, 0x78, 0x58, 0x23, 0x2022, 0x25cf];

let cached: { patterns: PatternSpec[]; cardWindows: CardWindowConfig } | undefined;

let scriptDigits: readonly number[] | undefined;
let scriptDigitKeys: Set<number> | undefined;

/** Non-ASCII decimal digits of every script. */
export function scriptDigitCodePoints(): readonly number[] {
  scriptDigits ??= codePointsWhere(/\p{Nd}/gu);
  return scriptDigits;
}

/**
 * True when the byte at `last` ends the UTF-8 encoding of a non-ASCII decimal digit, i.e. where the
 * `evasionScriptDigit` prefix matched just before it. Exact: the same bytes the full encodings match.
 */
export function scriptDigitEndsAt(b: Uint8Array, last: number): boolean {
  scriptDigitKeys ??= new Set(scriptDigitCodePoints().map((cp) => { const e = utf8Bytes(cp); return utf8Key(e, 0, e.length); }));
  if (last >= b.length) return false;
  for (let length = 2; length <= 4 && last + 1 - length >= 0; length++) {
    if (scriptDigitKeys.has(utf8Key(b, last + 1 - length, length))) return true;
  }
  return false;
}

/**
 * Invisible characters an attacker can put between digits: default-ignorable code points and
 * format characters (zero-width space/joiners, bidi controls, word joiner, BOM, soft hyphen,
 * variation selectors, tags), minus the visible prepended concatenation marks of Arabic/Syriac.
 */
export function invisibleCodePoints(): number[] {
  const visibleFormat = new Set([0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6dd, 0x70f, 0x890, 0x891, 0x8e2, 0x110bd, 0x110cd]);
  return codePointsWhere(/[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu).filter((cp) => !visibleFormat.has(cp));
}

/**
 * The built-in pattern set and the card-window configuration.
 *
 * @example
 * const { patterns, cardWindows } = builtinPatterns();
 * const db = compile(patterns, { cardWindows }, { engine: 'javascript' });
 */
export function builtinPatterns(): { patterns: PatternSpec[]; cardWindows: CardWindowConfig } {
  if (cached) return { patterns: [...cached.patterns], cardWindows: cached.cardWindows };
  const mask = utf8Alternation(MASK_CODE_POINTS.filter((cp) => cp >= 0x80));
  const invisible = utf8Alternation(invisibleCodePoints());
  const patterns: PatternSpec[] = [
    { id: PATTERN_ID.track1Caret, expression: '[0-9]\\^' },
    { id: PATTERN_ID.track2Separator, expression: '[0-9]{12}[=D][0-9]{4}' },
    { id: PATTERN_ID.cvvKeyword, expression: 'cv[vcdn]', flags: { caseless: true } },
    { id: PATTERN_ID.cvvShortKeyword, expression: '(?:\\b|_)(?:cid|csc)\\b', flags: { caseless: true } },
    {
      id: PATTERN_ID.cvvPhrase,
      expression: 'security[ _-]?code|verification[ _-]?(?:code|value|number)|card[ _-]?code',
      flags: { caseless: true },
    },
    {
      id: PATTERN_ID.expiryKeyword,
      expression: 'exp[a-z_ ]{0,16}[:="\'#/ \\t.-]{0,4}[0-9]',
      flags: { caseless: true },
    },
    {
      id: PATTERN_ID.expiryPhrase,
      expression: '(?:valid|good)[ _-]?(?:thru|through|until|till|to)[a-z ]{0,8}[:="\' \\t.-]{0,4}[0-9]',
      flags: { caseless: true },
    },
    { id: PATTERN_ID.pinKeyword, expression: '(?:\\b|_)(?:pin|epb)\\b', flags: { caseless: true } },
    { id: PATTERN_ID.pinBlockKeyword, expression: 'pin[ _-]?(?:block|code|number|no)', flags: { caseless: true } },
    // Every masked PAN ends in 4+ masks then visible digits; one literal-anchored pattern per mask.
    { id: PATTERN_ID.maskThenDigit, expression: '\\*{4}[ .-]?[0-9]' },
    { id: PATTERN_ID.maskThenDigit, expression: '[xX]{4}[ .-]?[0-9]' },
    { id: PATTERN_ID.maskThenDigit, expression: '#{4}[ .-]?[0-9]' },
    { id: PATTERN_ID.maskThenDigit, expression: `${mask}{4}[ .-]?[0-9]` },
    { id: PATTERN_ID.evasionScriptDigit, expression: utf8PrefixAlternation(scriptDigitCodePoints()) },
    { id: PATTERN_ID.evasionInvisible, expression: `[0-9]${invisible}` },
    { id: PATTERN_ID.evasionHtmlEntity, expression: '&#[0-9xX]' },
    { id: PATTERN_ID.evasionPercent, expression: '%3[0-9]|%[eE][fF]%[bB][cC]%9[0-9]' },
    { id: PATTERN_ID.evasionEscape, expression: '\\\\u[0-9a-fA-F]{4}|\\\\x3[0-9]' },
    { id: PATTERN_ID.evasionEncodedSeparator, expression: '[0-9](?:%2[0dD]|&nbsp;)' },
    { id: PATTERN_ID.evasionEncodedDelimiter, expression: '%[0-9A-Fa-f]{2}[0-9]' },
  ];
  cached = { patterns, cardWindows: { id: PATTERN_ID.cardWindow, ranges: issuerRanges() } };
  return { patterns: [...patterns], cardWindows: cached.cardWindows };
}
