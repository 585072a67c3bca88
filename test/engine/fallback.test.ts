import { describe, expect, it } from 'vitest';
import { EngineError } from '../../lib/engine/errors.js';
import { compileFallback, deserializeFallback } from '../../lib/engine/fallback.js';
import type { CardWindowConfig, Database, PatternSpec } from '../../lib/engine/types.js';

const cards: CardWindowConfig = {
  id: 1,
  ranges: [
    { from: '4', to: '4', lengths: [13, 16, 19] },
    { from: '51', to: '55', lengths: [16] },
    { from: '34', to: '34', lengths: [15] },
    { from: '37', to: '37', lengths: [15] },
  ],
};

const list = (a: Float64Array): number[] => Array.from(a);
const one = (expression: string, flags: PatternSpec['flags'] = {}, extensions?: PatternSpec['extensions']): Database =>
  compileFallback([{ id: 5, expression, flags: { leftmostStart: true, ...flags }, ...(extensions ? { extensions } : {}) }]);
const spans = (expression: string, input: string | Uint8Array, flags: PatternSpec['flags'] = {}): number[] =>
  list(one(expression, flags).scan(input));

/** Runs `fn` and returns the EngineError it throws. */
function engineError(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an EngineError');
}

describe('fallback engine: block scans', () => {
  it('reports [id, start, end] triples sorted by end, then id, then start', () => {
    const db = compileFallback([
      { id: 9, expression: 'cvv', flags: { leftmostStart: true } },
      { id: 3, expression: 'cvv:', flags: { leftmostStart: true } },
      { id: 4, expression: 'v:' },
    ]);
    expect(list(db.scan('cvv: x cvv'))).toEqual([9, 0, 3, 3, 0, 4, 4, -1, 4, 9, 7, 10]);
    expect(db.engine).toBe('javascript');
    expect(db.patternCount).toBe(3);
  });

  it('reports start -1 unless leftmostStart is set', () => {
    const db = compileFallback([{ id: 2, expression: 'pin' }]);
    expect(list(db.scan('my pin'))).toEqual([2, -1, 6]);
  });

  it('counts bytes for Uint8Array input and UTF-16 units for strings', () => {
    expect(spans('cvv', 'é cvv')).toEqual([5, 2, 5]);
    expect(spans('cvv', Buffer.from('é cvv'))).toEqual([5, 3, 6]);
    expect(spans('cvv', 'a😀cvv')).toEqual([5, 3, 6]);
  });

  it('honours the byteOffset of a Uint8Array view', () => {
    const whole = Buffer.from('xxxx cvv');
    expect(spans('cvv', whole.subarray(4))).toEqual([5, 1, 4]);
  });

  it('matches byte patterns against the UTF-8 form of a string, widening partial characters', () => {
    // "é" is C3 A9; the pattern names its second byte only.
    expect(spans('\\xa9x', 'éx')).toEqual([5, 0, 2]);
    expect(spans('\\xc3\\xa9', Buffer.from('aé'))).toEqual([5, 1, 3]);
    expect(spans('é', 'aé')).toEqual([5, 1, 2]);
  });

  it('runs the card-window pass beside the patterns and merges its windows', () => {
    const db = compileFallback([{ id: 10, expression: 'cvv', flags: { leftmostStart: true } }], { cardWindows: cards });
    expect(list(db.scan('4111 1111 1111 1111 cvv 5555555555554444'))).toEqual([1, 0, 19, 10, 20, 23, 1, 24, 40]);
    expect(list(db.scan(Buffer.from('é4111111111111111')))).toEqual([1, 2, 18]);
  });

  it('scans a batch into [record, id, start, end] quads with offsets per record', () => {
    const db = compileFallback([{ id: 7, expression: 'pin', flags: { leftmostStart: true } }]);
    expect(list(db.scanBatch(['pin', Buffer.from('none'), 'a pin pin']))).toEqual([0, 7, 0, 3, 2, 7, 2, 5, 2, 7, 6, 9]);
    expect(list(db.scanBatch([]))).toEqual([]);
  });

  it('resolves scanAsync with the same result as scan', async () => {
    const db = one('cvv');
    await expect(db.scanAsync('a cvv').then(list)).resolves.toEqual([5, 2, 5]);
  });
});

describe('fallback engine: Hyperscan syntax', () => {
  it('reads \\x{HHHH}, POSIX classes, \\Q..\\E and octal escapes', () => {
    expect(spans('\\x{41}\\x42', 'xAB')).toEqual([5, 1, 3]);
    expect(spans('[[:digit:]]{3}[[:^alpha:]]', 'ab123-')).toEqual([5, 2, 6]);
    expect(spans('\\Qa.b*\\E', 'axb a.b*')).toEqual([5, 4, 8]);
    expect(spans('\\101\\x', 'A\x00')).toEqual([5, 0, 2]);
  });

  it('applies inline (?i) to the rest of its group only', () => {
    expect(spans('a(?i)b', 'aB AB ab')).toEqual([5, 0, 2, 5, 6, 8]);
    expect(spans('(?i:x)y', 'Xy XY')).toEqual([5, 0, 2]);
    expect(spans('(?i)a(?-i)b', 'Ab AB')).toEqual([5, 0, 2]);
  });

  it('folds case for ASCII letters only in byte mode', () => {
    expect(spans('\\xe0', Buffer.from([0xc0, 0xe0]), { caseless: true })).toEqual([5, 1, 2]);
    expect(spans('[a-c]x', 'BX', { caseless: true })).toEqual([5, 0, 2]);
  });

  it('gives $ Hyperscan meaning: end of data or before a final newline', () => {
    expect(spans('foo$', 'foo\n')).toEqual([5, 0, 3]);
    expect(spans('foo$', 'foo\nfoo')).toEqual([5, 4, 7]);
    expect(spans('foo$', 'foo\n\n')).toEqual([]);
    expect(spans('foo\\z', 'foo\n')).toEqual([]);
    expect(spans('^foo', 'foo foo')).toEqual([5, 0, 3]);
  });

  it('anchors ^ and $ at lines with multiline, and lets . cross newlines only with dotall', () => {
    expect(spans('^a$', 'a\na\nb', { multiline: true })).toEqual([5, 0, 1, 5, 2, 3]);
    expect(spans('a.b', 'a\nb')).toEqual([]);
    expect(spans('a.b', 'a\nb', { dotall: true })).toEqual([5, 0, 3]);
  });

  it('reads \\s and \\w as ASCII classes in byte mode', () => {
    expect(spans('a\\sb', Buffer.from([0x61, 0xa0, 0x62, 0x20, 0x61, 0x0b, 0x62]))).toEqual([5, 4, 7]);
    expect(spans('\\bpin\\b', 'piné pin_ pin')).toEqual([5, 0, 3, 5, 10, 13]);
  });

  it('runs utf8 patterns with Unicode classes over characters', () => {
    const db = compileFallback([{ id: 6, expression: '\\w+\\d', flags: { utf8: true, leftmostStart: true } }]);
    expect(list(db.scan('ж٣ ab'))).toEqual([6, 0, 2]);
    expect(list(db.scan(Buffer.from('ж٣ ab')))).toEqual([6, 0, 4]);
    expect(spans('\\p{Greek}+', 'abc αβγ', { utf8: true })).toEqual([5, 4, 7]);
  });

  it('rejects what Hyperscan rejects, naming the pattern index and id', () => {
    const cases: [string, string][] = [
      ['a(?=b)', 'lookaround assertions are not supported'],
      ['(a)\\1', 'backreferences are not supported'],
      ['a++', 'possessive quantifiers are not supported'],
      ['(?>a)', 'atomic groups are not supported'],
      ['a?', 'pattern matches empty buffer'],
      ['a{1}{2}', 'invalid repeat at offset 4'],
      ['\\N', '"\\N" is not supported'],
      ['(?x)a # note', 'unterminated comment (a # comment in (?x) mode ends at a newline)'],
      ['(a', 'missing )'],
      ['a)', 'unmatched ")" at offset 1'],
      ['[a', 'missing ] at end of class'],
      ['\\p{Greek}', 'pattern can never match (\\p{Greek} has no character below \\x100)'],
      ['a^b', 'embedded start anchors are not supported'],
      ['\\x{100}', 'character value above \\xff needs the utf8 flag'],
    ];
    for (const [expression, why] of cases) {
      const error = engineError(() => compileFallback([{ id: 1, expression: 'ok' }, { id: 42, expression }]));
      expect(error.code).toBe('ERR_PATTERN_COMPILE');
      expect(error.message).toBe(`Pattern 42 (index 1) does not compile: ${why}`);
      expect(error.patternIndex).toBe(1);
      expect(error.patternId).toBe(42);
    }
  });
});

describe('fallback engine: flags and extended parameters', () => {
  it('reports only the first match with singlematch', () => {
    expect(spans('pin', 'pin pin pin', { singlematch: true })).toEqual([5, 0, 3]);
  });

  it('filters by end offset and match length', () => {
    const db = (extensions: PatternSpec['extensions']) => one('ab+', {}, extensions);
    const input = 'ab abbb ab';
    expect(list(db({ minOffset: 3 }).scan(input))).toEqual([5, 3, 7, 5, 8, 10]);
    expect(list(db({ maxOffset: 7 }).scan(input))).toEqual([5, 0, 2, 5, 3, 7]);
    expect(list(db({ minLength: 3 }).scan(input))).toEqual([5, 3, 7]);
  });

  it('reports every end offset within the edit distance, with leftmost starts', () => {
    const db = one('secret', {}, { editDistance: 1 });
    // Ends 6 ("secre"), 7 ("xsecret": the leftmost start within one edit), 8 ("secret "), 13 ("secrt").
    expect(list(db.scan('xsecret secrt'))).toEqual([5, 1, 6, 5, 0, 7, 5, 1, 8, 5, 8, 13]);
  });

  it('reports every window within the Hamming distance', () => {
    const db = one('abcd', {}, { hammingDistance: 1 });
    expect(list(db.scan('abxd abcd'))).toEqual([5, 0, 4, 5, 5, 9]);
  });

  it('rejects a distance on a non-literal expression, and a distance that matches empty', () => {
    const nonLiteral = engineError(() => one('a+b', {}, { editDistance: 1 }));
    expect(nonLiteral.code).toBe('ERR_PATTERN_COMPILE');
    expect(nonLiteral.message).toBe(
      'Pattern 5 (index 0) does not compile: approximate matching (editDistance/hammingDistance) supports only literal-like expressions in the fallback',
    );
    expect(engineError(() => one('ab', {}, { editDistance: 2 })).message).toBe(
      'Pattern 5 (index 0) does not compile: pattern matches empty buffer at this distance',
    );
    const negative = engineError(() => one('ab', {}, { minOffset: -1 }));
    expect(negative.code).toBe('ERR_INVALID_ARGUMENT');
    expect(negative.message).toBe('Expected a non-negative integer for patterns[0].extensions.minOffset but received number -1');
    expect(engineError(() => one('ab', {}, { minOffset: 3, maxOffset: 2 })).message).toBe(
      'Pattern 5 (index 0) does not compile: min_offset must be less than or equal to max_offset',
    );
  });
});

describe('fallback engine: errors and lifecycle', () => {
  it('rejects inputs that are neither strings nor bytes', () => {
    const db = one('a');
    const error = engineError(() => db.scan(42 as unknown as string));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.message).toBe('Expected a string or Uint8Array for input but received number 42');
    expect(engineError(() => db.scanBatch(['a', null as unknown as string])).message).toBe(
      'Expected a string or Uint8Array for records[1] but received null',
    );
  });

  it('refuses a block larger than 4 GiB - 1 bytes', () => {
    // A real 4 GiB buffer does not fit this machine: a view object that reports that length.
    const huge = Object.create(Uint8Array.prototype, { length: { value: 2 ** 32 } }) as Uint8Array;
    const error = engineError(() => one('a').scan(huge));
    expect(error.code).toBe('ERR_INPUT_TOO_LARGE');
    expect(error.message).toBe('input is 4294967296 bytes; a block scan takes at most 4294967295');
  });

  it('fails every use after close with ERR_DATABASE_CLOSED, and close is idempotent', async () => {
    const db = one('a');
    const stream = db.openStream();
    db.close();
    db.close();
    for (const use of [() => db.scan('a'), () => db.scanBatch(['a']), () => db.openStream(), () => db.serialize(), () => stream.write(Buffer.from('a'))]) {
      expect(engineError(use).code).toBe('ERR_DATABASE_CLOSED');
    }
    await expect(db.scanAsync('a')).rejects.toMatchObject({ code: 'ERR_DATABASE_CLOSED' });
  });

  it('round-trips through serialize and refuses foreign or damaged bytes', () => {
    const db = compileFallback([{ id: 3, expression: 'cvv', flags: { caseless: true } }], { cardWindows: cards });
    const copy = deserializeFallback(db.serialize());
    const input = 'CVV 4111111111111111';
    expect(list(copy.scan(input))).toEqual(list(db.scan(input)));
    expect(list(copy.scan(input))).toEqual([3, -1, 3, 1, 4, 20]);

    const native = Uint8Array.from([0x48, 0x53, 0x44, 0x42, 1, 2, 3, 4, 5]);
    const foreign = engineError(() => deserializeFallback(native));
    expect(foreign.code).toBe('ERR_DESERIALIZE');
    expect(foreign.message).toBe('not a serialized JavaScript-engine database (wrong magic or version)');
    const damaged = db.serialize().slice(0, 20);
    expect(engineError(() => deserializeFallback(damaged)).code).toBe('ERR_DESERIALIZE');
  });
});

describe('fallback engine: streams', () => {
  const run = (db: Database, chunks: string[]): number[] => {
    const stream = db.openStream();
    const out: number[] = [];
    for (const chunk of chunks) out.push(...list(stream.write(Buffer.from(chunk))));
    out.push(...list(stream.close()));
    return out;
  };

  it('finds a match that spans writes, with absolute byte offsets', () => {
    const db = one('cvv2');
    expect(run(db, ['xx c', 'v', 'v2 cv', 'v2'])).toEqual([5, 3, 7, 5, 8, 12]);
  });

  it('reports a fixed-width match in the write that completes it', () => {
    const stream = one('cvv').openStream();
    expect(list(stream.write(Buffer.from('a cv')))).toEqual([]);
    expect(list(stream.write(Buffer.from('v b')))).toEqual([5, 2, 5]);
    expect(list(stream.close())).toEqual([]);
  });

  it('confirms a \\b match at the very end only at close, and $ only at close', () => {
    const word = one('\\bpin\\b').openStream();
    expect(list(word.write(Buffer.from('my pin')))).toEqual([]);
    expect(list(word.close())).toEqual([5, 3, 6]);
    const end = one('pin$').openStream();
    expect(list(end.write(Buffer.from('pin')))).toEqual([]);
    expect(list(end.write(Buffer.from(' pin')))).toEqual([]);
    expect(list(end.close())).toEqual([5, 4, 7]);
  });

  it('reports a card window once the digit group that ends it is terminated', () => {
    const db = compileFallback([], { cardWindows: cards });
    const stream = db.openStream();
    expect(list(stream.write(Buffer.from('pan 4111 1111')))).toEqual([]);
    expect(list(stream.write(Buffer.from(' 1111 1111')))).toEqual([]);
    expect(list(stream.write(Buffer.from(' and')))).toEqual([1, 4, 23]);
    expect(list(stream.write(Buffer.from(' 5555555555554444')))).toEqual([]);
    expect(list(stream.close())).toEqual([1, 28, 44]);
  });

  it('fails writes after close with ERR_STREAM_CLOSED and rejects non-byte chunks', () => {
    const stream = one('a').openStream();
    expect(engineError(() => stream.write('a' as unknown as Uint8Array)).message).toBe(
      'Expected a Uint8Array for chunk but received string',
    );
    stream.close();
    expect(engineError(() => stream.write(Buffer.from('a'))).code).toBe('ERR_STREAM_CLOSED');
    expect(engineError(() => stream.close()).code).toBe('ERR_STREAM_CLOSED');
  });

  it('reports fuzzy ends as soon as their byte arrives', () => {
    const stream = one('secret', {}, { editDistance: 1 }).openStream();
    expect(list(stream.write(Buffer.from('a secr')))).toEqual([]);
    expect(list(stream.write(Buffer.from('et')))).toEqual([5, 2, 7, 5, 1, 8]);
  });

  it('forgets data beyond the history limit', () => {
    const db = compileFallback([{ id: 1, expression: 'a[^z]*b', flags: { leftmostStart: true } }], { streamHistory: 1024 });
    expect(run(db, ['a', 'x'.repeat(100), 'b'])).toEqual([1, 0, 102]);
    expect(run(db, ['a', 'x'.repeat(2000), 'b'])).toEqual([]);
  });
});
