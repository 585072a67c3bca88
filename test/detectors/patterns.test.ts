import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../lib/engine/index.js';
import { PATTERN_ID, builtinPatterns, scriptDigitCodePoints, scriptDigitEndsAt } from '../../lib/detectors/patterns.js';
import { utf8Alternation } from '../../lib/detectors/utf8-classes.js';

/** Where the full encodings of the script digits end (last byte index), read as Latin-1 bytes. */
const full = new RegExp(utf8Alternation(scriptDigitCodePoints()), 'g');

function fullEncodingEnds(bytes: Uint8Array): number[] {
  return [...Buffer.from(bytes).toString('latin1').matchAll(full)].map((m) => m.index + m[0].length - 1);
}

/** Where the prefix trigger fires in the native engine and the detector confirms the digit. */
const trigger = compile(builtinPatterns().patterns.filter((p) => p.id === PATTERN_ID.evasionScriptDigit), {}, { engine: 'hyperscan' });

function confirmedTriggerEnds(bytes: Uint8Array): number[] {
  const m = trigger.scan(bytes);
  const out: number[] = [];
  for (let k = 0; k < m.length; k += 3) if (scriptDigitEndsAt(bytes, m[k + 2]!)) out.push(m[k + 2]!);
  return out;
}

describe('the script-digit trigger (UTF-8 prefix, last byte confirmed in TypeScript)', () => {
  it('fires on the last byte of every non-ASCII decimal digit, and only there', () => {
    const digits = scriptDigitCodePoints();
    expect(digits.length).toBeGreaterThan(600);
    // Each digit between ASCII letters, and next to non-digits sharing its UTF-8 prefix.
    const text = digits.map((cp) => `a${String.fromCodePoint(cp)}${String.fromCodePoint(cp + 10)}b`).join('');
    const bytes = Buffer.from(text, 'utf8');
    const ends = confirmedTriggerEnds(bytes);
    expect(ends.length).toBeGreaterThanOrEqual(digits.length);
    expect(ends).toEqual(fullEncodingEnds(bytes));
  });

  it('agrees with the full encodings on arbitrary bytes, truncated sequences included', () => {
    const prefixBytes = [0xd9, 0xdb, 0xdf, 0xe0, 0xef, 0xf0, 0x91, 0x9d, 0x9f, 0xa5, 0xbc, 0x80, 0x99, 0xa0, 0xa9, 0x30];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...prefixBytes), { maxLength: 64 }), (list) => {
        const bytes = Uint8Array.from(list);
        expect(confirmedTriggerEnds(bytes)).toEqual(fullEncodingEnds(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a confirmation past the end of the input', () => {
    const bytes = Buffer.from('\uFF11', 'utf8'); // fullwidth 1: EF BC 91
    expect(scriptDigitEndsAt(bytes, 2)).toBe(true);
    expect(scriptDigitEndsAt(bytes.subarray(0, 2), 2)).toBe(false);
    expect(scriptDigitEndsAt(bytes, 1)).toBe(false);
  });
});
