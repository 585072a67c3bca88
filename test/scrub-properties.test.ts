/**
 * Invariants of scrubbing with the real detector: no card number survives, scrubbing is
 * idempotent, and the text and Buffer paths agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Detector } from '../lib/detectors/detector.js';
import { Scrubber } from '../lib/scrub.js';

const engine = 'javascript' as const;
const scrubber = Scrubber.create({ engine });
const detector = new Detector({ engine });

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Luhn-valid numbers inside issuer ranges (Visa 16, Mastercard 16, Amex 15, Discover 16). */
const pan = fc
  .tuple(fc.constantFrom(['4', 16], ['51', 16], ['55', 16], ['34', 15], ['37', 15], ['6011', 16]), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 }))
  .map(([[prefix, length], fill]) => {
    const body = (prefix + fill).slice(0, (length as number) - 1);
    return body + luhnDigit(body);
  });

const rendered = fc.tuple(pan, fc.constantFrom('', ' ', '-')).map(([digits, sep]) => (sep === '' ? digits : digits.match(/.{1,4}/g)!.join(sep)));
const words = fc.constantFrom('payment', 'card', 'refund for', 'customer', 'ok', 'INFO', 'status=200', 'visa', 'charged', 'café', '日本語の', 'naïve\tüber');
// Every card number has a word before it: two card numbers side by side in one digit run are a
// known detector gap (see the last test).
const text = fc
  .array(fc.tuple(words, fc.option(rendered, { nil: undefined })), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.map(([w, p]) => (p === undefined ? w : `${w} ${p}`)).join(' '));

describe('scrubbing invariants', () => {
  it('leaves no card number behind, in text or in bytes', () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = scrubber.scrubText(t).output;
        expect(detector.detect(out).filter((f) => f.type === 'pan')).toEqual([]);
        expect(scrubber.scrubBuffer(Buffer.from(t)).output.toString()).toBe(out);
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (t) => {
        const once = scrubber.scrubText(t).output;
        expect(scrubber.scrubText(once).output).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});

describe('known detector gap (lib/detectors): reported to the lead', () => {
  // Two space-grouped PANs separated by one space form one digit run; the card-window pass
  // reports neither. When the detector is fixed this test fails: turn it into a plain \`it\`.
  it('finds two space-grouped card numbers side by side', () => {
    const out = scrubber.scrubText('card 4111 1111 1111 1111 5555 5555 5555 4444').output;
    expect(out).toBe('card [REDACTED:PAN] [REDACTED:PAN]');
  });
});
