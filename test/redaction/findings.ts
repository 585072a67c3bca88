/** Builds findings by hand for redaction tests (the redactor's contract is the Finding type). */
import type { CardBrand, Finding, FindingType } from '../../lib/detectors/types.js';

export function at(
  text: string,
  needle: string,
  type: FindingType,
  extra: { brand?: CardBrand; masked?: boolean; evasion?: boolean; value?: string; occurrence?: number } = {},
): Finding {
  let start = -1;
  for (let i = 0; i <= (extra.occurrence ?? 0); i++) start = text.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`"${needle}" not in text`);
  return span(start, start + needle.length, type, extra);
}

export function span(
  start: number,
  end: number,
  type: FindingType,
  extra: { brand?: CardBrand; masked?: boolean; evasion?: boolean; value?: string } = {},
): Finding {
  return {
    type,
    start,
    end,
    confidence: 1,
    detector: `test.${type}`,
    flags: { testCard: true, masked: extra.masked ?? false, evasion: extra.evasion ?? false },
    ...(extra.brand ? { brand: extra.brand } : {}),
    ...(extra.value ? { value: extra.value } : {}),
  };
}
