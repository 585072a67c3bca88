/**
 * The fallback's card-window pass (card-runs.ts) must report exactly the reference's windows.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPatterns } from '../../lib/detectors/patterns.js';
import { scanCardWindows } from '../../lib/engine/card-runs.js';
import { findCardWindows, SEPARATORS } from '../../lib/engine/card-windows.js';

const { cardWindows } = builtinPatterns();
const CORPUS = '/work/shared/corpus/loghub';

describe('fallback card-window pass', () => {
  it('reports exactly the reference windows on every loghub file, as bytes and as a string', () => {
    let total = 0;
    for (const file of fs.readdirSync(CORPUS).filter((f) => f.endsWith('.log'))) {
      const bytes = fs.readFileSync(path.join(CORPUS, file));
      const text = bytes.toString('utf8');
      const reference = Array.from(findCardWindows(bytes, cardWindows));
      expect(Array.from(scanCardWindows(bytes, cardWindows))).toEqual(reference);
      expect(Array.from(scanCardWindows(text, cardWindows))).toEqual(Array.from(findCardWindows(text, cardWindows)));
      total += reference.length / 3;
    }
    // The corpus has Luhn-valid, in-range digit runs that are not cards: the comparison is not vacuous.
    expect(total).toBeGreaterThan(0);
  });

  it('reports the spans of printed, wrapped and track 2 PANs', () => {
    expect(Array.from(scanCardWindows('x 4111\u00a01111-1111 1111 y', cardWindows))).toEqual([1, 2, 21]);
    expect(Array.from(scanCardWindows(Buffer.from('é 4111\u200b1111 1111 1111'), cardWindows))).toEqual([1, 3, 24]);
    expect(Array.from(scanCardWindows('5713994111111111111111D2512', cardWindows))).toEqual([1, 6, 22]);
  });

  it('equals the reference on random digit-and-separator text (property)', () => {
    const separator = fc.constantFrom(...SEPARATORS.map((cp) => String.fromCodePoint(cp)));
    // A test PAN cut into groups joined by gaps of 1 to 4 separators (4 is one too many).
    const splitPan = fc
      .tuple(
        fc.constantFrom('4111111111111111', '378282246310005', '5555555555554444', '6011111111111117', '4222222222222'),
        fc.uniqueArray(fc.integer({ min: 1, max: 14 }), { maxLength: 4 }),
        fc.array(fc.array(separator, { minLength: 1, maxLength: 4 }), { minLength: 4, maxLength: 4 }),
      )
      .map(([pan, cuts, gaps]) => {
        let out = '';
        let at = 0;
        [...cuts].sort((a, b) => a - b).forEach((cut, k) => {
          out += pan.slice(at, cut) + gaps[k]!.join('');
          at = cut;
        });
        return out + pan.slice(at);
      });
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...'0123456789') },
      { weight: 3, arbitrary: separator },
      { weight: 3, arbitrary: splitPan },
      { weight: 1, arbitrary: fc.constantFrom('=', 'D', 'x', 'é', '😀') },
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 120 }), fc.boolean(), (units, asBytes) => {
        const text = units.join('');
        const input = asBytes ? Buffer.from(text, 'utf8') : text;
        expect(Array.from(scanCardWindows(input, cardWindows))).toEqual(Array.from(findCardWindows(input, cardWindows)));
      }),
      { numRuns: 1000, seed: 31 },
    );
  });

  it('equals the reference on random bytes, including broken UTF-8 around separators (property)', () => {
    const byte = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0x30, max: 0x39 }) },
      { weight: 3, arbitrary: fc.constantFrom(0x20, 0x2d, 0xc2, 0xa0, 0xe2, 0x80, 0x8b, 0x3d, 0x44) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), (values) => {
        const bytes = Uint8Array.from(values);
        expect(Array.from(scanCardWindows(bytes, cardWindows))).toEqual(Array.from(findCardWindows(bytes, cardWindows)));
      }),
      { numRuns: 1000, seed: 32 },
    );
  });
});
