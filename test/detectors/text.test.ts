import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesText } from '../../lib/detectors/text.js';

describe('bytesText', () => {
  it('reads bytes as char codes, one per byte', () => {
    expect(bytesText(Buffer.from('exp: 12/27'), 0, 3)).toBe('exp');
    expect(bytesText(Uint8Array.of(0x63, 0xc3, 0xa9), 0, 3)).toBe('c\u00c3\u00a9');
  });

  it('clamps and wraps offsets as subarray does', () => {
    const b = Buffer.from('cvv 123');
    expect(bytesText(b, 4, 99)).toBe('123');
    expect(bytesText(b, -3, 7)).toBe('123');
    expect(bytesText(b, 5, 2)).toBe('');
    expect(bytesText(b, -99, 3)).toBe('cvv');
  });

  it('equals String.fromCharCode over a subarray for every range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: -80, max: 80 }), fc.integer({ min: -80, max: 80 }), (bytes, from, to) => {
        expect(bytesText(bytes, from, to)).toBe(String.fromCharCode(...bytes.subarray(from, to)));
      }),
    );
  });
});
