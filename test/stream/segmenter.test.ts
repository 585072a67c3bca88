import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamError } from '../../lib/stream/errors.js';
import { Segmenter, type CutCheck } from '../../lib/stream/segmenter.js';

const always: CutCheck = () => true;

function segmentsOf(segmenter: Segmenter, input: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = sizes[k % sizes.length]!;
    const segment = segmenter.push(input.subarray(i, i + n));
    if (segment) out.push(Buffer.from(segment));
    i += n;
  }
  const rest = segmenter.end();
  if (rest) out.push(rest);
  return out;
}

describe('Segmenter', () => {
  it('cuts only right after a newline, with a full context window after the cut', () => {
    const input = Buffer.from('aaaa\nbbbb\ncccc\ndddd\neeee\n');
    const segments = segmentsOf(new Segmenter(always, { segmentBytes: 8, contextBytes: 4, maxHoldbackBytes: 64 }), input, [3]);
    expect(Buffer.concat(segments).equals(input)).toBe(true);
    for (const segment of segments.slice(0, -1)) expect(segment.at(-1)).toBe(0x0a);
    expect(segments.length).toBeGreaterThan(1);
  });

  it('gives the check the window around the cut and skips cuts it rejects', () => {
    const seen: string[] = [];
    const check: CutCheck = (left, right, both) => {
      seen.push(`${left.toString()}|${right.toString()}`);
      expect(Buffer.concat([left, right]).equals(both)).toBe(true);
      return !left.toString().endsWith('x\n'); // never cut right after a line ending in "x"
    };
    const input = Buffer.from('111\n222\n333\n44x\n555\n');
    const segments = segmentsOf(new Segmenter(check, { segmentBytes: 12, contextBytes: 4, maxHoldbackBytes: 64 }), input, [64]);
    expect(seen).toEqual(['44x\n|555\n', '333\n|44x\n']);
    expect(segments.map(String)).toEqual(['111\n222\n333\n', '44x\n555\n']);
  });

  it('fails closed with ERR_HOLDBACK_EXCEEDED when no safe cut exists within the bound', () => {
    const segmenter = new Segmenter(() => false, { segmentBytes: 8, contextBytes: 4, maxHoldbackBytes: 32 });
    const push = (): void => {
      for (let i = 0; i < 10; i++) segmenter.push(Buffer.from('line\n'));
    };
    expect(push).toThrow(StreamError);
    expect(push).toThrow(/No safe cut point within 32 bytes/);
    try {
      new Segmenter(() => false, { segmentBytes: 8, contextBytes: 4, maxHoldbackBytes: 32 }).push(Buffer.alloc(40, 0x61));
    } catch (error) {
      expect((error as StreamError).code).toBe('ERR_HOLDBACK_EXCEEDED');
    }
  });

  it('rejects option values that cannot work', () => {
    expect(() => new Segmenter(always, { segmentBytes: 0 })).toThrow('Expected positive integer for segmentBytes but received 0');
    expect(() => new Segmenter(always, { segmentBytes: 100, contextBytes: 10, maxHoldbackBytes: 50 })).toThrow(
      'Expected maxHoldbackBytes >= segmentBytes + contextBytes (110) but received 50',
    );
  });

  it('never holds more than the bound and returns every byte in order, for any chunking', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (bytes, sizes) => {
          const input = Buffer.from(bytes.map((b) => (b % 7 === 0 ? 0x0a : b)));
          const segmenter = new Segmenter(always, { segmentBytes: 16, contextBytes: 8, maxHoldbackBytes: 200 });
          const segments = segmentsOf(segmenter, input, sizes);
          expect(Buffer.concat(segments).equals(input)).toBe(true);
          expect(segmenter.heldBytes).toBe(0);
        },
      ),
    );
  });
});
