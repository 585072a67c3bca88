/**
 * The redaction operators and the single pass that applies them to strings and Buffers.
 *
 * Operators, chosen per finding type:
 * - `label`: a marker, `[REDACTED:PAN]` or a custom one; with metadata (brand, and the last four
 *   digits for PANs, which PCI DSS 3.4.1 allows to display); optionally padded to the original
 *   length so column layouts survive;
 * - `mask`: digits replaced by `*` except the first six and last four (or last four only, or first
 *   eight for PANs of 16+ digits, as PCI DSS 4.0 allows); separators and layout preserved;
 * - `token`: keyed HMAC-SHA-256 token (deterministic per key, one-way);
 * - `vault`: reversible token, value encrypted in the vault;
 * - `remove`: nothing.
 * Sensitive authentication data (track, CVV, PIN) only ever gets `label` or `remove` (PCI DSS 3.3):
 * a default operator that would keep or store it falls back to `label` for those types, and an
 * explicit request is refused at construction.
 *
 * Everything that can be decided once (the operator per type, label bytes) is decided in the
 * constructor; the per-call work is proportional to the number of findings, plus one copy of the
 * untouched ranges.
 */
import type { OutputSpan } from '../policy/chain.js';
import { asciiDigits, isDigit } from './digits.js';
import { RedactionError } from './errors.js';
import type { KeyRing } from './keys.js';
import type { Segment } from './merge.js';
import { SAD_OPERATORS, SAD_TYPES } from './sad.js';
import { keyedToken } from './token.js';
import type { Vault } from './vault.js';

export type OperatorKind = 'label' | 'mask' | 'token' | 'vault' | 'remove';

/** Which digits of a PAN a mask keeps. */
export type MaskKeep = 'first6_last4' | 'last4' | 'first8_last4';

export interface RedactorOptions {
  /** Operator for every type without its own (default `label`). */
  readonly operator?: OperatorKind;
  /** Per finding type. */
  readonly operators?: Readonly<Partial<Record<string, OperatorKind>>>;
  /** Label text per finding type; `{brand}` and `{last4}` are filled in when known. */
  readonly markers?: Readonly<Partial<Record<string, string>>>;
  readonly includeMetadata?: boolean;
  /** Labels padded with `*` (or replaced by `*`s when longer) to the original length. */
  readonly preserveLength?: boolean;
  readonly maskKeep?: MaskKeep;
  readonly maskChar?: string;
  /** Needed when any type uses `token`. */
  readonly keys?: KeyRing;
  /** Needed when any type uses `vault`. */
  readonly vault?: Vault;
}

/** Output units: UTF-16 code units for strings, bytes for Buffers. */
type Unit = 'utf16' | 'utf8';

/** A segment with a fixed replacement (e.g. a blocked line's marker), bypassing the operators. */
export interface FixedSegment {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
  readonly type: string;
  readonly detector: string;
}

export interface StringRedaction {
  readonly text: string;
  readonly spans: OutputSpan[];
}

export interface BytesRedaction {
  readonly output: Buffer;
  readonly spans: OutputSpan[];
}

const PAN_TYPES: ReadonlySet<string> = new Set(['pan']);

const labelNames = new Map<string, string>();

/** A type's name in labels (`pan` -> `PAN`), upper-cased once per type. */
function labelName(type: string): string {
  let name = labelNames.get(type);
  if (name === undefined) labelNames.set(type, (name = type.toUpperCase()));
  return name;
}

function lengthIn(text: string, unit: Unit): number {
  return unit === 'utf16' ? text.length : Buffer.byteLength(text, 'utf8');
}

/**
 * Applies a pack's redaction settings.
 *
 * @example
 * const redactor = new Redactor({ operator: 'mask' });
 * redactor.redactString('card 4111 1111 1111 1111', mergeFindings(findings)).text
 * // 'card 4111 11** **** 1111'
 */
export class Redactor {
  private readonly operatorFor: ReadonlyMap<string, OperatorKind>;
  private readonly fallback: OperatorKind;
  private readonly markers: Readonly<Partial<Record<string, string>>>;
  private readonly includeMetadata: boolean;
  private readonly preserveLength: boolean;
  private readonly maskKeep: MaskKeep;
  private readonly maskChar: string;
  private readonly keys: KeyRing | undefined;
  private readonly vault: Vault | undefined;
  /** Label bytes that do not depend on the finding (no metadata, no padding), per type. */
  private readonly fixedLabels = new Map<string, Buffer>();

  /**
   * @throws RedactionError `ERR_SAD_STORAGE` (track/CVV/PIN given an operator other than label or
   * remove), `ERR_KEY_REQUIRED` (token without keys), `ERR_VAULT` (vault operator without a vault).
   */
  constructor(options: RedactorOptions = {}) {
    this.fallback = options.operator ?? 'label';
    const operatorFor = new Map<string, OperatorKind>();
    for (const [type, op] of Object.entries(options.operators ?? {})) {
      if (op === undefined) continue;
      if (SAD_TYPES.has(type) && !SAD_OPERATORS.has(op)) {
        throw new RedactionError(
          'ERR_SAD_STORAGE',
          `${type} cannot use "${op}": sensitive authentication data is never kept or stored (PCI DSS 3.3); use label or remove`,
        );
      }
      operatorFor.set(type, op);
    }
    this.operatorFor = operatorFor;
    this.markers = options.markers ?? {};
    this.includeMetadata = options.includeMetadata ?? false;
    this.preserveLength = options.preserveLength ?? false;
    this.maskKeep = options.maskKeep ?? 'first6_last4';
    this.maskChar = options.maskChar ?? '*';
    this.keys = options.keys;
    this.vault = options.vault;
    const used = new Set<OperatorKind>([this.fallback, ...operatorFor.values()]);
    if (used.has('token') && this.keys === undefined) {
      throw new RedactionError('ERR_KEY_REQUIRED', 'token redaction needs a key: add redaction.keys to the pack');
    }
    if (used.has('vault') && this.vault === undefined) {
      throw new RedactionError('ERR_VAULT', 'vault redaction needs a vault (redaction.vault and redaction.keys in the pack)');
    }
  }

  /** The operator applied to findings of `type`. */
  operator(type: string): OperatorKind {
    const explicit = this.operatorFor.get(type);
    if (explicit !== undefined) return explicit;
    if (SAD_TYPES.has(type) && !SAD_OPERATORS.has(this.fallback)) return 'label';
    return this.fallback;
  }

  /** The replacement text for one segment whose original text is `original`. */
  replacement(segment: Segment, original: string, unit: Unit): string {
    const op = this.operator(segment.type);
    switch (op) {
      case 'remove':
        return '';
      case 'label':
        return this.label(segment, original, unit);
      case 'mask':
        return this.mask(segment, original);
      case 'token':
        return keyedToken(this.keys!.current, segment.type, this.normalise(segment, original));
      case 'vault':
        return this.vault!.tokenize(segment.type, this.normalise(segment, original));
    }
  }

  /**
   * Redacts a string. Segments must be disjoint and sorted (see `mergeFindings`), offsets in
   * UTF-16 code units. Spans are reported against the output.
   */
  redactString(text: string, segments: readonly (Segment | FixedSegment)[]): StringRedaction {
    if (segments.length === 0) return { text, spans: [] };
    let out = '';
    let cursor = 0;
    const spans: OutputSpan[] = [];
    for (const seg of segments) {
      out += text.slice(cursor, seg.start);
      const replacement = 'replacement' in seg ? seg.replacement : this.replacement(seg, text.slice(seg.start, seg.end), 'utf16');
      const start = out.length;
      out += replacement;
      spans.push({ start, end: out.length, inputStart: seg.start, inputEnd: seg.end, type: seg.type, detector: seg.detector });
      cursor = seg.end;
    }
    out += text.slice(cursor);
    return { text: out, spans };
  }

  /**
   * Redacts bytes. Segments must be disjoint and sorted, offsets in bytes. Bytes outside the
   * segments are copied as they are (binary and invalid UTF-8 included); only each segment's own
   * bytes are decoded, and only when its operator needs the text.
   */
  redactBytes(input: Uint8Array, segments: readonly (Segment | FixedSegment)[]): BytesRedaction {
    const source = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (segments.length === 0) return { output: source, spans: [] };
    const pieces: Buffer[] = [];
    const spans: OutputSpan[] = [];
    let cursor = 0;
    let length = 0;
    for (const seg of segments) {
      if (seg.start > cursor) {
        pieces.push(source.subarray(cursor, seg.start));
        length += seg.start - cursor;
      }
      const bytes = 'replacement' in seg ? Buffer.from(seg.replacement, 'utf8') : this.replacementBytes(seg, source);
      pieces.push(bytes);
      spans.push({ start: length, end: length + bytes.length, inputStart: seg.start, inputEnd: seg.end, type: seg.type, detector: seg.detector });
      length += bytes.length;
      cursor = seg.end;
    }
    if (cursor < source.length) {
      pieces.push(source.subarray(cursor));
      length += source.length - cursor;
    }
    return { output: Buffer.concat(pieces, length), spans };
  }

  private replacementBytes(seg: Segment, source: Buffer): Buffer {
    if (this.operator(seg.type) === 'label' && !this.includeMetadata && !this.preserveLength && !this.markers[seg.type]?.includes('{')) {
      let fixed = this.fixedLabels.get(seg.type);
      if (fixed === undefined) {
        fixed = Buffer.from(this.label(seg, '', 'utf8'), 'utf8');
        this.fixedLabels.set(seg.type, fixed);
      }
      return fixed;
    }
    return Buffer.from(this.replacement(seg, source.toString('utf8', seg.start, seg.end), 'utf8'), 'utf8');
  }

  private label(seg: Segment, original: string, unit: Unit): string {
    const custom = this.markers[seg.type];
    let marker: string;
    if (custom !== undefined) {
      marker = custom.replaceAll('{brand}', seg.brand ?? 'unknown').replaceAll('{last4}', this.lastFour(seg, original) ?? '');
    } else {
      const name = labelName(seg.type);
      if (this.includeMetadata) {
        // Built as one string (no array and join): this runs for every finding of every prompt.
        let meta = seg.brand === undefined ? '' : `brand=${seg.brand}`;
        const last4 = this.lastFour(seg, original);
        if (last4 !== undefined) meta = meta === '' ? `last4=${last4}` : `${meta} last4=${last4}`;
        marker = meta !== '' ? `[REDACTED:${name} ${meta}]` : `[REDACTED:${name}]`;
      } else {
        marker = `[REDACTED:${name}]`;
      }
    }
    if (!this.preserveLength) return marker;
    const target = lengthIn(original, unit);
    const have = lengthIn(marker, unit);
    if (have > target) return '*'.repeat(target);
    return marker + '*'.repeat(target - have);
  }

  /** Last four digits, for PANs only (PCI DSS 3.4.1 allows showing them), when reliably known. */
  private lastFour(seg: Segment, original: string): string | undefined {
    if (!PAN_TYPES.has(seg.type) || seg.merged > 1) return undefined;
    const digits = seg.evasion ? (seg.value === undefined ? '' : asciiDigits(seg.value)) : asciiDigits(original);
    return digits.length >= 12 ? digits.slice(-4) : undefined;
  }

  /** The value a token is computed from: a PAN's digits (any script, any separators), else the text. */
  private normalise(seg: Segment, original: string): string {
    const text = seg.evasion && seg.value !== undefined ? seg.value : original;
    if (seg.type === 'pan' || seg.type === 'expiry') return asciiDigits(text);
    return text;
  }

  private mask(seg: Segment, original: string): string {
    const chars = Array.from(original);
    let digitCount = 0;
    for (const ch of chars) if (isDigit(ch.codePointAt(0)!)) digitCount++;
    // Keep digits only for a plain PAN (evasion text may encode digits as entities or escapes,
    // whose visible digits are not the PAN's).
    let head = 0;
    let tail = 0;
    if (seg.type === 'pan' && !seg.evasion && seg.merged === 1) {
      tail = digitCount >= 12 ? 4 : 0;
      if (this.maskKeep === 'first8_last4' && digitCount >= 16) head = 8;
      else if (this.maskKeep !== 'last4' && digitCount >= 13) head = 6;
    }
    const maskAll = seg.type !== 'pan' || seg.evasion || seg.merged > 1;
    let seen = 0;
    let out = '';
    for (const ch of chars) {
      const cp = ch.codePointAt(0)!;
      if (isDigit(cp)) {
        seen++;
        out += seen <= head || seen > digitCount - tail ? ch : this.maskChar;
      } else if (maskAll && /[\p{L}\p{N}]/u.test(ch)) {
        out += this.maskChar;
      } else {
        out += ch;
      }
    }
    return out;
  }
}
