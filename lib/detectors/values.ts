/**
 * Finding the value that belongs to a keyword: `cvv=123`, `"cvc": "123"`, `CVV is 123`,
 * `security code on the back: 123`. Shared by the CVV, expiry and PIN detectors.
 */
import { bytesText, isAlnum, isAlpha, isDigit, isHex } from './text.js';

/** Words allowed between a keyword and its value in prose and keys. */
export const FILLERS: ReadonlySet<string> = new Set([
  'is', 'was', 'are', 'of', 'the', 'on', 'at', 'to', 'for', 'a', 'code', 'number', 'no', 'num', 'nr',
  'value', 'val', 'date', 'dt', 'card', 'back', 'my', 'your', 'its', 'it', 'be', 'will', 'entered',
  'provided', 'given', 'field', 'digits', 'data', 'and', 'with', 'as', 'in', 'block', 'blk',
  // "is" in Spanish, French, German (`mi PIN es 4921`, `le CVV est 123`, `die PIN ist 4921`).
  'es', 'est', 'ist',
]);

/** Punctuation allowed between a keyword and its value. */
const PUNCTUATION = new Set([...' \t:="\'`#>-,.([{)}]|\u00a0'].map((c) => c.charCodeAt(0)));

export interface Token {
  readonly start: number;
  readonly end: number;
}

/**
 * Skips punctuation and filler words after `from` (at most `maxBytes`) and returns the next token
 * of `kind` characters, or undefined when something else comes first.
 */
export function valueAfter(
  b: Uint8Array,
  from: number,
  kind: 'digits' | 'hex',
  maxBytes = 40,
): Token | undefined {
  let p = from;
  const limit = Math.min(b.length, from + maxBytes);
  while (p < limit) {
    const c = b[p]!;
    if (PUNCTUATION.has(c)) {
      p++;
      continue;
    }
    if (c === 0xc2 && b[p + 1] === 0xa0) {
      p += 2;
      continue;
    }
    const layout = layoutEnd(b, p);
    if (layout > p) {
      p = layout;
      continue;
    }
    // A URL-encoded delimiter (`card%5Bcvc%5D=123`, `cvv%3D123`).
    if (c === 0x25 && isHex(b[p + 1]) && isHex(b[p + 2]) && PUNCTUATION.has(parseInt(String.fromCharCode(b[p + 1]!, b[p + 2]!), 16))) {
      p += 3;
      continue;
    }
    if (isDigit(c) || (kind === 'hex' && isHex(c))) {
      let end = p;
      while (end < b.length && (kind === 'hex' ? isHex(b[end]) : isDigit(b[end]))) end++;
      if (kind === 'digits' && isAlpha(b[end])) return undefined;
      if (kind === 'hex' && isAlnum(b[end])) {
        // A filler word that starts with hex letters (`Blk`, `block`): skip the whole word.
        let w = p;
        while (isAlpha(b[w])) w++;
        if (w > p && !isDigit(b[w]) && FILLERS.has(bytesText(b, p, w).toLowerCase())) {
          p = w;
          continue;
        }
        return undefined;
      }
      // A hex token must not be the start of a filler word (`a`, `be`, ...).
      if (kind === 'hex' && !/[0-9]/.test(bytesText(b, p, end))) {
        const word = bytesText(b, p, end).toLowerCase();
        if (FILLERS.has(word)) {
          p = end;
          continue;
        }
      }
      return { start: p, end };
    }
    if (isAlpha(c)) {
      let end = p;
      while (end < b.length && isAlpha(b[end])) end++;
      const word = bytesText(b, p, end).toLowerCase();
      if (!FILLERS.has(word)) return undefined;
      p = end;
      continue;
    }
    return undefined;
  }
  return undefined;
}

/** Tags that hold a label or its value in HTML receipts and tables (`<td>CVV</td><td>123</td>`). */
const LABEL_TAGS = new Set(['td', 'th', 'b', 'strong', 'em', 'i', 'u', 'span', 'div', 'p', 'dd', 'dt', 'label', 'li', 'font', 'code', 'tt']);

/**
 * End of a layout mark at `p` that stands between a label and its value, else `p`: a fullwidth
 * colon (`CVV：123`, CJK text), Markdown emphasis (`**CVV:** 123`, never a mask run of three or more) and an HTML cell or inline tag
 * (`</td><td>`, `<b>`), tags of LABEL_TAGS only, attributes included, at most 48 bytes.
 *
 * @example
 * layoutEnd(Buffer.from('</td><td>123'), 0) // 5
 */
export function layoutEnd(b: Uint8Array, p: number): number {
  const c = b[p];
  if (c === 0x2a) {
    // One or two (`*CVV*:`, `**CVV:**`); a longer run masks a value (`pin ****1234`).
    const run = b[p + 1] === 0x2a ? 2 : 1;
    return b[p + run] === 0x2a ? p : p + run;
  }
  if (c === 0xef && b[p + 1] === 0xbc && b[p + 2] === 0x9a) return p + 3; // ：
  if (c !== 0x3c) return p;
  let q = b[p + 1] === 0x2f ? p + 2 : p + 1;
  const name = q;
  while (isAlpha(b[q]) && q - name < 6) q++;
  if (q === name || !LABEL_TAGS.has(bytesText(b, name, q).toLowerCase())) return p;
  if (b[q] !== 0x3e && b[q] !== 0x20) return p;
  while (q - p < 48 && q < b.length && b[q] !== 0x3e && b[q] !== 0x3c) q++;
  return b[q] === 0x3e ? q + 1 : p;
}

/** Length of the alphanumeric/underscore word starting at `start` (a keyword with its suffixes). */
export function wordEnd(b: Uint8Array, start: number): number {
  let p = start;
  while (p < b.length && (isAlnum(b[p]) || b[p] === 0x5f || b[p] === 0x2d)) p++;
  // A trailing `-` belongs to the punctuation, not the key.
  while (p > start && b[p - 1] === 0x2d) p--;
  return p;
}

/** True when the value is not directly preceded by a digit group joined with `.`/`/` (versions). */
export function standsAlone(b: Uint8Array, token: Token): boolean {
  const next = b[token.end];
  if ((next === 0x2e || next === 0x2f || next === 0x3a) && isDigit(b[token.end + 1])) return false;
  return true;
}
