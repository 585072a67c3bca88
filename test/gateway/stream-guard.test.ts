import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamGuard, safeCut } from '../../lib/gateway/stream-guard.js';
import { PolicyEngine } from '../../lib/policy/engine.js';

const engine = new PolicyEngine({
  pack: { name: 'stream-test', version: '1' },
  policies: { chain: ['pii-detector'] },
  policy: { 'pii-detector': { action: 'redact' } },
});
afterAll(() => engine.close());
const evaluate = (t: string, c: object) => engine.evaluate(t, c);

function streamed(chunks: readonly string[]): { pieces: string[]; text: string } {
  const guard = new StreamGuard(evaluate, { direction: 'response' });
  const pieces: string[] = [];
  for (const c of chunks) {
    const step = guard.push(c);
    if (step.blocked) throw new Error('blocked');
    pieces.push(step.text);
  }
  const last = guard.end();
  if (last.blocked) throw new Error('blocked');
  pieces.push(last.text);
  return { pieces, text: pieces.join('') };
}

describe('safeCut', () => {
  it.each([
    ['Hello world', 6],
    ['Hello ', 6],
    ['card 4111 1111', 5],
    ['card 4111-1111-', 5],
    ['paid 42 dollars and', 5],
    ['a long sentence with no numbers at all and then some', 48],
    ['swipe ;4111111111111111=2512', 6],
    ['swipe ;4111111111111111=2512? done ', 7],
    ['x %B4111111111111111^DOE/JOHN', 2],
  ])('%j -> %i', (text, cut) => {
    expect(safeCut(text)).toBe(cut);
  });
});

describe('StreamGuard', () => {
  it('releases words as soon as the next one starts', () => {
    const guard = new StreamGuard(evaluate, {});
    expect(guard.push('Hello').blocked).toBe(false);
    const a = guard.push(' wor');
    const b = guard.push('ld and');
    expect([a.blocked ? '' : a.text, b.blocked ? '' : b.text]).toEqual(['Hello ', 'world ']);
    const end = guard.end();
    expect(end.blocked ? '' : end.text).toBe('and');
  });

  it('holds a card number until it is complete, then releases only the marker', () => {
    const { pieces, text } = streamed(['card 41', '11 1111 ', '1111 11', '11 ok', ' thanks']);
    expect(text).toBe(engine.evaluate('card 4111 1111 1111 1111 ok thanks').text);
    expect(text).toMatch(/^card \[REDACTED:PAN[^\]]*\] ok thanks$/);
    for (const p of pieces) expect(p.replace(/\[REDACTED:[^\]]*\]/g, '')).not.toMatch(/\d/);
  });

  it('redacts a CVV whose keyword was released earlier', () => {
    const { text } = streamed(['the cvv', ': ', '1', '23 is', ' on the back']);
    expect(text).toBe(engine.evaluate('the cvv: 123 is on the back').text);
    expect(text).not.toContain('123');
  });

  it('gives the same text as evaluating the whole answer, for every chunking (property)', () => {
    // Known limit (documented): context arriving more than AFTER_DIGIT_HOLD code units after a
    // value cannot change what was already released (e.g. an Amex PAN far after "cvv 123" changes
    // how the whole text reads it). The fragments here keep context within the hold window.
    const pans = ['4111111111111111', '5555555555554444', '6011111111111117', '3566002020360505'];
    const pan = fc.tuple(fc.constantFrom(...pans), fc.constantFrom('', ' ', '-')).map(([p, sep]) => (sep === '' ? p : p.replace(/(\d{4})(?=\d)/g, `$1${sep}`)));
    const fragment = fc.oneof(
      fc.constantFrom('hello', 'the', 'order', 'was', 'shipped', 'amount', 'EUR', '42', '2024-05-01', 'ok.', 'card:', 'number', '\n'),
      pan,
      fc.constantFrom('cvv: 123', 'CVC 987', 'exp 12/27', 'expiry 03/29'),
    );
    fc.assert(
      fc.property(
        fc.array(fragment, { minLength: 1, maxLength: 25 }).map((f) => f.join(' ')),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 40 }),
        (text, sizes) => {
          const chunks: string[] = [];
          let at = 0;
          for (let i = 0; at < text.length; i++) {
            const n = sizes[i % sizes.length]!;
            chunks.push(text.slice(at, at + n));
            at += n;
          }
          const whole = engine.evaluate(text, {});
          expect(streamed(chunks).text).toBe(whole.text);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('safeCut and a CVV still arriving', () => {
  it('holds a PAN back while the digits after it could still confirm it as a card', () => {
    // `EUR 4111…` alone reads as an amount; the CVV that follows makes it a card.
    expect(safeCut('EUR 4111111111111111 cvv: 1')).toBe(4);
  });
});
