import { describe, expect, it } from 'vitest';
import { findPans } from '../../bench/baselines/js-regex.js';
import { fixedEnds, lineEndsOf, loadLoghubOnce, corpusDir, plantCards, repeatTo, sliceAtLine } from '../../bench/lib/corpus.js';

describe('bench corpus', () => {
  const once = loadLoghubOnce(corpusDir());

  it('joins the loghub files so that no line of one runs into the next', () => {
    expect(once.length).toBeGreaterThan(3_000_000);
    expect(once[once.length - 1]).toBe(0x0a);
    // 12 files of 2,000 lines each.
    expect(lineEndsOf(once).length).toBe(24_000);
  });

  it('repeats whole copies up to the target size', () => {
    const big = repeatTo(once, once.length * 2 + 1);
    expect(big.length).toBe(once.length * 3);
    expect(big.subarray(once.length, once.length * 2).equals(once)).toBe(true);
  });

  it('cuts record boundaries every N bytes, the last record shorter', () => {
    expect(Array.from(fixedEnds(450, 200))).toEqual([200, 400, 450]);
    expect(Array.from(lineEndsOf(Buffer.from('a\nbb\nccc')))).toEqual([2, 5, 8]);
  });

  it('plants one card line per 2 KB, each a number the JS baseline finds (Luhn + issuer range)', () => {
    const { bytes, planted } = plantCards(once, 2048, 7);
    expect(planted).toBeGreaterThan(once.length / 2048 - 50);
    expect(planted).toBeLessThanOrEqual(Math.ceil(once.length / 2048));
    const before = findPans(once).length / 2;
    expect(findPans(bytes).length / 2 - before).toBe(planted);
    expect(bytes.length).toBeGreaterThan(once.length);
  });

  it('is deterministic for a seed', () => {
    expect(plantCards(once, 4096, 1).bytes.equals(plantCards(once, 4096, 1).bytes)).toBe(true);
    expect(plantCards(once, 4096, 1).bytes.equals(plantCards(once, 4096, 2).bytes)).toBe(false);
  });

  it('slices at a line end', () => {
    const corpus = { name: 'x', bytes: once, lineEnds: lineEndsOf(once) };
    const slice = sliceAtLine(corpus, 10_000);
    expect(slice[slice.length - 1]).toBe(0x0a);
    expect(slice.length).toBeGreaterThanOrEqual(10_000);
    expect(slice.length).toBeLessThan(12_000);
  });
});
