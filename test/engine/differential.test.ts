/**
 * Differential test: the Hyperscan addon and the JavaScript fallback must report IDENTICAL matches
 * for the built-in pattern set (and its card-window and evasion-hint passes) on real logs and on generated
 * card-bearing text, as Buffers and as strings, whole and as line batches, and in streams.
 *
 * Without the addon the test skips locally with the load error as the reason; in CI (`CI` set) it
 * fails instead, so a broken native build can never pass as "the engines agree".
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPatterns } from '../../lib/detectors/patterns.js';
import { sortTriples } from '../../lib/engine/card-windows.js';
import { compileFallback, deserializeFallback } from '../../lib/engine/fallback.js';
import { compile, deserialize, nativeLoadError } from '../../lib/engine/index.js';
import type { CardWindowConfig, Database, PatternFlags, PatternSpec } from '../../lib/engine/types.js';

const CORPUS = '/work/shared/corpus/loghub';
const loadError = nativeLoadError();
const inCi = Boolean(process.env['CI']);

const { patterns, cardWindows, evasionHints } = builtinPatterns();
const fallback = compileFallback(patterns, { cardWindows, evasionHints });
const native: Database | undefined = loadError ? undefined : compile(patterns, { cardWindows, evasionHints }, { engine: 'hyperscan' });

/**
 * The first place two flat match lists differ, as text naming the record (for quads) and both
 * engines' entries, or null when they are identical.
 */
function difference(hyperscan: Float64Array, javascript: Float64Array, stride: number): string | null {
  const n = Math.max(hyperscan.length, javascript.length);
  for (let k = 0; k < n; k += stride) {
    const h = Array.from(hyperscan.subarray(k, k + stride));
    const j = Array.from(javascript.subarray(k, k + stride));
    if (h.join() !== j.join()) {
      return `entry ${k / stride}: hyperscan [${h.join(', ')}] javascript [${j.join(', ')}] (${hyperscan.length / stride} vs ${javascript.length / stride} entries)`;
    }
  }
  return null;
}

function sameBlock(input: string | Uint8Array): void {
  expect(difference(native!.scan(input), fallback.scan(input), 3)).toBeNull();
}

function sameBatch(records: (string | Uint8Array)[]): void {
  expect(difference(native!.scanBatch(records), fallback.scanBatch(records), 4)).toBeNull();
}

/** Everything a stream reports for `chunks`, in block order. */
function streamed(db: Database, chunks: Uint8Array[]): Float64Array {
  const stream = db.openStream();
  const all: number[] = [];
  for (const chunk of chunks) all.push(...stream.write(chunk));
  all.push(...stream.close());
  return sortTriples(all);
}

// ---- generated card-bearing text (deterministic) ----

/** mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Luhn-valid number inside a random issuer range of `config` (a generated test number). */
function panFrom(config: CardWindowConfig, rand: () => number): string {
  const range = config.ranges[Math.floor(rand() * config.ranges.length)]!;
  const length = range.lengths[Math.floor(rand() * range.lengths.length)]!;
  const low = BigInt(range.from);
  const span = BigInt(range.to) - low + 1n;
  let digits = (low + BigInt(Math.floor(rand() * Number(span)))).toString().padStart(range.from.length, '0');
  while (digits.length < length - 1) digits += String(Math.floor(rand() * 10));
  digits = digits.slice(0, length - 1);
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

const SEPARATORS = [' ', '-', '.', '', '\u00a0', '\u200b', ' - ', '/', '_', '\u2013'];

function grouped(pan: string, rand: () => number): string {
  const sep = SEPARATORS[Math.floor(rand() * SEPARATORS.length)]!;
  const groups = pan.length === 15 ? [4, 6, 5] : [4, 4, 4, 4, 3];
  let out = '';
  let at = 0;
  for (const size of groups) {
    if (at >= pan.length) break;
    out += (at > 0 ? sep : '') + pan.slice(at, at + size);
    at += size;
  }
  return out;
}

const pick = <T>(items: readonly T[], rand: () => number): T => items[Math.floor(rand() * items.length)]!;
const digitsOf = (n: number, rand: () => number): string => Array.from({ length: n }, () => String(Math.floor(rand() * 10))).join('');

/** One log-like record carrying card data in one of many shapes. */
function cardRecord(rand: () => number, noise: readonly string[]): string {
  const pan = panFrom(cardWindows, rand);
  const mm = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const yy = digitsOf(2, rand);
  const fullwidth = [...pan].map((d) => String.fromCodePoint(0xff10 + Number(d))).join('');
  const shapes = [
    `payment card=${grouped(pan, rand)} cvv: ${digitsOf(3, rand)}`,
    `{"pan":"${pan}","cvc2":"${digitsOf(3, rand)}","exp":"${mm}/${yy}"}`,
    `expiry=${mm}${yy} CVV2=${digitsOf(4, rand)} security code ${digitsOf(3, rand)}`,
    `track1 %B${pan}^DOE/JOHN^${yy}${mm}1010000000000000?`,
    `track2 ;${pan}=${yy}${mm}10100000000?`,
    `emv 57${(pan.length + 9).toString(16)}${pan}D${yy}${mm}1010000000F`,
    `pin block: ${digitsOf(16, rand)} card_pin=${digitsOf(4, rand)} PIN-number 1234`,
    `masked ${pan.slice(0, 6)}******${pan.slice(-4)} and XXXX-XXXX-XXXX-${pan.slice(-4)} ••••${pan.slice(-4)}`,
    `valid thru ${mm}/${yy} good until: ${mm}-${yy}`,
    `evasion ${fullwidth} ${[...pan].map((d) => `&#${48 + Number(d)};`).join('')} %3${pan[0]}%3${pan[1]}`,
    `escaped \\u003${pan[0]}\\x3${pan[1]} ${pan.slice(0, 4)}\u200b${pan.slice(4)} ٤١١١`,
    `wrapped ${pan.slice(0, 8)}\r\n${pan.slice(8)} end`,
    `${pick(noise, rand)} ${grouped(pan, rand)} ${pick(noise, rand)}`,
  ];
  return pick(shapes, rand);
}

const corpusFiles = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).sort() : [];
const noiseLines = corpusFiles
  .filter((f) => f.endsWith('.log'))
  .flatMap((f) => fs.readFileSync(path.join(CORPUS, f), 'utf8').split('\n').slice(0, 50));

if (loadError && inCi) {
  describe('differential: Hyperscan vs JavaScript', () => {
    it('needs the native addon in CI', () => {
      throw new Error(`the Hyperscan addon must load in CI for the differential test: ${loadError.message}`);
    });
  });
}

describe.skipIf(native === undefined)(
  `differential: Hyperscan vs JavaScript on the built-in patterns${loadError ? ` (skipped: ${loadError.message.split('\n')[0]})` : ''}`,
  () => {
    it("refuses to load one engine's serialized database into the other", () => {
      expect(() => deserializeFallback(native!.serialize())).toThrow(expect.objectContaining({ code: 'ERR_DESERIALIZE' }));
      expect(() => deserialize(fallback.serialize(), { engine: 'hyperscan' })).toThrow(
        expect.objectContaining({ code: 'ERR_DESERIALIZE' }),
      );
      const copy = deserialize(fallback.serialize(), { engine: 'javascript' });
      expect(copy.engine).toBe('javascript');
      expect(Array.from(copy.scan('cvv 4111111111111111'))).toEqual(Array.from(native!.scan('cvv 4111111111111111')));
    });

    it('has the loghub corpus to compare on', () => {
      expect(corpusFiles.filter((f) => f.endsWith('.log')).length).toBeGreaterThanOrEqual(10);
    });

    for (const file of corpusFiles) {
      it(`agrees on ${file} as a Buffer, as a string, and as line batches`, () => {
        const bytes = fs.readFileSync(path.join(CORPUS, file));
        const text = bytes.toString('utf8');
        sameBlock(bytes);
        sameBlock(text);
        const lines = text.split('\n');
        sameBatch(lines);
        sameBatch(lines.map((line) => Buffer.from(line, 'utf8')));
      });
    }

    it('agrees on a stream of a corpus file in uneven chunks', () => {
      const bytes = fs.readFileSync(path.join(CORPUS, corpusFiles.find((f) => f.endsWith('.log'))!));
      const rand = prng(7);
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 4096);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(difference(streamed(native!, chunks), streamed(fallback, chunks), 3)).toBeNull();
    });

    it('agrees on generated card-bearing records (whole, per record, and as bytes)', () => {
      const rand = prng(20261127);
      const records = Array.from({ length: 3000 }, () => cardRecord(rand, noiseLines));
      const joined = records.join('\n');
      // The generator must really produce findings, or agreement would prove nothing.
      expect(fallback.scan(joined).length / 3).toBeGreaterThan(3000);
      sameBlock(joined);
      sameBlock(Buffer.from(joined, 'utf8'));
      sameBatch(records);
      sameBatch(records.map((r) => Buffer.from(r, 'utf8')));
    });

    it('agrees on random text biased to digits, separators and keywords (property)', () => {
      const rand = prng(99);
      const pans = Array.from({ length: 50 }, () => panFrom(cardWindows, rand));
      const token = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...'0123456789') },
        { weight: 3, arbitrary: fc.constantFrom(' ', '-', '.', '/', '_', '\t', '\n', '\r\n', '\u00a0', '\u200b', '\u2013', '\ufeff') },
        { weight: 2, arbitrary: fc.constantFrom('=', '^', 'D', '%B', ';', '?', ':', '"', '*', 'X', 'x', '#', '•', '&#', '%3', '%EF%BC%9', '\\u00', '\\x3') },
        { weight: 2, arbitrary: fc.constantFrom('cvv', 'CVC2', 'cid', '_csc', 'security code', 'exp', 'Expiry', 'valid thru', 'pin', 'PIN block', 'epb') },
        { weight: 1, arbitrary: fc.constantFrom('é', '٣', '४', '０', 'ж', '😀', 'a', 'Z') },
        { weight: 1, arbitrary: fc.constantFrom(...pans) },
      );
      fc.assert(
        fc.property(fc.array(token, { maxLength: 80 }), (tokens) => {
          const text = tokens.join('');
          const bytes = Buffer.from(text, 'utf8');
          return (
            difference(native!.scan(text), fallback.scan(text), 3) === null &&
            difference(native!.scan(bytes), fallback.scan(bytes), 3) === null
          );
        }),
        { numRuns: 400, seed: 4242 },
      );
    });

    it('agrees on what streams report in total for random data and chunkings (property)', () => {
      const rand = prng(5);
      const pans = Array.from({ length: 20 }, () => grouped(panFrom(cardWindows, rand), rand));
      const piece = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...'0123456789 -=^;:\n') },
        { weight: 2, arbitrary: fc.constantFrom('cvv', 'exp ', 'valid thru ', 'pin', '%B', '&#', '**', 'é', '٣') },
        { weight: 1, arbitrary: fc.constantFrom(...pans) },
      );
      fc.assert(
        fc.property(
          fc.array(piece, { maxLength: 100 }).map((pieces) => Buffer.from(pieces.join(''), 'utf8')),
          fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 10 }),
          (bytes, sizes) => {
            const chunks: Uint8Array[] = [];
            let at = 0;
            for (const size of sizes) {
              chunks.push(bytes.subarray(at, at + size));
              at += size;
            }
            chunks.push(bytes.subarray(Math.min(at, bytes.length)));
            return difference(streamed(native!, chunks), streamed(fallback, chunks), 3) === null;
          },
        ),
        { numRuns: 300, seed: 2026 },
      );
    });

    it('agrees on approximate matching of blocked terms (property)', () => {
      const terms: PatternSpec[] = [
        { id: 1, expression: 'secret', extensions: { editDistance: 1 }, flags: { leftmostStart: true } },
        { id: 2, expression: 'password', extensions: { editDistance: 2 }, flags: { leftmostStart: true } },
        { id: 3, expression: 'token', extensions: { hammingDistance: 1 }, flags: { leftmostStart: true } },
        { id: 4, expression: 'apikey', extensions: { editDistance: 1 }, flags: { caseless: true } },
        { id: 5, expression: 'c[a-z]rd', extensions: { hammingDistance: 1 }, flags: { leftmostStart: true } },
        { id: 6, expression: 'secret', extensions: { editDistance: 1, minOffset: 5, maxOffset: 30 }, flags: { leftmostStart: true } },
      ];
      const hyperscan = compile(terms, {}, { engine: 'hyperscan' });
      const javascript = compileFallback(terms);
      const piece = fc.constantFrom('secret', 'secrt', 'sercet', 'pasword', 'passwrd', 'password', 'token', 'tokan', 'APIKEY', 'apikye', 'card', 'cxrd', ' ', 'x', 'e', 's', 't');
      // The property must see matches, or agreement proves nothing.
      expect(javascript.scan('a secrt and pasword').length / 3).toBeGreaterThan(3);
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 20 }), (pieces) => {
          const text = pieces.join('');
          return difference(hyperscan.scan(text), javascript.scan(text), 3) === null;
        }),
        { numRuns: 1000, seed: 3 },
      );
    });

    it('agrees on random bytes biased to digits and invalid UTF-8 (property)', () => {
      const byte = fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0x30, max: 0x39 }) },
        { weight: 2, arbitrary: fc.constantFrom(0x20, 0x2d, 0x3d, 0x5e, 0x3b, 0x25, 0x42, 0x44, 0x0a) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
      );
      fc.assert(
        fc.property(fc.array(byte, { maxLength: 200 }), (values) => {
          const bytes = Uint8Array.from(values);
          return difference(native!.scan(bytes), fallback.scan(bytes), 3) === null;
        }),
        { numRuns: 400, seed: 777 },
      );
    });
  },
);

/**
 * Syntax features one at a time, over every byte value and over short texts, as Buffers and as
 * strings: the translation of Hyperscan syntax must give the addon's exact answer, or both must
 * refuse the pattern.
 */
describe.skipIf(native === undefined)('differential: Hyperscan syntax, feature by feature', () => {
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const texts = ['ab\nab', 'ab\n', 'x ab_ab ab', 'café ab', 'ab\n\n', '\nab', 'AB ab Ab', 'été été', 'ж ж', 'a\r\nb', 'ǅª٣\u00a0¿$€\u00ad𝟘'];
  const features: [string, PatternFlags?][] = [
    ['\\s'], ['\\S'], ['\\d'], ['\\w'], ['\\W'], ['\\h'], ['\\v'], ['\\H'], ['\\V'], ['.'], ['.', { dotall: true }],
    ['[[:alpha:]]'], ['[[:alnum:]]'], ['[[:punct:]]'], ['[[:space:]]'], ['[[:blank:]]'], ['[[:cntrl:]]'], ['[[:graph:]]'],
    ['[[:print:]]'], ['[[:xdigit:]]'], ['[[:upper:]]', { caseless: true }], ['[[:lower:]]'], ['[[:word:]]'], ['[[:^digit:]]'],
    ['a', { caseless: true }], ['[a-f]', { caseless: true }], ['[^a-f]', { caseless: true }], ['\\xe0', { caseless: true }],
    ['[\\d-z]'], ['[a\\-z]'], ['[]a]'], ['[^]a]'], ['[\\b]'], ['\\cA'], ['\\e'], ['\\x7'], ['\\x{7f}'], ['\\o{101}'],
    ['\\012'], ['\\101'], ['\\Q.\\E'], ['[\\Q]\\E]'], ['(?i)b'], ['a(?i)b'], ['(?s).'], ['(?x) a b # c\n'], ['[\\w-]'], ['[^\\s\\d]'],
    ['^ab'], ['ab$'], ['^ab$'], ['\\Aab'], ['ab\\z'], ['ab\\Z'], ['^ab', { multiline: true }], ['ab$', { multiline: true }],
    ['\\bab\\b'], ['\\Bab'], ['ab\\B'], ['(?:^|x)ab'], ['ab(?:$|_)'], ['ab|^x'], ['(?<n>ab)'], ['(a|b){3}'],
    ['é'], ['[é]'], ['\\xc3'], ['\\x{e9}', { utf8: true }], ['é', { utf8: true }], ['\\p{Lu}', { utf8: true }],
    ['\\P{L}', { utf8: true }], ['\\p{Cyrillic}', { utf8: true }], ['.', { utf8: true }], ['\\s', { utf8: true }],
    ['é', { utf8: true, caseless: true }], ['ab', { singlematch: true }],
    ['[[:alpha:]]', { utf8: true }], ['[[:^digit:]]', { utf8: true }], ['[[:punct:]]', { utf8: true }], ['[[:graph:]]', { utf8: true }],
    ['[[:upper:]]', { utf8: true, caseless: true }], ['[[:space:]]', { utf8: true }], ['[^\\w[:^alpha:]]', { utf8: true }],
    // refused by both
    ['a(?=b)'], ['(a)\\1'], ['a++'], ['(?>a)'], ['a?'], ['a^b'], ['\\N'], ['a**'], ['\\bab', { utf8: true }], ['\\p{Greek}'],
    ['[...]'], ['x[.a-z.]'], ['[:alpha:]'], ['[^\\w[:^digit:]]'], ['a[^\\x00-\\xff]'],
    // accepted by both
    ['\\p{L}'], ['[\\p{Lu}\\d]'], ['[.a]'], ['[a[.]'],
  ];
  for (const [expression, flags] of features) {
    it(`agrees on ${JSON.stringify(expression)} ${JSON.stringify(flags ?? {})}`, () => {
      const spec = [{ id: 1, expression, flags: { leftmostStart: flags?.singlematch !== true, ...flags } }];
      let hyperscan: Database | undefined;
      let refusal = '';
      try {
        hyperscan = compile(spec, {}, { engine: 'hyperscan' });
      } catch (error) {
        refusal = (error as { code?: string }).code ?? 'unknown';
      }
      if (hyperscan === undefined) {
        expect(refusal).toBe('ERR_PATTERN_COMPILE');
        expect(() => compileFallback(spec)).toThrow(expect.objectContaining({ code: 'ERR_PATTERN_COMPILE' }));
        return;
      }
      const javascript = compileFallback(spec);
      for (const input of [everyByte, ...texts, ...texts.map((t) => Buffer.from(t, 'utf8'))]) {
        expect(difference(hyperscan.scan(input), javascript.scan(input), 3)).toBeNull();
      }
    });
  }
});
