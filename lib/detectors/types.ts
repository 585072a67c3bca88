/**
 * Findings: what the detectors report. Offsets are in the input's own units (bytes for Buffers,
 * UTF-16 code units for strings). The raw value is present only when the caller asks for it.
 */
import type { EngineKind } from '../engine/types.js';

export type FindingType =
  | 'pan'
  | 'masked_pan'
  | 'track1'
  | 'track2'
  | 'cvv'
  | 'expiry'
  | 'pin_block'
  | 'pin'
  | 'custom'
  | 'blocked_term';

export type CardBrand =
  | 'visa'
  | 'mastercard'
  | 'amex'
  | 'discover'
  | 'jcb'
  | 'diners'
  | 'unionpay'
  | 'maestro'
  | 'mir'
  | 'rupay'
  | 'elo'
  | 'hipercard'
  | 'verve'
  | 'troy'
  | 'uatp'
  | 'other';

export type Sensitivity = 'standard' | 'high' | 'restricted';

export interface FindingFlags {
  /** A published test card number (still reported). */
  readonly testCard: boolean;
  /** Already masked (e.g. 411111******1111): never re-redacted. */
  readonly masked: boolean;
  /** Found only after undoing an evasion (other-script digits, invisible characters, escapes). */
  readonly evasion: boolean;
}

export interface Finding {
  readonly type: FindingType;
  readonly brand?: CardBrand;
  readonly start: number;
  readonly end: number;
  /** 0..1 */
  readonly confidence: number;
  /** Stable detector id, e.g. `pci.pan`, `pci.track2`, `dlp:<pattern name>`, `dlp:blocked_term`. */
  readonly detector: string;
  readonly flags: FindingFlags;
  /** Only with `includeValues: true`. */
  readonly value?: string;
}

export interface CustomPattern {
  readonly name: string;
  readonly expression: string;
  readonly caseless?: boolean;
}

export interface BlockedTerm {
  readonly term: string;
  /** Edit distance for fuzzy matching; 0 (default) is exact, case-insensitive. */
  readonly maxDistance?: number;
}

export interface DetectorOptions {
  readonly sensitivity?: Sensitivity;
  readonly customPatterns?: readonly CustomPattern[];
  readonly blockedTerms?: readonly BlockedTerm[];
  /** `auto` (default): the native engine when it loads, else the JavaScript fallback. */
  readonly engine?: 'auto' | EngineKind;
  /** A database from `Detector.serialize()` built with the same options: skips compilation. */
  readonly serialized?: Uint8Array;
}

export interface DetectOptions {
  readonly includeValues?: boolean;
}
