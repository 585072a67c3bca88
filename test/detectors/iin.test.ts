import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brandOf, brandOfPrefix, IIN_TABLE } from '../../lib/detectors/iin.js';

describe('brandOf', () => {
  it('takes the longest matching prefix', () => {
    expect(brandOf('4111111111111111')).toBe('visa');
    expect(brandOf('4011780000000000')).toBe('elo'); // Elo 401178 inside Visa's 4
    expect(brandOf('378282246310005')).toBe('amex');
    expect(brandOf('1234')).toBeUndefined();
  });

  it('agrees with the table read row by row (brandOfPrefix over the whole number)', () => {
    const prefixes = IIN_TABLE.map((r) => r.from);
    const pan = fc
      .tuple(fc.constantFrom(...prefixes), fc.integer({ min: 12, max: 19 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }))
      .map(([prefix, length, digits]) => (prefix + digits.join('')).slice(0, length));
    fc.assert(
      fc.property(pan, (p) => {
        expect(brandOf(p)).toBe(brandOfPrefix(p, p.length));
      }),
      { numRuns: 3000 },
    );
  });
});
