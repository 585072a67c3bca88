import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import { brandOf, IIN_TABLE } from '../../lib/detectors/iin.js';
import { luhn } from '../../lib/detectors/luhn.js';
import { grouping } from '../fixtures/detectors/cards.js';

const detector = new Detector({ engine: 'hyperscan' });
const reference = new Detector({ engine: 'javascript' });

function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d;
  throw new Error('unreachable');
}

/** A random valid PAN of a random issuer row and length, with the row's brand. */
const panArb = fc
  .record({
    row: fc.constantFrom(...IIN_TABLE),
    pick: fc.nat(),
    tail: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }),
  })
  .map(({ row, pick, tail }) => {
    const length = row.lengths[pick % row.lengths.length]!;
    // A prefix inside the row's range: `from` with random digits after it.
    const body = (row.from + tail.join('')).slice(0, length - 1);
    return { pan: withCheckDigit(body), brand: row.brand };
  })
  .filter(({ pan, brand }) => brandOf(pan) === brand);

const separatorArb = fc.constantFrom('', ' ', '-', '.', '\u00a0', 'mixed');
const beforeArb = fc.constantFrom('', 'card ', 'cc=', 'PAN: ', '{"card_number":"', 'paid with ', 'Card\t', '<td>', 'x ', '\n');
const afterArb = fc.constantFrom('', ' ok', '"}', '.', ' approved\n', '</td>', ', thanks', ';');

describe('property: valid PANs of every brand are found exactly', () => {
  it('finds one PAN with its exact span and brand, whatever the separators and context', () => {
    fc.assert(
      fc.property(panArb, separatorArb, beforeArb, afterArb, fc.array(fc.constantFrom(' ', '-', '.'), { minLength: 8, maxLength: 8 }), ({ pan, brand }, sep, before, after, mixed) => {
        let rendered = pan;
        if (sep !== '') {
          const groups = grouping(brand, pan.length);
          rendered = '';
          let i = 0;
          groups.forEach((g, k) => {
            if (k > 0) rendered += sep === 'mixed' ? mixed[k]! : sep;
            rendered += pan.slice(i, i + g);
            i += g;
          });
        }
        const text = before + rendered + after;
        const found = detector.detect(text).map((f) => ({ type: f.type, brand: f.brand, start: f.start, end: f.end }));
        expect(found).toEqual([{ type: 'pan', brand, start: before.length, end: before.length + rendered.length }]);
        expect(reference.detect(text)).toEqual(detector.detect(text));
      }),
      { numRuns: 400 },
    );
  });

  it('finds the PAN at the same place in bytes and in the string, around any Unicode text', () => {
    fc.assert(
      fc.property(panArb, fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }), ({ pan }, left, right) => {
        const text = `${left} card ${pan} ${right}`;
        const fromString = detector.detect(text).map((f) => [f.type, text.slice(f.start, f.end)]);
        const bytes = Buffer.from(text, 'utf8');
        const fromBytes = detector.detect(bytes).map((f) => [f.type, bytes.subarray(f.start, f.end).toString('utf8')]);
        expect(fromBytes).toEqual(fromString);
        expect(fromString).toContainEqual(['pan', pan]);
      }),
      { numRuns: 200 },
    );
  });

  it('returns findings sorted by start, built-in findings never overlapping', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(panArb.map((p) => p.pan), fc.constantFrom('cvv 123', 'exp 12/27', '411111******1111', ';4111111111111111=27051010000?', 'pin 1234', ' ', '\n', 'x')), { maxLength: 12 }), (parts) => {
        const findings = detector.detect(parts.join(' '));
        for (let k = 1; k < findings.length; k++) {
          expect(findings[k]!.start).toBeGreaterThanOrEqual(findings[k - 1]!.start);
          expect(findings[k]!.start).toBeGreaterThanOrEqual(findings[k - 1]!.end);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('detectBatch gives each record the findings detect gives it', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(panArb.map((p) => `card ${p.pan}`), fc.string({ maxLength: 30 })), { maxLength: 10 }), (records) => {
        expect(detector.detectBatch(records)).toEqual(records.map((r) => detector.detect(r)));
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary bytes or text, and every span lies inside the input', () => {
    const noisy = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.array(fc.constantFrom('4111', '1111', ' ', '-', '%3', '&#5', '\\u003', '\u200b', '\uff14', '*', 'x', '^', '=', 'D', 'cvv', 'exp', 'pin', ';', '?', '%B'), { maxLength: 40 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(noisy, (input) => {
        const findings = detector.detect(input);
        for (const f of findings) {
          expect(f.start).toBeGreaterThanOrEqual(0);
          expect(f.end).toBeGreaterThan(f.start);
          expect(f.end).toBeLessThanOrEqual(input.length);
        }
        expect(reference.detect(input)).toEqual(findings);
      }),
      { numRuns: 500 },
    );
  });
});

