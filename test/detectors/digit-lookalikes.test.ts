/**
 * Digit look-alikes that are no decimal digits (`\p{No}`): superscript, subscript, circled and
 * dingbat digits stand for digits in an evasion, mapped back to exact spans (evasion.ts).
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import { digitLookalikes } from '../../lib/detectors/evasion.js';

const SUPER = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const CIRCLED = '⓪①②③④⑤⑥⑦⑧⑨';
const DINGBAT = '⓿➊➋➌➍➎➏➐➑➒';
const write = (digits: string, glyphs: string): string => [...digits].map((d) => [...glyphs][Number(d)]).join('');

describe('digit look-alikes', () => {
  it('map every superscript, subscript, circled and dingbat digit to its value', () => {
    const map = digitLookalikes();
    for (const glyphs of [SUPER, SUB, CIRCLED, DINGBAT]) {
      expect([...glyphs].map((g) => map.get(g.codePointAt(0)!))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(map.has('4'.codePointAt(0)!)).toBe(false);
  });

  describe.each(['hyperscan', 'javascript'] as const)('on the %s engine', (engine) => {
    const detector = new Detector({ engine });
    it.each([
      ['superscript', SUPER],
      ['subscript', SUB],
      ['circled', CIRCLED],
      ['dingbat', DINGBAT],
    ])('find a PAN written in %s digits, flagged as an evasion', (_name, glyphs) => {
      const text = `card ${write('5555555555554444', glyphs)} ok`;
      const found = detector.detect(text);
      expect(found.map((f) => [f.type, f.brand, f.start, f.end, f.flags.evasion])).toEqual([['pan', 'mastercard', 5, 21, true]]);
    });

    it('leave exponents, units and footnotes alone', () => {
      expect(detector.detect('E = mc², 12 m³ of water¹²³, H₂O, step ① then ②')).toEqual([]);
    });
  });
});
