// Layer 3 of the native engine: streaming mode.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../lib/engine/index.js';

const hs = { engine: 'hyperscan' } as const;
const db = compile(
  [
    { id: 1, expression: 'foobar', flags: { leftmostStart: true } },
    { id: 2, expression: 'end$' },
    { id: 3, expression: 'word\\b' },
    { id: 4, expression: 'x[0-9]{2,4}y' },
  ],
  { cardWindows: { id: 900, ranges: [{ from: '4', to: '4', lengths: [16] }] } },
  hs,
);
const bytes = (s: string) => Buffer.from(s);

describe('native streams', () => {
  it('reports a match that spans writes in the write where it ends, with absolute offsets', () => {
    const stream = db.openStream();
    expect(Array.from(stream.write(bytes('..fo')))).toEqual([]);
    expect(Array.from(stream.write(bytes('ob')))).toEqual([]);
    expect(Array.from(stream.write(bytes('ar..foobar')))).toEqual([1, 2, 8, 1, 10, 16]);
    expect(Array.from(stream.close())).toEqual([]);
  });

  it('reports `$` and a final `\\b` only at close', () => {
    const stream = db.openStream();
    expect(Array.from(stream.write(bytes('the end')))).toEqual([]);
    expect(Array.from(stream.close())).toEqual([2, -1, 7]);
    const other = db.openStream();
    expect(Array.from(other.write(bytes('a word')))).toEqual([]);
    expect(Array.from(other.write(bytes(' ')))).toEqual([3, -1, 6]);
    expect(Array.from(other.close())).toEqual([]);
  });

  it('runs the card-window pass across chunk boundaries', () => {
    const stream = db.openStream();
    const out = [...stream.write(bytes('pan 4111 11')), ...stream.write(bytes('11 1111 1111 and')), ...stream.close()];
    expect(out).toEqual([900, 4, 23]);
  });

  it('refuses strings and writes after close', () => {
    const stream = db.openStream();
    expect(() => stream.write('foo' as unknown as Uint8Array)).toThrow('Expected a Buffer or Uint8Array for chunk but received string');
    stream.close();
    expect(() => stream.write(bytes('x'))).toThrow(expect.objectContaining({ code: 'ERR_STREAM_CLOSED' }));
    expect(() => stream.close()).toThrow(expect.objectContaining({ code: 'ERR_STREAM_CLOSED' }));
  });

  it('keeps an open stream working after its database is closed', () => {
    const local = compile([{ id: 1, expression: 'foo' }], {}, hs);
    const stream = local.openStream();
    local.close();
    expect(() => local.openStream()).toThrow(expect.objectContaining({ code: 'ERR_DATABASE_CLOSED' }));
    expect(Array.from(stream.write(bytes('foo')))).toEqual([1, -1, 3]);
    expect(Array.from(stream.close())).toEqual([]);
  });

  it('streams the same matches as one block scan, for every chunking', () => {
    const alphabet = ['foo', 'bar', 'end', 'word', ' ', 'x', '12', '7y', '4111', '1111 ', '-', 'é'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (pieces, cutSeeds) => {
          const data = Buffer.from(pieces.join(''));
          const cuts = [...new Set(cutSeeds.map((c) => (data.length === 0 ? 0 : c % data.length)))].sort((a, b) => a - b);
          const stream = db.openStream();
          const streamed: number[] = [];
          let from = 0;
          for (const cut of [...cuts, data.length]) {
            streamed.push(...stream.write(data.subarray(from, cut)));
            from = cut;
          }
          streamed.push(...stream.close());
          const block = Array.from(db.scan(data));
          // A stream orders within each write; compare as sorted sets of triples.
          const key = (flat: number[]) => {
            const t: string[] = [];
            for (let i = 0; i < flat.length; i += 3) t.push(flat.slice(i, i + 3).join(','));
            return t.sort();
          };
          expect(key(streamed)).toEqual(key(block));
        },
      ),
      { numRuns: 300 },
    );
  });
});
