import { describe, expect, it } from 'vitest';
import { digitLookalikes, lookalikeSeparatorCodePoints } from '../../lib/detectors/evasion.js';
import { builtinPatterns, CONTROL_INVISIBLES, invisibleCodePoints, LAYOUT_SPLITTERS, scriptDigitCodePoints } from '../../lib/detectors/patterns.js';
import { Detector } from '../../lib/detectors/detector.js';
import { LABEL_ANCHORS } from '../../lib/detectors/labels.js';

function expand(ranges: readonly (readonly [number, number])[]): number[] {
  return ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, k) => from + k));
}

describe('the built-in evasion-hint configuration', () => {
  it('covers exactly the non-ASCII decimal digits and digit look-alikes, the invisible characters, the look-alike separators, the ASCII controls and the layout splitters (+, =)', () => {
    const { evasionHints } = builtinPatterns();
    expect(scriptDigitCodePoints().length).toBeGreaterThan(600);
    // Beside the digits: the anchors of non-English expiry/CVV labels (labels.ts), none of them a digit.
    expect(LABEL_ANCHORS.some((cp) => /\p{Nd}/u.test(String.fromCodePoint(cp)))).toBe(false);
    expect(expand(evasionHints.digits)).toEqual([...scriptDigitCodePoints(), ...digitLookalikes().keys(), ...LABEL_ANCHORS].sort((x, y) => x - y));
    expect(expand(evasionHints.invisibles)).toEqual([...new Set([...invisibleCodePoints(), ...lookalikeSeparatorCodePoints(), ...CONTROL_INVISIBLES, ...LAYOUT_SPLITTERS])].sort((x, y) => x - y));
  });

  it.each(['hyperscan', 'javascript'] as const)('lets the %s detector find a PAN in the digits of every script block', (engine) => {
    const detector = new Detector({ engine });
    // Each block of ten script digits holds 0-9 in order: write 4111 1111 1111 1111 with them.
    const zeros = scriptDigitCodePoints().filter((cp, k, all) => all[k + 9] === cp + 9 && (k === 0 || all[k - 1] !== cp - 1));
    expect(zeros.length).toBeGreaterThan(60);
    for (const zero of zeros) {
      const digit = (d: number): string => String.fromCodePoint(zero + d);
      const pan = '4111111111111111'.split('').map((d) => digit(Number(d))).join('');
      const text = `card number: ${pan} thanks`;
      const found = detector.detect(text).filter((f) => f.type === 'pan');
      expect(found.map((f) => [f.start, f.end, f.flags.evasion]), `U+${zero.toString(16)}`).toEqual([[13, 13 + pan.length, true]]);
    }
  });
});
