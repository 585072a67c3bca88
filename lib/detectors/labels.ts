/**
 * Expiry and CVV labels in languages other than English (`有效期：12/27`, `Prüfnummer 123`,
 * `código de seguridad: 123`, `срок действия 12/27`): the commonest label of each language that has
 * a non-ASCII letter, and the value read after it.
 *
 * The labels are no Hyperscan literals: letter literals fill the fast literal matcher's masks
 * (patterns.ts: four foreign words together took the database scan on loghub from 2.9 to 4.9 ms,
 * 2026-11-28). Instead one non-ASCII code point of each label (its ANCHOR: `期`, `ü`, `ó`…) joins
 * the evasion-hint pass's hinted code points (patterns.ts), which skips ASCII text at memory speed;
 * analyse.ts sends a hint on an anchor here instead of to the evasion pass. Labels written in ASCII
 * only (vencimiento, caducidad, validade, scadenza, Ablaufdatum, cryptogramme, Geheimzahl…) are
 * read near a PAN, on its line (labelsNearPan): where a card number is, its expiry and CVV follow
 * or precede it; alone, such a label and a date are no card data.
 */
import { cvvAfterLabel } from './cvv.js';
import { expiryAfterLabel } from './expiry.js';
import type { RawFinding } from './finding.js';
import { pinAfterKeyword } from './pin.js';
import { isAlnum, isAlpha, isDigit } from './text.js';
import type { CardBrand } from './types.js';

type LabelKind = 'expiry' | 'cvv' | 'pin';

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

/**
 * Labels in ASCII letters only (or as commonly typed without their accents; two English phrases
 * that name the CVV's place), read near a PAN. A
 * label is a word start; `stem: true` lets it be the start of a longer word (`venc` of vence,
 * vencimiento, vencimento); other labels must end the word. The value follows as after the
 * non-ASCII labels.
 */
const ASCII_LABELS: readonly { readonly text: string; readonly kind: LabelKind; readonly stem?: boolean }[] = [
  // Expiry: es, pt, it, de, nl, tr, pl, sv, da/no, fi, id/ms, cs/sk, hu, ro, fr.
  { text: 'venc', kind: 'expiry', stem: true }, // es vence, vencimiento; pt vencimento
  { text: 'caduc', kind: 'expiry', stem: true }, // es caducidad, caduca
  { text: 'validade', kind: 'expiry' }, // pt
  { text: 'valido hasta', kind: 'expiry' }, // es, typed without the accent
  { text: 'valida hasta', kind: 'expiry' },
  { text: 'scaden', kind: 'expiry', stem: true }, // it scadenza
  { text: 'valido fino', kind: 'expiry' }, // it
  { text: 'ablauf', kind: 'expiry', stem: true }, // de Ablaufdatum
  { text: 'gueltig bis', kind: 'expiry' }, // de gültig bis, typed as ue
  { text: 'verval', kind: 'expiry', stem: true }, // nl vervaldatum
  { text: 'verloopdatum', kind: 'expiry' }, // nl
  { text: 'geldig tot', kind: 'expiry' }, // nl
  { text: 'geldig t/m', kind: 'expiry' }, // nl
  { text: 'son kullanma', kind: 'expiry' }, // tr son kullanma tarihi
  { text: 'skt', kind: 'expiry' }, // tr
  { text: 'data waznosci', kind: 'expiry' }, // pl data ważności, typed without the accents
  { text: 'wazna do', kind: 'expiry' }, // pl
  { text: 'giltig till', kind: 'expiry' }, // sv
  { text: 'utgangsdatum', kind: 'expiry' }, // sv utgångsdatum
  { text: 'gyldig til', kind: 'expiry' }, // da, no
  { text: 'udlobsdato', kind: 'expiry' }, // da udløbsdato
  { text: 'utlopsdato', kind: 'expiry' }, // no utløpsdato
  { text: 'voimassa', kind: 'expiry', stem: true }, // fi voimassa, voimassaoloaika
  { text: 'berlaku', kind: 'expiry' }, // id masa berlaku, berlaku hingga
  { text: 'kedaluwarsa', kind: 'expiry' }, // id
  { text: 'kadaluarsa', kind: 'expiry' }, // id
  { text: 'tarikh luput', kind: 'expiry' }, // ms
  { text: 'platnost', kind: 'expiry' }, // cs, sk
  { text: 'lejarat', kind: 'expiry', stem: true }, // hu lejárat, typed without the accent
  { text: 'valabil', kind: 'expiry', stem: true }, // ro valabil până la, valabilitate
  { text: 'date de validite', kind: 'expiry' }, // fr date de validité, typed without the accent
  { text: 'valable jusqu', kind: 'expiry', stem: true }, // fr
  // CVV
  { text: 'cryptogram', kind: 'cvv', stem: true }, // fr cryptogramme (visuel)
  { text: 'code de securite', kind: 'cvv' }, // fr
  { text: 'codigo de seguridad', kind: 'cvv' }, // es, typed without the accent
  { text: 'codigo de seguranca', kind: 'cvv' }, // pt
  { text: 'codice di sicurezza', kind: 'cvv' }, // it
  { text: 'codice di verifica', kind: 'cvv' }, // it
  { text: 'sicherheitscode', kind: 'cvv' }, // de
  { text: 'kartenpruefnummer', kind: 'cvv' }, // de, typed as ue
  { text: 'pruefnummer', kind: 'cvv' }, // de
  { text: 'pruefziffer', kind: 'cvv' }, // de
  { text: 'beveiligingscode', kind: 'cvv' }, // nl
  { text: 'controlecode', kind: 'cvv' }, // nl
  { text: 'guvenlik kodu', kind: 'cvv' }, // tr güvenlik kodu, typed without the accent
  { text: 'kod bezpieczenstwa', kind: 'cvv' }, // pl
  { text: 'sakerhetskod', kind: 'cvv' }, // sv säkerhetskod
  { text: 'sikkerhedskode', kind: 'cvv' }, // da
  { text: 'sikkerhetskode', kind: 'cvv' }, // no
  { text: 'turvakoodi', kind: 'cvv' }, // fi
  { text: 'kode keamanan', kind: 'cvv' }, // id
  { text: 'kod keselamatan', kind: 'cvv' }, // ms
  { text: 'bezpecnostni kod', kind: 'cvv' }, // cs
  { text: 'biztonsagi kod', kind: 'cvv' }, // hu
  { text: 'cod de securitate', kind: 'cvv' }, // ro
  { text: 'on the back', kind: 'cvv' }, // en prose: `4111…, the numbers on the back are 123`
  { text: 'back of the card', kind: 'cvv' }, // en
  // Clear PIN
  { text: 'geheimzahl', kind: 'pin' }, // de
  { text: 'geheimnummer', kind: 'pin' }, // de
];

type AsciiLabel = { readonly bytes: Uint8Array; readonly kind: LabelKind; readonly stem: boolean };

/** ASCII_LABELS by their first two letters (a-z, a-z: index 26 * first + second), as bytes. */
const BY_PREFIX: (AsciiLabel[] | undefined)[] = new Array(26 * 26);
for (const l of ASCII_LABELS) {
  const key = 26 * (l.text.charCodeAt(0) - 0x61) + l.text.charCodeAt(1) - 0x61;
  (BY_PREFIX[key] ??= []).push({ bytes: Buffer.from(l.text), kind: l.kind, stem: l.stem ?? false });
}

/** The index of BY_PREFIX for the two letters at `p`, or -1. */
function prefixAt(b: Uint8Array, p: number): number {
  const first = (b[p]! | 0x20) - 0x61;
  const second = (b[p + 1]! | 0x20) - 0x61;
  return first >= 0 && first < 26 && second >= 0 && second < 26 && isAlpha(b[p]) && isAlpha(b[p + 1]) ? 26 * first + second : -1;
}

/** How far from a PAN, on its line, its labelled expiry, CVV or PIN is read. */
const NEAR_REACH = 160;

/**
 * The expiry dates, CVVs (as long as the PAN's brand has them) and clear PINs after ASCII-only
 * labels (ASCII_LABELS) on the line of `pan`, within NEAR_REACH bytes either side, pushed to `out`.
 *
 * @example
 * labelsNearPan(Buffer.from('tarjeta 4111111111111111 fecha de caducidad 12/27'), pan, out) // expiry [44, 49)
 */
export function labelsNearPan(b: Uint8Array, pan: RawFinding, out: RawFinding[]): void {
  const panStart = pan.start;
  const panEnd = pan.end;
  let from = panStart;
  const low = Math.max(0, panStart - NEAR_REACH);
  while (from > low && b[from - 1] !== 0x0a) from--;
  let to = panEnd;
  const high = Math.min(b.length, panEnd + NEAR_REACH);
  while (to < high && b[to] !== 0x0a) to++;
  for (let p = from; p < to; p++) {
    if (p === panStart) p = panEnd;
    if (!isAlpha(b[p])) continue;
    // A word start: the labels that begin with its first two letters, then past the word.
    const key = isAlpha(b[p - 1]) ? -1 : prefixAt(b, p);
    const labels = key < 0 ? undefined : BY_PREFIX[key];
    if (labels) {
      for (const l of labels) {
        if (!asciiBytesAt(b, p, l.bytes)) continue;
        const end = p + l.bytes.length;
        if (!l.stem && isAlpha(b[end])) continue;
        const f = valueAfterLabel(b, end, l.kind, pan.brand);
        if (f) out.push(f);
        break;
      }
    }
    while (isAlpha(b[p + 1])) p++;
  }
}

/** Whether `b` holds the lower-case ASCII `text` at `start`, case-insensitively. */
function asciiBytesAt(b: Uint8Array, start: number, text: Uint8Array): boolean {
  if (start + text.length > b.length) return false;
  for (let k = 0; k < text.length; k++) {
    const c = b[start + k]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== text[k]) return false;
  }
  return true;
}

/** The value of `kind` after a label ending at `labelEnd`; `brand`: the card's, when the label is near one. */
function valueAfterLabel(b: Uint8Array, labelEnd: number, kind: LabelKind, brand?: CardBrand): RawFinding | undefined {
  if (kind === 'pin') return pinAfterKeyword(b, labelEnd, false);
  const at = valueStart(b, labelEnd);
  if (at < 0) return undefined;
  return kind === 'expiry' ? expiryAfterLabel(b, at) : cvvAfterLabel(b, at, brand);
}

/** How far before and after a card number an ISO 8583 field 52 label is read (a message spans lines). */
const MESSAGE_BEFORE = 256;
const MESSAGE_AFTER = 768;

/**
 * PIN blocks after ISO 8583 field 52 labels (`DE52`, `DE052`, `F52`, `F052`, `field 52`, `[052]`)
 * in the payment message around the card numbers and tracks at `cards` (sorted by start): within
 * MESSAGE_BEFORE bytes before and MESSAGE_AFTER bytes after each, every byte read once. Alone the
 * label is no trigger (patterns.ts: the family cost the database scan ~0.5 ms of ~3 on loghub);
 * a message that carries a PIN block carries its card too (field 2 or the track in field 35).
 *
 * @example
 * pinBlocksNearCards(Buffer.from('DE2=164111111111111111 DE52=0412AC89ABCDEF67'), [{ start: 6, end: 22 }], out) // pin_block [28, 44)
 */
export function pinBlocksNearCards(b: Uint8Array, cards: readonly { start: number; end: number }[], out: RawFinding[]): void {
  const view = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let scanned = 0;
  for (const card of cards) {
    const to = Math.min(b.length, card.end + MESSAGE_AFTER);
    // Every label holds `52`: a native search finds it, the label is checked around it.
    for (let k = view.indexOf('52', Math.max(scanned, card.start - MESSAGE_BEFORE)); k >= 0 && k + 2 <= to; k = view.indexOf('52', k + 2)) {
      const bracket = b[k - 2] === 0x5b && b[k - 1] === 0x30 && b[k + 2] === 0x5d;
      const labelEnd = bracket ? k + 3 : k + 2;
      if (isAlnum(b[labelEnd]) || !(bracket || field52Label(b, k))) continue;
      const f = pinAfterKeyword(b, labelEnd, true);
      if (f) out.push(f);
    }
    scanned = Math.max(scanned, to);
  }
}

/** Whether `DE`, `DE0`, `F`, `F0` or `field ` (a word start) ends at `k`, where `52` starts. */
function field52Label(b: Uint8Array, k: number): boolean {
  const p = b[k - 1] === 0x30 ? k - 1 : k;
  if ((b[p - 1]! | 0x20) === 0x66 && !isAlnum(b[p - 2])) return true; // F52, F052
  if ((b[p - 2]! | 0x20) === 0x64 && (b[p - 1]! | 0x20) === 0x65 && !isAlnum(b[p - 3])) return true; // DE52, DE052
  return b[p - 1] === 0x20 && asciiBytesAt(b, p - 6, FIELD) && !isAlnum(b[p - 7]); // field 52
}

const FIELD = Buffer.from('field');

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
  return valueAfterLabel(b, found.end, found.label.kind);
}
