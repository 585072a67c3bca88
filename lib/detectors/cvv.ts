/**
 * CVV/CVC/CID (card security codes): 3-4 digits after a keyword (`cvv`, `cvc2`, `cid`, `csc`,
 * "security code", `card_cvv`, `"cvc": "123"`, "CVV is 123"), or right after a PAN.
 * An unlabelled code right after a PAN has the brand's length (4 digits for Amex, 3 for everyone
 * else); a labelled one is reported at 3 or 4 digits whatever the brand.
 */
import { raw, type RawFinding } from './finding.js';
import { cardWordsBefore } from './context.js';
import { fieldAfter } from './expiry.js';
import { bytesText, isAlnum, isAlpha, isDigit, isHex as isHexDigit } from './text.js';
import type { CardBrand } from './types.js';
import { standsAlone, valueAfter, wordEnd } from './values.js';

/** Keys that are CVV keys once lower-cased: cvv, cvv2, cv2, cvc_code, cvvNumber, card_cid… */
const CVV_KEY = /^(?:cv[vcdn]2?|cv2|cid2?|csc2?)(?:[_-]?(?:code|number|no|num|value|val))?$/;

/** The length a CVV has next to a PAN of `brand`: 4 for Amex, 3 for everyone else. */
function lengthFits(length: number, brand: CardBrand | undefined): boolean {
  if (brand === 'amex') return length === 4;
  if (brand) return length === 3;
  return length === 3 || length === 4;
}

/**
 * The CVV after a keyword that starts at `keywordStart` (`cvv`, `cid`) or after a phrase that
 * ends at `phraseEnd` ("security code"). `brand`: the brand of a PAN nearby, if any: with a card
 * nearby, `cid` and "verification code" are always CVV keys (alone they may be a connection id or
 * a one-time password).
 */
export function cvvAfterKeyword(
  b: Uint8Array,
  keywordStart: number,
  phraseEnd: number | undefined,
  brand: CardBrand | undefined,
): RawFinding | undefined {
  let from: number;
  if (phraseEnd === undefined) {
    // A key glued to lower-case letters before it is another word (`xcvv`), unless camelCase.
    const first = b[keywordStart]!;
    // A percent escape before it is a delimiter (`card%5Bcvc%5D=123`).
    const escaped = b[keywordStart - 3] === 0x25 && isHexDigit(b[keywordStart - 2]);
    if (isAlpha(b[keywordStart - 1]) && first >= 0x61 && !escaped && !/card$|cc$/i.test(bytesText(b, Math.max(0, keywordStart - 4), keywordStart))) {
      return undefined;
    }
    const end = keyEnd(b, keywordStart);
    const word = cvvKey(bytesText(b, keywordStart, end));
    if (word === undefined) return undefined;
    // `cid` is also a connection, client or content id: without a card nearby it must not follow
    // another word (`conn cid=1234`) nor open a bracketed log field (`[cid: 5678]`).
    if (word.startsWith('cid') && brand === undefined && !cardWordsBefore(b, keywordStart, 64) && otherWordBefore(b, keywordStart)) return undefined;
    from = end;
  } else {
    // "verification code" without a card is a one-time password ("Your verification code is 1234"),
    // and so is an account's or a login's "security code" ("Microsoft account security code: 4829").
    const otp = verificationCodeStart(b, phraseEnd);
    if (brand === undefined && otp >= 0 && !cardWordsBefore(b, otp, 64)) return undefined;
    if (brand === undefined && accountSecurityCode(b, phraseEnd) && !cardWordsBefore(b, Math.max(0, phraseEnd - 24), 64)) return undefined;
    from = phraseEnd;
  }
  const valueFrom = lineBreakAfterKey(b, from);
  let token = valueAfter(b, valueFrom, 'digits', 32);
  // On the next line the value stands alone on it or opens a CSV row (`123,…`), not a date or an id.
  if (token && valueFrom !== from && !LINE_VALUE_END.has(b[token.end] ?? 0x0a)) return undefined;
  // A length hint before the value: `CVV (3 digits): 123`, `cvv 3-digit code 123`.
  if (token && token.end - token.start === 1) {
    const hint = digitsHintEnd(b, token.end);
    if (hint > 0) token = valueAfter(b, hint, 'digits', 32);
    else {
      // The digits spaced out one by one (`cvv: 1 2 3`): a deliberate split, reported whole.
      const spaced = spacedDigitsEnd(b, token.start);
      if (spaced > 0) return raw('cvv', token.start, spaced, 0.85);
    }
  }
  // A labelled code is reported at 3 or 4 digits whatever the card's brand: Amex cards carry a
  // 3-digit code on the back too, and a mistyped length is still a secret.
  const length = token ? token.end - token.start : 0;
  // `@` after the value: a mail or content id (`<cid:1234@example.com>`).
  if (!token || !standsAlone(b, token) || (length !== 3 && length !== 4) || b[token.end] === 0x40) return undefined;
  return raw('cvv', token.start, token.end, phraseEnd === undefined ? 0.95 : 0.9);
}

/**
 * The CVV starting at `at`, the first digit after a non-English label (labels.ts): 3 or 4 digits
 * standing alone, as many as `brand` has when the card is known (4 for Amex, else 3).
 */
export function cvvAfterLabel(b: Uint8Array, at: number, brand?: CardBrand): RawFinding | undefined {
  let end = at;
  while (isDigit(b[end])) end++;
  if (!lengthFits(end - at, brand) || isAlnum(b[end]) || isDigit(b[at - 1]) || !standsAlone(b, { start: at, end })) return undefined;
  return raw('cvv', at, end, 0.9);
}

/** Key text as written -> the key in snake_case lower case, or null when it is no CVV key. */
const cvvKeys = new Map<string, string | null>();

/** The CVV key `written` normalised (`cvvNumber` -> `cvv_number`), or undefined when it is none. Memoised: keys repeat. */
function cvvKey(written: string): string | undefined {
  let key = cvvKeys.get(written);
  if (key === undefined) {
    const word = written.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    key = CVV_KEY.test(word) ? word : null;
    // Only short keys are kept: a long run of letters after the keyword must not stay in memory.
    if (written.length <= 64) {
      if (cvvKeys.size >= 1024) cvvKeys.clear();
      cvvKeys.set(written, key);
    }
  }
  return key ?? undefined;
}

/**
 * End of the CVV key at `start`: letters, `_`, `-` and a `2` (`cvv2`, `cvc_code`, `CvvNumber`), but
 * not the value glued to it (`cvc123`).
 */
function keyEnd(b: Uint8Array, start: number): number {
  const end = wordEnd(b, start);
  for (let i = start + 3; i < end; i++) {
    if (isDigit(b[i]) && !(b[i] === 0x32 && i === start + 3 && !isDigit(b[i + 1]))) return i;
  }
  return end;
}

/** What may follow a value on the line below its key. */
const LINE_VALUE_END = new Set([0x0a, 0x0d, 0x2c, 0x3b, 0x09, 0x20, 0x7c]);

/**
 * Past a line break right after a key (`cvv\n123`, `CVV:\r\n123`: a CSV header or a form label
 * above its value), else `at`.
 */
function lineBreakAfterKey(b: Uint8Array, at: number): number {
  let p = b[at] === 0x3a ? at + 1 : at;
  if (b[p] === 0x0d) p++;
  return b[p] === 0x0a && isDigit(b[p + 1]) ? p + 1 : at;
}

/** End of 3 or 4 single digits joined by single spaces from `at` (`1 2 3`), not followed by more digits, else -1. */
function spacedDigitsEnd(b: Uint8Array, at: number): number {
  let p = at + 1;
  let n = 1;
  while (n < 5 && b[p] === 0x20 && isDigit(b[p + 1]) && !isDigit(b[p + 2])) {
    p += 2;
    n++;
  }
  return (n === 3 || n === 4) && !isAlnum(b[p]) && !(b[p] === 0x20 && isDigit(b[p + 1])) ? p : -1;
}

/** End of ` digits` / `-digit` after a one-digit length hint ending at `p`, else -1. */
function digitsHintEnd(b: Uint8Array, p: number): number {
  const q = b[p] === 0x20 || b[p] === 0x2d ? p + 1 : p;
  const word = bytesText(b, q, q + 6).toLowerCase();
  if (word.startsWith('digits')) return q + 6;
  return word.startsWith('digit') && !isAlpha(b[q + 5]) ? q + 5 : -1;
}

/** True when another word (not a card word) or a `[` comes right before `at`, across at most one space. */
function otherWordBefore(b: Uint8Array, at: number): boolean {
  let p = at;
  if (b[p - 1] === 0x5b) return true;
  if (b[p - 1] === 0x20) p--;
  return p < at && isAlnum(b[p - 1]);
}

/** True when the phrase ending at `end` is "security code" right after `account`, `login`, `sign-in` or `2fa`. */
function accountSecurityCode(b: Uint8Array, end: number): boolean {
  return /(?:account|login|sign[ -]?in|2fa)[ _-]security[ _-]?code$/.test(bytesText(b, Math.max(0, end - 28), end).toLowerCase());
}

/** Where the phrase ending at `end` starts when it is "verification code" or "verification number", else -1. */
function verificationCodeStart(b: Uint8Array, end: number): number {
  const tail = bytesText(b, Math.max(0, end - 19), end).toLowerCase();
  const m = /verification[ _-]?(?:code|number)$/.exec(tail);
  return m ? end - (tail.length - m.index) : -1;
}

/**
 * The CVV that directly follows a PAN ending at `panEnd`, or the expiry after it ending at
 * `skipUntil` (`4111… 123`, `4111…|12/25|123`, `'4111…', '12/27', '123'`, `4111… (123)`).
 */
export function cvvAfterPan(b: Uint8Array, panEnd: number, brand: CardBrand, skipUntil: number): RawFinding | undefined {
  let p = fieldAfter(b, Math.max(panEnd, skipUntil));
  if (p < 0) return undefined;
  const bracketed = b[p] === 0x28; // `(123)`
  if (bracketed) p++;
  if (!isDigit(b[p])) return undefined;
  let end = p;
  while (isDigit(b[end])) end++;
  if (bracketed && b[end] !== 0x29) return undefined;
  if (!lengthFits(end - p, brand) || isAlpha(b[end]) || b[end] === 0x2f || b[end] === 0x2d || b[end] === 0x2e && isDigit(b[end + 1])) return undefined;
  return raw('cvv', p, end, 0.75);
}
