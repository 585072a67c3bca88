import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiDigits, digitValue, isDigit } from '../../lib/redaction/digits.js';

describe('asciiDigits', () => {
  it('keeps the digits of any script, as ASCII, in order', () => {
    expect(asciiDigits('4111 1111-1111 1111')).toBe('4111111111111111');
    expect(asciiDigits('card ４１１１ ٤١ 1')).toBe('4111411');
  });

  it('equals a code point by code point reading for mixed text', () => {
    const unit = fc.constantFrom('4', '0', ' ', '-', 'a', 'é', '４', '٣', '𝟗', '\u{1F600}', '\ud800');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 30 }).map((a) => a.join('')), (text) => {
        let expected = '';
        for (const ch of text) {
          const cp = ch.codePointAt(0)!;
          if (isDigit(cp)) expected += String.fromCharCode(0x30 + digitValue(cp));
        }
        expect(asciiDigits(text)).toBe(expected);
      }),
    );
  });
});
