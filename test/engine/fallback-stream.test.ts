/**
 * Property: for every chunking, what a fallback stream reports (all writes, then close) equals the
 * block scan of the whole data, for the built-in patterns and for other literal-anchored,
 * bounded or word-delimited patterns; and no write reports a match ending beyond the data seen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPatterns } from '../../lib/detectors/patterns.js';
import { sortTriples } from '../../lib/engine/card-windows.js';
import { compileFallback } from '../../lib/engine/fallback.js';
import type { Database, PatternSpec } from '../../lib/engine/types.js';

const builtin = builtinPatterns();

const keywordSet: PatternSpec[] = [
  { id: 100, expression: '\\bcvv2?\\b', flags: { caseless: true, leftmostStart: true } },
  { id: 101, expression: '%B\\d{12,19}\\^', flags: { leftmostStart: true } },
  { id: 102, expression: ';\\d{12,19}=' },
  { id: 103, expression: 'end$', flags: { leftmostStart: true } },
  { id: 104, expression: '^pin\\b', flags: { multiline: true, leftmostStart: true } },
  { id: 105, expression: 'secret', flags: { leftmostStart: true }, extensions: { editDistance: 1 } },
  { id: 106, expression: 'token', extensions: { hammingDistance: 1, minOffset: 10 } },
  { id: 107, expression: 'exp\\b', flags: { singlematch: true } },
  { id: 108, expression: 'card[ _-]?holder', flags: { utf8: true, caseless: true, leftmostStart: true } },
  { id: 109, expression: '[éж٣😀]{2}', flags: { utf8: true, leftmostStart: true } },
  { id: 110, expression: 'ж.', flags: { utf8: true, leftmostStart: true } },
];

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'0123456789') },
  { weight: 3, arbitrary: fc.constantFrom(' ', '-', '.', '\n', '\u00a0', '\u200b', '=', '^', ';', '%B', 'D', '*', 'X') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('cvv', 'CVV2', 'exp', 'expiry', 'pin', 'secret', 'secrt', 'token', 'tokan', 'end', 'card holder', '&#', '%3', '\\u00'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444', '3782 822463 10005', '6011\u00a01111\u00a01111\u00a01117'),
  },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ж', '٣', '😀', '\xff') },
);

/** Stray bytes that are not UTF-8 on their own (lead bytes without continuation, continuations). */
const strayByte = fc.constantFrom(0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff).map((b) => Buffer.from([b]));
const piece = fc.oneof(
  { weight: 20, arbitrary: token.map((t) => Buffer.from(t, 'utf8')) },
  { weight: 1, arbitrary: strayByte },
);

/** Data as UTF-8 bytes and the chunk boundaries to cut it at. */
const dataAndCuts = (maxTokens: number) =>
  fc
    .array(piece, { maxLength: maxTokens })
    .map((pieces) => Buffer.concat(pieces))
    .chain((bytes) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 })
        .map((cuts) => ({ bytes, cuts: [...cuts].sort((a, b) => a - b) })),
    );

/** Streams `bytes` cut at `cuts`; checks each write's matches end within the data seen so far. */
function streamed(db: Database, bytes: Uint8Array, cuts: number[]): Float64Array {
  const stream = db.openStream();
  const all: number[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const out = stream.write(bytes.subarray(at, cut));
    at = cut;
    for (let k = 2; k < out.length; k += 3) expect(out[k]).toBeLessThanOrEqual(at);
    all.push(...out);
  }
  all.push(...stream.close());
  return sortTriples(all);
}

describe('fallback streams equal block scans for every chunking', () => {
  const sets: [string, Database][] = [
    ['built-in patterns with card windows', compileFallback(builtin.patterns, { cardWindows: builtin.cardWindows })],
    ['keyword, sentinel, anchored and fuzzy patterns', compileFallback(keywordSet, { cardWindows: builtin.cardWindows })],
  ];
  for (const [name, db] of sets) {
    it(`holds for ${name}`, () => {
      fc.assert(
        fc.property(dataAndCuts(120), ({ bytes, cuts }) => {
          expect(Array.from(streamed(db, bytes, cuts))).toEqual(Array.from(db.scan(bytes)));
        }),
        { numRuns: 300, seed: 1127 },
      );
    });
  }

  it('holds beyond the history limit for matches shorter than it', () => {
    const db = compileFallback([...builtin.patterns, ...keywordSet.filter((p) => p.id !== 103 && p.id !== 104)], {
      cardWindows: builtin.cardWindows,
      streamHistory: 1024,
    });
    fc.assert(
      fc.property(dataAndCuts(1500), ({ bytes, cuts }) => {
        expect(Array.from(streamed(db, bytes, cuts))).toEqual(Array.from(db.scan(bytes)));
      }),
      { numRuns: 40, seed: 99 },
    );
  });

  it('finds the same card windows when a long digit run straddles the cut point', () => {
    const db = compileFallback([], { cardWindows: builtin.cardWindows, streamHistory: 1024 });
    const data = Buffer.from(`${'9'.repeat(3000)}4111111111111111=2512 x ${'1 '.repeat(900)}4111 1111 1111 1111 y`);
    const spaced = data.indexOf('4111 1111');
    // Cuts inside the long run, just before "=", and inside the spaced PAN (after "4111 1111 1111 11").
    const cuts = [1500, 2990, 3015, spaced + 17];
    const whole = Array.from(db.scan(data));
    expect(whole).toEqual([1, 3000, 3016, 1, spaced, spaced + 19]);
    expect(Array.from(streamed(db, data, cuts))).toEqual(whole);
  });
});
