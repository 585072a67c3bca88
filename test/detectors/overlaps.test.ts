import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keepBest, sortFew, SpanIndex } from '../../lib/detectors/overlaps.js';

interface Item {
  readonly start: number;
  readonly end: number;
  readonly tag: number;
}

const item = fc.record({ start: fc.integer({ min: 0, max: 20 }), end: fc.integer({ min: 0, max: 20 }), tag: fc.nat(1000) });
const byStart = (x: Item, y: Item): number => x.start - y.start;

describe('sortFew', () => {
  it('sorts stably: equal keys keep their order', () => {
    const a = [{ start: 2, end: 0, tag: 1 }, { start: 1, end: 0, tag: 2 }, { start: 2, end: 0, tag: 3 }, { start: 1, end: 0, tag: 4 }];
    expect(sortFew(a, byStart).map((x) => x.tag)).toEqual([2, 4, 1, 3]);
  });

  it('gives what Array.prototype.sort gives, small arrays and large', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        expect(sortFew(items.slice(), byStart)).toEqual(items.slice().sort(byStart));
      }),
    );
  });
});

describe('keepBest', () => {
  it('keeps the best of each cluster of overlapping spans, in start order', () => {
    const spans = [{ start: 0, end: 5, tag: 1 }, { start: 3, end: 9, tag: 9 }, { start: 9, end: 12, tag: 2 }, { start: 20, end: 22, tag: 0 }];
    expect(keepBest(spans, (x, y) => y.tag - x.tag).map((s) => s.tag)).toEqual([9, 2, 0]);
  });

  it('equals one global greedy pass over all spans', () => {
    const order = (x: Item, y: Item): number => y.tag - x.tag || x.start - y.start;
    fc.assert(
      fc.property(fc.array(item.map((s) => ({ ...s, end: s.start + 1 + (s.end % 6) })), { maxLength: 30 }), (spans) => {
        const chosen: Item[] = [];
        for (const s of [...spans].sort(order)) if (chosen.every((k) => s.end <= k.start || s.start >= k.end)) chosen.push(s);
        expect(keepBest(spans, order)).toEqual(chosen.sort(byStart));
      }),
    );
  });
});

describe('SpanIndex', () => {
  const spanArb = fc.tuple(fc.nat(600), fc.integer({ min: 1, max: 300 })).map(([start, length]) => ({ start, end: start + length }));

  it('answers overlap questions exactly as a linear search of the added spans', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 40 }), fc.array(spanArb, { maxLength: 40 }), (added, asked) => {
        const index = new SpanIndex();
        for (const s of added) index.add(s);
        for (const q of asked) {
          expect(index.overlaps(q.start, q.end)).toBe(added.some((s) => s.start < q.end && q.start < s.end));
        }
      }),
    );
  });

  it('treats touching spans as apart', () => {
    const index = new SpanIndex();
    index.add({ start: 60, end: 70 });
    expect([index.overlaps(50, 60), index.overlaps(70, 80), index.overlaps(69, 70)]).toEqual([false, false, true]);
  });
});
