/**
 * Look-alike separators between the digit groups of a PAN (Ogham space, line separators, NEL, VT,
 * FF, fullwidth and small hyphens, middle dots, braille blank, NUL, backspace): the evasion
 * normalisation turns each into the ASCII separator it stands for (or drops it), and the card
 * window of the normalised text maps back to the exact original span. This is the path the
 * detector takes once an evasion place is reported after a digit followed by one of them
 * (`lookalikeSeparatorCodePoints`, `asciiLookalikeSeparators`).
 */
import { describe, expect, it } from 'vitest';
import { findCardWindows } from '../../lib/engine/card-windows.js';
import { asciiLookalikeSeparators, lookalikeSeparatorCodePoints, normaliseRegion } from '../../lib/detectors/evasion.js';
import { choosePans, judgeWindow } from '../../lib/detectors/pan.js';
import { builtinPatterns } from '../../lib/detectors/patterns.js';

const { cardWindows } = builtinPatterns();

/** PANs found in the normalised `text`, as `[start, end, brand]` in the original UTF-8 bytes. */
function pansThroughNormalisation(text: string): [number, number, string][] {
  const b = Buffer.from(text, 'utf8');
  const region = normaliseRegion(b, 0, b.length);
  const n = region.bytes;
  const toContext = (offset: number, side: 'start' | 'end'): number =>
    side === 'start' ? (offset < n.length ? region.origStart[offset]! : b.length) : offset > 0 ? region.origEnd[offset - 1]! : 0;
  const windows = findCardWindows(n, cardWindows);
  const candidates = [];
  for (let k = 0; k < windows.length; k += 3) {
    const c = judgeWindow(n, windows[k + 1]!, windows[k + 2]!, 'standard', { bytes: b, toContext });
    if (c) candidates.push(c);
  }
  return choosePans(candidates).map((c) => [region.origStart[c.start]!, region.origEnd[c.end - 1]!, c.brand]);
}

const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('look-alike separators between the groups of a PAN', () => {
  it.each([
    ['Ogham space', '\u1680'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
    ['next line', '\u0085'],
    ['vertical tab', '\u000b'],
    ['form feed', '\f'],
    ['fullwidth hyphen', '\uff0d'],
    ['small hyphen', '\ufe63'],
    ['two-em dash', '\u2e3a'],
    ['middle dot', '\u00b7'],
    ['katakana middle dot', '\u30fb'],
    ['braille blank', '\u2800'],
    ['backspace', '\b'],
  ])('%s: found at the exact original span', (_name, sep) => {
    const text = `card 4111${sep}1111${sep}1111${sep}1111`;
    expect(pansThroughNormalisation(text)).toEqual([[5, bytesOf(text), 'visa']]);
  });

  it('drops a blank or NUL after every digit (UTF-16 text read as bytes, braille blanks)', () => {
    for (const sep of ['\u0000', '\u2800']) {
      const text = `card ${[...'4111111111111111'].join(sep)}`;
      expect(pansThroughNormalisation(text)).toEqual([[5, bytesOf(text), 'visa']]);
    }
    const halves = 'pay 41111111\u280011111111 now';
    expect(pansThroughNormalisation(halves)).toEqual([[4, bytesOf('pay 41111111\u280011111111'), 'visa']]);
  });

  it('drops ANSI colour codes between the groups (coloured terminal output)', () => {
    const text = 'card \u001b[31m4111\u001b[0m1111\u001b[31m1111\u001b[0m1111';
    expect(pansThroughNormalisation(text)).toEqual([[10, bytesOf(text), 'visa']]);
  });

  it('keeps an identifier an identifier after normalisation', () => {
    expect(pansThroughNormalisation('order_id=4111\u16801111\u16801111\u16801111')).toEqual([]);
  });

  it('lists the look-alikes for the evasion-place triggers: non-ASCII for the hint pass, ASCII controls apart', () => {
    expect(lookalikeSeparatorCodePoints()).toContain(0x1680);
    expect(lookalikeSeparatorCodePoints().every((cp) => cp >= 0x80)).toBe(true);
    expect(asciiLookalikeSeparators()).toEqual([0x00, 0x08, 0x0b, 0x0c, 0x1b]);
  });
});
