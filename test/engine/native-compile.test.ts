// Layer 1 of the native engine: compiling, validating and serializing Hyperscan databases.
import { describe, expect, it } from 'vitest';
import { compile, deserialize, EngineError } from '../../lib/engine/index.js';
import type { CompileOptions, PatternSpec } from '../../lib/engine/index.js';

const hs = { engine: 'hyperscan' } as const;
const cards: CompileOptions = { cardWindows: { id: 900, ranges: [{ from: '4', to: '4', lengths: [16] }] } };

function caught(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error('expected a throw');
}

describe('native compile', () => {
  it('reports a pattern that does not compile by code, index, id and Hyperscan message', () => {
    const error = caught(() =>
      compile(
        [
          { id: 1, expression: 'ok' },
          { id: 42, expression: 'b(ar' },
        ],
        {},
        hs,
      ),
    );
    expect(error.code).toBe('ERR_PATTERN_COMPILE');
    expect(error.patternIndex).toBe(1);
    expect(error.patternId).toBe(42);
    expect(error.message).toBe('Pattern 42 (index 1) does not compile: Missing close parenthesis for group started at index 1.');
  });

  it('refuses an expression that only matches the empty string', () => {
    const error = caught(() => compile([{ id: 5, expression: 'a?' }], {}, hs));
    expect(error.code).toBe('ERR_PATTERN_COMPILE');
    expect(error.patternIndex).toBe(0);
    expect(error.message).toBe('Pattern 5 (index 0) does not compile: Pattern matches empty buffer; use HS_FLAG_ALLOWEMPTY to enable support.');
  });

  it.each([
    [[{ id: -1, expression: 'x' }], 'Expected an unsigned 32-bit integer for patterns[0].id but received number -1'],
    [[{ id: 2 ** 32, expression: 'x' }], 'Expected an unsigned 32-bit integer for patterns[0].id but received number 4294967296'],
    [[{ id: 1, expression: '' }], 'Expected a non-empty string for patterns[0].expression but received string'],
    [[{ id: 1, expression: 'a\0b' }], 'Expected no NUL character in patterns[0].expression (write \\x00 instead)'],
    [[{ id: 1, expression: 'x', flags: { caseless: 1 } }], 'Expected a boolean for patterns[0].flags.caseless but received number 1'],
    [
      [{ id: 1, expression: 'x', extensions: { minOffset: -3 } }],
      'Expected a non-negative integer for patterns[0].extensions.minOffset but received number -3',
    ],
  ])('refuses a malformed spec %#', (patterns, message) => {
    const error = caught(() => compile(patterns as unknown as PatternSpec[], {}, hs));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.message).toBe(message);
  });

  it('refuses card-window ranges that are not digit strings or lengths outside 12..19', () => {
    const badLength = caught(() => compile([], { cardWindows: { id: 1, ranges: [{ from: '4', to: '4', lengths: [11] }] } }, hs));
    expect(badLength.message).toBe(
      'Expected an integer from 12 to 19 for options.cardWindows.ranges[0].lengths[0] but received number 11',
    );
    const badFrom = caught(() => compile([], { cardWindows: { id: 1, ranges: [{ from: '4a', to: '49', lengths: [16] }] } }, hs));
    expect(badFrom.message).toBe('Expected a string of 1 to 19 digits for options.cardWindows.ranges[0].from but received string');
    const reversed = caught(() => compile([], { cardWindows: { id: 1, ranges: [{ from: '55', to: '51', lengths: [16] }] } }, hs));
    expect(reversed.code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('compiles an empty pattern list with the card-window pass only', () => {
    const db = compile([], cards, hs);
    expect(db.engine).toBe('hyperscan');
    expect(db.patternCount).toBe(0);
    expect(Array.from(db.scan('pan 4111111111111111.'))).toEqual([900, 4, 20]);
  });

  it('compiles an empty pattern list without card windows into a database that matches nothing', () => {
    const db = compile([], {}, hs);
    expect(Array.from(db.scan('anything 4111111111111111'))).toEqual([]);
  });

  it('applies flags: caseless, single match, leftmost start', () => {
    const db = compile(
      [
        { id: 1, expression: 'cvv', flags: { caseless: true, leftmostStart: true } },
        { id: 2, expression: 'x', flags: { singlematch: true } },
        { id: 3, expression: 'ab+c' },
      ],
      {},
      hs,
    );
    expect(Array.from(db.scan('CVV x x abbc'))).toEqual([1, 0, 3, 2, -1, 5, 3, -1, 12]);
  });

  it('applies extended parameters (minimum offset)', () => {
    const db = compile([{ id: 4, expression: 'abc', extensions: { minOffset: 5 } }], {}, hs);
    expect(Array.from(db.scan('abcabc'))).toEqual([4, -1, 6]);
  });
});

describe('native serialize', () => {
  const patterns: PatternSpec[] = [
    { id: 10, expression: 'cvv2?', flags: { caseless: true, leftmostStart: true } },
    { id: 11, expression: '\\btrack\\b' },
  ];

  it('round-trips a database with card windows into one that scans identically, streams included', () => {
    const db = compile(patterns, cards, hs);
    const copy = deserialize(db.serialize(), hs);
    expect(copy.engine).toBe('hyperscan');
    expect(copy.patternCount).toBe(2);
    const input = 'CVV2 track 4111-1111-1111-1111 cvv';
    expect(Array.from(copy.scan(input))).toEqual(Array.from(db.scan(input)));
    expect(Array.from(copy.scan(input))).toEqual([10, 0, 3, 10, 0, 4, 11, -1, 10, 900, 11, 30, 10, 31, 34]);
    const stream = copy.openStream();
    expect([...stream.write(Buffer.from('CV')), ...stream.write(Buffer.from('V track')), ...stream.close()]).toEqual([
      10, 0, 3, 11, -1, 9,
    ]);
  });

  it('refuses garbage, a flipped byte and truncated bytes with ERR_DESERIALIZE', () => {
    const bytes = compile(patterns, {}, hs).serialize();
    expect(caught(() => deserialize(Buffer.from('CVHS but not really'), hs)).message).toBe(
      'Not a serialized cardveil Hyperscan database: format version 1953849888, expected 2',
    );
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 10]! ^= 0x40;
    expect(caught(() => deserialize(flipped, hs)).message).toBe(
      'Not a serialized cardveil Hyperscan database: checksum mismatch',
    );
    const truncated = bytes.subarray(0, 12);
    expect(caught(() => deserialize(truncated, hs)).message).toBe('Not a serialized cardveil Hyperscan database: it ends early');
    expect(caught(() => deserialize(Buffer.from('nope'), hs)).code).toBe('ERR_DESERIALIZE');
  });

  it('refuses Hyperscan bytes on the JavaScript engine', () => {
    const error = caught(() => deserialize(compile(patterns, {}, hs).serialize(), { engine: 'javascript' }));
    expect(error.code).toBe('ERR_DESERIALIZE');
  });
});
