/**
 * Already-masked PANs: `411111******1111`, `************1111`, `4111 11** **** 1111`,
 * `XXXX-XXXX-XXXX-1234`, `••••1234` in a 16-character layout. Reported as `masked_pan` with
 * `flags.masked` so that redaction leaves them alone, and never as full PANs. The short form
 * `****1111` counts only after card words ("card ending ****1111").
 *
 * Shape: 12-19 characters of digits and mask characters (groups joined by one space, `-` or
 * `.`), at least 4 masked, visible digits only at the start (at most 8, a plausible issuer
 * prefix) and at the end (2-4), not glued to letters or digits.
 */
import { brandOfPrefix } from './iin.js';
import { MASK_CODE_POINTS } from './patterns.js';
import { raw, type RawFinding } from './finding.js';
import { asciiLower, decodeAt, isAlnum, isAlpha, isDigit, prevStart } from './text.js';

const CARD_TALK = /card|ending|ends in|last ?(?:4|four)|visa|mastercard|amex|discover|account|acct|\bcc\b|\bpan\b/;
/** Words right before a masked number that name another identifier: software keys, Aadhaar, IMEI, ICCID, orders, phones. */
const OTHER_ID = /(?:(?:license|licence|product|activation|serial|registration)[ _-]?(?:key|code|number|no)?|aadhaa?r(?: (?:no|number|card))?|imei|iccid|imsi|msisdn|order(?: (?:no|number|id))?|tel|phone|mobile|ssn)\W*$/;
/** The trigger masks, and `_` (`411111______1111`, a form's blanks), which is no trigger: runs of it fill logs. */
const MASKS = new Set([...MASK_CODE_POINTS, 0x5f]);
const JOINERS = new Set([0x20, 0x2d, 0x2e]);

const OTHER = 0;
const DIGIT = 1;
const MASK = 2;
const JOINER = 3;

/** The class of the character at `i` (DIGIT, MASK, JOINER or OTHER) times 8, plus its byte length. */
function classAt(b: Uint8Array, i: number): number {
  const c = b[i];
  // ASCII without decoding: this runs for every character around every mask trigger.
  if (c !== undefined && c < 0x80) {
    if (c >= 0x30 && c <= 0x39) return DIGIT * 8 + 1;
    if (MASKS.has(c)) return MASK * 8 + 1;
    return (JOINERS.has(c) ? JOINER : OTHER) * 8 + 1;
  }
  const [cp, len] = decodeAt(b, i);
  if (cp >= 0x30 && cp <= 0x39) return DIGIT * 8 + len;
  if (MASKS.has(cp)) return MASK * 8 + len;
  if (JOINERS.has(cp)) return JOINER * 8 + len;
  return OTHER * 8 + len;
}

function kindAt(b: Uint8Array, i: number): number {
  return classAt(b, i) >> 3;
}

/** The masked PAN around offset `at` (a character inside it), if any. */
export function maskedPanAround(b: Uint8Array, at: number): RawFinding | undefined {
  // Walk left to the token start: token characters, joiners only between them.
  let start = at;
  let tokens = 0;
  while (start > 0) {
    const p = prevStart(b, start);
    const c = kindAt(b, p);
    // An `x` ending a word (`AMEX XXXX-…`, `box 4111…`) is that word's letter, not a mask.
    if (c === MASK && isMaskLetter(b[p]) && isAlpha(b[p - 1]) && !isMaskLetter(b[p - 1])) break;
    if (c === DIGIT || c === MASK) {
      start = p;
      // More than 19 digits and masks is never one masked PAN (`3552 3534 3375 **** 3515 …`).
      if (++tokens > 19) return undefined;
    } else if (c === JOINER && p > 0) {
      const c2 = kindAt(b, prevStart(b, p));
      if (c2 === DIGIT || c2 === MASK) start = p;
      else break;
    } else break;
    if (at - start > 80) return undefined;
  }
  while (kindAt(b, start) === JOINER) start += 1;
  let end = at;
  let layout = '';
  let count = 0;
  for (let i = start; i < b.length; ) {
    const cl = classAt(b, i);
    const c = cl >> 3;
    const len = cl & 7;
    if (c === DIGIT || c === MASK) {
      if (++count > 19) return undefined;
      layout += c === DIGIT ? 'd' : b[i] === 0x5f ? 'u' : 'm';
      i += len;
      end = i;
    } else if (c === JOINER && (kindAt(b, i + len) === DIGIT || kindAt(b, i + len) === MASK) && !layout.endsWith('s')) {
      layout += 's';
      i += len;
    } else break;
    if (layout.length > 60) return undefined;
  }
  // Not glued to a word or a longer number, and not a masked phone number (`+44 **** ***5454`).
  if (isAlnum(b[end]) || (start > 0 && isAlnum(b[start - 1]) && !isMaskLetter(b[start - 1]))) return undefined;
  if (b[start - 1] === 0x2b) return undefined;
  // `_` masks only after issuer digits (`411111______1111`): a rule of underscores then a number
  // (`CHANGELOG ____________ 2019`, a form's blank line) is no card.
  if (layout.includes('u') && !/^d{4}/.test(layout.replace(/s/g, ''))) return undefined;
  const compact = layout.replace(/s/g, '').replace(/u/g, 'm');
  // The short form (`****1111`) is a masked PAN only where the text talks about a card.
  if (/^m{4,11}d{4}$/.test(compact) && compact.length < 12) {
    return CARD_TALK.test(asciiLower(b, Math.max(0, start - 40), start)) ? raw('masked_pan', start, end, 0.8, { masked: true }) : undefined;
  }
  // Another identifier in the masked layout (`license key XXXX-XXXX-XXXX-1234`, `Aadhaar XXXX XXXX
  // 1234`, `IMEI ***…6921`, `order ****-****-5413`) is not a card; nor is the tail of a secret key
  // glued to its prefix (`sk_live_************2267`).
  if (OTHER_ID.test(asciiLower(b, Math.max(0, start - 24), start))) return undefined;
  if (b[start - 1] === 0x5f && isAlnum(b[start - 2])) return undefined;
  const m = /^(d{0,8})(m{4,17})(d{2,4})$/.exec(compact);
  if (!m || compact.length < 12 || compact.length > 19) return undefined;
  // Visible leading digits must be a plausible issuer prefix for that length.
  const lead = digitsIn(b, start, m[1]!.length);
  if (lead.length > 0 && !brandOfPrefix(lead, compact.length)) return undefined;
  const brand = lead.length > 0 ? brandOfPrefix(lead, compact.length) : undefined;
  return raw('masked_pan', start, end, 0.9, { masked: true, ...(brand ? { brand } : {}) });
}

function isMaskLetter(c: number | undefined): boolean {
  return c === 0x78 || c === 0x58;
}

function digitsIn(b: Uint8Array, from: number, count: number): string {
  let s = '';
  for (let i = from; s.length < count && i < b.length; i++) if (isDigit(b[i])) s += String.fromCharCode(b[i]!);
  return s;
}
