/**
 * The strong pure-JavaScript baseline: what a careful engineer writes without a native engine.
 *
 * One RegExp finds separated digit runs of 12-19 digits that are not glued to other digits (one
 * optional space or dash between digits); each candidate is then Luhn-checked on char codes and
 * checked against the issuer ranges (IIN + length), without allocating per candidate.
 *
 * It does less than cardveil's detectors (PANs only: no track data, CVV, expiry, PIN blocks,
 * evasions or context scoring), so ratios against it understate cardveil's advantage.
 * Buffers are read as latin1, which keeps offsets in bytes and is the cheapest decoding V8 has.
 */

// (?<![0-9]) and (?![0-9]): a longer digit run (an id, a timestamp) is not a card number.
const CANDIDATE = /[0-9](?<![0-9][0-9])(?:[ -]?[0-9]){11,18}(?![0-9])/g;

/** Digits of the current candidate, reused across calls (the baseline allocates nothing per match). */
const digits = new Uint8Array(19);

/**
 * True when `count` digits starting with `digits[0..]` lie in an issuer range that issues that
 * length: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir.
 */
function inIssuerRange(count) {
  const p2 = digits[0] * 10 + digits[1];
  const p3 = p2 * 10 + digits[2];
  const p4 = p3 * 10 + digits[3];
  const p6 = p4 * 100 + digits[4] * 10 + digits[5];
  const c16to19 = count >= 16;
  if (digits[0] === 4) return count === 13 || count === 16 || count === 19; // Visa
  if (p2 >= 51 && p2 <= 55) return count === 16; // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return count === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return c16to19; // Mir
  if (p2 === 34 || p2 === 37) return count === 15; // Amex
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) return c16to19; // Discover
  if (p6 >= 622126 && p6 <= 622925) return c16to19; // Discover co-branded UnionPay
  if (p2 === 62) return c16to19; // UnionPay
  if (p4 >= 3528 && p4 <= 3589) return c16to19; // JCB
  if (p2 === 36) return count >= 14; // Diners International
  if ((p3 >= 300 && p3 <= 305) || p2 === 38 || p2 === 39) return c16to19; // Diners
  if (p4 === 5018 || p4 === 5020 || p4 === 5038 || p4 === 6304 || p4 === 6759 || (p3 === 676)) {
    return count >= 12; // Maestro
  }
  return false;
}

function luhn(count) {
  let sum = 0;
  let double = false;
  for (let i = count - 1; i >= 0; i--) {
    let d = digits[i];
    if (double) {
      d += d;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Collects the candidate's digits into `digits`; returns how many. */
function collect(text, from, to) {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits[n++] = c - 48;
  }
  return n;
}

/**
 * Finds card numbers in `input` (a string, or bytes read as latin1).
 * Returns flat `[start, end, ...]` offsets (UTF-16 units for strings, bytes for Buffers).
 * @example findPans('card 4111 1111 1111 1111 ok') // [5, 24]
 */
export function findPans(input) {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).latin1Slice();
  const out = [];
  CANDIDATE.lastIndex = 0;
  let m;
  while ((m = CANDIDATE.exec(text)) !== null) {
    const start = m.index;
    const end = CANDIDATE.lastIndex;
    const count = collect(text, start, end);
    if (luhn(count) && inIssuerRange(count)) out.push(start, end);
  }
  return out;
}

/**
 * Replaces every card number with `[REDACTED:PAN]`. Strings in, string out; bytes in, Buffer out.
 * @example redactPans('card 4111 1111 1111 1111 ok') // 'card [REDACTED:PAN] ok'
 */
export function redactPans(input) {
  const isString = typeof input === 'string';
  const text = isString ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).latin1Slice();
  const spans = findPans(text);
  let result = text;
  if (spans.length > 0) {
    const parts = [];
    let at = 0;
    for (let k = 0; k < spans.length; k += 2) {
      parts.push(text.slice(at, spans[k]), '[REDACTED:PAN]');
      at = spans[k + 1];
    }
    parts.push(text.slice(at));
    result = parts.join('');
  }
  return isString ? result : Buffer.from(result, 'latin1');
}
