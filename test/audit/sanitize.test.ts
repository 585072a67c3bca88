import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeText } from '../../lib/audit/sanitize.js';

describe('safeText', () => {
  it('replaces runs of 12 or more digits, separators included, and nothing shorter', () => {
    expect(safeText('order 4111 1111 1111 1111 paid')).toBe('order [digits] paid');
    expect(safeText('req-12345678901')).toBe('req-12345678901');
    expect(safeText('1 2 3 4 5 6 7 8 9 0 1 2')).toBe('[digits]');
    expect(safeText('12345 6789012 x 2')).toBe('[digits] x 2');
    expect(safeText('12345 678901 x 2')).toBe('12345 678901 x 2'); // 11 digits
  });

  it('equals the replacement over every text, digit-dense or not', () => {
    const unit = fc.constantFrom('1', '7', ' ', '-', '.', '_', '/', '\t', 'a', '=', '٣');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(unit, { maxLength: 40 }).map((a) => a.join(''))), (text) => {
        expect(safeText(text)).toBe(text.replace(/\d(?:[\s\-._/]{0,3}\d){11,}/g, '[digits]'));
      }),
    );
  });
});
