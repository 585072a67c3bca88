/**
 * The evasion-hint pass: the TypeScript reference against its spec and an independent decoder, the
 * native pass and the JavaScript fallback against the reference (block mode, every chunking in
 * stream mode, strings and Buffers), validation, and serialization.
 *
 * Without the addon the native parts skip locally with the load error as the reason; in CI (`CI`
 * set) they fail instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPatterns, CONTROL_INVISIBLES, invisibleCodePoints, scriptDigitCodePoints } from '../../lib/detectors/patterns.js';
import { sortTriples } from '../../lib/engine/card-windows.js';
import { codePointRanges, findEvasionHints } from '../../lib/engine/evasion-hints.js';
import { compileFallback, deserializeFallback } from '../../lib/engine/fallback.js';
import { compile, deserialize, nativeLoadError, scanRecords } from '../../lib/engine/index.js';
import type { Database, EvasionHintConfig } from '../../lib/engine/types.js';
import { byteToken, listed, sparseBytes, stringToken, unlisted, utf8 } from './fixtures/evasion-inputs.js';

const CORPUS = '/work/shared/corpus/loghub';
const loadError = nativeLoadError();
const inCi = Boolean(process.env['CI']);
const hs = { engine: 'hyperscan' } as const;
const js = { engine: 'javascript' } as const;

/** The built-in lists, as the detectors will pass them. */
const builtin: EvasionHintConfig = {
  id: 50,
  digits: codePointRanges(scriptDigitCodePoints()),
  invisibles: codePointRanges([...invisibleCodePoints(), ...CONTROL_INVISIBLES]),
};
const small: EvasionHintConfig = { id: 7, digits: [[0xff10, 0xff19], [0x660, 0x669], [0x1d7ce, 0x1d7ff]], invisibles: [[0x200b, 0x200d], [0xad, 0xad], [0xe0000, 0xe0fff]] };

const hints = (input: string | Uint8Array, config: EvasionHintConfig = small): number[] => Array.from(findEvasionHints(input, config));
const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

function engineError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected an error');
}

// ---- the reference ----

describe('evasion hints (reference)', () => {
  it('reports a non-ASCII digit anywhere, with its span in UTF-16 units and in bytes', () => {
    expect(hints('card ４111')).toEqual([7, 5, 6]);
    expect(hints(Buffer.from('card ４111'))).toEqual([7, 5, 8]);
    expect(hints('٣٣')).toEqual([7, 0, 1, 7, 1, 2]);
    expect(hints(Buffer.from('٣٣'))).toEqual([7, 0, 2, 7, 2, 4]);
  });

  it('reports an invisible only directly after an ASCII digit', () => {
    expect(hints('4\u200b111')).toEqual([7, 1, 2]);
    expect(hints('a\u200b1 \u200b1')).toEqual([]);
    expect(hints('4\u200b\u200b1')).toEqual([7, 1, 2]); // the second follows an invisible
    expect(hints('４\u200b1')).toEqual([7, 0, 1]); // a script digit is not an ASCII digit
    expect(hints(Buffer.from('4\u00ad1'))).toEqual([7, 1, 3]);
  });

  it('reports an ASCII invisible (a control character) only directly after an ASCII digit, as one unit', () => {
    const config: EvasionHintConfig = { id: 4, digits: [], invisibles: [[0x00, 0x00], [0x1b, 0x1b], [0x200b, 0x200b]] };
    expect(hints('4111\x1b[0m 1111', config)).toEqual([4, 4, 5]);
    expect(hints(Buffer.from('4111\x1b[0m 1111'), config)).toEqual([4, 4, 5]);
    expect(hints('41\x00\x001\x1b', config)).toEqual([4, 2, 3, 4, 5, 6]); // the second NUL follows a NUL
    expect(hints(bytes('a', [0x1b], '1', [0x1b], '\u200b'), config)).toEqual([4, 3, 4]); // not after 'a' or after ESC
    expect(hints(bytes('a', [0x1b], '1', [0x1b], '1\u200b'), config)).toEqual([4, 3, 4, 4, 5, 8]);
    expect(hints('7\x1b', small)).toEqual([]); // not listed
  });

  it('reads a surrogate pair as one code point of two units and four bytes', () => {
    expect(hints('x𝟘1\u{e0041}')).toEqual([7, 1, 3, 7, 4, 6]);
    expect(hints(Buffer.from('x𝟘1\u{e0041}'))).toEqual([7, 1, 5, 7, 6, 10]);
  });

  it('reads a lone surrogate as U+FFFD, as V8 writes it in UTF-8', () => {
    const config: EvasionHintConfig = { id: 1, digits: [[0xfffd, 0xfffd]], invisibles: [] };
    expect(hints('a\ud800b\udc00', config)).toEqual([1, 1, 2, 1, 3, 4]);
    expect(hints(Buffer.from('a\ud800b\udc00', 'utf8'), config)).toEqual([1, 1, 4, 1, 5, 8]);
    expect(hints('\ud835\udfd8', config)).toEqual([]); // a pair is 𝟘, not two replacements
  });

  it('takes an invalid, overlong, surrogate, out-of-range or truncated sequence as single bytes', () => {
    const config: EvasionHintConfig = { id: 1, digits: [[0x80, 0x10ffff]], invisibles: [] };
    expect(hints(bytes([0xe0, 0x80, 0x80]), config)).toEqual([]); // overlong U+0000
    expect(hints(bytes([0xc1, 0xbf]), config)).toEqual([]); // overlong U+007F
    expect(hints(bytes([0xed, 0xa0, 0x80]), config)).toEqual([]); // surrogate U+D800
    expect(hints(bytes([0xf4, 0x90, 0x80, 0x80]), config)).toEqual([]); // U+110000
    expect(hints(bytes([0xf0, 0x9f, 0x98]), config)).toEqual([]); // truncated at the end
    expect(hints(bytes([0x80, 0xbf, 0xf5, 0xff]), config)).toEqual([]); // lone continuations, F5, FF
    // Decoding resumes at the next byte: a broken lead does not hide the sequence after it.
    expect(hints(bytes([0xe2, 0x80, 0xc2, 0xa0]), config)).toEqual([1, 2, 4]);
    expect(hints(bytes([0xf0, 0xef, 0xbc, 0x94]), config)).toEqual([1, 1, 4]);
  });

  it('needs the ASCII digit right before the invisible, not an invalid byte', () => {
    expect(hints(bytes('4', [0x80], '\u200b'))).toEqual([]);
    expect(hints(bytes('4', [0xe2, 0x80], '\u200b'))).toEqual([]);
    expect(hints(bytes('4', '\u200b'))).toEqual([7, 1, 4]);
  });

  it('reports a code point in both lists once', () => {
    const config: EvasionHintConfig = { id: 3, digits: [[0x200b, 0x200b]], invisibles: [[0x200b, 0x200b]] };
    expect(hints('1\u200b', config)).toEqual([3, 1, 2]);
  });

  it('matches the TSDoc example', () => {
    const config = { id: 50, digits: [[0xff10, 0xff19]], invisibles: [[0x200b, 0x200d]] } as const;
    expect(hints('card ４1\u200b1', config)).toEqual([50, 5, 6, 50, 7, 8]);
    expect(hints(Buffer.from('card ４1\u200b1'), config)).toEqual([50, 5, 8, 50, 9, 12]);
  });

  it('merges code point lists into sorted ranges', () => {
    expect(codePointRanges([0x200d, 0x200b, 0x200c, 0xfeff, 0x200c])).toEqual([[0x200b, 0x200d], [0xfeff, 0xfeff]]);
    expect(builtin.digits.length).toBeGreaterThan(60);
    expect(builtin.invisibles.length).toBeGreaterThan(10);
  });

  it('agrees with a decoder built on TextDecoder on random bytes (property)', () => {
    // Independent oracle: a valid sequence at p is the one k in 2..4 that fatal UTF-8 decoding of
    // b[p..p+k) turns into exactly one non-ASCII code point.
    const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const oracle = (b: Uint8Array, config: EvasionHintConfig): number[] => {
      const inList = (cp: number, list: EvasionHintConfig['digits']) => list.some(([f, l]) => cp >= f && cp <= l);
      const out: number[] = [];
      for (let p = 0; p < b.length; p++) {
        const afterDigit = p > 0 && b[p - 1]! >= 0x30 && b[p - 1]! <= 0x39;
        if (b[p]! < 0x80) {
          if (afterDigit && inList(b[p]!, config.invisibles)) out.push(config.id, p, p + 1);
          continue;
        }
        for (let k = 2; k <= 4 && p + k <= b.length; k++) {
          let text: string;
          try {
            text = fatal.decode(b.subarray(p, p + k));
          } catch {
            continue;
          }
          const cp = text.codePointAt(0)!;
          if ([...text].length !== 1 || cp < 0x80) continue;
          if (inList(cp, config.digits) || (afterDigit && inList(cp, config.invisibles))) out.push(config.id, p, p + k);
        }
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(byteToken, { maxLength: 60 }), (tokens) => {
        const b = Uint8Array.from(tokens.flat());
        expect(hints(b, builtin)).toEqual(oracle(b, builtin));
      }),
      { numRuns: 500, seed: 50 },
    );
  });

  it('finds the same hints in a string as in its UTF-8 bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(stringToken, { maxLength: 40 }), (tokens) => {
        const text = tokens.join('');
        const inText = hints(text, builtin);
        const mapped = inText.map((v, k) => (k % 3 === 0 ? v : Buffer.byteLength(text.slice(0, v), 'utf8')));
        expect(hints(Buffer.from(text, 'utf8'), builtin)).toEqual(mapped);
      }),
      { numRuns: 500, seed: 51 },
    );
  });
});

/** Everything a stream reports for `chunks`, in block order. */
function streamed(db: Database, chunks: readonly Uint8Array[]): number[] {
  const stream = db.openStream();
  const all: number[] = [];
  for (const chunk of chunks) all.push(...stream.write(chunk));
  all.push(...stream.close());
  return Array.from(sortTriples(all));
}

/** `b` cut at the given offsets (sorted, deduplicated, within the buffer). */
function cut(b: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => Math.min(o, b.length)))].sort((x, y) => x - y);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(b.subarray(at, p));
    at = p;
  }
  chunks.push(b.subarray(at));
  return chunks;
}

/** Every way to cut `b` into chunks (2^(n-1) of them): for short inputs only. */
function* everyChunking(b: Uint8Array): Generator<Uint8Array[]> {
  const n = Math.max(b.length - 1, 0);
  for (let mask = 0; mask < 1 << n; mask++) {
    const offsets: number[] = [];
    for (let k = 0; k < n; k++) if (mask & (1 << k)) offsets.push(k + 1);
    yield cut(b, offsets);
  }
}

function checkStreams(db: Database, b: Uint8Array, config: EvasionHintConfig): void {
  const expected = hints(b, config);
  expect(streamed(db, [b])).toEqual(expected);
  expect(streamed(db, Array.from(b, (_, k) => b.subarray(k, k + 1)))).toEqual(expected); // 1-byte writes
  for (let p = 0; p <= b.length; p++) expect(streamed(db, cut(b, [p]))).toEqual(expected);
  if (b.length <= 11) for (const chunks of everyChunking(b)) expect(streamed(db, chunks)).toEqual(expected);
}

// ---- engines against the reference ----

const corpusFiles = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => f.endsWith('.log')).sort() : [];

function engineSuite(name: string, make: (config: EvasionHintConfig) => Database): void {
  describe(`evasion hints on the ${name} engine`, () => {
    const db = make(builtin);

    it('reports exactly the reference hints for random bytes and strings, in block mode (property)', () => {
      fc.assert(
        fc.property(fc.array(byteToken, { maxLength: 80 }), fc.array(stringToken, { maxLength: 60 }), (tokens, strings) => {
          const b = Uint8Array.from(tokens.flat());
          const text = strings.join('');
          expect(Array.from(db.scan(b))).toEqual(hints(b, builtin));
          expect(Array.from(db.scan(text))).toEqual(hints(text, builtin));
        }),
        { numRuns: 400, seed: 52 },
      );
    });

    it('reports exactly the reference hints for every chunking of short inputs, and for 1-byte writes (property)', () => {
      fc.assert(
        fc.property(fc.array(byteToken, { maxLength: 8 }), (tokens) => {
          checkStreams(db, Uint8Array.from(tokens.flat()), builtin);
        }),
        { numRuns: 150, seed: 53 },
      );
    });

    it('reports exactly the reference hints for random chunkings of longer inputs (property)', () => {
      fc.assert(
        fc.property(fc.array(byteToken, { maxLength: 200 }), fc.array(fc.nat({ max: 600 }), { maxLength: 12 }), (tokens, offsets) => {
          const b = Uint8Array.from(tokens.flat());
          expect(streamed(db, cut(b, offsets))).toEqual(hints(b, builtin));
        }),
        { numRuns: 300, seed: 54 },
      );
    });

    it('reports exactly the reference hints for mostly-ASCII inputs of a few hundred bytes (property)', () => {
      fc.assert(
        fc.property(sparseBytes, fc.array(fc.nat({ max: 800 }), { maxLength: 4 }), (b, offsets) => {
          expect(Array.from(db.scan(b))).toEqual(hints(b, builtin));
          expect(streamed(db, cut(b, offsets))).toEqual(hints(b, builtin));
        }),
        { numRuns: 300, seed: 56 },
      );
    });

    it('finds hints at every position around the 64- and 256-byte blocks of the SIMD skip', () => {
      const filler = Buffer.alloc(600, 'a');
      for (const cp of [0xad, 0xff14, 0x1d7d8, 0x200b, 0x660, 0xe0041]) {
        const encoded = utf8(cp);
        for (let at = 1; at + encoded.length <= filler.length; at += at < 70 || (at > 185 && at < 330) ? 1 : 7) {
          const b = Buffer.from(filler);
          b[at - 1] = 0x35; // a '5' before it (the invisible's condition)
          Buffer.from(encoded).copy(b, at);
          const expected = hints(b, builtin);
          expect(expected.length).toBe(3);
          expect(Array.from(db.scan(b))).toEqual(expected);
          expect(streamed(db, cut(b, [at + 1]))).toEqual(expected);
        }
      }
    });

    it('finds nothing in the loghub logs (pure ASCII) and the reference hints once non-ASCII is spliced in', () => {
      expect(corpusFiles.length).toBeGreaterThanOrEqual(10);
      const rand = fc.sample(fc.nat(), { numRuns: 1, seed: 55 })[0]!;
      for (const [k, file] of corpusFiles.entries()) {
        const log = fs.readFileSync(path.join(CORPUS, file));
        expect(Array.from(db.scan(log))).toEqual([]);
        // Splice a listed or unlisted character in after every ~1000th byte.
        const parts: Buffer[] = [];
        for (let at = 0, n = rand + k; at < log.length; at += 997, n++) {
          parts.push(log.subarray(at, at + 997), Buffer.from(String.fromCodePoint((n % 3 === 0 ? unlisted : listed)[n % 7]!), 'utf8'));
        }
        const spliced = Buffer.concat(parts);
        const expected = hints(spliced, builtin);
        expect(expected.length).toBeGreaterThan(10);
        expect(Array.from(db.scan(spliced))).toEqual(expected);
        expect(Array.from(db.scan(spliced.toString('utf8')))).toEqual(hints(spliced.toString('utf8'), builtin));
        expect(streamed(db, cut(spliced, [1, 100, 4096, 4097, 50_000, 50_003]))).toEqual(expected);
      }
    });

    it('merges hints with pattern matches and card windows in the one match order', () => {
      const { cardWindows } = builtinPatterns();
      const both = make === makeNative
        ? compile([{ id: 60, expression: '1\\x{200b}', flags: { leftmostStart: true, utf8: true } }, { id: 10, expression: 'cvv' }], { cardWindows, evasionHints: builtin }, hs)
        : compileFallback([{ id: 60, expression: '1\\x{200b}', flags: { leftmostStart: true, utf8: true } }, { id: 10, expression: 'cvv' }], { cardWindows, evasionHints: builtin });
      const text = 'cvv 4111111111111111\u200b２ ok1\u200b';
      // Card window [4, 20); U+200B after the PAN's last digit: hint [20, 21) and pattern 60 [19, 21);
      // ２ [21, 22); again '1' U+200B: hint [26, 27), pattern 60 [25, 27). By end, then id, then start.
      expect(Array.from(both.scan(text))).toEqual([10, -1, 3, 1, 4, 20, 50, 20, 21, 60, 19, 21, 50, 21, 22, 50, 26, 27, 60, 25, 27]);
    });

    it('reports hints per record in scanBatch and scanRecords, and in scanAsync', async () => {
      const records = ['4\u200b1', 'x', '１2', '', '2\u{e0001}٣'].map((r) => Buffer.from(r, 'utf8'));
      const expected: number[] = [];
      records.forEach((r, k) => {
        const found = hints(r, builtin);
        for (let i = 0; i < found.length; i += 3) expected.push(k, found[i]!, found[i + 1]!, found[i + 2]!);
      });
      expect(expected.length / 4).toBe(4);
      expect(Array.from(db.scanBatch(records))).toEqual(expected);
      const joined = Buffer.concat(records);
      const ends = new Uint32Array(records.map((_, k) => records.slice(0, k + 1).reduce((n, r) => n + r.length, 0)));
      expect(Array.from(scanRecords(db, joined, ends))).toEqual(expected);
      expect(Array.from(await db.scanAsync(joined))).toEqual(hints(joined, builtin));
    });

    it('behaves exactly as before when compiled without evasionHints', () => {
      const plain = make === makeNative ? compile([{ id: 10, expression: 'cvv' }], {}, hs) : compileFallback([{ id: 10, expression: 'cvv' }]);
      expect(Array.from(plain.scan('cvv ４1\u200b1'))).toEqual([10, -1, 3]);
      expect(streamed(plain, [Buffer.from('cvv ４1\u200b1')])).toEqual([10, -1, 3]);
      expect(Array.from(deserialize(plain.serialize(), make === makeNative ? hs : js).scan('cvv ４1\u200b1'))).toEqual([10, -1, 3]);
    });

    it('round-trips the evasion-hint configuration through serialize', () => {
      const copy = deserialize(db.serialize(), make === makeNative ? hs : js);
      const text = 'x１2\u200b3\u{e0001}٣';
      expect(Array.from(copy.scan(text))).toEqual(hints(text, builtin));
      expect(Array.from(copy.scan(text)).length).toBe(12);
      expect(streamed(copy, [Buffer.from(text)])).toEqual(hints(Buffer.from(text), builtin));
    });
  });
}

const makeNative = (config: EvasionHintConfig): Database => compile([], { evasionHints: config }, hs);
const makeFallback = (config: EvasionHintConfig): Database => compileFallback([], { evasionHints: config });

if (loadError && inCi) {
  describe('evasion hints on the native engine', () => {
    it('needs the native addon in CI', () => {
      throw new Error(`the Hyperscan addon must load in CI: ${loadError.message}`);
    });
  });
}
if (!loadError) engineSuite('native', makeNative);
engineSuite('fallback', makeFallback);

// ---- validation ----

describe('evasion-hint options', () => {
  const cases: [unknown, string][] = [
    [null, 'Expected an object for options.evasionHints but received null'],
    [[], 'Expected an object for options.evasionHints but received array'],
    [{ id: -1, digits: [], invisibles: [] }, 'Expected an unsigned 32-bit integer for options.evasionHints.id but received number -1'],
    [{ id: 2 ** 32, digits: [], invisibles: [] }, 'Expected an unsigned 32-bit integer for options.evasionHints.id but received number 4294967296'],
    [{ id: 1, invisibles: [] }, 'Expected an array of [first, last] code point ranges for options.evasionHints.digits but received undefined'],
    [{ id: 1, digits: [], invisibles: 'x' }, 'Expected an array of [first, last] code point ranges for options.evasionHints.invisibles but received string'],
    [{ id: 1, digits: [[0x660]], invisibles: [] }, 'Expected a [first, last] pair for options.evasionHints.digits[0] but received array'],
    [{ id: 1, digits: [0x660], invisibles: [] }, 'Expected a [first, last] pair for options.evasionHints.digits[0] but received number 1632'],
    [{ id: 1, digits: [[0x30, 0x39]], invisibles: [] }, 'Expected an integer code point from 0x80 to 0x10FFFF for options.evasionHints.digits[0][0] but received number 48'],
    [{ id: 1, digits: [], invisibles: [[0x200b, 0x110000]] }, 'Expected an integer code point from 0 to 0x10FFFF for options.evasionHints.invisibles[0][1] but received number 1114112'],
    [{ id: 1, digits: [], invisibles: [[0x200b, 1.5]] }, 'Expected an integer code point from 0 to 0x10FFFF for options.evasionHints.invisibles[0][1] but received number 1.5'],
    [{ id: 1, digits: [], invisibles: [[-1, 0x1b]] }, 'Expected an integer code point from 0 to 0x10FFFF for options.evasionHints.invisibles[0][0] but received number -1'],
    [{ id: 1, digits: [[0x669, 0x660]], invisibles: [] }, 'Expected options.evasionHints.digits[0][0] <= options.evasionHints.digits[0][1]'],
    [{ id: 1, digits: [], invisibles: [[0xad, 0xad], [0xd000, 0xd800]] }, 'Expected options.evasionHints.invisibles[1] to leave out the surrogates 0xD800 to 0xDFFF'],
  ];
  for (const [evasionHints, message] of cases) {
    it(`refuses ${JSON.stringify(evasionHints)} on both engines with the same error`, () => {
      const engines = loadError ? [js] : [js, hs];
      for (const selection of engines) {
        const error = engineError(() => compile([], { evasionHints: evasionHints as EvasionHintConfig }, selection));
        expect(error.code).toBe('ERR_INVALID_ARGUMENT');
        expect(error.message).toBe(message);
      }
    });
  }

  it('accepts empty lists and the widest ranges', () => {
    const config: EvasionHintConfig = { id: 0xffffffff, digits: [], invisibles: [[0x80, 0xd7ff], [0xe000, 0x10ffff]] };
    const engines = loadError ? [js] : [js, hs];
    for (const selection of engines) {
      expect(Array.from(compile([], { evasionHints: config }, selection).scan('1é\u{10ffff}'))).toEqual([0xffffffff, 1, 2]);
    }
    const ascii: EvasionHintConfig = { id: 9, digits: [], invisibles: [[0, 0xd7ff], [0xe000, 0x10ffff]] };
    for (const selection of engines) {
      expect(Array.from(compile([], { evasionHints: ascii }, selection).scan('a1b2\u00e9'))).toEqual([9, 2, 3, 9, 4, 5]);
    }
  });
});

// ---- serialization ----

/** FNV-1a 64 over `b`, as native/pattern_set.cc checksums its blob. */
function fnv1a(b: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of b) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash;
}

describe.skipIf(loadError !== undefined)('native serialization of the evasion-hint pass', () => {
  it('writes format version 2 and refuses version 1 blobs', () => {
    const blob = Buffer.from(compile([{ id: 1, expression: 'cvv' }], { evasionHints: small }, hs).serialize());
    expect(blob.readUInt32LE(4)).toBe(2);
    blob.writeUInt32LE(1, 4);
    const error = engineError(() => deserialize(blob, hs));
    expect(error.code).toBe('ERR_DESERIALIZE');
    expect(error.message).toBe('Not a serialized cardveil Hyperscan database: format version 1, expected 2');
  });

  it('refuses a damaged evasion-hint section even under a valid checksum', () => {
    const blob = Buffer.from(compile([], { evasionHints: small }, hs).serialize());
    // No patterns: count u32 at 16, card flag u8 at 20, hint flag at 21, length u64 at 22, config at 30.
    expect(blob[21]).toBe(1);
    expect(blob.subarray(30, 34).toString('latin1')).toBe('CVEH');
    const reseal = (b: Buffer): Buffer => {
      b.writeBigUInt64LE(fnv1a(b.subarray(16)), 8);
      return b;
    };
    // In the config: version u32 at 34, id at 38, digit range count at 42, digits[0] = [0xff10, 0xff19] at 46.
    expect([blob.readUInt32LE(46), blob.readUInt32LE(50)]).toEqual([0xff10, 0xff19]);
    const backwards = Buffer.from(blob);
    backwards.writeUInt32LE(0xff1a, 46);
    const surrogate = Buffer.from(blob);
    surrogate.writeUInt32LE(0xd800, 46);
    const version = Buffer.from(blob);
    version.writeUInt32LE(9, 34);
    for (const bad of [backwards, surrogate, version]) {
      const error = engineError(() => deserialize(reseal(bad), hs));
      expect(error.code).toBe('ERR_DESERIALIZE');
      expect(error.message).toBe('Not a serialized cardveil Hyperscan database: invalid evasion-hint configuration');
    }
    const intact = deserialize(reseal(Buffer.from(blob)), hs);
    expect(Array.from(intact.scan('４'))).toEqual([7, 0, 1]);
  });
});

describe('fallback serialization of the evasion-hint pass', () => {
  it('writes format version 2 and refuses version 1 blobs', () => {
    const blob = Buffer.from(compileFallback([], { evasionHints: small }).serialize());
    expect(Array.from(blob.subarray(0, 8))).toEqual([0x43, 0x56, 0x4a, 0x53, 0x44, 0x42, 0x00, 0x02]);
    blob[7] = 1;
    expect(engineError(() => deserializeFallback(blob)).message).toBe('not a serialized JavaScript-engine database (wrong magic or version)');
  });

  it('refuses an invalid evasion-hint configuration inside a blob', () => {
    const blob = Buffer.from(compileFallback([], { evasionHints: small }).serialize());
    const damaged = Buffer.from(blob.toString('latin1').replace('"id":7', '"id":-7'), 'latin1');
    const error = engineError(() => deserializeFallback(damaged));
    expect(error.code).toBe('ERR_DESERIALIZE');
    expect(error.message).toBe(
      'serialized database is damaged: Expected an unsigned 32-bit integer for options.evasionHints.id but received number -7',
    );
  });
});
