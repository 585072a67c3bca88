/**
 * CVV/CVC/CID (card security codes): 3-4 digits after a keyword (`cvv`, `cvc2`, `cid`, `csc`,
 * "security code", `card_cvv`, `"cvc": "123"`, "CVV is 123"), or right after a PAN.
 * When the PAN is known the length is brand-aware: 4 digits for Amex, 3 for everyone else.
 */
import { raw, type RawFinding } from './finding.js';
import { isAlpha, isDigit } from './text.js';
import type { CardBrand } from './types.js';
import { standsAlone, valueAfter, wordEnd } from './values.js';

/** Keys that are CVV keys once lower-cased: cvv, cvv2, cvc_code, cvvNumber, card_cid… */
const CVV_KEY = /^(?:cv[vcdn]|cid|csc)2?(?:[_-]?(?:code|number|no|num|value|val))?$/;

function lengthFits(length: number, brand: CardBrand | undefined): boolean {
  if (brand === 'amex') return length === 4;
  if (brand) return length === 3;
  return length === 3 || length === 4;
}

/**
 * The CVV after a keyword that starts at `keywordStart` (`cvv`, `cid`) or after a phrase that
 * ends at `phraseEnd` ("security code"). `brand`: the brand of a PAN nearby, if any.
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
    if (isAlpha(b[keywordStart - 1]) && first >= 0x61 && !/card$|cc$/i.test(String.fromCharCode(...b.subarray(Math.max(0, keywordStart - 4), keywordStart)))) {
      return undefined;
    }
    const end = wordEnd(b, keywordStart);
    const word = String.fromCharCode(...b.subarray(keywordStart, end))
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toLowerCase();
    if (!CVV_KEY.test(word)) return undefined;
    from = end;
  } else {
    from = phraseEnd;
  }
  const token = valueAfter(b, from, 'digits', 32);
  if (!token || !standsAlone(b, token) || !lengthFits(token.end - token.start, brand)) return undefined;
  return raw('cvv', token.start, token.end, phraseEnd === undefined ? 0.95 : 0.9);
}

/** The CVV that directly follows a PAN ending at `panEnd` (`4111… 123`, `4111…|12/25|123`). */
export function cvvAfterPan(b: Uint8Array, panEnd: number, brand: CardBrand, skipUntil: number): RawFinding | undefined {
  let p = Math.max(panEnd, skipUntil);
  let seps = 0;
  while (p < b.length && seps < 3 && (b[p] === 0x20 || b[p] === 0x7c || b[p] === 0x2c || b[p] === 0x3b || b[p] === 0x09 || b[p] === 0x2f)) {
    p++;
    seps++;
  }
  if (seps === 0 || !isDigit(b[p])) return undefined;
  let end = p;
  while (isDigit(b[end])) end++;
  if (!lengthFits(end - p, brand) || isAlpha(b[end]) || b[end] === 0x2f || b[end] === 0x2d || b[end] === 0x2e && isDigit(b[end + 1])) return undefined;
  return raw('cvv', p, end, 0.75);
}
