import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPans, redactPans } from '../../bench/baselines/js-regex.js';
import { generatePan, luhnCheckDigit, prng } from '../../bench/lib/corpus.js';

describe('pure-JS baseline (bench/baselines/js-regex.js)', () => {
  it('finds public test cards of each brand with exact offsets, plain and grouped', () => {
    expect(findPans('card 4111 1111 1111 1111 ok')).toEqual([5, 24]);
    expect(findPans('mc=5555-5555-5555-4444;')).toEqual([3, 22]);
    expect(findPans('amex 378282246310005.')).toEqual([5, 20]);
    expect(findPans('disc 6011111111111117')).toEqual([5, 21]);
  });

  it('reports byte offsets for Buffers (latin1 keeps one unit per byte)', () => {
    expect(findPans(Buffer.from('\xe9t\xe9 4111111111111111', 'latin1'))).toEqual([4, 20]);
  });

  it('rejects Luhn failures, unknown issuers and digits glued to a longer run', () => {
    expect(findPans('4111111111111112')).toEqual([]);
    expect(findPans('9111111111111111')).toEqual([]);
    expect(findPans('blk_-41111111111111111234 and 14111111111111111')).toEqual([]);
  });

  it('redacts strings to strings and Buffers to Buffers', () => {
    expect(redactPans('a 4111111111111111 b 5555555555554444')).toBe('a [REDACTED:PAN] b [REDACTED:PAN]');
    const out = redactPans(Buffer.from('x 378282246310005 y'));
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.toString()).toBe('x [REDACTED:PAN] y');
  });

  it('finds every generated issuer-range number embedded in text, and none once its check digit is wrong', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom('', ' ', '-'), (seed, sep) => {
        const pan = generatePan(prng(seed));
        const printed = sep === '' ? pan : pan.match(/.{1,4}/g)!.join(sep);
        const text = `id=abc ${printed} ok`;
        expect(findPans(text)).toEqual([7, 7 + printed.length]);
        const wrong = pan.slice(0, -1) + String((Number(pan.at(-1)) + 1) % 10);
        expect(findPans(`id=abc ${wrong} ok`)).toEqual([]);
      }),
    );
  });

  it('agrees with the corpus generator on the Luhn check digit', () => {
    expect(luhnCheckDigit('411111111111111')).toBe(1);
    expect(luhnCheckDigit('37828224631000')).toBe(5);
  });
});
