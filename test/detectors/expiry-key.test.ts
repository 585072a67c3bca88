/**
 * The expiry key grammar behind the engine's `exp` literal: `expiryValueAfterKey` finds where the
 * value starts (what triggers.ts should report for an `exp` hit), `expiryAtTrigger` parses it. Run
 * together on every `exp` of a text, they are what the detector reports once the `exp` trigger is
 * confirmed with `expiryValueAfterKey`; the cases are the open adversarial expiry cases (XML
 * elements, form brackets, format hints, month names) and the negatives around them.
 */
import { describe, expect, it } from 'vitest';
import { expiryAtTrigger, expiryGapEnd, expiryValueAfterKey } from '../../lib/detectors/expiry.js';

/** `[start, end)` of the expiry each `exp` of an ASCII text leads to. */
function expiries(text: string): [number, number][] {
  const b = Buffer.from(text, 'latin1');
  const out: [number, number][] = [];
  const lower = text.toLowerCase();
  for (let i = lower.indexOf('exp'); i >= 0; i = lower.indexOf('exp', i + 1)) {
    const at = expiryValueAfterKey(b, i + 3);
    const f = at >= 0 ? expiryAtTrigger(b, at, false) : undefined;
    if (f) out.push([f.start, f.end]);
  }
  return out;
}

describe('expiry values after an exp key', () => {
  it.each([
    ['<expiry>12/27</expiry>', [[8, 13]]],
    ['<ExpirationDate>12/2027</ExpirationDate>', [[16, 23]]],
    ['<expDate>1227</expDate>', [[9, 13]]],
    ['<Card><Expiry>2027-12</Expiry></Card>', [[14, 21]]],
    ['exp. date: 12/27', [[11, 16]]],
    ['Expiry Date (MM/YY): 12/27', [[21, 26]]],
    ['expiry (mm/yy) 12/27', [[15, 20]]],
    ['card[exp_month]=12&card[exp_year]=2027', [[16, 18], [34, 38]]],
    ['card%5Bexp_month%5D=12', [[20, 22]]],
    ['expiry: Dec 2027', [[8, 16]]],
    ['expiration: December 2027', [[12, 25]]],
    ['expires end of 12/27', [[15, 20]]],
    ['EXP12/27', [[3, 8]]],
    ['exp 12 27', [[4, 9]]],
    ['exp_mm_yy=1227', [[10, 14]]],
    ['Card number:\n4111 1111 1111 1111\nExpiry:\n12/27', [[41, 46]]],
  ] as const)('%s', (text, want) => {
    expect(expiries(text)).toEqual(want);
  });

  it.each([
    'export 2024 report',
    'regexp 12/27',
    'experience: 12 years',
    'expires in 12 days',
    'cache expiry 1230 s',
    'token expiry: 3600 seconds',
    'expiry: Decimal 2027',
    'expected 12/27',
    'interval expired\n2569549 Interconnect',
  ])('reports nothing for %s', (text) => {
    expect(expiries(text)).toEqual([]);
  });

  it('reads the value after a "valid thru" phrase through the same gap (XML elements)', () => {
    const b = Buffer.from('<ValidThru>12/27</ValidThru>', 'latin1');
    const at = expiryGapEnd(b, 10);
    expect(at).toBe(11);
    expect(expiryAtTrigger(b, at, true)).toMatchObject({ type: 'expiry', start: 11, end: 16 });
  });

  it('only accepts the value at the offset the key leads to', () => {
    const b = Buffer.from('<expiry>12/27</expiry>', 'latin1');
    expect(expiryValueAfterKey(b, 4)).toBe(8);
    expect(expiryAtTrigger(b, 9, false)).toBeUndefined();
    expect(expiryAtTrigger(b, 8, false)).toMatchObject({ type: 'expiry', start: 8, end: 13 });
  });
});
