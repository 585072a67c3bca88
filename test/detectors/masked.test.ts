/**
 * Masked PAN layouts read around a visible digit (adversarial f3, f117, f119): the Amex 4-6-5
 * grouping with a mask group that ends in one or two masks, and `_` as a mask character. The
 * engine's mask triggers (patterns.ts) do not fire on these layouts yet, so they are read here
 * through `maskedPanAround`, the parser the triggers call.
 */
import { describe, expect, it } from 'vitest';
import { maskedPanAround } from '../../lib/detectors/masked.js';

/** The masked PAN around the first character of the last occurrence of `at` in `text`. */
function around(text: string, at: string): [number, number, string | undefined] | undefined {
  const f = maskedPanAround(Buffer.from(text, 'latin1'), text.lastIndexOf(at));
  return f ? [f.start, f.end, f.brand] : undefined;
}

describe('masked PAN layouts', () => {
  it.each([
    ['AMEX XXXX-XXXXXX-X0005', '0005', [5, 22, undefined]],
    ['3782 82**** *0005', '0005', [0, 17, 'amex']],
    ['411111______1111', '1111', [0, 16, 'visa']],
    ['5500 00__ ____ 0004', '0004', [0, 19, 'mastercard']],
  ])('%s', (text, at, expected) => {
    expect(around(text, at)).toEqual(expected);
  });

  it.each([
    ['underscores glued to a word', 'file_20231105____1234', '1234'],
    ['a dunder name', '__init____1234', '1234'],
    ['an underscore rule then a number', 'CHANGELOG ____________ 2019', '2019'],
    ['underscores without the issuer digits before them', 'card: ____________4242 exp 12/27', '4242'],
    ['underscores after fewer than four issuer digits', 'ref 41__________1111', '1111'],
    ['more than 19 characters', 'line ________________________1234', '1234'],
    ['a secret key tail', 'sk_live_************2267', '2267'],
    ['digits glued after the visible ones', '411111______11112', '1111'],
  ])('is not read in %s', (_why, text, at) => {
    expect(around(text, at)).toBeUndefined();
  });
});
