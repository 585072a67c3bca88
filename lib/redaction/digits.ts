/**
 * Decimal digits of any script. Detectors find PANs written in fullwidth, Arabic-Indic and other
 * digits (evasions); masking must treat them as digits and tokens must not depend on the script.
 */

const ND = /\p{Nd}/u;

/** True for a code point of Unicode category Nd. */
export function isDigit(cp: number): boolean {
  if (cp >= 0x30 && cp <= 0x39) return true;
  if (cp < 0x80) return false;
  return ND.test(String.fromCodePoint(cp));
}

/**
 * The value 0-9 of a digit code point. Unicode encodes every Nd set as ten consecutive code
 * points, 0 to 9, and adjacent sets (mathematical digits) are each aligned on ten, so the value is
 * the distance from the start of the contiguous Nd block, modulo ten.
 */
export function digitValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  let start = cp;
  while (start > 0 && isDigit(start - 1)) start--;
  return (cp - start) % 10;
}

/** The ASCII digits of `text`, in order, whatever script they were written in. */
export function asciiDigits(text: string): string {
  let out = '';
  // ASCII text (the usual PAN) is read unit by unit; from the first non-ASCII unit on, by code point.
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) break;
    if (c >= 0x30 && c <= 0x39) out += text[i];
  }
  if (i === text.length) return out;
  for (const ch of text.slice(i)) {
    const cp = ch.codePointAt(0)!;
    if (isDigit(cp)) out += String.fromCharCode(0x30 + digitValue(cp));
  }
  return out;
}
