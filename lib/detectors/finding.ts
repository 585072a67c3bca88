/**
 * The detectors' internal finding: byte offsets into the scanned bytes. detector.ts converts these
 * into public `Finding`s (UTF-16 offsets for strings, values on request).
 */
import type { CardBrand, FindingType } from './types.js';

export interface RawFinding {
  readonly type: FindingType;
  readonly brand?: CardBrand | undefined;
  readonly start: number;
  readonly end: number;
  readonly confidence: number;
  readonly detector: string;
  readonly testCard: boolean;
  readonly masked: boolean;
  readonly evasion: boolean;
}

/** Builds a RawFinding with the usual defaults (no brand, no flags). */
export function raw(
  type: FindingType,
  start: number,
  end: number,
  confidence: number,
  extra: { brand?: CardBrand; testCard?: boolean; masked?: boolean; evasion?: boolean; detector?: string } = {},
): RawFinding {
  // One object shape for every finding (brand may be undefined): card-dense input makes thousands.
  return {
    type,
    brand: extra.brand,
    start,
    end,
    confidence,
    detector: extra.detector ?? `pci.${type}`,
    testCard: extra.testCard ?? false,
    masked: extra.masked ?? false,
    evasion: extra.evasion ?? false,
  };
}
