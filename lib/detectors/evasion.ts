/**
 * Evasion normalisation: undoes the tricks that hide a PAN from a digit scanner, on a small
 * region around an evasion trigger, keeping a map from every normalised byte back to its span in
 * the original input so findings land on EXACT original offsets.
 *
 * Undone: decimal digits of any script (`\p{Nd}`: fullwidth, Arabic-Indic, Devanagari,
 * mathematical…) and digit look-alikes (superscript, subscript, circled: `⁴¹¹¹`, `④①①①`) become
 * ASCII digits; invisible characters (zero-width, joiners, bidi controls,
 * BOM, soft hyphen, variation selectors, tags) are dropped; percent-encoding (`%34`, also UTF-8
 * sequences `%EF%BC%94`), HTML numeric references (`&#52;`, `&#x34;`) and escapes (`\u0034`,
 * surrogate pairs, `\x34`) are decoded, and so are encoded separators (`%20`, `&nbsp;`). Separators (Unicode spaces, dashes, line breaks) are kept:
 * the card-window pass already reads them. Look-alike separators the card-window pass does not know
 * (Ogham space, line/paragraph separators, NEL, vertical tab, form feed, fullwidth and small
 * hyphens, middle dots) become the ASCII separator they look like; blank glyphs and controls that
 * split digits invisibly (braille blank, NUL, backspace) are dropped.
 */
import { invisibleCodePoints, scriptDigitCodePoints } from './patterns.js';
import { bytesText, decodeAt, isDigit, isHex } from './text.js';
import { codePointsWhere } from './utf8-classes.js';

export interface NormalisedRegion {
  /** UTF-8 bytes of the normalised text. */
  readonly bytes: Uint8Array;
  /** For each normalised byte, the original span it came from. */
  readonly origStart: Int32Array;
  readonly origEnd: Int32Array;
}

/**
 * Separators an attacker can put between digit groups that the card-window pass does not read as
 * separators, and what each stands for: an ASCII space, line break, `-` or `.`, or -1 (dropped:
 * it renders as nothing or as a blank that is not a space).
 */
const LOOKALIKES: ReadonlyMap<number, number> = new Map([
  [0x1680, 0x20], // Ogham space mark (Zs)
  [0x000b, 0x20], // vertical tab
  [0x000c, 0x20], // form feed
  [0x2028, 0x0a], // line separator
  [0x2029, 0x0a], // paragraph separator
  [0x0085, 0x0a], // next line (NEL)
  [0xff0d, 0x2d], // fullwidth hyphen-minus
  [0xfe63, 0x2d], // small hyphen-minus
  [0xfe58, 0x2d], // small em dash
  [0x2e3a, 0x2d], // two-em dash
  [0x2e3b, 0x2d], // three-em dash
  [0x2043, 0x2d], // hyphen bullet
  [0x02d7, 0x2d], // modifier letter minus sign
  [0x207b, 0x2d], // superscript minus
  [0x208b, 0x2d], // subscript minus
  [0x00b7, 0x2e], // middle dot
  [0x30fb, 0x2e], // katakana middle dot
  [0xff65, 0x2e], // halfwidth katakana middle dot
  [0x2027, 0x2e], // hyphenation point
  [0x2219, 0x2e], // bullet operator
  [0xff0e, 0x2e], // fullwidth full stop
  [0x2024, 0x2e], // one dot leader
  [0x2800, -1], // braille pattern blank
  [0x0000, -1], // NUL (UTF-16 text read as bytes)
  [0x0008, -1], // backspace
  [0x001b, -1], // an ANSI escape sequence (`ESC[31m`), decoded whole by decodeEscaped
]);

/** What decodeEscaped returns for a quoted-printable soft line break: dropped like an invisible. */
const SOFT_BREAK = 0x200b;

/**
 * The look-alike separators above that are not ASCII: an ASCII digit followed by one of them is an
 * evasion place, like an invisible character after a digit (the evasion-hint pass's list).
 *
 * @example
 * lookalikeSeparatorCodePoints().includes(0x1680) // true
 */
export function lookalikeSeparatorCodePoints(): number[] {
  return [...LOOKALIKES.keys()].filter((cp) => cp >= 0x80).sort((x, y) => x - y);
}

/** The ASCII look-alike separators (NUL, backspace, vertical tab, form feed, ESC of an ANSI colour code): evasion places after a digit. */
export function asciiLookalikeSeparators(): number[] {
  return [...LOOKALIKES.keys()].filter((cp) => cp < 0x80).sort((x, y) => x - y);
}

/** Dingbat digits with no compatibility decomposition: first code point and the value it stands for. */
const DINGBAT_RUNS: readonly [number, number, number][] = [
  [0x2776, 1, 9], // ❶-❾ dingbat negative circled
  [0x2780, 1, 9], // ➀-➈ dingbat circled sans-serif
  [0x278a, 1, 9], // ➊-➒ dingbat negative circled sans-serif
  [0x24f5, 1, 9], // ⓵-⓽ double circled
  [0x24ff, 0, 1], // ⓿ negative circled zero
];

let lookalikeDigits: Map<number, number> | undefined;

/**
 * Digits that are no decimal digits (`\p{No}`) but stand for one: those whose compatibility form
 * (NFKC) is one ASCII digit (superscripts `¹²³⁰⁴…`, subscripts `₀…₉`, circled `①…⑨`, `⓪`) and the
 * dingbat circled digits; code point -> value. The evasion-hint pass reports them like `\p{Nd}`.
 *
 * @example
 * digitLookalikes().get(0x2463) // 4 (④)
 */
export function digitLookalikes(): ReadonlyMap<number, number> {
  if (!lookalikeDigits) {
    lookalikeDigits = new Map();
    for (const cp of codePointsWhere(/\p{No}/gu)) {
      const n = String.fromCodePoint(cp).normalize('NFKC');
      if (n.length === 1 && isDigit(n.charCodeAt(0))) lookalikeDigits.set(cp, n.charCodeAt(0) - 0x30);
    }
    for (const [first, value, count] of DINGBAT_RUNS) for (let k = 0; k < count; k++) lookalikeDigits.set(first + k, value + k);
  }
  return lookalikeDigits;
}

let digitValue: Map<number, number> | undefined;
let invisible: Set<number> | undefined;

function tables(): { digitValue: Map<number, number>; invisible: Set<number> } {
  if (!digitValue || !invisible) {
    digitValue = new Map();
    // \p{Nd} comes in complete, contiguous 0-9 runs, so a digit's value is its offset in the run.
    let runStart = -2;
    let previous = -2;
    for (const cp of scriptDigitCodePoints()) {
      if (cp !== previous + 1) runStart = cp;
      digitValue.set(cp, (cp - runStart) % 10);
      previous = cp;
    }
    for (const [cp, value] of digitLookalikes()) digitValue.set(cp, value);
    invisible = new Set(invisibleCodePoints());
  }
  return { digitValue, invisible };
}

function hexValue(b: Uint8Array, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    if (!isHex(b[i])) return -1;
    v = v * 16 + parseInt(String.fromCharCode(b[i]!), 16);
  }
  return v;
}

/**
 * True when the `+` at `i` joins digit groups of a chain of at least three (`4111+1111+1111+1111`,
 * a form-encoded printed card), not one sum or range (`offset:21876+7292`).
 */
function isPlusChain(b: Uint8Array, i: number): boolean {
  if (!isDigit(b[i - 1]) || !isDigit(b[i + 1])) return false;
  let p = i + 1;
  while (p - i <= 8 && isDigit(b[p])) p++;
  if (b[p] === 0x2b && isDigit(b[p + 1])) return true;
  p = i - 1;
  while (i - p <= 8 && isDigit(b[p])) p--;
  return b[p] === 0x2b && isDigit(b[p - 1]);
}

/** Decodes one (possibly escaped) character at `i`: `[codePoint, originalLength]`. */
function decodeEscaped(b: Uint8Array, i: number): [number, number] {
  const c = b[i]!;
  if (c === 0x25 /* % */) {
    const v = hexValue(b, i + 1, 2);
    if (v >= 0) {
      // Encoded twice (`%2534`: `%25` is `%`, then `34`): decode both layers.
      const twice = v === 0x25 ? hexValue(b, i + 3, 2) : -1;
      if (twice >= 0 && twice < 0x80) return [twice, 5];
      if (v < 0x80) return [v, 3];
      // A percent-encoded UTF-8 sequence: collect the continuation bytes.
      const need = (v & 0xe0) === 0xc0 ? 1 : (v & 0xf0) === 0xe0 ? 2 : (v & 0xf8) === 0xf0 ? 3 : -1;
      if (need > 0) {
        const bytes = [v];
        for (let k = 1; k <= need; k++) {
          if (b[i + 3 * k] !== 0x25) break;
          const cb = hexValue(b, i + 3 * k + 1, 2);
          if (cb < 0 || (cb & 0xc0) !== 0x80) break;
          bytes.push(cb);
        }
        if (bytes.length === need + 1) {
          const cp = decodeAt(Uint8Array.from(bytes), 0)[0];
          if (cp >= 0) return [cp, 3 * bytes.length];
        }
      }
    }
  } else if (c === 0x26 /* & */ && bytesText(b, i, i + 6).toLowerCase() === '&nbsp;') {
    return [0xa0, 6];
  } else if (c === 0x26 /* & */ && b[i + 1] === 0x23 /* # */) {
    const hex = b[i + 2] === 0x78 || b[i + 2] === 0x58;
    let p = i + (hex ? 3 : 2);
    let v = 0;
    const from = p;
    while (p - from < 8 && (hex ? isHex(b[p]) : b[p]! >= 0x30 && b[p]! <= 0x39)) {
      v = v * (hex ? 16 : 10) + parseInt(String.fromCharCode(b[p]!), hex ? 16 : 10);
      p++;
    }
    if (p > from && v <= 0x10ffff) return [v, p - i + (b[p] === 0x3b ? 1 : 0)];
  } else if (c === 0x5c /* \ */ && b[i + 1] === 0x75 && b[i + 2] === 0x7b /* \u{…} */) {
    let p = i + 3;
    while (p - i - 3 < 6 && isHex(b[p])) p++;
    const v = p > i + 3 && b[p] === 0x7d ? hexValue(b, i + 3, p - i - 3) : -1;
    if (v >= 0 && v <= 0x10ffff) return [v, p + 1 - i];
  } else if (c === 0x5c /* \ */ && (b[i + 1] === 0x75 /* u */ || b[i + 1] === 0x55)) {
    const v = hexValue(b, i + 2, 4);
    if (v >= 0xd800 && v <= 0xdbff && b[i + 6] === 0x5c && b[i + 7] === 0x75) {
      const low = hexValue(b, i + 8, 4);
      if (low >= 0xdc00 && low <= 0xdfff) return [0x10000 + ((v - 0xd800) << 10) + (low - 0xdc00), 12];
    }
    if (v >= 0) return [v, 6];
  } else if (c === 0x1b && b[i + 1] === 0x5b /* [ */) {
    // An ANSI control sequence (colours between the groups: `4111\u001b[0m1111`): ESC [ params final.
    let p = i + 2;
    while (p - i < 16 && ((b[p]! >= 0x30 && b[p]! <= 0x3f) || b[p] === 0x20)) p++;
    if (b[p] !== undefined && b[p]! >= 0x40 && b[p]! <= 0x7e) return [0x1b, p + 1 - i];
  } else if (c === 0x5c && b[i + 1] === 0x78 /* x */) {
    const v = hexValue(b, i + 2, 2);
    if (v >= 0) return [v, 4];
  } else if (c === 0x5c && (b[i + 1] === 0x6e || b[i + 1] === 0x74 || b[i + 1] === 0x72) && b[i - 1] !== 0x5c) {
    // A JSON or C escape between digit groups is the separator it stands for (`4111\n1111`).
    return [b[i + 1] === 0x6e ? 0x0a : b[i + 1] === 0x74 ? 0x09 : 0x0d, 2];
  } else if (c === 0x3d /* = */ && (isDigit(b[i - 1]) || b[i - 1] === 0x20)) {
    // Quoted-printable (email bodies): a soft line break `=\r\n` is nothing, `=20` a space.
    const nl = b[i + 1] === 0x0d && b[i + 2] === 0x0a ? 3 : b[i + 1] === 0x0a ? 2 : 0;
    if (nl > 0 && (isDigit(b[i + nl]) || b[i + nl] === 0x20)) return [SOFT_BREAK, nl];
    if (b[i + 1] === 0x32 && b[i + 2] === 0x30 && isDigit(b[i - 1]) && isDigit(b[i + 3])) return [0x20, 3];
  } else if (c === 0x2b /* + */ && isPlusChain(b, i)) {
    return [0x20, 1]; // a form-encoded space between digit groups (`4111+1111+…`)
  } else if (c === 0x0a && (b[i + 1] === 0x20 || b[i + 1] === 0x09)) {
    // A line break and the indentation of the next line, when a digit follows: one line break
    // (a PAN wrapped inside an indented block: `4111 1111\n    1111 1111`).
    let p = i + 1;
    while (p - i <= 16 && (b[p] === 0x20 || b[p] === 0x09)) p++;
    if (isDigit(b[p])) return [0x0a, p - i];
  }
  const [cp, len] = decodeAt(b, i);
  return [cp < 0 ? 0xfffd : cp, len];
}

/** True for bytes that can belong to an obfuscated number (digits, separators, escapes, non-ASCII). */
function material(c: number): boolean {
  return (
    c >= 0x80 ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d ||
    c === 0x0b || c === 0x0c || c === 0x00 || c === 0x08 || // look-alike separators
    c === 0x1b || c === 0x5b || c === 0x6d || // ANSI colour codes (`ESC[31m`)
    c === 0x2d || c === 0x2e || c === 0x2f || c === 0x5f ||
    c === 0x25 || c === 0x26 || c === 0x23 || c === 0x3b || c === 0x5c ||
    c === 0x7b || c === 0x7d || // `\u{34}`
    c === 0x74 || c === 0x72 || // `\t`, `\r` (and `\n`, with the nbsp letters below)
    c === 0x3d || c === 0x5e || c === 0x2b || // track separators, quoted-printable, form-encoded `+` (`;４１１１…=２５１２…`, `%B4111\u200b…^`)
    c === 0x75 || c === 0x55 || c === 0x78 || c === 0x58 ||
    c === 0x6e || c === 0x73 || c === 0x70 || c === 0x4e || c === 0x53 || c === 0x50 || // nbsp

    ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)
  );
}

/** Widest region normalised around one trigger, each side. */
const REACH = 600;

/** The region of obfuscation material around a trigger at `at`. */
export function regionAround(b: Uint8Array, at: number): [number, number] {
  let start = at;
  while (start > 0 && at - start < REACH && material(b[start - 1]!)) start--;
  let end = at;
  while (end < b.length && end - at < REACH && material(b[end]!)) end++;
  return [start, end];
}

/** normaliseRegion's output buffers, grown on demand (regions are at most 2 * REACH bytes). */
let scratch = { out: new Uint8Array(0), starts: new Int32Array(0), ends: new Int32Array(0) };

/**
 * Normalises `b[from..to)`.
 *
 * @example
 * normaliseRegion(Buffer.from('４１１１'), 0, 12).bytes // '4111'
 */
export function normaliseRegion(b: Uint8Array, from: number, to: number): NormalisedRegion {
  const { digitValue, invisible } = tables();
  // Output is never longer than 3 bytes per input byte (an invalid byte becomes U+FFFD): written
  // into scratch arrays kept between calls, then copied out at its length.
  const capacity = (to - from) * 3;
  if (scratch.out.length < capacity) scratch = { out: new Uint8Array(capacity), starts: new Int32Array(capacity), ends: new Int32Array(capacity) };
  const { out, starts, ends } = scratch;
  let n = 0;
  const emit = (byte: number, start: number, end: number): void => {
    out[n] = byte;
    starts[n] = start;
    ends[n++] = end;
  };
  let i = from;
  while (i < to) {
    const [cp, len] = decodeEscaped(b, i);
    const end = i + Math.min(len, to - i);
    const lookalike = LOOKALIKES.get(cp);
    if (lookalike !== undefined) {
      if (lookalike >= 0) emit(lookalike, i, end);
    } else if (cp < 0x80) {
      emit(cp, i, end);
    } else if (!invisible.has(cp)) {
      const digit = digitValue.get(cp);
      if (digit !== undefined) emit(0x30 + digit, i, end);
      else if (cp < 0x800) {
        emit(0xc0 | (cp >> 6), i, end);
        emit(0x80 | (cp & 0x3f), i, end);
      } else if (cp < 0x10000) {
        const c = cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp; // a lone surrogate, as UTF-8 encoders write it
        emit(0xe0 | (c >> 12), i, end);
        emit(0x80 | ((c >> 6) & 0x3f), i, end);
        emit(0x80 | (c & 0x3f), i, end);
      } else {
        emit(0xf0 | (cp >> 18), i, end);
        emit(0x80 | ((cp >> 12) & 0x3f), i, end);
        emit(0x80 | ((cp >> 6) & 0x3f), i, end);
        emit(0x80 | (cp & 0x3f), i, end);
      }
    }
    i = end;
  }
  return { bytes: out.slice(0, n), origStart: starts.slice(0, n), origEnd: ends.slice(0, n) };
}
