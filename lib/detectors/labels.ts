/**
 * Expiry and CVV labels in languages other than English (`有效期：12/27`, `Prüfnummer 123`,
 * `código de seguridad: 123`, `срок действия 12/27`): the commonest label of each language that has
 * a non-ASCII letter, and the value read after it.
 *
 * The labels are no Hyperscan literals: on loghub any literal added to the built-in set measured
 * +20-30% database scan time (2026-11-28, the set sits at a cliff of Hyperscan's literal matcher).
 * Instead one non-ASCII code point of each label (its ANCHOR: `期`, `ü`, `ó`…) joins the evasion-hint
 * pass's hinted code points (patterns.ts), which skips ASCII text at memory speed; analyse.ts
 * sends a hint on an anchor here instead of to the evasion pass. Labels written in ASCII only
 * (vencimiento, caducidad, validade, scadenza, Ablaufdatum, cryptogramme…) are therefore not read.
 */
import { cvvAfterLabel } from './cvv.js';
import { expiryAfterLabel } from './expiry.js';
import type { RawFinding } from './finding.js';
import { isAlpha, isDigit } from './text.js';

type LabelKind = 'expiry' | 'cvv';

interface Label {
  /** The label, lower case (ASCII letters compare case-insensitively). */
  readonly text: string;
  /** Its code point the evasion-hint pass reports. */
  readonly anchor: string;
  readonly kind: LabelKind;
  /** The label is the tail of its first word (`рок действия` of срок/Срок): no word start to check. */
  readonly tail?: boolean;
}

/** One or two labels per language with a non-ASCII letter: es, pt, de, tr, pl, ru, zh, ja, ko, hi, ar. */
export const FOREIGN_LABELS: readonly Label[] = [
  // Expiry
  { text: 'válido hasta', anchor: 'á', kind: 'expiry' }, // es
  { text: 'gültig bis', anchor: 'ü', kind: 'expiry' }, // de
  { text: 'ważności', anchor: 'ż', kind: 'expiry', tail: true }, // pl data ważności
  { text: 'рок действия', anchor: 'й', kind: 'expiry', tail: true }, // ru срок действия
  { text: '有效期', anchor: '期', kind: 'expiry' }, // zh
  { text: '有効期限', anchor: '期', kind: 'expiry' }, // ja
  { text: '유효기간', anchor: '효', kind: 'expiry' }, // ko
  { text: 'समाप्ति', anchor: 'म', kind: 'expiry' }, // hi समाप्ति तिथि
  { text: 'الانتهاء', anchor: 'ء', kind: 'expiry' }, // ar تاريخ الانتهاء
  // CVV
  { text: 'código de seg', anchor: 'ó', kind: 'cvv' }, // es código de seguridad, pt código de segurança
  { text: 'prüfnummer', anchor: 'ü', kind: 'cvv' }, // de
  { text: 'güvenlik kodu', anchor: 'ü', kind: 'cvv' }, // tr
  { text: 'од безопасности', anchor: 'з', kind: 'cvv', tail: true }, // ru код безопасности
  { text: '安全码', anchor: '码', kind: 'cvv' }, // zh
  { text: 'セキュリティコード', anchor: 'ド', kind: 'cvv' }, // ja
  { text: '보안코드', anchor: '코', kind: 'cvv' }, // ko
  { text: 'सीवीवी', anchor: 'व', kind: 'cvv' }, // hi
  { text: 'رمز الأمان', anchor: 'ز', kind: 'cvv' }, // ar
];

/** The anchors' code points, for the evasion-hint pass (patterns.ts). */
export const LABEL_ANCHORS: readonly number[] = [...new Set(FOREIGN_LABELS.map((l) => l.anchor.codePointAt(0)!))];

const encoded = FOREIGN_LABELS.map((l) => {
  const bytes = Buffer.from(l.text, 'utf8');
  // Bytes of the label up to the end of each occurrence of its anchor (`सीवीवी` holds `व` twice).
  const anchorEnds: number[] = [];
  const anchor = Buffer.from(l.anchor, 'utf8');
  for (let k = bytes.indexOf(anchor); k >= 0; k = bytes.indexOf(anchor, k + 1)) anchorEnds.push(k + anchor.length);
  return { ...l, bytes, anchorEnds, anchorBytes: anchor };
});

/** How far after a label its value may start (label tails, `de la tarjeta`, `: `). */
const LABEL_REACH = 32;

/** Whether `b` holds `l` from `start` (ASCII letters case-insensitively). */
function labelBytesAt(b: Uint8Array, start: number, l: (typeof encoded)[number]): boolean {
  if (start < 0 || start + l.bytes.length > b.length) return false;
  for (let k = 0; k < l.bytes.length; k++) {
    const c = b[start + k]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== l.bytes[k]) return false;
  }
  return true;
}

/** The label holding the anchor that ends at `anchorEnd` and where the label ends, if any. */
function labelAt(b: Uint8Array, anchorEnd: number): { label: (typeof encoded)[number]; end: number } | undefined {
  for (const l of encoded) {
    for (const k of l.anchorEnds) {
      const start = anchorEnd - k;
      if (!labelBytesAt(b, start, l)) continue;
      // A label inside another word (`xgültig`) is no label.
      if (!l.tail && isAlpha(b[start - 1])) return undefined;
      return { label: l, end: start + l.bytes.length };
    }
  }
  return undefined;
}

/**
 * Where the value after a label starts: past the rest of the label's words (any letters, spaces
 * and `:`, `=`, `"`, `'`, `*`, `(`, `)`, `-`, `.`, `：`) to the first ASCII digit on the same
 * line, within LABEL_REACH bytes; -1 when none.
 */
function valueStart(b: Uint8Array, from: number): number {
  const limit = Math.min(b.length, from + LABEL_REACH);
  for (let p = from; p < limit; p++) {
    const c = b[p]!;
    if (isDigit(c)) return p;
    if (c === 0x0a || c === 0x0d || c === 0x3c || c === 0x3e || c === 0x7b || c === 0x7d || c === 0x3b || c === 0x7c) return -1;
  }
  return -1;
}

/** Whether the code point ending at `end` (a hint of the evasion-hint pass) is a label anchor. */
export function isLabelAnchor(b: Uint8Array, end: number): boolean {
  for (const l of encoded) {
    const a = l.anchorBytes;
    let k = 0;
    while (k < a.length && b[end - a.length + k] === a[k]) k++;
    if (k === a.length) return true;
  }
  return false;
}

/**
 * The expiry or CVV after a non-English label whose anchor ends at `anchorEnd` (a hint of the
 * evasion-hint pass), or undefined.
 *
 * @example
 * foreignLabelFinding(Buffer.from('有效期：12/27'), 9) // expiry [12, 17)
 */
export function foreignLabelFinding(b: Uint8Array, anchorEnd: number): RawFinding | undefined {
  const found = labelAt(b, anchorEnd);
  if (!found) return undefined;
  const at = valueStart(b, found.end);
  if (at < 0) return undefined;
  return found.label.kind === 'expiry' ? expiryAfterLabel(b, at) : cvvAfterLabel(b, at);
}
