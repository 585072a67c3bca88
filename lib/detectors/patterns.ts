/**
 * The built-in PCI pattern set: what goes into the engine's one database, and under which ids.
 *
 * PAN candidates do not come from regexes (per-brand card regexes are Hyperscan's weak spot, see
 * shared/PERFORMANCE.md) but from the card-window pass, configured here with the IIN table.
 * Every pattern below is a TRIGGER: a plain literal where possible (a keyword, a sentinel, an escape
 * character), otherwise literal-anchored and bounded; the detectors confirm the structure around
 * each hit in TypeScript (triggers.ts) and parse the value, so a pattern only has to say "look
 * here". Literals are what keeps the database fast: a handful of ASCII literals scan at ~5 GB/s,
 * while one `[0-9]{12}[=D][0-9]{4}` or a trailing `[0-9]` on a few keywords cut the whole set to
 * under 3 GB/s (Hyperscan 5.4 on loghub, one core).
 *
 * THE LITERAL BUDGET (measured, native/test `make literal-count`; Hyperscan 5.4's Teddy rules in
 * teddy_engine_description.cpp). The whole set's literals go to one literal matcher, and only one
 * configuration of it is fast here: Teddy with 16 buckets and 4 byte masks (~3 ms per 22.7 MB of
 * loghub). Hyperscan takes it only while BOTH hold:
 *   - at most 96 literals (16 buckets x 6, AVX2); one more and it switches to FDR: 7+ ms, twice the scan;
 *   - at least 5 literals per literal shorter than 4 bytes (`^`, `&`, `%`, `\`, `cvv`…, `exp`, `pin`,
 *     `de2`…: 16 of them, so at least 80); fewer and it takes 3 masks: 6.5-7.5 ms, as slow as FDR.
 * So the set must stay between 80 and 96 literals (91 now). What counts is literals after
 * Hyperscan's expansion, not patterns: each alternative, each optional part and each member of a
 * small class multiplies (`security[ _-]?code` is 4, `\*{4}[ .-]?[0-9]` is 13, `de0?52|f0?52` 4),
 * while a negated or large class after a literal is checked after the hit and adds none
 * (`#{4}[^#]` is 1). Hit rate does not decide it: 8-byte literals that never match push the set
 * over 96 just the same. To add a trigger: count it (`make literal-count`); if the sum passes 96,
 * shrink a family first (confirm its structure in TS around one anchor, or turn a mask's
 * `[ .-]?[0-9]` into `[^MASK]`); if a removal drops it under 80, do the reverse. Every new short
 * (< 4 byte) literal raises the floor by 5. Inside the window the scan still moves with what the
 * literals' last 4 bytes look like (Teddy's masks): ones frequent in logs (digits, spaces) make
 * false hits for their whole bucket: `mm ?/ ?yy` (+4) took 2.9 to 4.8 ms, `de052|de52|f052|field
 * 52|[052]` (+5) to 4.7, `sec[ _-]code` (+3) nothing; `sec[ _-]?code` and `mm/yy` together (+5,
 * 2026-11-28) 2.9 to 3.0 ms, while `geheimzahl` and four foreign label words (`venc|caducid|validade|scadenza`) on top took
 * it to 4.9: words of letters fill Teddy's masks. Price the final set with `make pattern-cost`.
 *
 * Patterns are shaped so that two matches of one pattern can neither nest nor overlap: Hyperscan reports every end
 * offset while the JavaScript fallback reports leftmost matches, and on this set both must agree.
 *
 * Expressions are byte-level (no UTF-8 mode): non-ASCII characters are written as their UTF-8
 * byte sequences, generated from the Unicode data of the running engine (utf8-classes.ts). The
 * detector always scans UTF-8 bytes, so a JavaScript engine reading bytes as Latin-1 matches them
 * exactly as Hyperscan does.
 *
 * Hit counts on the loghub samples (x6, 19.5 MB): ~4,800 literal hits (`exp` in `expected`, `pin` in
 * `ping`…), each dismissed by the confirmation in a few byte reads. Whole phrases are literals too
 * (`valid thru`, not `valid`, which `Invalid user` would hit thousands of times).
 */
import { codePointRanges } from '../engine/evasion-hints.js';
import type { CardWindowConfig, EvasionHintConfig, PatternSpec } from '../engine/types.js';
import { digitLookalikes, lookalikeSeparatorCodePoints } from './evasion.js';
import { issuerRanges } from './iin.js';
import { LABEL_ANCHORS } from './labels.js';
import { codePointsWhere, utf8Alternation } from './utf8-classes.js';

/** Stable pattern ids of the built-in set. Custom patterns and blocked terms use ids above. */
export const PATTERN_ID = {
  /** Card-window pass: PAN candidates. A window followed by `=` or `D` and four digits is also
   * where track 2 (and its equivalents: EMV tag 57, ISO 8583 field 35) is parsed. */
  cardWindow: 1,
  /** `^`: after a digit, the PAN/name field separator of track 1 (the digit is confirmed in TS). */
  track1Caret: 2,
  /** `cvv`, `cvc`, `cvd`, `cvn`, `cv2` anywhere (camelCase and snake_case keys included). */
  cvvKeyword: 10,
  /** `cid`, `csc` (confirmed in TS as words or as the last snake_case part: `card_cid`). */
  cvvShortKeyword: 11,
  /** "security code", "verification value", "card code", "sec code", "the code on the back", "3 digit code" and similar phrases (a small literal set). */
  cvvPhrase: 12,
  /** `exp` (exp, expiry, expiration, exp_month, expDate…); TS confirms a digit follows closely. */
  expiryKeyword: 20,
  /** "valid thru", "valid through", "good thru", "valid until"…; TS confirms a digit follows closely. */
  expiryPhrase: 21,
  /** `MM/YY` (and `MM/YYYY`) as a form label; TS confirms a word start and a value after it. */
  expiryLabel: 22,
  /** `pin` or `epb`; TS confirms a word (`card_pin`) or a phrase (`pin block`, `pin_code`…). */
  pinKeyword: 30,
  /** Four mask characters of one kind, then the visible digits (`****1`, `XXXX-1`, `••••1`). */
  maskThenDigit: 40,
  /** Evasion-hint pass (beside the database, lib/engine/evasion-hints.ts): a decimal digit of a
   * non-Latin script (any `\p{Nd}` outside ASCII), or an invisible (default-ignorable or format)
   * character right after an ASCII digit. As Hyperscan literals these ~1,000 non-ASCII encodings
   * halved the whole database's speed; the native pass skips ASCII text at memory speed. */
  evasionHint: 50,
  /** `&`: HTML numeric references (`&#52;`) and `&nbsp;` after a digit (confirmed in TS). */
  evasionAmpersand: 52,
  /** `%`: percent-encoded digits and separators (`%34`, `%20`, `%EF%BC%91`), and an encoded
   * delimiter before a PAN in a query string (`q=card%3D4111…`), confirmed in TS. */
  evasionPercent: 53,
  /** A backslash: `\uXXXX` and `\x3N` escapes (confirmed in TS). */
  evasionBackslash: 54,
  /** An ASCII digit followed by NUL, backspace, VT, FF or ESC (an ANSI colour code between digit
   * groups): an evasion place. No longer a pattern: the evasion-hint pass reports these controls
   * as ASCII invisibles (id 50), as `[0-9][\x00\x08\x0b\x0c\x1b]` cost 15% of the database scan.
   * Databases serialized before still report it under this id. */
  evasionControl: 55,
  /** A line break then an indentation too long for the card-window pass's gap (`\n` + 3 spaces or
   * tabs, `\r\n` + 2; each literal is 4 bytes): a PAN wrapped inside an indented block, confirmed
   * in TS (digits on both sides). The other layout splitters (`+`, `=`) come from the evasion-hint
   * pass: LAYOUT_SPLITTERS. */
  evasionLayout: 56,
  /** `5A0`, `5A 0`: EMV tag 5A (the application PAN) and the first digit of its length, in hex. */
  emvTag5a: 60,
  /** `DE2`, `DE002`, `F002`, `field 2`, `[002]`: the label of ISO 8583 field 2 (the PAN, LLVAR). */
  iso8583Field2: 61,
  /** `pan` (any case): a PAN key whose value may be the hex of its ASCII digits (`pan_hex=3431…`). */
  panKey: 62,
} as const;

/** Ids from here up belong to custom DLP patterns, then blocked terms (see detector.ts). */
export const FIRST_CUSTOM_ID = 1000;

/** Characters that mask digits in already-masked PANs: `*`, `x`, `X`, `#`, `•`, `●`. */
export const MASK_CODE_POINTS: readonly number[] = [0x2a, 0x78, 0x58, 0x23, 0x2022, 0x25cf];

/** What the detectors compile: the trigger patterns and the two native passes' configuration. */
export interface BuiltinPatterns {
  readonly patterns: PatternSpec[];
  readonly cardWindows: CardWindowConfig;
  readonly evasionHints: EvasionHintConfig;
}

/** ASCII controls that hide digit groups from a reader (NUL, backspace, VT, FF, ESC): invisibles. */
export const CONTROL_INVISIBLES: readonly number[] = [0x00, 0x08, 0x0b, 0x0c, 0x1b];

/**
 * ASCII characters that split a number in encoded text, reported by the evasion-hint pass after a
 * digit and confirmed in TS (triggers.ts layoutPlaces): `+` (a form-encoded space:
 * `card=4111+1111+…`) and `=` (quoted-printable: a soft line break `4111111=\r\n111…`, an encoded
 * space `4111=201111`). As Hyperscan literals (`\+`, `=\r?\n|=20`) they cost ~15% of the database
 * scan on loghub; the hint pass tests them with its ASCII table for free.
 */
export const LAYOUT_SPLITTERS: readonly number[] = [0x2b, 0x3d];

let cached: BuiltinPatterns | undefined;

let scriptDigits: readonly number[] | undefined;

/** Non-ASCII decimal digits of every script. */
export function scriptDigitCodePoints(): readonly number[] {
  scriptDigits ??= codePointsWhere(/\p{Nd}/gu);
  return scriptDigits;
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
 * The built-in pattern set and the configuration of the card-window and evasion-hint passes.
 *
 * @example
 * const { patterns, cardWindows, evasionHints } = builtinPatterns();
 * const db = compile(patterns, { cardWindows, evasionHints }, { engine: 'javascript' });
 */
export function builtinPatterns(): BuiltinPatterns {
  if (cached) return { ...cached, patterns: [...cached.patterns] };
  const mask = utf8Alternation(MASK_CODE_POINTS.filter((cp) => cp >= 0x80));
  // Plain literals wherever possible: see triggers.ts for why and for what confirms each one.
  const patterns: PatternSpec[] = [
    { id: PATTERN_ID.track1Caret, expression: '\\^' },
    { id: PATTERN_ID.cvvKeyword, expression: 'cv[vcdn2]', flags: { caseless: true } },
    { id: PATTERN_ID.cvvShortKeyword, expression: 'cid|csc', flags: { caseless: true } },
    {
      id: PATTERN_ID.cvvPhrase,
      expression: 'security[ _-]?code|verification[ _-]?(?:code|value|number)|card[ _-]?code|code on the back|digit code|sec[ _-]?code',
      flags: { caseless: true },
    },
    { id: PATTERN_ID.expiryKeyword, expression: 'exp', flags: { caseless: true } },
    { id: PATTERN_ID.expiryPhrase, expression: '(?:valid|good)[ _-]?(?:thru|through|until|till|to)', flags: { caseless: true } },
    { id: PATTERN_ID.expiryLabel, expression: 'mm/yy', flags: { caseless: true } },
    { id: PATTERN_ID.pinKeyword, expression: 'pin|epb', flags: { caseless: true } },
    // Every masked PAN ends in 4+ masks then visible digits; one literal-anchored pattern per mask.
    // (A bare `****` would match four times in a run of seven: the digit, or the non-mask byte that
    // ends the run, keeps matches apart.) `[ .-]?[0-9]` makes 13 literals of a mask, `[^#]` one
    // (`####`, the class checked after the hit; triggers.ts maskDigit finds the digit): the shape sets the literal
    // count into the fast matcher's window (header).
    { id: PATTERN_ID.maskThenDigit, expression: '\\*{4}[ .-]?[0-9]' },
    { id: PATTERN_ID.maskThenDigit, expression: '[xX]{4}[ .-]?[0-9]' },
    { id: PATTERN_ID.maskThenDigit, expression: '#{4}[^#]' },
    { id: PATTERN_ID.maskThenDigit, expression: '_{4}[^_]' },
    { id: PATTERN_ID.maskThenDigit, expression: `${mask}{4}[ .-]?[0-9]` },
    { id: PATTERN_ID.evasionAmpersand, expression: '&' },
    { id: PATTERN_ID.evasionPercent, expression: '%' },
    { id: PATTERN_ID.evasionBackslash, expression: '\\\\' },
    { id: PATTERN_ID.evasionLayout, expression: '\\n   |\\r\\n  |\\n\\t\\t\\t|\\r\\n\\t\\t' },
    { id: PATTERN_ID.emvTag5a, expression: '5a0|5a 0', flags: { caseless: true } },
    { id: PATTERN_ID.panKey, expression: 'pan', flags: { caseless: true } },
    { id: PATTERN_ID.iso8583Field2, expression: 'de2|de002|f002|field 2|\\[002\\]', flags: { caseless: true } },
  ];
  cached = {
    patterns,
    cardWindows: { id: PATTERN_ID.cardWindow, ranges: issuerRanges() },
    evasionHints: {
      id: PATTERN_ID.evasionHint,
      // The anchors of non-English expiry/CVV labels (labels.ts) ride along: as Hyperscan literals
      // any addition cost the database 20-30% on loghub; here ASCII text never pays for them.
      // So do the digit look-alikes (superscript, circled…) that evasion.ts turns into digits.
      digits: codePointRanges([...scriptDigitCodePoints(), ...digitLookalikes().keys(), ...LABEL_ANCHORS]),
      // Look-alike separators (Ogham space, U+2028, fullwidth hyphen…) are evasion places too, and
      // so are the ASCII controls an ANSI colour code puts between digit groups.
      invisibles: codePointRanges([...invisibleCodePoints(), ...lookalikeSeparatorCodePoints(), ...CONTROL_INVISIBLES, ...LAYOUT_SPLITTERS]),
    },
  };
  return { ...cached, patterns: [...patterns] };
}
